// Budgets: a monthly cap on all spend or one provider's, alerts when spend crosses its thresholds
// (50 / 80 / 100 %) and when the last hour's spend rate jumps, each sent once per threshold and
// period however many processes evaluate at once: the store's `alerts.claim` decides who sends.

import { randomUUID } from 'node:crypto';
import {
  type BillingStore,
  type BudgetAlertRecord,
  type BudgetRecord,
  bucketStart,
  type Clock,
  type Granularity,
  type Logger,
  type Notifier,
  type UsageQuery,
} from '@billkit/core';
import { z } from 'zod';
import { decimalToMicros, formatMicros, isDecimal } from './decimal.js';
import { MissingExchangeRateError, parseMeteringInput } from './errors.js';
import { forecastMonthEnd } from './forecast.js';
import { currencySchema, type Fx } from './fx.js';
import { dayLabel, monthLabel, nextBucket } from './periods.js';
import type { BudgetAlert, BudgetInput, BudgetStatus, Metering } from './types.js';

const text = z.string().min(1).max(200);

export const budgetInputSchema = z.strictObject({
  id: text.optional(),
  provider: text.optional(),
  monthly: z
    .string()
    .refine(
      (amount) => /^\d{1,12}(\.\d{1,6})?$/.test(amount) && isDecimal(amount),
      'a decimal string with at most 6 decimals',
    )
    .refine((amount) => !/^0+(\.0+)?$/.test(amount), 'must be more than 0'),
  currency: currencySchema,
  thresholds: z
    .array(z.number().positive().max(1000))
    .min(1)
    .refine((values) => new Set(values).size === values.length, 'lists a threshold twice')
    .optional(),
});

