// The operator's view of API spend: a range picker (this month, last 3 or 12 months), the range's key
// figures, the budgets with this month's spend against each cap (managed here unless read-only), cost
// by provider over time with the month-end forecast, and the costliest customers with their quotas.
// The cards, the chart's forecast and the CSV link share one `GET /usage/summary` through the cache.

import { type ReactNode, useId, useState } from 'react';
import { sectionClass } from '../../ui/section-class.js';
import { useAdminContext } from '../provider/admin-context.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import { BudgetsEditor } from './budgets-editor.js';
import { UsageCostChart } from './usage-cost-chart.js';
import { UsageCustomersTable } from './usage-customers-table.js';
import { UsageKpiCards } from './usage-kpi-cards.js';
import { granularityFor, type UsageRangeMonths, usageRange } from './usage-range.js';
import { UsageRangePicker } from './usage-range-picker.js';
import { useUsageSummary } from './use-usage.js';

export interface ApiUsageDashboardProps {
  /**
   * The range shown first: 1 is this month so far.
   * @default 1
   */
  initialMonths?: UsageRangeMonths;
  /** The address of a customer's page: customer ids in the top customers become links to it. */
  customerHref?(customerId: string): string;
  /**
   * Whether budgets can be created, changed and deleted here (false: the bars only).
   * @default true
   */
  manageBudgets?: boolean;
  className?: string;
}

/** Spend against budgets, cost by provider over time with a forecast, top customers and their quotas. */
export function ApiUsageDashboard({
  initialMonths = 1,
  customerHref,
  manageBudgets = true,
  className,
}: ApiUsageDashboardProps): ReactNode {
  const { messages, now, client } = useAdminContext();
  const m = messages.usage;
  const headingId = useId();
  const [months, setMonths] = useState<UsageRangeMonths>(initialMonths);
  const range = usageRange(months, now);
  const query = useUsageSummary(range);
  const summary = query.summary;
  const isEmpty = summary !== undefined && summary.count === 0 && summary.costMicros === 0;
  const hasUsage = summary !== undefined && !isEmpty;

  return (
    <section className={sectionClass('billkit-usage-dashboard', className)} aria-labelledby={headingId}>
      <div className="billkit-admin-toolbar">
        <h2 id={headingId} className="billkit-heading">
          {m.heading}
        </h2>
        <UsageRangePicker value={months} onChange={setMonths} />
      </div>
      <AdminQueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {isEmpty ? <p className="billkit-empty">{m.empty}</p> : null}
      {hasUsage ? (
        <>
          <h3 className="billkit-visually-hidden">{m.kpisLabel}</h3>
          <UsageKpiCards summary={summary} />
          <p className="billkit-usage-downloads">
            <a className="billkit-link" href={client.usageCostsCsvUrl(range)} download>
              {m.downloadCsv}
            </a>
          </p>
        </>
      ) : null}
      <BudgetsEditor
        headingLevel={3}
        className="billkit-nested"
        readOnly={!manageBudgets}
        {...(summary ? { defaultCurrency: summary.currency } : {})}
      />
      {hasUsage ? (
        <UsageCostChart
          range={range}
          granularity={granularityFor(months)}
          headingLevel={3}
          className="billkit-nested"
        />
      ) : null}
      {hasUsage ? (
        <UsageCustomersTable
          range={range}
          headingLevel={3}
          className="billkit-nested"
          {...(customerHref ? { customerHref } : {})}
        />
      ) : null}
    </section>
  );
}
