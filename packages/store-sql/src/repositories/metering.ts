// The metering part of the port: raw usage events, their roll-ups per minute / hour / day / month
// (one row per bucket and series, its unit sums a JSON object in the row), budgets and alerts.
// `recordBatch` is one transaction that stores the ids not stored yet and adds exactly those events
// to the roll-ups with increments, so batches racing across processes count each id once; `usage`
// and `distinctUsers` read the roll-ups in SQL.

import { createHash, randomUUID } from 'node:crypto';
import {
  type BudgetAlertRecord,
  type BudgetRecord,
  bucketStart,
  decodeKeyCursor,
  encodeCursor,
  GRANULARITIES,
  type Granularity,
  InvalidInputError,
  type MeteringRepository,
  pageLimit,
  USAGE_DIMENSIONS,
  type UsageDimension,
  type UsageEventRecord,
  type UsageQuery,
  type UsageRow,
} from '@billkit/core';
import { type Expression, type ExpressionBuilder, type Selectable, sql } from 'kysely';
import { parseJson, toBoolean, toNumber, toNumberOrNull } from '../columns.js';
import { type Executor, MAX_COUNT_ENTRIES, type SqlDialect } from '../dialects/dialect.js';
import type {
  Database,
  DbDate,
  DbInteger,
  UsageAlertsTable,
  UsageBudgetsTable,
  UsageEventsTable,
  UsageRollupsTable,
} from '../schema.js';
import { atomically, type SqlContext, writeOnce } from '../sql-context.js';
import { recordInOneStatement } from './metering-rollups-in-sql.js';

/** The cursor of `events` names this list (see `MeteringRepository.events`). */
const EVENTS_CURSOR_LIST = 'usageEvents';

/**
 * Bind parameters in one multi-row statement: under the smallest limit of the three (SQLite
 * 32 766 in better-sqlite3's build; PostgreSQL's protocol and MySQL's prepared statements 65 535).
 */
const MAX_BIND_PARAMETERS = 30_000;

/** Columns of an event row and of a roll-up row (what one row takes of the bind parameters). */
const EVENT_COLUMNS = 14;
const ROLLUP_COLUMNS = 14;

/** The roll-up column of each dimension. */
const DIMENSION_COLUMNS = {
  provider: 'provider',
  operation: 'operation',
  model: 'model',
  feature: 'feature',
  region: 'region',
  userId: 'user_id',
} as const satisfies Record<UsageDimension, keyof UsageRollupsTable>;

type WrittenTable = 'usage_events' | 'usage_rollups' | 'usage_budgets';

/** What an insert does to a row whose key is stored already. */
type OnClash =
  | { keep: 'stored' }
  /**
   * Adds the new row's values of these columns to the stored ones, and, in the JSON object of
   * counts `counts.column`, each of `counts.keys` the new row has to the stored one's (a key only
   * one of them has is taken as it is).
   */
  | { add: string[]; counts?: { column: string; keys: readonly string[] } }
  /** Takes the new row's values of these columns. */
  | { replace: string[] };

/** What a batch adds to one roll-up row. */
interface RollupDelta {
  granularity: Granularity;
  bucket: Date;
  series: string;
  /** The first of the row's events: the row's dimensions and currency. */
  event: UsageEventRecord;
  count: number;
  failures: number;
  costMicros: number;
  units: Record<string, number>;
}

