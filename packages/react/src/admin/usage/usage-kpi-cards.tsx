// The usage dashboard's key figures as cards, like the billing dashboard's: the range's spend in the
// reporting currency, calls and failures, the average cost of a call (sub-cent: "$0.0042"), the
// customers served, and this month's spend forecast at month end.

import type { ReactNode } from 'react';
import { useAdminContext } from '../provider/admin-context.js';
import type { UsageSummaryJson } from '../wire.js';

export interface UsageKpiCardsProps {
  summary: UsageSummaryJson;
}

interface Card {
  key: string;
  label: string;
  value: string;
  hint: string;
}

/** Spend, calls, cost per call, customers and the month-end forecast. */
export function UsageKpiCards({ summary }: UsageKpiCardsProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.usage;
  const money = (micros: number) => format.micros(micros, summary.currency);
  const failureRate =
    summary.count === 0 ? messages.common.notAvailable : format.percent(summary.failures / summary.count);
  const { forecast } = summary;

  const cards: Card[] = [
    {
      key: 'spend',
      label: m.spend,
      value: money(summary.costMicros),
      hint: m.spendHint(summary.currency),
    },
    {
      key: 'calls',
      label: m.calls,
      value: format.count(summary.count),
      hint: m.callsHint(format.count(summary.failures), failureRate),
    },
    {
      key: 'cost-per-call',
      label: m.costPerCall,
      value:
        summary.count === 0
          ? messages.common.notAvailable
          : money(Math.round(summary.costMicros / summary.count)),
      hint: m.costPerCallHint,
    },
    {
      key: 'customers',
      label: m.customers,
      value: format.count(summary.customers),
      hint: m.customersHint,
    },
    {
      key: 'forecast',
      label: m.forecast,
      value: format.micros(forecast.forecastMicros, forecast.currency),
      hint: m.forecastHint(
        format.month(forecast.period),
        format.micros(forecast.spentMicros, forecast.currency),
      ),
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
