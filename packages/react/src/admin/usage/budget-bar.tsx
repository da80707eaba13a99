// One budget this month: what it covers, a badge (on track, on course to go over, nearly spent, over
// budget), "spent of cap (percent)", and a bar with a mark at each alert percentage and a marker
// where the month-end forecast lands. The bar repeats the sentences, so it is hidden from assistive
// technology; its scale reaches past 100 % when the spend or the forecast does (up to 150 %).

import type { ReactNode } from 'react';
import { type BadgeTone, StatusBadge } from '../../ui/status-badge.js';
import { useAdminContext } from '../provider/admin-context.js';
import type { BudgetStatusJson } from '../wire.js';
import { budgetName } from './usage-names.js';

export interface BudgetBarProps {
  status: BudgetStatusJson;
  /** The budget's name is a heading of this level. */
  headingLevel: 3 | 4;
  /** Buttons beside the name (edit, delete). */
  actions?: ReactNode;
}

/** The bar's scale never ends before 100 % nor after this. */
const MAX_SCALE = 150;
const NEARLY_SPENT = 80;

/** Where the bar's scale ends, in percent of the cap: the furthest of 100 %, the spend, the forecast and the marks. */
function budgetScale(status: BudgetStatusJson): number {
  const furthest = Math.max(100, status.percent, forecastPercent(status), ...status.budget.thresholds);
  return Math.min(MAX_SCALE, furthest);
}

/** The month-end forecast in percent of the cap. */
function forecastPercent(status: BudgetStatusJson): number {
  if (status.budget.amountMicros <= 0) return 0;
  return (status.forecastMicros / status.budget.amountMicros) * 100;
}

type Standing = 'over' | 'near' | 'exceeding' | 'fine';

function standingOf(status: BudgetStatusJson): Standing {
  if (status.percent >= 100) return 'over';
  if (status.percent >= NEARLY_SPENT) return 'near';
  if (forecastPercent(status) >= 100) return 'exceeding';
  return 'fine';
}

const TONES: Record<Standing, BadgeTone> = {
  over: 'danger',
  near: 'warning',
  exceeding: 'warning',
  fine: 'success',
};

export function BudgetBar({ status, headingLevel, actions }: BudgetBarProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.budgets;
  const { budget } = status;
  const money = (micros: number) => format.micros(micros, budget.currency);
  const percent = (value: number) => format.percent(value / 100);
  const scale = budgetScale(status);
  const at = (value: number) => `${(Math.min(Math.max(value, 0), scale) / scale) * 100}%`;
  const standing = standingOf(status);
  const forecast = forecastPercent(status);
  const Heading = `h${headingLevel}` as const;

  return (
    <li className={`billkit-budget billkit-budget--${standing}`}>
      <div className="billkit-budget-header">
        <Heading className="billkit-budget-name">{budgetName(budget, messages)}</Heading>
        <StatusBadge tone={TONES[standing]}>{m.status[standing]}</StatusBadge>
        {actions ? <div className="billkit-row-actions billkit-budget-actions">{actions}</div> : null}
      </div>
      <p className="billkit-budget-figures">
        <span className="billkit-visually-hidden">{m.period(format.month(status.period))}: </span>
        {m.ofCap(money(status.spentMicros), money(budget.amountMicros), percent(status.percent))}
      </p>
      <div className="billkit-budget-bar" aria-hidden="true">
        <div className="billkit-budget-fill" style={{ width: at(status.percent) }} />
        {budget.thresholds.map((threshold) => (
          <span key={threshold} className="billkit-budget-mark" style={{ left: at(threshold) }} />
        ))}
        <span className="billkit-budget-forecast-marker" style={{ left: at(forecast) }} />
      </div>
      <p className="billkit-budget-forecast">{m.forecast(money(status.forecastMicros), percent(forecast))}</p>
      <p className="billkit-hint">
        {m.marks(budget.thresholds.map((threshold) => percent(threshold)).join(', '))}
        {status.alerts.length > 0 ? ` · ${m.alertsThisMonth(status.alerts.length)}` : ''}
      </p>
    </li>
  );
}
