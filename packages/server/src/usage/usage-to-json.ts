// Metering's records as the contract's wire shapes: Dates as ISO strings, absent optional fields
// as null. Each mapper names every field, so a
// field metering adds later is not published until the contract says so.

import type { BudgetAlertRecord, BudgetRecord } from '@billkit/core';
import type { BudgetStatus, CostRow, PriceBook } from '@billkit/metering';
import type {
  UsageAlertJson,
  UsageBudgetJson,
  UsageBudgetStatusJson,
  UsageCostRowJson,
  UsageDimensionJson,
  UsagePriceEntryJson,
} from '../contract/index.js';

/** A cost row's value of a wire dimension (null when the calls had none). */
export function dimensionValue(row: CostRow, dimension: UsageDimensionJson): string | null {
  return row[dimension] ?? null;
}

export function budgetJson(budget: BudgetRecord): UsageBudgetJson {
  return {
    id: budget.id,
    scope:
      budget.scope.kind === 'provider'
        ? { kind: 'provider', provider: budget.scope.provider }
        : { kind: 'overall' },
    amountMicros: budget.amountMicros,
    currency: budget.currency,
    thresholds: [...budget.thresholds],
    createdAt: budget.createdAt.toISOString(),
    updatedAt: budget.updatedAt.toISOString(),
  };
}

export function alertJson(alert: BudgetAlertRecord): UsageAlertJson {
  return {
    id: alert.id,
    budgetId: alert.budgetId,
    period: alert.period,
    threshold: alert.threshold,
    kind: alert.kind,
    spentMicros: alert.spentMicros,
    at: alert.at.toISOString(),
  };
}

export function budgetStatusJson(status: BudgetStatus): UsageBudgetStatusJson {
  return {
    budget: budgetJson(status.budget),
    period: status.period,
    spentMicros: status.spentMicros,
    percent: status.percent,
    forecastMicros: status.forecastMicros,
    alerts: status.alerts.map(alertJson),
  };
}

/** A cost row with the grouped dimensions only (those metering set on it). */
export function costRowJson(row: CostRow, groupBy: readonly UsageDimensionJson[]): UsageCostRowJson {
  const dimensions: Partial<Record<UsageDimensionJson, string | null>> = {};
  for (const dimension of groupBy) dimensions[dimension] = dimensionValue(row, dimension);
  return {
    ...dimensions,
    currency: row.currency,
    costMicros: row.costMicros,
    count: row.count,
    failures: row.failures,
    units: { ...row.units },
  };
}

export function priceEntryJson(entry: PriceBook['entries'][number]): UsagePriceEntryJson {
  return {
    provider: entry.provider,
    operation: entry.operation,
    model: entry.model ?? null,
    unit: entry.unit,
    price: entry.price,
    per: entry.per,
    currency: entry.currency,
    from: entry.from,
    to: entry.to ?? null,
  };
}
