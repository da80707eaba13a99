// The metering part of the memory store: raw events, their roll-ups per granularity (kept up to
// date by `recordBatch`, never recomputed from events), budgets and alerts, in Maps. Every method
// does its work synchronously once called, so a batch or a claim is never interleaved with another.

import {
  type BudgetAlertRecord,
  type BudgetRecord,
  bucketStart,
  GRANULARITIES,
  type Granularity,
  type MeteringRepository,
  USAGE_DIMENSIONS,
  type UsageDimension,
  type UsageEventRecord,
  type UsageQuery,
  type UsageRow,
} from './metering.js';
import { decodeKeyCursor, encodeCursor, pageLimit } from './page-cursor.js';

/** The cursor of `events` names this list (see `MeteringRepository.events`). */
const EVENTS_CURSOR_LIST = 'usageEvents';

type Dimensions = Record<UsageDimension, string | null>;

/** One stored roll-up row: a bucket, a full combination of the six dimensions, a currency. */
interface Rollup {
  bucket: Date;
  dimensions: Dimensions;
  currency: string;
  count: number;
  failures: number;
  costMicros: number;
  units: Record<string, number>;
}

/** A bucket's distinct users: all of them, and by provider. */
interface BucketUsers {
  all: Set<string>;
  byProvider: Map<string, Set<string>>;
}

interface MeteringTables {
  events: Map<string, UsageEventRecord>;
  /** By granularity, then by `rollupKey`. */
  rollups: Record<Granularity, Map<string, Rollup>>;
  /** By granularity, then by bucket start in ms. */
  users: Record<Granularity, Map<number, BucketUsers>>;
  budgets: Map<string, BudgetRecord>;
  /** By `alertKey`: at most one alert per budget, period, threshold and kind. */
  alerts: Map<string, BudgetAlertRecord>;
}

