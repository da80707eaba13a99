// SQLite through better-sqlite3: the embedded default. One connection per store, so Kysely runs
// one query (or one transaction) at a time; timestamps are ISO-8601 UTC text, booleans 0 / 1.

import type { UpsertResult } from '@billkit/core';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  sql,
} from 'kysely';
import { createSqlStore, type SqlBillingStore, type SqlStoreOptions } from '../sql-store.js';
import type { Executor, SqlDialect, UpsertSpec } from './dialect.js';
import { insertOnConflictUpdate } from './on-conflict.js';

export interface SqliteStoreOptions extends SqlStoreOptions {
  /**
   * The database file, created when missing; `':memory:'` for a private in-memory database.
   * @example 'billing.db'
   */
  filename: string;
}

/**
 * A BillingStore in a SQLite file through better-sqlite3 (install `better-sqlite3` 12).
 *
 * @example
 * const store = sqliteStore({ filename: 'billing.db' });
 * await store.migrate();
 */
export function sqliteStore(options: SqliteStoreOptions): SqlBillingStore {
  const { filename } = options;
  return createSqlStore(
    sqliteDialect,
    new ImmediateSqliteDialect({ database: () => openDatabase(filename) }),
    options,
  );
}

/** How long a write waits for another process's write lock. */
const BUSY_TIMEOUT_MS = 10_000;

/**
 * Kysely's SQLite dialect, with transactions that take the write lock when they begin: a deferred
 * transaction that reads and then writes can fail at once with SQLITE_BUSY (no waiting) when
 * another process wrote in between, which an immediate one never does.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];

  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

async function openDatabase(filename: string): Promise<SqliteDatabase> {
  const Database = await loadBetterSqlite3();
  const database = new Database(filename, { timeout: BUSY_TIMEOUT_MS });
  // WAL lets readers in other processes go on while one writes; an in-memory database has no file.
  if (filename !== ':memory:' && filename !== '') database.pragma('journal_mode = WAL');
  return database;
}

async function loadBetterSqlite3() {
  try {
    return (await import('better-sqlite3')).default;
  } catch (error) {
    throw new Error('sqliteStore needs the better-sqlite3 package (version 12): npm install better-sqlite3', {
      cause: error,
    });
  }
}

/** The Unix epoch as a Julian day (2440587.5) in milliseconds. */
const UNIX_EPOCH_JULIAN_MS = 210_866_760_000_000;

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  capabilities: { supportsTransactions: true, supportsAdvisoryLocks: false },
  supportsReturning: true,
  supportsTransactionalDdl: true,
  indexNamesArePerTable: false,
  types: {
    id: sql`text`,
    short: sql`text`,
    text: sql`text`,
    longText: sql`text`,
    json: sql`text`,
    bigint: sql`integer`,
    integer: sql`integer`,
    boolean: sql`integer`,
    timestamp: sql`text`,
    sequenceKey: sql`integer primary key autoincrement`,
  },
  tableOptions: null,
  bulkRows: 'values',
  upsertClause: 'onConflict',
  counts: {
    // A quoted label ('$."a.b"') is one key, whatever it holds.
    get: (object, key) => sql<number | null>`json_extract(${object}, '$.' || json_quote(${key}))`,
    // A merge patch drops a null value's key: the value is null only where the object lacks the key.
    set: (object, entries) => sql`json_patch(${object}, json_object(${sql.join(entries.flat())}))`,
    entries: (object, alias) => ({
      from: sql`json_each(${object})`.as(alias),
      key: sql<string>`${sql.ref(`${alias}.key`)}`,
      value: sql<number>`${sql.ref(`${alias}.value`)}`,
    }),
  },

  toDbDate: (date) => date.toISOString(),
  fromDbDate: (value) => (value instanceof Date ? new Date(value.getTime()) : new Date(value)),
  toDbBoolean: (value) => (value ? 1 : 0),

  // julianday() is a float of days: scaled to ms it is within a small fraction of a ms of the exact
  // count, which round() recovers; the epoch (Julian day 2440587.5) is subtracted as an integer.
  epochMilliseconds: (timestamp) =>
    sql<number>`(cast(round(julianday(${timestamp}) * 86400000) as integer) - ${sql.lit(UNIX_EPOCH_JULIAN_MS)})`,
  wideInteger: (value) => sql<number>`(${value})`,
  asBigint: (value) => sql<number>`(${value})`,
  integerDivide: (numerator, denominator) => sql<number>`((${numerator}) / (${denominator}))`,
  readAggregates: (db, work) => work(db),

  upsert: (db, spec, inTransaction) =>
    inTransaction ? upsertSerialized(db, spec) : db.transaction().execute((tx) => upsertSerialized(tx, spec)),

  // No conflict target: a clash on any unique column (the outbox's id or key) inserts nothing.
  insertIfAbsent: async (db, table, row) => {
    const result = await db
      .insertInto(table)
      .values(row as never)
      .onConflict((conflict) => conflict.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  },

  // Claims run in a BEGIN IMMEDIATE transaction: it holds the only write lock, nothing to skip.
  lockForUpdate: (query) => query,
  lockSkippingLocked: (query) => query,

  uniqueViolation: (error) => {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return null;
    // "UNIQUE constraint failed: billkit_customers.user_id"
    const message = (error as Error).message;
    return message.slice(message.indexOf(':') + 1).trim();
  },

  isTransient: (error) => (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY',

  // BEGIN IMMEDIATE takes SQLite's write lock at once: a second migrating process waits for it.
  withMigrationLock: (db, _lockName, work) =>
    db.connection().execute(async (connection) => {
      await beginImmediate(connection);
      try {
        const result = await work(connection);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
    }),
};

const MIGRATION_LOCK_WAIT_MS = 120_000;

/**
 * Takes the write lock, waiting without blocking the event loop: better-sqlite3's own busy wait
 * would stall this thread, and with it another store of this process that holds the lock.
 */
async function beginImmediate(connection: Executor): Promise<void> {
  const started = Date.now();
  await sql`pragma busy_timeout = 0`.execute(connection);
  try {
    for (;;) {
      try {
        await sql`begin immediate`.execute(connection);
        return;
      } catch (error) {
        const busy = (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY';
        if (!busy || Date.now() - started > MIGRATION_LOCK_WAIT_MS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    await sql`pragma busy_timeout = ${sql.lit(BUSY_TIMEOUT_MS)}`.execute(connection);
  }
}

/**
 * The ON CONFLICT upsert, and the stored watermark read just before it to tell inserted / updated /
 * stale apart (SQLite's RETURNING cannot). Both run in one transaction on SQLite's single
 * connection, so no other write comes between them.
 */
async function upsertSerialized(db: Executor, spec: UpsertSpec): Promise<UpsertResult> {
  const stored = await (db as Executor)
    .selectFrom(spec.table)
    .select('watermark')
    .where(spec.key as never, '=', spec.row[spec.key] as never)
    .executeTakeFirst();
  await insertOnConflictUpdate(db, spec).execute();
  if (stored === undefined) return 'inserted';
  return Number(stored.watermark) > Number(spec.row.watermark) ? 'stale' : 'updated';
}
