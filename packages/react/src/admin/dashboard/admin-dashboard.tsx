// The operator's overview: a range picker (last 3, 6 or 12 months), the key figures for the range,
// and the revenue charts. The cards and the charts read one `GET /metrics` through the cache.

import { type ReactNode, useId, useState } from 'react';
import { sectionClass } from '../../ui/section-class.js';
import { RevenueCharts } from '../charts/revenue-charts.js';
import { useAdminContext } from '../provider/admin-context.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import { KpiCards } from './kpi-cards.js';
import { lastMonthsRange, type RangeMonths } from './metrics-range.js';
import { RangePicker } from './range-picker.js';
import { useMetrics } from './use-metrics.js';

export interface AdminDashboardProps {
  /**
   * The range shown first.
   * @default 12
   */
  initialMonths?: RangeMonths;
  className?: string;
}

/** Key figures (MRR, ARR, churn, ARPU, LTV, payments, refunds, disputes, net revenue) and revenue charts. */
export function AdminDashboard({ initialMonths = 12, className }: AdminDashboardProps): ReactNode {
  const { messages, now } = useAdminContext();
  const m = messages.dashboard;
  const headingId = useId();
  const [months, setMonths] = useState<RangeMonths>(initialMonths);
  const range = lastMonthsRange(months, now);
  const query = useMetrics(range);
  const metrics = query.metrics;
  const isEmpty = metrics !== undefined && metrics.subscribers.total === 0 && metrics.revenue === 0;

  return (
    <section className={sectionClass('billkit-admin-dashboard', className)} aria-labelledby={headingId}>
      <div className="billkit-admin-toolbar">
        <h2 id={headingId} className="billkit-heading">
          {m.heading}
        </h2>
        <RangePicker value={months} onChange={setMonths} />
      </div>
      <AdminQueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {isEmpty ? <p className="billkit-empty">{m.empty}</p> : null}
      {metrics && !isEmpty ? (
        <>
          <h3 className="billkit-visually-hidden">{m.kpisLabel}</h3>
          <KpiCards metrics={metrics} />
        </>
      ) : null}
      {metrics && !isEmpty ? (
        <RevenueCharts range={range} headingLevel={3} className="billkit-nested" />
      ) : null}
    </section>
  );
}
