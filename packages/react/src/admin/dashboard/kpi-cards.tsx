// The dashboard's key figures as cards: each a term (MRR), its value ($12,345.00) and a line that
// says what it counts. One description list, so a screen reader reads them as pairs.

import type { ReactNode } from 'react';
import { useAdminContext } from '../provider/admin-context.js';
import type { MetricsJson } from '../wire.js';

export interface KpiCardsProps {
  metrics: MetricsJson;
}

interface Card {
  key: string;
  label: string;
  value: string;
  hint: string;
}

/** MRR, ARR, paying customers, churn, ARPU, LTV, payment success, recovery, refunds, disputes, net revenue. */
export function KpiCards({ metrics }: KpiCardsProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.dashboard;
  const money = (amount: number) => format.money(amount, metrics.currency);
  const rate = (value: number | null) =>
    value === null ? messages.common.notAvailable : format.percent(value);

  const cards: Card[] = [
    { key: 'mrr', label: m.mrr, value: money(metrics.mrr), hint: m.mrrHint },
    { key: 'arr', label: m.arr, value: money(metrics.arr), hint: m.arrHint },
    {
      key: 'paying',
      label: m.payingCustomers,
      value: format.count(metrics.payingCustomers),
      hint: m.payingCustomersHint(metrics.subscribers.total),
    },
    {
      key: 'churn',
      label: m.churn,
      value: rate(metrics.churnRate),
      hint: m.churnHint(rate(metrics.revenueChurnRate)),
    },
    { key: 'arpu', label: m.arpu, value: money(metrics.arpu), hint: m.arpuHint },
    {
      key: 'ltv',
      label: m.ltv,
      value: metrics.ltv === null ? messages.common.notAvailable : money(metrics.ltv),
      hint: m.ltvHint,
    },
    {
      key: 'payment-success',
      label: m.paymentSuccess,
      value: rate(metrics.paymentSuccessRate),
      hint: m.paymentSuccessHint,
    },
    {
      key: 'recovery',
      label: m.recovery,
      value: rate(metrics.recoveryRate),
      hint: m.recoveryHint(
        metrics.averageHoursToRecover === null ? null : m.hours(metrics.averageHoursToRecover),
      ),
    },
    {
      key: 'refunds',
      label: m.refunds,
      value: money(metrics.refunds.amount),
      hint: m.refundsHint(metrics.refunds.count),
    },
    {
      key: 'disputes',
      label: m.disputes,
      value: money(metrics.disputes.amount),
      hint: m.disputesHint(metrics.disputes.count, metrics.disputes.lost),
    },
    {
      key: 'net',
      label: m.netRevenue,
      value: money(metrics.net),
      hint: m.netRevenueHint(money(metrics.revenue), money(metrics.fees)),
    },
  ];

  return (
    <dl className="billkit-kpis">
      {cards.map((card) => (
        <div key={card.key} className={`billkit-kpi billkit-kpi--${card.key}`}>
          <dt className="billkit-kpi-label">{card.label}</dt>
          <dd className="billkit-kpi-value">{card.value}</dd>
          <dd className="billkit-kpi-hint">{card.hint}</dd>
        </div>
      ))}
    </dl>
  );
}
