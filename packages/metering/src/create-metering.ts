// createMetering: the host's one entry point. It validates the options, then wires the write path
// (record → price → buffer → store), quotas, budgets, providers and reports around one store.

import { randomUUID } from 'node:crypto';
import {
  type BillingStore,
  bucketStart,
  type Clock,
  type Logger,
  silentLogger,
  systemClock,
  type UsageEventRecord,
} from '@billkit/core';
import { z } from 'zod';
import { budgetInputSchema, createBudgets } from './budgets.js';
import { MissingExchangeRateError, parseMeteringInput } from './errors.js';
import { forecastMonthEnd } from './forecast.js';
import { createFx, currencySchema, fxTableSchema } from './fx.js';
import { monthLabel, nextBucket } from './periods.js';
import { createProviders, providerRoutesSchema } from './providers.js';
import { createQuotas, quotaOptionsSchema } from './quotas.js';
import { createRecorder, type WriteResult } from './recorder.js';
import { createReports } from './reports.js';
import type { Metering, MeteringOptions, PriceBook, UsageInput } from './types.js';
import { wrapCall } from './wrap.js';

const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

const text = z.string().min(1).max(200);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
  message: 'a function',
});

const optionsSchema = z.strictObject({
  store: z.custom<BillingStore>((value) => isObject(value) && isObject(value.metering), {
    message: 'a BillingStore with metering tables',
  }),
  priceBook: z.custom<PriceBook>(
    (value) => isObject(value) && typeof value.cost === 'function' && Array.isArray(value.entries),
    { message: 'a price book from definePriceBook' },
  ),
  budgets: z.array(budgetInputSchema).optional(),
  notifier: z
    .custom<NonNullable<MeteringOptions['notifier']>>(
      (value) => isObject(value) && typeof value.notify === 'function',
      { message: 'a Notifier' },
    )
    .optional(),
  alertEmails: z.array(z.email()).max(50).optional(),
  onAlert: fn.optional(),
  clock: z
    .custom<Clock>((value) => isObject(value) && typeof value.now === 'function', { message: 'a Clock' })
    .optional(),
  logger: z
    .custom<Logger>((value) => isObject(value) && typeof value.error === 'function', { message: 'a Logger' })
    .optional(),
  fx: fxTableSchema.optional(),
  batch: z
    .strictObject({
      size: z.number().int().min(1).max(100_000).optional(),
      concurrency: z.number().int().min(1).max(16).optional(),
      intervalMs: z.number().int().min(1).max(86_400_000).optional(),
      maxBuffered: z.number().int().min(1).optional(),
      retryMs: z.number().int().min(0).max(60_000).optional(),
      closeAttempts: z.number().int().min(1).max(100).optional(),
    })
    .optional(),
  quotas: quotaOptionsSchema.optional(),
  providers: providerRoutesSchema.optional(),
  retention: z
    .strictObject({
      eventsDays: z.number().int().min(1).optional(),
      minuteDays: z.number().int().min(1).optional(),
    })
    .optional(),
  anomaly: z
    .union([
      z.literal(false),
      z.strictObject({
        factor: z.number().positive().optional(),
        minMicros: z.number().int().min(0).optional(),
      }),
    ])
    .optional(),
});

const usageSchema = z.strictObject({
  provider: text,
  operation: text,
  model: text.optional(),
  units: z
    .record(z.string().min(1).max(100), z.number().int().min(0))
    .refine((units) => Object.keys(units).length > 0, 'needs at least one unit'),
  customerId: text.optional(),
  feature: text.optional(),
  region: text.optional(),
  at: z.date().optional(),
  idempotencyKey: text.optional(),
  durationMs: z.number().min(0).optional(),
  success: z.boolean().optional(),
});

const forecastQuerySchema = z
  .strictObject({ at: z.date().optional(), currency: currencySchema.optional() })
  .optional();

/**
 * Meters the host's spend on external APIs over the engine's store.
 *
 * @example
 * const metering = createMetering({ store, priceBook: defaultPriceBook(), budgets: [{ monthly: '500.00', currency: 'USD' }] });
 * const chat = metering.wrap((body) => openai.chat.completions.create(body), { provider: 'openai', operation: 'chat' });
 */