export function meteringRepository(context: SqlContext): MeteringRepository {
  const { db, dialect } = context;
  const insertRows = (
    executor: Executor,
    table: WrittenTable,
    rows: object[],
    key: string[],
    onClash: OnClash,
  ) => insertWithClash(dialect, executor, table, rows, key, onClash);

  /** Stores the events whose ids are not stored yet; answers those ids. */
  const storeNewEvents = async (executor: Executor, events: UsageEventRecord[]): Promise<Set<string>> => {
    // Without RETURNING, a batch finds its own rows by a token only it writes.
    const token = dialect.supportsReturning ? null : randomUUID();
    // In id order: concurrent batches wait for each other's ids in one order, never in a cycle.
    const rows = [...events]
      .sort((a, b) => compareStrings(a.id, b.id))
      .map((event) => eventRow(dialect, event, token));
    const stored = new Set<string>();
    for (const chunk of inChunks(rows, EVENT_COLUMNS, dialect)) {
      const insert = insertRows(executor, 'usage_events', chunk, ['id'], { keep: 'stored' });
      if (dialect.supportsReturning) {
        const inserted = (await insert.returning('id').execute()) as Array<{ id: string }>;
        for (const { id } of inserted) stored.add(id);
        continue;
      }
      await insert.execute();
      const mine = await executor
        .selectFrom('usage_events')
        .select('id')
        .where(
          'id',
          'in',
          chunk.map((row) => row.id),
        )
        .where('batch_token', '=', token)
        .execute();
      for (const { id } of mine) stored.add(id);
    }
    return stored;
  };

  /** Adds the events to the roll-ups of every granularity: counts, cost and unit sums. */
  const addToRollups = async (executor: Executor, events: UsageEventRecord[]): Promise<void> => {
    // Rows in key order: concurrent batches lock the rows they share in one order, never in a cycle.
    const deltas = rollupDeltas(events);
    for (const chunk of inChunks(deltas, ROLLUP_COLUMNS, dialect)) {
      const units = new Set<string>();
      for (const delta of chunk) for (const unit in delta.units) units.add(unit);
      await insertRows(
        executor,
        'usage_rollups',
        chunk.map((delta) => rollupRow(dialect, delta)),
        ['granularity', 'bucket', 'series'],
        {
          add: ['event_count', 'failure_count', 'cost_micros'],
          counts: { column: 'units', keys: [...units].sort(compareStrings) },
        },
      ).execute();
    }
  };

  return {
    recordBatch: async (events) => {
      const firstCopies = new Map<string, UsageEventRecord>();
      for (const event of events) if (!firstCopies.has(event.id)) firstCopies.set(event.id, event);
      const candidates = [...firstCopies.values()];
      const stored =
        candidates.length === 0
          ? new Set<string>()
          : await atomically(context, async (executor) => {
              // Where rows travel as JSON (PostgreSQL), the server sums the roll-ups itself.
              if (dialect.bulkRows === 'jsonRecordset')
                return recordInOneStatement(
                  executor,
                  candidates.map((event) => ({
                    ...eventRow(dialect, event, null),
                    units: event.units,
                    series: seriesOf(event),
                  })),
                );
              const ids = await storeNewEvents(executor, candidates);
              await addToRollups(
                executor,
                candidates.filter((event) => ids.has(event.id)),
              );
              return ids;
            });
      return splitBatch(events, stored);
    },

    usage: (query) => usageRows(context, query),

    // Each roll-up row is one user's (or no user's): a bucket's users are its rows' distinct user ids.
    distinctUsers: async ({ from, to, granularity, provider }) => {
      let select = db
        .selectFrom('usage_rollups')
        .select((eb) => ['bucket', eb.fn.count<DbInteger>('user_id').distinct().as('users')])
        .where('granularity', '=', checkGranularity(granularity))
        .where('user_id', 'is not', null)
        .where('bucket', '>=', dialect.toDbDate(from))
        .where('bucket', '<', dialect.toDbDate(to));
      if (provider !== undefined) select = select.where('provider', '=', provider);
      const rows = await select.groupBy('bucket').orderBy('bucket').execute();
      return rows.map((row) => ({ bucket: dialect.fromDbDate(row.bucket), users: toNumber(row.users) }));
    },

    events: async ({ from, to, limit, after }) => {
      const count = pageLimit(limit);
      const cursor = after == null ? null : decodeKeyCursor(EVENTS_CURSOR_LIST, after);
      let select = db
        .selectFrom('usage_events')
        .selectAll()
        .where('at', '>=', dialect.toDbDate(from))
        .where('at', '<', dialect.toDbDate(to));
      if (cursor !== null) {
        const time = dialect.toDbDate(cursor.createdAt);
        select = select.where((eb) =>
          eb.or([eb('at', '>', time), eb.and([eb('at', '=', time), eb('id', '>', cursor.id)])]),
        );
      }
      const rows = await select
        .orderBy('at', 'asc')
        .orderBy('id', 'asc')
        .limit(count + 1)
        .execute();
      const items = rows.slice(0, count).map((row) => eventFromRow(dialect, row));
      const last = items.at(-1);
      const nextCursor =
        rows.length > count && last !== undefined
          ? encodeCursor([EVENTS_CURSOR_LIST, last.at.getTime(), last.id])
          : null;
      return { items, nextCursor };
    },

    pruneEvents: async (before) => {
      const result = await writeOnce(context, (executor) =>
        executor.deleteFrom('usage_events').where('at', '<', dialect.toDbDate(before)).executeTakeFirst(),
      );
      return Number(result.numDeletedRows);
    },

    pruneRollups: async (granularity, before) => {
      const result = await writeOnce(context, (executor) =>
        executor
          .deleteFrom('usage_rollups')
          .where('granularity', '=', checkGranularity(granularity))
          .where('bucket', '<', dialect.toDbDate(before))
          .executeTakeFirst(),
      );
      return Number(result.numDeletedRows);
    },

    budgets: {
      list: async () => {
        const rows = await db
          .selectFrom('usage_budgets')
          .selectAll()
          .orderBy('created_at', 'asc')
          .orderBy('id', 'asc')
          .execute();
        return rows.map((row) => budgetFromRow(dialect, row));
      },
      get: async (id) => {
        const row = await db.selectFrom('usage_budgets').selectAll().where('id', '=', id).executeTakeFirst();
        return row === undefined ? null : budgetFromRow(dialect, row);
      },
      put: async (budget) => {
        const row = budgetRow(dialect, budget);
        const columns = Object.keys(row).filter((column) => column !== 'id');
        await writeOnce(context, (executor) =>
          insertRows(executor, 'usage_budgets', [row], ['id'], { replace: columns }).execute(),
        );
      },
      create: async (budget) => {
        try {
          await writeOnce(context, (executor) =>
            executor.insertInto('usage_budgets').values(budgetRow(dialect, budget)).execute(),
          );
          return true;
        } catch (error) {
          // The primary key let another create win: nothing was written.
          if (dialect.uniqueViolation(error) !== null) return false;
          throw error;
        }
      },
      delete: async (id) => {
        const result = await writeOnce(context, (executor) =>
          executor.deleteFrom('usage_budgets').where('id', '=', id).executeTakeFirst(),
        );
        return Number(result.numDeletedRows) > 0;
      },
    },

    alerts: {
      claim: async (alert) => {
        try {
          await writeOnce(context, (executor) =>
            executor.insertInto('usage_alerts').values(alertRow(dialect, alert)).execute(),
          );
          return true;
        } catch (error) {
          // The unique (budget_id, period, threshold, kind) let another claim win (or the alert's id
          // is taken): nothing was written.
          if (dialect.uniqueViolation(error) !== null) return false;
          throw error;
        }
      },
      list: async (query = {}) => {
        let select = db.selectFrom('usage_alerts').selectAll();
        if (query.budgetId !== undefined) select = select.where('budget_id', '=', query.budgetId);
        if (query.period !== undefined) select = select.where('period', '=', query.period);
        select = select.orderBy('at', 'desc').orderBy('id', 'desc');
        if (query.limit !== undefined) select = select.limit(pageLimit(query.limit));
        const rows = await select.execute();
        return rows.map((row) => alertFromRow(dialect, row));
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * One multi-row INSERT that keeps, adds to or replaces the stored row on a clash of `key`:
 * `ON CONFLICT (key) DO NOTHING / DO UPDATE SET c = t.c + excluded.c` or `ON DUPLICATE KEY UPDATE
 * c = c + VALUES(c)` (an assignment of the key to itself where the stored row is kept).
 */
function insertWithClash(
  dialect: SqlDialect,
  db: Executor,
  table: WrittenTable,
  rows: object[],
  key: string[],
  onClash: OnClash,
) {
  const insert =
    dialect.bulkRows === 'jsonRecordset'
      ? insertFromJson(db, table, rows)
      : db.insertInto(table).values(rows as never);
  const ref = sql.ref;
  const byKey = dialect.upsertClause === 'onDuplicateKey';
  /** The stored row's value of a column, and the new row's. */
  const stored = (column: string) => (byKey ? ref(column) : ref(`${table}.${column}`));
  const fresh = (column: string) => (byKey ? sql`values(${ref(column)})` : ref(`excluded.${column}`));
  const updates = (): Record<string, unknown> | null => {
    if ('replace' in onClash) return assignments(onClash.replace, fresh);
    if (!('add' in onClash)) return null;
    const sums = assignments(onClash.add, (column) => sql`${stored(column)} + ${fresh(column)}`);
    if (onClash.counts === undefined || onClash.counts.keys.length === 0) return sums;
    const { column, keys } = onClash.counts;
    return { ...sums, [column]: addCounts(dialect, stored(column), fresh(column), keys) };
  };
  const set = updates();
  if (byKey) return insert.onDuplicateKeyUpdate((set ?? { [key[0]!]: ref(key[0]!) }) as never);
  return insert.onConflict((conflict) => {
    const target = conflict.columns(key as never);
    return set === null ? target.doNothing() : target.doUpdateSet(set as never);
  });
}

/**
 * The stored JSON object of counts with the new one's `keys` added: the sum where both have a
 * key, else the one that has it (`coalesce(a + b, a, b)`; null, so untouched, where neither has).
 */
function addCounts(
  dialect: SqlDialect,
  stored: Expression<unknown>,
  fresh: Expression<unknown>,
  keys: readonly string[],
) {
  const { counts } = dialect;
  let object: Expression<unknown> = stored;
  for (let start = 0; start < keys.length; start += MAX_COUNT_ENTRIES) {
    const entries = keys.slice(start, start + MAX_COUNT_ENTRIES).map((key) => {
      const [a, b] = [counts.get(stored, sql.val(key)), counts.get(fresh, sql.val(key))];
      return [sql.val(key), sql`coalesce(${a} + ${b}, ${a}, ${b})`] as const;
    });
    object = counts.set(object, entries);
  }
  return object;
}

/** INSERT … SELECT the rows from one JSON parameter, typed by the table's row type (PostgreSQL). */
function insertFromJson(db: Executor, table: WrittenTable, rows: object[]) {
  const columns = Object.keys(rows[0] ?? {});
  const records = sql`json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)`;
  return db
    .insertInto(table)
    .columns(columns as never)
    .expression(sql`select ${sql.join(columns.map((column) => sql.ref(column)))} from ${records}`);
}

function assignments(columns: string[], value: (column: string) => unknown): Record<string, unknown> {
  return Object.fromEntries(columns.map((column) => [column, value(column)]));
}

/**
 * Rows of `columns` columns in groups small enough for one statement's bind parameters (one group
 * where the rows travel as one JSON parameter).
 */
function inChunks<T>(rows: T[], columns: number, dialect?: SqlDialect): T[][] {
  if (rows.length === 0) return [];
  const perStatement =
    dialect?.bulkRows === 'jsonRecordset'
      ? rows.length
      : Math.max(1, Math.floor(MAX_BIND_PARAMETERS / columns));
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += perStatement)
    chunks.push(rows.slice(start, start + perStatement));
  return chunks;
}

/** `stored` and `duplicates` in the batch's order: a later copy of an id is always a duplicate. */
function splitBatch(
  events: readonly UsageEventRecord[],
  storedIds: ReadonlySet<string>,
): { stored: string[]; duplicates: string[] } {
  const stored: string[] = [];
  const duplicates: string[] = [];
  const seen = new Set<string>();
  for (const { id } of events) {
    if (!seen.has(id) && storedIds.has(id)) stored.push(id);
    else duplicates.push(id);
    seen.add(id);
  }
  return { stored, duplicates };
}

/** What the events add to each roll-up row of every granularity, in key order. */
function rollupDeltas(events: UsageEventRecord[]): RollupDelta[] {
  const rollups = new Map<string, RollupDelta>();
  for (const event of events) {
    const series = seriesOf(event);
    for (const granularity of GRANULARITIES) {
      const bucket = bucketStart(event.at, granularity);
      const key = `${granularity} ${bucket.getTime()} ${series}`;
      let delta = rollups.get(key);
      if (delta === undefined) {
        const units: Record<string, number> = Object.create(null);
        delta = { granularity, bucket, series, event, count: 0, failures: 0, costMicros: 0, units };
        rollups.set(key, delta);
      }
      delta.count += 1;
      if (!event.success) delta.failures += 1;
      delta.costMicros += event.costMicros;
      for (const [unit, quantity] of Object.entries(event.units))
        delta.units[unit] = (delta.units[unit] ?? 0) + quantity;
    }
  }
  return [...rollups.values()].sort(
    (a, b) =>
      compareStrings(a.granularity, b.granularity) ||
      a.bucket.getTime() - b.bucket.getTime() ||
      compareStrings(a.series, b.series),
  );
}

/**
 * A roll-up row's key within its bucket: 128 bits of SHA-256 over the six dimensions (null kept
 * apart from '') and the currency.
 */
function seriesOf(event: UsageEventRecord): string {
  const values = [...USAGE_DIMENSIONS.map((dimension) => event[dimension]), event.currency];
  return createHash('sha256').update(JSON.stringify(values)).digest().subarray(0, 16).toString('base64url');
}

function rollupRow(dialect: SqlDialect, delta: RollupDelta): UsageRollupsTable {
  const { event } = delta;
  return {
    granularity: delta.granularity,
    bucket: dialect.toDbDate(delta.bucket),
    series: delta.series,
    provider: event.provider,
    operation: event.operation,
    model: event.model,
    feature: event.feature,
    region: event.region,
    user_id: event.userId,
    currency: event.currency,
    event_count: delta.count,
    failure_count: delta.failures,
    cost_micros: delta.costMicros,
    // PostgreSQL's rows travel as JSON, where the object goes in as the jsonb it is stored as.
    units: dialect.bulkRows === 'jsonRecordset' ? delta.units : JSON.stringify(delta.units),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading usage

type RollupAlias = ExpressionBuilder<Database & { r: UsageRollupsTable }, 'r'>;

/**
 * The query's rows in one statement (one snapshot, so never part of a batch): the roll-ups' sums
 * per bucket, grouped dimensions and currency, UNION ALL the sums of the same groups per unit (the
 * entries of the rows' unit objects), put together and sorted here as the memory store sorts
 * (UTF-16 order, nulls first).
 */
async function usageRows(context: SqlContext, query: UsageQuery): Promise<UsageRow[]> {
  const { db, dialect } = context;
  const { from, to, groupBy, where = {} } = query;
  const granularity = checkGranularity(query.granularity);
  const grouped = groupBy.map((dimension) => `r.${columnOf(dimension)}` as const);
  const filters = Object.entries(where)
    .filter(([, value]) => value !== undefined)
    .map(
      ([dimension, value]) =>
        [`r.${columnOf(dimension as UsageDimension, 'where')}` as const, value] as const,
    );
  const matching = (eb: RollupAlias) =>
    eb.and([
      eb('r.granularity', '=', granularity),
      eb('r.bucket', '>=', dialect.toDbDate(from)),
      eb('r.bucket', '<', dialect.toDbDate(to)),
      ...filters.map(([column, value]) => (value === null ? eb(column, 'is', null) : eb(column, '=', value))),
    ]);
  const total = (column: string) => dialect.asBigint(sql`sum(${sql.ref(column)})`);

  const totals = db
    .selectFrom('usage_rollups as r')
    .select(['r.bucket', ...grouped, 'r.currency'])
    .select([
      sql<string | null>`null`.as('unit'),
      total('r.event_count').as('count'),
      total('r.failure_count').as('failures'),
      total('r.cost_micros').as('cost'),
    ])
    .where(matching)
    .groupBy(['r.bucket', ...grouped, 'r.currency']);
  // Each row's unit sums, an entry at a time (a FROM item that reads the row's JSON object).
  const entry = dialect.counts.entries(sql.ref('r.units'), 'u');
  const units = db
    .selectFrom(['usage_rollups as r', entry.from] as never as ['usage_rollups as r'])
    .select(['r.bucket', ...grouped, 'r.currency'])
    .select([
      sql<string | null>`${entry.key}`.as('unit'),
      dialect.asBigint(sql`sum(${entry.value})`).as('count'),
      sql<number>`0`.as('failures'),
      sql<number>`0`.as('cost'),
    ])
    .where(matching)
    .groupBy(['r.bucket', ...grouped, 'r.currency', entry.key]);
  const rows = (await totals.unionAll(units as never).execute()) as Array<Record<string, unknown>>;

  const answer = new Map<string, UsageRow>();
  for (const row of rows) {
    const bucket = dialect.fromDbDate(row.bucket as DbDate);
    const dimensions = Object.fromEntries(
      groupBy.map((dimension) => [dimension, (row[columnOf(dimension)] as string | null) ?? null]),
    );
    const currency = row.currency as string;
    const key = JSON.stringify([
      bucket.getTime(),
      ...groupBy.map((dimension) => dimensions[dimension]),
      currency,
    ]);
    let usage = answer.get(key);
    if (usage === undefined) {
      usage = { bucket, ...dimensions, currency, count: 0, failures: 0, costMicros: 0, units: {} };
      answer.set(key, usage);
    }
    const unit = row.unit as string | null;
    if (unit === null) {
      usage.count = toNumber(row.count as DbInteger);
      usage.failures = toNumber(row.failures as DbInteger);
      usage.costMicros = toNumber(row.cost as DbInteger);
    } else {
      // Defined, not assigned: a unit named `__proto__` is a key like any other.
      Object.defineProperty(usage.units, unit, {
        value: toNumber(row.count as DbInteger),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return [...answer.values()].sort((a, b) => compareUsageRows(a, b, groupBy));
}

/** By bucket, then the grouped dimensions in `groupBy`'s order (null first), then currency. */
function compareUsageRows(a: UsageRow, b: UsageRow, groupBy: readonly UsageDimension[]): number {
  const byBucket = a.bucket.getTime() - b.bucket.getTime();
  if (byBucket !== 0) return byBucket;
  for (const dimension of groupBy) {
    const byDimension = compareNullsFirst(a[dimension] ?? null, b[dimension] ?? null);
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

/** UTF-16 code-unit order, as the memory store compares (byte order for all but supplementary planes). */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The column of a dimension named in a query's `groupBy` or `where` (its `path`). */
function columnOf(
  dimension: UsageDimension,
  path: 'groupBy' | 'where' = 'groupBy',
): (typeof DIMENSION_COLUMNS)[UsageDimension] {
  if (!Object.hasOwn(DIMENSION_COLUMNS, dimension)) {
    throw new InvalidInputError(`${JSON.stringify(dimension)} is not a usage dimension.`, [
      { path, message: `expected one of ${USAGE_DIMENSIONS.join(', ')}` },
    ]);
  }
  return DIMENSION_COLUMNS[dimension];
}

function checkGranularity(granularity: Granularity): Granularity {
  if (GRANULARITIES.includes(granularity)) return granularity;
  throw new InvalidInputError(`${JSON.stringify(granularity)} is not a granularity.`, [
    { path: 'granularity', message: `expected one of ${GRANULARITIES.join(', ')}` },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Rows and records

function eventRow(dialect: SqlDialect, event: UsageEventRecord, batchToken: string | null): UsageEventsTable {
  return {
    id: event.id,
    at: dialect.toDbDate(event.at),
    provider: event.provider,
    operation: event.operation,
    model: event.model,
    feature: event.feature,
    region: event.region,
    user_id: event.userId,
    units: JSON.stringify(event.units),
    cost_micros: event.costMicros,
    currency: event.currency,
    duration_ms: event.durationMs,
    success: dialect.toDbBoolean(event.success),
    batch_token: batchToken,
  };
}

function eventFromRow(dialect: SqlDialect, row: Selectable<UsageEventsTable>): UsageEventRecord {
  return {
    id: row.id,
    at: dialect.fromDbDate(row.at),
    provider: row.provider,
    operation: row.operation,
    model: row.model,
    feature: row.feature,
    region: row.region,
    userId: row.user_id,
    units: parseJson<Record<string, number>>(row.units),
    costMicros: toNumber(row.cost_micros),
    currency: row.currency,
    durationMs: toNumberOrNull(row.duration_ms),
    success: toBoolean(row.success),
  };
}

function budgetRow(dialect: SqlDialect, budget: BudgetRecord): UsageBudgetsTable {
  return {
    id: budget.id,
    scope_kind: budget.scope.kind,
    scope_provider: budget.scope.kind === 'provider' ? budget.scope.provider : null,
    amount_micros: budget.amountMicros,
    currency: budget.currency,
    thresholds: JSON.stringify(budget.thresholds),
    created_at: dialect.toDbDate(budget.createdAt),
    updated_at: dialect.toDbDate(budget.updatedAt),
  };
}

function budgetFromRow(dialect: SqlDialect, row: Selectable<UsageBudgetsTable>): BudgetRecord {
  return {
    id: row.id,
    scope:
      row.scope_kind === 'provider' && row.scope_provider !== null
        ? { kind: 'provider', provider: row.scope_provider }
        : { kind: 'overall' },
    amountMicros: toNumber(row.amount_micros),
    currency: row.currency,
    thresholds: parseJson<number[]>(row.thresholds),
    createdAt: dialect.fromDbDate(row.created_at),
    updatedAt: dialect.fromDbDate(row.updated_at),
  };
}

function alertRow(dialect: SqlDialect, alert: BudgetAlertRecord): UsageAlertsTable {
  return {
    id: alert.id,
    budget_id: alert.budgetId,
    period: alert.period,
    threshold: String(alert.threshold),
    kind: alert.kind,
    spent_micros: alert.spentMicros,
    at: dialect.toDbDate(alert.at),
  };
}

function alertFromRow(dialect: SqlDialect, row: Selectable<UsageAlertsTable>): BudgetAlertRecord {
  return {
    id: row.id,
    budgetId: row.budget_id,
    period: row.period,
    threshold: Number(row.threshold),
    kind: row.kind as BudgetAlertRecord['kind'],
    spentMicros: toNumber(row.spent_micros),
    at: dialect.fromDbDate(row.at),
  };
}
