// The budget alerts sent, newest first: when, what kind (a threshold crossed, or a spend-rate
// anomaly), the budget, its period, the percentage crossed and the spend then, with a filter by
// budget. Budgets are read for their names and currencies; an alert of a deleted budget keeps its id.

import { type ReactNode, useId, useState } from 'react';
import { sectionClass } from '../../ui/section-class.js';
import { type BadgeTone, StatusBadge } from '../../ui/status-badge.js';
import { useAdminContext } from '../provider/admin-context.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import type { BudgetAlertJson, BudgetJson } from '../wire.js';
import { budgetName } from './usage-names.js';
import { useBudgetAlerts } from './use-budget-alerts.js';
import { useBudgets } from './use-budgets.js';

export interface BudgetAlertsProps {
  /** The budget the list starts filtered by ('' for all). */
  initialBudgetId?: string;
  /**
   * How many alerts to show, 1 to 100.
   * @default 50
   */
  limit?: number;
  /**
   * The level of the section's heading: 3 inside a page that already has an h2.
   * @default 2
   */
  headingLevel?: 2 | 3;
  className?: string;
}

/** Threshold and anomaly alerts sent for the budgets, newest first. */
export function BudgetAlerts(props: BudgetAlertsProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.alerts;
  const headingId = useId();
  const filterId = useId();
  const [budgetId, setBudgetId] = useState(props.initialBudgetId ?? '');
  const query = useBudgetAlerts({ ...(budgetId ? { budgetId } : {}), limit: props.limit ?? 50 });
  const { budgets } = useBudgets();
  const byId = new Map((budgets ?? []).map((status) => [status.budget.id, status.budget]));
  const alerts = query.alerts;
  const Heading = `h${props.headingLevel ?? 2}` as const;

  const name = (alert: BudgetAlertJson) => {
    const budget = byId.get(alert.budgetId);
    if (budget) return budgetName(budget, messages);
    return budgets ? m.deletedBudget(alert.budgetId) : alert.budgetId;
  };

  return (
    <section className={sectionClass('billkit-budget-alerts', props.className)} aria-labelledby={headingId}>
      <Heading id={headingId} className="billkit-heading">
        {m.heading}
      </Heading>
      {budgets && budgets.length > 0 ? (
        <div className="billkit-admin-filters">
          <div className="billkit-field">
            <label htmlFor={filterId} className="billkit-label">
              {m.filterLabel}
            </label>
            <select
              id={filterId}
              className="billkit-input"
              value={budgetId}
              onChange={(event) => setBudgetId(event.target.value)}
            >
              <option value="">{m.anyBudget}</option>
              {budgets.map((status) => (
                <option key={status.budget.id} value={status.budget.id}>
                  {budgetName(status.budget, messages)}
                </option>
              ))}
            </select>
          </div>
        </div>
      ) : null}
      <AdminQueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {alerts?.length === 0 ? <p className="billkit-empty">{m.empty}</p> : null}
      {alerts && alerts.length > 0 ? (
        <div className="billkit-table-scroll">
          <table className="billkit-table billkit-admin-table">
            <caption className="billkit-visually-hidden">{m.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.when}</th>
                <th scope="col">{m.kind}</th>
                <th scope="col">{m.budget}</th>
                <th scope="col">{m.period}</th>
                <th scope="col">{m.threshold}</th>
                <th scope="col" className="billkit-numeric">
                  {m.spent}
                </th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((alert) => (
                <tr key={alert.id}>
                  <th scope="row">{format.dateTime(alert.at)}</th>
                  <td>
                    <StatusBadge tone={alertTone(alert)}>{m.kinds[alert.kind]}</StatusBadge>
                  </td>
                  <td>{name(alert)}</td>
                  <td>{alert.period.length > 7 ? format.day(alert.period) : format.month(alert.period)}</td>
                  <td>
                    {alert.kind === 'anomaly' ? m.anomalyThreshold : format.percent(alert.threshold / 100)}
                  </td>
                  <td className="billkit-numeric">{spentText(alert, byId.get(alert.budgetId))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );

  function spentText(alert: BudgetAlertJson, budget: BudgetJson | undefined): string {
    if (budget) return format.micros(alert.spentMicros, budget.currency);
    // The alert carries no currency: a deleted budget's spend is shown as a bare amount.
    const amount = new Intl.NumberFormat(format.locale, {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    return m.unknownCurrency(amount.format(alert.spentMicros / 1_000_000));
  }
}

/** A spike or a spent budget is urgent; crossing a lower mark is a warning. */
function alertTone(alert: BudgetAlertJson): BadgeTone {
  if (alert.kind === 'anomaly' || alert.threshold >= 100) return 'danger';
  return 'warning';
}
