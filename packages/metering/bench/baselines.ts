// The baselines metering's writes are compared with, as a careful host would write them by hand on
// the same connection settings: multi-row INSERTs with bind parameters, one transaction per batch.
// `insertEvents` writes the events table only (the required baseline); `insertEventsAndRollups`
// also adds the same roll-up rows metering keeps (per minute, hour, day and month: counts, cost and
// the unit sums' JSON object) with plain upserts, to tell the roll-ups' cost from the store's overhead.

import { createHash } from 'node:crypto';
import { bucketStart, GRANULARITIES, type Granularity } from '@billkit/core';
import type { PgPool, SqliteConnection } from './postgres.js';
import { EVENT_COLUMNS, type EventRow } from './usage-mix.js';

/** Bind parameters per statement: under SQLite's 32 766 (PostgreSQL allows 65 535). */
const MAX_PARAMETERS = 30_000;

type Value = string | number | boolean | Date | null;
type Run = (sql: string, values: Value[], returning: boolean) => Promise<Array<Record<string, unknown>>>;

/** One database the baselines write to: its placeholders and value types, and a transaction. */
export interface BaselineTarget {
  placeholder(index: number): string;
  /**
   * The stored row's JSON object of unit sums (in `table`) plus the new row's, as an upsert's SET
   * value: the generic merge a host writes by hand (every key of both, summed).
   */
  addUnits(table: string): string;
  transaction(work: (run: Run) => Promise<void>): Promise<void>;
}

export function postgresTarget(pool: PgPool): BaselineTarget {
  return {
    placeholder: (index) => `$${index}`,
    addUnits: (table) =>
      `(select jsonb_object_agg(key, total) from (select key, sum(value::bigint) as total from (select * from jsonb_each_text(${table}.units) union all select * from jsonb_each_text(excluded.units)) entries group by key) sums)`,
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('begin', []);
        await work(async (sql, values) => (await client.query(sql, values)).rows as never);
        await client.query('commit', []);
      } catch (error) {
        await client.query('rollback', []);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/** better-sqlite3 with its statements prepared once per SQL text (what a hand-written loader does). */
export function sqliteTarget(database: SqliteConnection): BaselineTarget {
  const statements = new Map<string, ReturnType<SqliteConnection['prepare']>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const toSqlite = (value: Value) =>
    value instanceof Date ? value.toISOString() : typeof value === 'boolean' ? (value ? 1 : 0) : value;
  return {
    placeholder: () => '?',
    addUnits: (table) =>
      `(select json_group_object(key, total) from (select key, sum(value) as total from (select key, value from json_each(${table}.units) union all select key, value from json_each(excluded.units)) group by key))`,
    transaction: async (work) => {
      database.exec('begin immediate');
      try {
        await work(async (sql, values, returning) => {
          const statement = prepared(sql);
          const bound = values.map(toSqlite);
          if (returning) return statement.all(...bound) as Array<Record<string, unknown>>;
          statement.run(...bound);
          return [];
        });
        database.exec('commit');
      } catch (error) {
        database.exec('rollback');
        throw error;
      }
    },
  };
}

/** Inserts `rows` in statements of as many rows as the parameter limit allows; answers RETURNING rows. */
async function insertMany(
  target: BaselineTarget,
  run: Run,
  table: string,
  columns: readonly string[],
  rows: Value[][],
  tail = '',
): Promise<Array<Record<string, unknown>>> {
  const perStatement = Math.floor(MAX_PARAMETERS / columns.length);
  const returned: Array<Record<string, unknown>> = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    let index = 0;
    const tuples = chunk.map((row) => `(${row.map(() => target.placeholder(++index)).join(', ')})`);
    const sql = `insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')} ${tail}`;
    returned.push(...(await run(sql, chunk.flat(), tail.includes('returning'))));
  }
  return returned;
}

/** The required baseline: the batch's rows into the events table, nothing else. */
export function insertEvents(target: BaselineTarget, prefix: string, batch: EventRow[]): Promise<void> {
  return target.transaction(async (run) => {
    await insertMany(target, run, `${prefix}usage_events`, EVENT_COLUMNS, batch);
  });
}

/**
 * The events (keeping stored ids) and, for those stored, the roll-up rows metering keeps, as plain
 * `ON CONFLICT … DO UPDATE` upserts: what any design with per-bucket roll-ups has to write.
 */
export function insertEventsAndRollups(
  target: BaselineTarget,
  prefix: string,
  batch: EventRow[],
): Promise<void> {
  return target.transaction(async (run) => {
    const inserted = await insertMany(
      target,
      run,
      `${prefix}usage_events`,
      EVENT_COLUMNS,
      batch,
      'on conflict (id) do nothing returning id',
    );
    const stored = new Set(inserted.map((row) => row.id as string));
    const rollups = rollupRows(batch.filter((row) => stored.has(row[0])));
    const table = `${prefix}usage_rollups`;
    const sums = ['event_count', 'failure_count', 'cost_micros']
      .map((column) => `${column} = ${table}.${column} + excluded.${column}`)
      .join(', ');
    await insertMany(
      target,
      run,
      table,
      ROLLUP_COLUMNS,
      rollups,
      `on conflict (granularity, bucket, series) do update set ${sums}, units = ${target.addUnits(table)}`,
    );
  });
}

const ROLLUP_COLUMNS = [
  'granularity',
  'bucket',
  'series',
  'provider',
  'operation',
  'model',
  'feature',
  'region',
  'user_id',
  'currency',
  'event_count',
  'failure_count',
  'cost_micros',
  'units',
];

/** The batch's roll-up rows for every granularity (the same rows metering writes). */
function rollupRows(events: EventRow[]): Value[][] {
  const rollups = new Map<string, { row: Value[]; units: Record<string, number> }>();
  for (const event of events) {
    const [, at, provider, operation, model, feature, region, userId, unitsJson, cost, currency] = event;
    const success = event[12];
    const dimensions = [provider, operation, model, feature, region, userId, currency];
    const series = createHash('sha256')
      .update(JSON.stringify(dimensions))
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    const quantities = Object.entries(JSON.parse(unitsJson) as Record<string, number>);
    for (const granularity of GRANULARITIES as readonly Granularity[]) {
      const bucket = bucketStart(at, granularity);
      const key = `${granularity} ${bucket.getTime()} ${series}`;
      let rollup = rollups.get(key);
      if (rollup) {
        rollup.row[10] = (rollup.row[10] as number) + 1;
        rollup.row[11] = (rollup.row[11] as number) + (success ? 0 : 1);
        rollup.row[12] = (rollup.row[12] as number) + cost;
      } else {
        rollup = { row: [granularity, bucket, series, ...dimensions, 1, success ? 0 : 1, cost], units: {} };
        rollups.set(key, rollup);
      }
      for (const [unit, quantity] of quantities) rollup.units[unit] = (rollup.units[unit] ?? 0) + quantity;
    }
  }
  return [...rollups.values()].map(({ row, units }) => [...row, JSON.stringify(units)]);
}