export function createMetering(options: MeteringOptions): Metering {
  const parsed = parseMeteringInput(optionsSchema, options, 'createMetering');
  const { store, priceBook } = options;
  const clock = options.clock ?? systemClock();
  const logger = options.logger ?? silentLogger();
  const fx = createFx(parsed.fx);
  const bookCurrency = priceBook.entries[0]?.currency ?? 'USD';
  const currencies = [...new Set(priceBook.entries.map((entry) => entry.currency))];
  const retention = { eventsDays: 90, minuteDays: 7, ...parsed.retention };
  const anomaly =
    parsed.anomaly === false ? false : { factor: 3, minMicros: 1_000_000, ...(parsed.anomaly ?? {}) };
  let unpriced = 0;
  let lastPruneMs = Number.NEGATIVE_INFINITY;

  const quotas = createQuotas({
    store,
    clock,
    logger,
    options: options.quotas ?? {},
    exclusive: (read) => recorder.exclusive(read),
    pending: () => recorder.pending(),
  });

  const budgets = createBudgets({
    store,
    clock,
    fx,
    logger,
    currencies,
    initial: options.budgets ?? [],
    notifier: options.notifier,
    alertEmails: parsed.alertEmails ?? [],
    onAlert: options.onAlert,
    anomaly,
  });
  for (const budget of parsed.budgets ?? []) {
    for (const currency of currencies) {
      if (!fx.canConvert(currency, budget.currency))
        throw new MissingExchangeRateError(currency, budget.currency);
    }
  }

  const prune = async () => {
    const now = clock.now().getTime();
    lastPruneMs = now;
    const events = await store.metering.pruneEvents(new Date(now - retention.eventsDays * DAY_MS));
    const minuteRollups = await store.metering.pruneRollups(
      'minute',
      new Date(now - retention.minuteDays * DAY_MS),
    );
    return { events, minuteRollups };
  };

  /** After writes: budgets, then retention at most hourly; one run at a time, at most one queued. */
  let afterWrites: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  const runAfterWrites = async () => {
    queued = null;
    try {
      await budgets.evaluate();
    } catch (error) {
      logger.error('metering: evaluating budgets failed', { error: String(error) });
    }
    if (clock.now().getTime() - lastPruneMs < PRUNE_EVERY_MS) return;
    try {
      await prune();
    } catch (error) {
      logger.error('metering: pruning old usage failed', { error: String(error) });
    }
  };
  const scheduleAfterWrites = () => {
    if (queued) return;
    queued = afterWrites.then(runAfterWrites);
    afterWrites = queued;
  };

  const onWritten = (events: readonly UsageEventRecord[], result: WriteResult) => {
    for (const event of duplicateCopies(events, result)) quotas.onDuplicate(event);
    scheduleAfterWrites();
  };

  const recorder = createRecorder({
    write: (events) => store.metering.recordBatch(events),
    batchSize: parsed.batch?.size ?? 1000,
    concurrency: parsed.batch?.concurrency ?? 2,
    intervalMs: parsed.batch?.intervalMs ?? 1000,
    maxBuffered: parsed.batch?.maxBuffered ?? 10_000,
    retryMs: parsed.batch?.retryMs ?? 250,
    closeAttempts: parsed.batch?.closeAttempts ?? 5,
    onAccepted: (event) => quotas.onAccepted(event),
    onWritten,
    onBackgroundError: (error) =>
      logger.error('metering: writing usage failed; retrying', { error: String(error) }),
  });

  const record = async (event: UsageInput): Promise<void> => {
    const input = parseMeteringInput(usageSchema, event, 'record');
    const at = input.at ?? clock.now();
    const model = input.model ?? null;
    const price = priceBook.cost({
      provider: input.provider,
      operation: input.operation,
      model,
      units: input.units,
      at,
    });
    if (price.unpriced.length > 0) unpriced++;
    await recorder.accept({
      id: input.idempotencyKey ?? randomUUID(),
      at,
      provider: input.provider,
      operation: input.operation,
      model,
      feature: input.feature ?? null,
      region: input.region ?? null,
      userId: input.customerId ?? null,
      units: input.units,
      costMicros: price.costMicros,
      currency: price.currency,
      durationMs: input.durationMs ?? null,
      success: input.success ?? true,
    });
  };

  const onMeteringError = (error: unknown, describe: { provider: string; operation: string }) =>
    logger.error('metering: a metered call could not be recorded', {
      provider: describe.provider,
      operation: describe.operation,
      error: String(error),
    });

  const reports = createReports(store, fx);

  return {
    record,
    wrap: (call, describe) => wrapCall({ record, clock, onMeteringError }, call, describe),
    async flush() {
      await recorder.flush();
      await afterWrites;
    },
    async close() {
      await recorder.close();
      await afterWrites;
    },
    check: (customerId, feature) => quotas.check(customerId, feature),
    costs: reports.costs,
    timeseries: reports.timeseries,
    costsCsv: reports.costsCsv,
    uniqueCustomers: reports.uniqueCustomers,
    apiCostSource: reports.apiCostSource,
    async forecast(query) {
      const parsedQuery = parseMeteringInput(forecastQuerySchema, query, 'forecast') ?? {};
      const at = parsedQuery.at ?? clock.now();
      const from = bucketStart(at, 'month');
      const currency = parsedQuery.currency ?? fx.base ?? bookCurrency;
      const spentMicros = await budgets.spend(
        { kind: 'overall' },
        { from, to: nextBucket(from, 'month'), granularity: 'month' },
        currency,
      );
      return {
        period: monthLabel(at),
        spentMicros,
        forecastMicros: forecastMonthEnd(spentMicros, at),
        currency,
      };
    },
    budgets: {
      list: budgets.list,
      put: budgets.put,
      create: budgets.create,
      delete: budgets.delete,
      evaluate: budgets.evaluate,
    },
    alerts: budgets.alerts,
    providers: createProviders(options.providers ?? {}, { record, clock, onMeteringError }),
    priceBook,
    prune,
    stats: () => ({ ...recorder.stats(), unpriced }),
  };
}

/** The copies of a written batch that the store counted as duplicates (the first copy of an id wins). */
function duplicateCopies(events: readonly UsageEventRecord[], result: WriteResult): UsageEventRecord[] {
  if (result.duplicates.length === 0) return [];
  const stored = new Set(result.stored);
  const remaining = new Map<string, number>();
  for (const id of result.duplicates) remaining.set(id, (remaining.get(id) ?? 0) + 1);
  const copies: UsageEventRecord[] = [];
  const firstSeen = new Set<string>();
  for (const event of events) {
    if (stored.has(event.id) && !firstSeen.has(event.id)) {
      firstSeen.add(event.id);
      continue;
    }
    const left = remaining.get(event.id) ?? 0;
    if (left === 0) continue;
    remaining.set(event.id, left - 1);
    copies.push(event);
  }
  return copies;
}
