// Quotas: how much of a feature a customer used in the current period, against the limit of their
// plan (or their own). Counters live in memory per (customer, feature): seeded once per period
// from the roll-ups plus the events not written yet, bumped by every accepted event, refreshed
// now and then so usage recorded by other processes shows up. A warm `check` is two Map lookups.

import {
  type BillingStore,
  bucketStart,
  type Clock,
  type Logger,
  type UsageEventRecord,
} from '@billkit/core';
import { z } from 'zod';
import { MeteringInputError } from './errors.js';
import { nextBucket } from './periods.js';
import type { QuotaLimit, QuotaOptions, QuotaStatus } from './types.js';

const text = z.string().min(1).max(200);

const quotaLimitSchema = z.strictObject({
  limit: z.number().int().min(0),
  per: z.enum(['day', 'month']).optional(),
  unit: text.optional(),
});

const limitsSchema = z.record(text, quotaLimitSchema);

export const quotaOptionsSchema = z.strictObject({
  plans: z.record(text, limitsSchema).optional(),
  customers: z.record(text, limitsSchema).optional(),
  default: limitsSchema.optional(),
  planOf: z.custom<QuotaOptions['planOf']>((value) => typeof value === 'function').optional(),
  planCacheMs: z.number().int().min(0).optional(),
  refreshMs: z.number().int().min(0).optional(),
});

/** Subscription statuses whose plan sets the limits. */
const LIVE_STATUSES = new Set(['active', 'trialing', 'past_due']);

interface Counter {
  per: 'day' | 'month';
  /** null: events are counted (failed ones not); else the sum of this unit. */
  unit: string | null;
  startMs: number;
  endMs: number;
  used: number;
  refreshedAtMs: number;
  refreshing: boolean;
}

interface CachedPlan {
  planId: string | null;
  expiresAtMs: number;
}

export interface QuotaDependencies {
  store: BillingStore;
  clock: Clock;
  logger: Logger;
  options: QuotaOptions;
  /** Runs a read while no write is in flight (see Recorder.exclusive). */
  exclusive<T>(read: () => Promise<T>): Promise<T>;
  /** Accepted events not written yet. */
  pending(): Iterable<UsageEventRecord>;
}

export interface Quotas {
  check(customerId: string, feature: string): Promise<QuotaStatus>;
  /** An event was accepted: count it at once. */
  onAccepted(event: UsageEventRecord): void;
  /** An event counted on acceptance turned out to be a duplicate: uncount it. */
  onDuplicate(event: UsageEventRecord): void;
}