const alertQuerySchema = z
  .strictObject({
    budgetId: text.optional(),
    period: z
      .string()
      .regex(/^\d{4}-\d{2}(-\d{2})?$/, "'YYYY-MM' or 'YYYY-MM-DD'")
      .optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .optional();

const DEFAULT_THRESHOLDS = [50, 80, 100];
/** The anomaly rule compares the last hour with the average hour of the 7 days before it. */
const HOUR_MS = 3_600_000;
const BASELINE_HOURS = 7 * 24;

export interface BudgetDependencies {
  store: BillingStore;
  clock: Clock;
  fx: Fx;
  logger: Logger;
  /** Currencies costs can be in (the price book's). */
  currencies: readonly string[];
  initial: readonly BudgetInput[];
  notifier?: Notifier | undefined;
  alertEmails: readonly string[];
  onAlert?: ((alert: BudgetAlert) => void | Promise<void>) | undefined;
  anomaly: { factor: number; minMicros: number } | false;
}

export type Budgets = Metering['budgets'] & {
  alerts: Metering['alerts'];
  /** Spend in `currency` over [from, to) of one budget's scope, from roll-ups of `granularity`. */
  spend(
    scope: BudgetRecord['scope'],
    range: { from: Date; to: Date; granularity: Granularity },
    currency: string,
  ): Promise<number>;
};

/** The record a budget input describes (its id, cap in micro-units, thresholds ascending). */
export function budgetRecordOf(
  input: z.infer<typeof budgetInputSchema>,
  createdAt: Date,
  now: Date,
): BudgetRecord {
  const scope: BudgetRecord['scope'] = input.provider
    ? { kind: 'provider', provider: input.provider }
    : { kind: 'overall' };
  return {
    id: input.id ?? (input.provider ? `provider:${input.provider}` : 'overall'),
    scope,
    amountMicros: decimalToMicros(input.monthly),
    currency: input.currency,
    thresholds: [...(input.thresholds ?? DEFAULT_THRESHOLDS)].sort((a, b) => a - b),
    createdAt,
    updatedAt: now,
  };
}

export function createBudgets(dependencies: BudgetDependencies): Budgets {
  const { store, clock, fx, logger } = dependencies;
  let synced: Promise<void> | null = null;

  const assertConvertible = (currency: string) => {
    for (const source of dependencies.currencies) {
      if (!fx.canConvert(source, currency)) throw new MissingExchangeRateError(source, currency);
    }
  };

  const write = async (input: z.infer<typeof budgetInputSchema>): Promise<BudgetRecord> => {
    assertConvertible(input.currency);
    const now = clock.now();
    const id = input.id ?? (input.provider ? `provider:${input.provider}` : 'overall');
    const existing = await store.metering.budgets.get(id);
    const record = budgetRecordOf(input, existing?.createdAt ?? now, now);
    await store.metering.budgets.put(record);
    return record;
  };

  /** The budgets declared in options reach the store on first use (once per process). */
  const ready = (): Promise<void> => {
    synced ??= (async () => {
      for (const input of dependencies.initial)
        await write(parseMeteringInput(budgetInputSchema, input, 'budgets'));
    })().catch((error: unknown) => {
      synced = null;
      throw error;
    });
    return synced;
  };

  const spend: Budgets['spend'] = async (scope, range, currency) => {
    const query: UsageQuery = { ...range, groupBy: [] };
    if (scope.kind === 'provider') query.where = { provider: scope.provider };
    const rows = await store.metering.usage(query);
    const bySource = new Map<string, number>();
    for (const row of rows) bySource.set(row.currency, (bySource.get(row.currency) ?? 0) + row.costMicros);
    let total = 0;
    for (const [source, micros] of bySource) total += fx.convert(micros, source, currency);
    return total;
  };

  const monthToDate = (budget: BudgetRecord, now: Date) => {
    const from = bucketStart(now, 'month');
    return spend(
      budget.scope,
      { from, to: nextBucket(from, 'month'), granularity: 'month' },
      budget.currency,
    );
  };

  const deliver = async (alert: BudgetAlert) => {
    const { budget } = alert;
    const data = {
      budgetId: budget.id,
      scope: budget.scope.kind,
      provider: budget.scope.kind === 'provider' ? budget.scope.provider : null,
      kind: alert.kind,
      period: alert.period,
      threshold: alert.threshold,
      currency: budget.currency,
      amount: formatMicros(budget.amountMicros),
      spent: formatMicros(alert.spentMicros),
      forecast: formatMicros(alert.forecastMicros),
      amountMicros: budget.amountMicros,
      spentMicros: alert.spentMicros,
      forecastMicros: alert.forecastMicros,
      percent: percentOf(alert.spentMicros, budget.amountMicros),
      lastHourMicros: alert.rate?.lastHourMicros ?? null,
      averageHourMicros: alert.rate?.averageHourMicros ?? null,
      at: alert.at.toISOString(),
    };
    const key = `usage.budget_alert:${budget.id}:${alert.period}:${alert.kind}:${alert.threshold}`;
    const recipients: Array<string | null> =
      dependencies.alertEmails.length > 0 ? [...dependencies.alertEmails] : [null];
    const deliveries: Array<() => void | Promise<void>> = recipients.map(
      (email) => () =>
        dependencies.notifier?.notify({
          kind: 'usage.budget_alert',
          userId: 'system',
          email,
          audience: 'admin',
          data,
          // One key per address: the notifier sends a key once.
          key: email === null ? key : `${key}:${email}`,
        }),
    );
    if (dependencies.onAlert) deliveries.push(() => dependencies.onAlert?.(structuredClone(alert)));
    for (const send of deliveries) {
      try {
        await send();
      } catch (error) {
        // The alert is claimed already (so no other process sends it): tell the operator's logs.
        logger.error('metering: a budget alert could not be delivered', {
          budgetId: budget.id,
          period: alert.period,
          kind: alert.kind,
          threshold: alert.threshold,
          error: String(error),
        });
      }
    }
  };

  const claim = async (alert: BudgetAlert): Promise<boolean> => {
    const record: BudgetAlertRecord = {
      id: randomUUID(),
      budgetId: alert.budget.id,
      period: alert.period,
      threshold: alert.threshold,
      kind: alert.kind,
      spentMicros: alert.spentMicros,
      at: alert.at,
    };
    return store.metering.alerts.claim(record);
  };

  const anomalyOf = async (
    budget: BudgetRecord,
    now: Date,
    forecastMicros: number,
  ): Promise<BudgetAlert | null> => {
    if (dependencies.anomaly === false) return null;
    const { factor, minMicros } = dependencies.anomaly;
    const hourEnd = bucketStart(now, 'hour');
    const hourStart = new Date(hourEnd.getTime() - HOUR_MS);
    const baselineStart = new Date(hourStart.getTime() - BASELINE_HOURS * HOUR_MS);
    const [lastHourMicros, baselineMicros] = await Promise.all([
      spend(budget.scope, { from: hourStart, to: hourEnd, granularity: 'hour' }, budget.currency),
      spend(budget.scope, { from: baselineStart, to: hourStart, granularity: 'hour' }, budget.currency),
    ]);
    if (lastHourMicros < minMicros || lastHourMicros * BASELINE_HOURS <= factor * baselineMicros) return null;
    const dayStart = bucketStart(now, 'day');
    const daySpend = await spend(
      budget.scope,
      { from: dayStart, to: nextBucket(dayStart, 'day'), granularity: 'day' },
      budget.currency,
    );
    return {
      kind: 'anomaly',
      budget,
      period: dayLabel(now),
      threshold: 0,
      spentMicros: daySpend,
      forecastMicros,
      rate: { lastHourMicros, averageHourMicros: Math.round(baselineMicros / BASELINE_HOURS) },
      at: now,
    };
  };

  const evaluateOne = async (budget: BudgetRecord, now: Date): Promise<BudgetAlert[]> => {
    const spentMicros = await monthToDate(budget, now);
    const forecastMicros = forecastMonthEnd(spentMicros, now);
    const due: BudgetAlert[] = budget.thresholds
      .filter((threshold) => spentMicros * 100 >= threshold * budget.amountMicros)
      .map((threshold) => ({
        kind: 'threshold',
        budget,
        period: monthLabel(now),
        threshold,
        spentMicros,
        forecastMicros,
        at: now,
      }));
    const anomaly = await anomalyOf(budget, now, forecastMicros);
    if (anomaly) due.push(anomaly);
    const sent: BudgetAlert[] = [];
    for (const alert of due) {
      if (!(await claim(alert))) continue;
      sent.push(alert);
      await deliver(alert);
    }
    return sent;
  };

  return {
    async list(): Promise<BudgetStatus[]> {
      await ready();
      const now = clock.now();
      const budgets = await store.metering.budgets.list();
      return Promise.all(
        budgets.map(async (budget) => {
          const period = monthLabel(now);
          const [spentMicros, alerts] = await Promise.all([
            monthToDate(budget, now),
            store.metering.alerts.list({ budgetId: budget.id, period }),
          ]);
          return {
            budget,
            period,
            spentMicros,
            percent: percentOf(spentMicros, budget.amountMicros),
            forecastMicros: forecastMonthEnd(spentMicros, now),
            alerts,
          };
        }),
      );
    },
    async put(input) {
      const parsed = parseMeteringInput(budgetInputSchema, input, 'budgets.put');
      await ready();
      return write(parsed);
    },
    async create(input) {
      const parsed = parseMeteringInput(budgetInputSchema, input, 'budgets.create');
      assertConvertible(parsed.currency);
      await ready();
      const now = clock.now();
      const record = budgetRecordOf(parsed, now, now);
      return (await store.metering.budgets.create(record)) ? record : null;
    },
    async delete(id) {
      parseMeteringInput(text, id, 'budgets.delete');
      await ready();
      return store.metering.budgets.delete(id);
    },
    async evaluate() {
      await ready();
      const now = clock.now();
      const budgets = await store.metering.budgets.list();
      const sent: BudgetAlert[] = [];
      for (const budget of budgets) {
        try {
          sent.push(...(await evaluateOne(budget, now)));
        } catch (error) {
          // One budget that cannot be evaluated (a currency without a rate) does not stop the others.
          logger.error('metering: a budget could not be evaluated', {
            budgetId: budget.id,
            error: String(error),
          });
        }
      }
      return sent;
    },
    alerts: {
      async list(query) {
        const parsed = parseMeteringInput(alertQuerySchema, query, 'alerts.list');
        return store.metering.alerts.list(parsed);
      },
    },
    spend,
  };
}

/** spent / amount in percent, two decimals. */
function percentOf(spentMicros: number, amountMicros: number): number {
  return Math.round((spentMicros * 10_000) / amountMicros) / 100;
}