/** The metering repository of one memory store; each call makes a new, empty one. */
export function memoryMetering(): MeteringRepository {
  const tables: MeteringTables = {
    events: new Map(),
    rollups: { minute: new Map(), hour: new Map(), day: new Map(), month: new Map() },
    users: { minute: new Map(), hour: new Map(), day: new Map(), month: new Map() },
    budgets: new Map(),
    alerts: new Map(),
  };

  return {
    recordBatch: async (events) => {
      const batch = structuredClone(events);
      const stored: string[] = [];
      const duplicates: string[] = [];
      const fresh: UsageEventRecord[] = [];
      const seen = new Set<string>();
      for (const event of batch) {
        if (tables.events.has(event.id) || seen.has(event.id)) {
          duplicates.push(event.id);
          continue;
        }
        seen.add(event.id);
        stored.push(event.id);
        fresh.push(event);
      }
      for (const event of fresh) {
        tables.events.set(event.id, event);
        addToRollups(tables, event);
      }
      return { stored, duplicates };
    },

    usage: async (query) => usageRows(tables.rollups[query.granularity], structuredClone(query)),

    distinctUsers: async ({ from, to, granularity, provider }) =>
      [...tables.users[granularity]]
        .filter(([bucket]) => bucket >= from.getTime() && bucket < to.getTime())
        .sort(([a], [b]) => a - b)
        .map(([bucket, users]) => ({
          bucket: new Date(bucket),
          users: (provider === undefined ? users.all : users.byProvider.get(provider))?.size ?? 0,
        }))
        .filter(({ users }) => users > 0),

    events: async ({ from, to, limit, after }) => {
      const count = pageLimit(limit);
      const cursor = after == null ? null : decodeKeyCursor(EVENTS_CURSOR_LIST, after);
      const following = [...tables.events.values()]
        .filter((event) => event.at >= from && event.at < to)
        .filter(
          (event) => cursor === null || compareEventKeys(event, { at: cursor.createdAt, id: cursor.id }) > 0,
        )
        .sort(compareEventKeys);
      const items = following.slice(0, count);
      const last = items.at(-1);
      const nextCursor =
        following.length > count && last !== undefined
          ? encodeCursor([EVENTS_CURSOR_LIST, last.at.getTime(), last.id])
          : null;
      return { items: structuredClone(items), nextCursor };
    },

    pruneEvents: async (before) => {
      let deleted = 0;
      for (const [id, event] of tables.events) {
        if (event.at.getTime() >= before.getTime()) continue;
        tables.events.delete(id);
        deleted++;
      }
      return deleted;
    },

    pruneRollups: async (granularity, before) => {
      let deleted = 0;
      for (const [key, rollup] of tables.rollups[granularity]) {
        if (rollup.bucket.getTime() >= before.getTime()) continue;
        tables.rollups[granularity].delete(key);
        deleted++;
      }
      for (const bucket of tables.users[granularity].keys()) {
        if (bucket < before.getTime()) tables.users[granularity].delete(bucket);
      }
      return deleted;
    },

    budgets: {
      list: async () =>
        structuredClone(
          [...tables.budgets.values()].sort(
            (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compareStrings(a.id, b.id),
          ),
        ),
      get: async (id) => structuredClone(tables.budgets.get(id) ?? null),
      put: async (budget) => {
        tables.budgets.set(budget.id, structuredClone(budget));
      },
      create: async (budget) => {
        if (tables.budgets.has(budget.id)) return false;
        tables.budgets.set(budget.id, structuredClone(budget));
        return true;
      },
      delete: async (id) => tables.budgets.delete(id),
    },

    alerts: {
      claim: async (alert) => {
        const key = alertKey(alert);
        if (tables.alerts.has(key)) return false;
        tables.alerts.set(key, structuredClone(alert));
        return true;
      },
      list: async (query = {}) => {
        const limit = query.limit === undefined ? undefined : pageLimit(query.limit);
        const newestFirst = [...tables.alerts.values()]
          .filter(
            (alert) =>
              (query.budgetId === undefined || alert.budgetId === query.budgetId) &&
              (query.period === undefined || alert.period === query.period),
          )
          .sort((a, b) => b.at.getTime() - a.at.getTime() || compareStrings(b.id, a.id));
        return structuredClone(newestFirst.slice(0, limit));
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Roll-ups

function dimensionsOf(event: UsageEventRecord): Dimensions {
  const { provider, operation, model, feature, region, userId } = event;
  return { provider, operation, model, feature, region, userId };
}

function rollupKey(bucket: Date, dimensions: Dimensions, currency: string): string {
  return JSON.stringify([bucket.getTime(), ...USAGE_DIMENSIONS.map((name) => dimensions[name]), currency]);
}

function addToRollups(tables: MeteringTables, event: UsageEventRecord): void {
  const dimensions = dimensionsOf(event);
  for (const granularity of GRANULARITIES) {
    const bucket = bucketStart(event.at, granularity);
    const rollups = tables.rollups[granularity];
    const key = rollupKey(bucket, dimensions, event.currency);
    const rollup = rollups.get(key) ?? emptyRollup(bucket, dimensions, event.currency);
    rollup.count += 1;
    rollup.failures += event.success ? 0 : 1;
    rollup.costMicros += event.costMicros;
    addUnits(rollup.units, event.units);
    rollups.set(key, rollup);
    if (event.userId !== null) addUser(tables.users[granularity], bucket, event.provider, event.userId);
  }
}

function emptyRollup(bucket: Date, dimensions: Dimensions, currency: string): Rollup {
  return { bucket, dimensions, currency, count: 0, failures: 0, costMicros: 0, units: {} };
}

function addUnits(total: Record<string, number>, units: Record<string, number>): void {
  for (const [unit, quantity] of Object.entries(units)) {
    // Defined, not assigned: a unit named `__proto__` is a key like any other.
    const sum = (Object.hasOwn(total, unit) ? total[unit]! : 0) + quantity;
    Object.defineProperty(total, unit, { value: sum, enumerable: true, writable: true, configurable: true });
  }
}

function addUser(users: Map<number, BucketUsers>, bucket: Date, provider: string, userId: string): void {
  const inBucket = users.get(bucket.getTime()) ?? { all: new Set<string>(), byProvider: new Map() };
  inBucket.all.add(userId);
  const ofProvider = inBucket.byProvider.get(provider) ?? new Set<string>();
  ofProvider.add(userId);
  inBucket.byProvider.set(provider, ofProvider);
  users.set(bucket.getTime(), inBucket);
}

/** The query's rows: the stored roll-ups in range that match `where`, summed by the grouped dimensions. */
function usageRows(rollups: Map<string, Rollup>, query: UsageQuery): UsageRow[] {
  const { from, to, groupBy, where = {} } = query;
  const rows = new Map<string, UsageRow>();
  for (const rollup of rollups.values()) {
    if (rollup.bucket < from || rollup.bucket >= to || !matches(rollup.dimensions, where)) continue;
    const grouped = Object.fromEntries(groupBy.map((name) => [name, rollup.dimensions[name]]));
    const key = JSON.stringify([
      rollup.bucket.getTime(),
      ...groupBy.map((name) => grouped[name]),
      rollup.currency,
    ]);
    const row = rows.get(key) ?? {
      bucket: new Date(rollup.bucket),
      ...grouped,
      currency: rollup.currency,
      count: 0,
      failures: 0,
      costMicros: 0,
      units: {},
    };
    row.count += rollup.count;
    row.failures += rollup.failures;
    row.costMicros += rollup.costMicros;
    addUnits(row.units, rollup.units);
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => compareUsageRows(a, b, groupBy));
}

function matches(dimensions: Dimensions, where: Partial<Record<UsageDimension, string | null>>): boolean {
  return Object.entries(where).every(
    ([name, value]) => value === undefined || dimensions[name as UsageDimension] === value,
  );
}

/** By bucket, then the grouped dimensions in `groupBy`'s order (null first), then currency. */
function compareUsageRows(a: UsageRow, b: UsageRow, groupBy: readonly UsageDimension[]): number {
  const byBucket = a.bucket.getTime() - b.bucket.getTime();
  if (byBucket !== 0) return byBucket;
  for (const name of groupBy) {
    const byDimension = compareNullsFirst(a[name] ?? null, b[name] ?? null);
    if (byDimension !== 0) return byDimension;
  }
  return compareStrings(a.currency, b.currency);
}

function compareNullsFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareStrings(a, b);
}

/** UTF-16 code-unit order: the SQL stores' byte order for all but supplementary-plane characters. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

// ---------------------------------------------------------------------------------------------
// Events and alerts

function compareEventKeys(a: { at: Date; id: string }, b: { at: Date; id: string }): number {
  return a.at.getTime() - b.at.getTime() || compareStrings(a.id, b.id);
}

function alertKey(alert: BudgetAlertRecord): string {
  return JSON.stringify([alert.budgetId, alert.period, alert.threshold, alert.kind]);
}
