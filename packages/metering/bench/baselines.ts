// The baselines metering's writes are compared with, as a careful host would write them by hand on
// the same connection settings: multi-row INSERTs with bind parameters, one transaction per batch.
// `insertEvents` writes the events table only (the required baseline); `insertEventsAndRollups`
// also adds the same roll-up rows metering keeps (per minute, hour, day and month: counts, unit
// sums, users) with plain upserts, to tell the roll-ups' cost from the store's overhead.

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
  transaction(work: (run: Run) => Promise<void>): Promise<void>;
}

export function postgresTarget(pool: PgPool): BaselineTarget {
  return {
    placeholder: (index) => `$${index}`,
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
    const { rollups, units, users } = rollupRows(batch.filter((row) => stored.has(row[0])));
    const add = (table: string, columns: string[]) =>
      columns.map((column) => `${column} = ${prefix}${table}.${column} + excluded.${column}`).join(', ');
    await insertMany(
      target,
      run,
      `${prefix}usage_rollups`,
      ROLLUP_COLUMNS,
      rollups,
      `on conflict (granularity, bucket, series) do update set ${add('usage_rollups', ['event_count', 'failure_count', 'cost_micros'])}`,
    );
    await insertMany(
      target,
      run,
      `${prefix}usage_rollup_units`,
      ['granularity', 'bucket', 'series', 'unit', 'quantity'],
      units,
      `on conflict (granularity, bucket, series, unit) do update set ${add('usage_rollup_units', ['quantity'])}`,
    );
    await insertMany(
      target,
      run,
      `${prefix}usage_rollup_users`,
      ['granularity', 'bucket', 'provider', 'user_id'],
      users,
      'on conflict (granularity, bucket, provider, user_id) do nothing',
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
];

/** The batch's roll-up, unit and user rows for every granularity (the same rows metering writes). */
function rollupRows(events: EventRow[]): { rollups: Value[][]; units: Value[][]; users: Value[][] } {
  const rollups = new Map<string, Value[]>();
  const units = new Map<string, Value[]>();
  const users = new Map<string, Value[]>();
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
      const rollup = rollups.get(key);
      if (rollup) {
        rollup[10] = (rollup[10] as number) + 1;
        rollup[11] = (rollup[11] as number) + (success ? 0 : 1);
        rollup[12] = (rollup[12] as number) + cost;
      } else {
        rollups.set(key, [granularity, bucket, series, ...dimensions, 1, success ? 0 : 1, cost]);
      }
      for (const [unit, quantity] of quantities) {
        const unitRow = units.get(`${key} ${unit}`);
        if (unitRow) unitRow[4] = (unitRow[4] as number) + quantity;
        else units.set(`${key} ${unit}`, [granularity, bucket, series, unit, quantity]);
      }
      if (userId !== null) {
        const userKey = `${granularity} ${bucket.getTime()} ${provider} ${userId}`;
        if (!users.has(userKey)) users.set(userKey, [granularity, bucket, provider, userId]);
      }
    }
  }
  return { rollups: [...rollups.values()], units: [...units.values()], users: [...users.values()] };
}