export function createQuotas(dependencies: QuotaDependencies): Quotas {
  const { store, clock, options } = dependencies;
  const planCacheMs = options.planCacheMs ?? 60_000;
  const refreshMs = options.refreshMs ?? 60_000;
  const counters = new Map<string, Map<string, Counter>>();
  const plans = new Map<string, CachedPlan>();
  const planLookups = new Map<string, Promise<string | null>>();
  const seeds = new Map<string, Promise<Counter>>();
  const needsPlan = options.plans !== undefined && Object.keys(options.plans).length > 0;

  const planOf = async (customerId: string): Promise<string | null> => {
    if (options.planOf) return (await options.planOf(customerId)) ?? null;
    const subscriptions = await store.subscriptions.listByUserId(customerId);
    return subscriptions.find((subscription) => LIVE_STATUSES.has(subscription.status))?.planId ?? null;
  };

  const lookUpPlan = (customerId: string, nowMs: number): Promise<string | null> => {
    let lookup = planLookups.get(customerId);
    if (!lookup) {
      lookup = planOf(customerId)
        .then((planId) => {
          plans.set(customerId, { planId, expiresAtMs: nowMs + planCacheMs });
          return planId;
        })
        .finally(() => planLookups.delete(customerId));
      planLookups.set(customerId, lookup);
    }
    return lookup;
  };

  /** The limit, or undefined when it depends on a plan that is not cached. */
  const cachedLimit = (customerId: string, feature: string, nowMs: number): QuotaLimit | null | undefined => {
    const own = options.customers?.[customerId]?.[feature];
    if (own) return own;
    if (!needsPlan) return options.default?.[feature] ?? null;
    const plan = plans.get(customerId);
    if (!plan || plan.expiresAtMs <= nowMs) return undefined;
    return limitOfPlan(plan.planId, feature);
  };

  const limitOfPlan = (planId: string | null, feature: string): QuotaLimit | null =>
    (planId === null ? undefined : options.plans?.[planId]?.[feature]) ?? options.default?.[feature] ?? null;

  const amountOf = (event: UsageEventRecord, unit: string | null): number => {
    if (unit === null) return event.success ? 1 : 0;
    return event.units[unit] ?? 0;
  };

  const seed = (
    customerId: string,
    feature: string,
    per: 'day' | 'month',
    unit: string | null,
    nowMs: number,
  ) => {
    const start = bucketStart(new Date(nowMs), per);
    const key = JSON.stringify([customerId, feature, per, unit, start.getTime()]);
    let seeding = seeds.get(key);
    if (!seeding) {
      seeding = dependencies
        .exclusive(async () => {
          const end = nextBucket(start, per);
          const rows = await store.metering.usage({
            from: start,
            to: end,
            granularity: per,
            groupBy: [],
            where: { userId: customerId, feature },
          });
          let used = 0;
          for (const row of rows) used += unit === null ? row.count - row.failures : (row.units[unit] ?? 0);
          for (const event of dependencies.pending()) {
            const at = event.at.getTime();
            if (event.userId !== customerId || event.feature !== feature) continue;
            if (at >= start.getTime() && at < end.getTime()) used += amountOf(event, unit);
          }
          const counter: Counter = {
            per,
            unit,
            startMs: start.getTime(),
            endMs: end.getTime(),
            used,
            refreshedAtMs: clock.now().getTime(),
            refreshing: false,
          };
          let byFeature = counters.get(customerId);
          if (!byFeature) {
            byFeature = new Map();
            counters.set(customerId, byFeature);
          }
          byFeature.set(feature, counter);
          return counter;
        })
        .finally(() => seeds.delete(key));
      seeds.set(key, seeding);
    }
    return seeding;
  };

  const refreshInBackground = (customerId: string, feature: string, counter: Counter, nowMs: number) => {
    counter.refreshing = true;
    seed(customerId, feature, counter.per, counter.unit, nowMs).catch((error: unknown) => {
      counter.refreshing = false;
      dependencies.logger.error('metering: refreshing a quota counter failed', {
        feature,
        error: String(error),
      });
    });
  };

  const status = (counter: Counter, limit: QuotaLimit | null): QuotaStatus => {
    if (limit === null) return { allowed: true, used: counter.used, limit: null, resetsAt: null };
    return {
      allowed: counter.used < limit.limit,
      used: counter.used,
      limit: limit.limit,
      resetsAt: new Date(counter.endMs),
    };
  };

  /** The answer from memory, or undefined when the plan or the counter is cold. */
  const warmStatus = (customerId: string, feature: string, nowMs: number): QuotaStatus | undefined => {
    const limit = cachedLimit(customerId, feature, nowMs);
    if (limit === undefined) return undefined;
    const counter = counters.get(customerId)?.get(feature);
    const per = limit?.per ?? 'month';
    const unit = limit?.unit ?? null;
    if (!counter || counter.per !== per || counter.unit !== unit) return undefined;
    if (nowMs < counter.startMs || nowMs >= counter.endMs) return undefined;
    if (!counter.refreshing && nowMs - counter.refreshedAtMs >= refreshMs) {
      refreshInBackground(customerId, feature, counter, nowMs);
    }
    return status(counter, limit);
  };

  const coldStatus = async (customerId: string, feature: string, nowMs: number): Promise<QuotaStatus> => {
    let limit = cachedLimit(customerId, feature, nowMs);
    if (limit === undefined) limit = limitOfPlan(await lookUpPlan(customerId, nowMs), feature);
    const counter = await seed(customerId, feature, limit?.per ?? 'month', limit?.unit ?? null, nowMs);
    return status(counter, limit);
  };

  const bump = (event: UsageEventRecord, sign: 1 | -1) => {
    if (event.userId === null || event.feature === null) return;
    const counter = counters.get(event.userId)?.get(event.feature);
    if (!counter) return;
    const at = event.at.getTime();
    if (at >= counter.startMs && at < counter.endMs) counter.used += sign * amountOf(event, counter.unit);
  };

  return {
    check(customerId, feature) {
      if (!isId(customerId) || !isId(feature)) return Promise.reject(invalidCheck(customerId, feature));
      const nowMs = clock.now().getTime();
      const warm = warmStatus(customerId, feature, nowMs);
      return warm ? Promise.resolve(warm) : coldStatus(customerId, feature, nowMs);
    },
    onAccepted: (event) => bump(event, 1),
    onDuplicate: (event) => bump(event, -1),
  };
}

/** The hot path checks by hand; zod words the error when it fails. */
function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200;
}

function invalidCheck(customerId: unknown, feature: unknown): MeteringInputError {
  const result = z.object({ customerId: text, feature: text }).safeParse({ customerId, feature });
  const issues = result.success
    ? []
    : result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      }));
  return new MeteringInputError(
    `Invalid input to check: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues,
  );
}
