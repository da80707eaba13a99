// MySQL and MariaDB through mysql2. Timestamps are DATETIME(3) written and read as UTC text,
// tables are utf8mb4 with binary collation (ids compare byte by byte, emoji fit), upserts are one
// INSERT ... ON DUPLICATE KEY UPDATE, and migrations hold GET_LOCK.

import { UniqueViolationError } from '@billkit/core';
import { MysqlDialect, type MysqlPool, sql } from 'kysely';
import { createSqlStore, type SqlBillingStore, type SqlStoreOptions } from '../sql-store.js';
import type { SqlDialect, UpsertSpec } from './dialect.js';

export type MysqlStoreOptions = SqlStoreOptions &
  (
    | {
        /** @example 'mysql://billing@127.0.0.1:3306/app' */
        uri: string;
        /**
         * Connections the store's own pool may open.
         * @default 10
         */
        maxConnections?: number;
      }
    | {
        /**
         * A mysql2 pool (callback API: `createPool(...)`, or `promisePool.pool`), created with
         * `timezone: 'Z'` and `dateStrings: true` so times stay UTC. The host keeps it: `close()`
         * leaves it open.
         */
        pool: MysqlPool;
      }
  );

/**
 * A BillingStore in MySQL 8 or MariaDB 10.6+ (for SKIP LOCKED) through mysql2 (install `mysql2` 3).
 *
 * @example
 * const store = mysqlStore({ uri: process.env.DATABASE_URL! });
 * await store.migrate();
 */
export function mysqlStore(options: MysqlStoreOptions): SqlBillingStore {
  const pool: MysqlPool | (() => Promise<MysqlPool>) =
    'pool' in options ? borrowed(options.pool) : () => openPool(options.uri, options.maxConnections ?? 10);
  return createSqlStore(mysqlDialect, new MysqlDialect({ pool }), options);
}

/** The host's pool, which the store must not end when it closes. */
function borrowed(pool: MysqlPool): MysqlPool {
  return {
    getConnection: (callback) => pool.getConnection(callback),
    end: (callback) => callback(null),
  };
}

async function openPool(uri: string, connectionLimit: number): Promise<MysqlPool> {
  let createPool: typeof import('mysql2').createPool;
  try {
    createPool = (await import('mysql2')).default.createPool;
  } catch (error) {
    throw new Error('mysqlStore needs the mysql2 package (version 3): npm install mysql2', { cause: error });
  }
  return createPool({
    uri,
    connectionLimit,
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'UTF8MB4_BIN',
  }) as unknown as MysqlPool;
}

// What the upsert's LAST_INSERT_ID(...) reports when the row was there already. A plain insert
// leaves the insert id at 0 (the tables have no AUTO_INCREMENT key but the audit log).
const UPSERT_UPDATED = 1;
const UPSERT_STALE = 2;
const UPSERT_OTHER_KEY_TAKEN = 3;

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  capabilities: { supportsTransactions: true, supportsAdvisoryLocks: true },
  supportsReturning: false,
  supportsTransactionalDdl: false,
  indexNamesArePerTable: true,
  types: {
    id: sql`varchar(255)`,
    short: sql`varchar(100)`,
    text: sql`text`,
    longText: sql`longtext`,
    json: sql`json`,
    bigint: sql`bigint`,
    integer: sql`int`,
    boolean: sql`boolean`,
    timestamp: sql`datetime(3)`,
    sequenceKey: sql`bigint auto_increment primary key`,
  },
  tableOptions: sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`,
  bulkRows: 'values',
  upsertClause: 'onDuplicateKey',
  counts: {
    get: (object, key) =>
      sql<number | null>`cast(json_extract(${object}, concat('$.', json_quote(${key}))) as signed)`,
    // A merge patch drops a null value's key: the value is null only where the object lacks the key.
    set: (object, entries) => sql`json_merge_patch(${object}, json_object(${sql.join(entries.flat())}))`,
    // JSON_TABLE lists values, not keys: the keys' array is listed, each key's value looked up.
    entries: (object, alias) => {
      const key = sql<string>`${sql.ref(`${alias}.entry_key`)}`;
      return {
        from: sql`json_table(json_keys(${object}), '$[*]' columns (entry_key varchar(255) path '$'))`.as(
          alias,
        ),
        key,
        value: sql<number>`cast(json_extract(${object}, concat('$.', json_quote(${key}))) as signed)`,
      };
    },
  },

  toDbDate: (date) => date.toISOString().slice(0, 23).replace('T', ' '),
  fromDbDate: (value) => (value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`)),
  toDbBoolean: (value) => (value ? 1 : 0),

  // DATETIME has no time zone: the difference from the epoch's UTC text is the epoch time, whatever
  // the session's time zone (which UNIX_TIMESTAMP would apply).
  epochMilliseconds: (timestamp) =>
    sql<number>`(timestampdiff(microsecond, '1970-01-01 00:00:00', ${timestamp}) div 1000)`,
  // BIGINT arithmetic fails on overflow, and `/` rounds to 4 decimals: DECIMAL and DIV are exact.
  wideInteger: (value) => sql<number>`cast(${value} as decimal(65, 0))`,
  asBigint: (value) => sql<number>`cast(${value} as signed)`,
  integerDivide: (numerator, denominator) => sql<number>`((${numerator}) div (${denominator}))`,
  readAggregates: (db, work) => work(db),

  upsert: async (db, spec) => {
    const result = await db
      .insertInto(spec.table)
      .values(spec.row as never)
      .onDuplicateKeyUpdate(duplicateKeyUpdates(spec) as never)
      .executeTakeFirst();
    const outcome = Number(result.insertId ?? 0);
    if (outcome === UPSERT_OTHER_KEY_TAKEN)
      throw new UniqueViolationError(spec.otherUniqueColumns?.[0] ?? spec.key);
    if (outcome === UPSERT_STALE) return 'stale';
    return outcome === UPSERT_UPDATED ? 'updated' : 'inserted';
  },

  insertIfAbsent: async (db, table, row) => {
    try {
      await db
        .insertInto(table)
        .values(row as never)
        .execute();
      return true;
    } catch (error) {
      // A duplicate key fails only this statement, not the transaction around it.
      if ((error as { errno?: unknown } | null)?.errno === 1062) return false;
      throw error;
    }
  },

  // MySQL 8 and MariaDB 10.6+.
  lockForUpdate: (query) => query.forUpdate(),
  lockSkippingLocked: (query) => query.forUpdate().skipLocked(),

  uniqueViolation: (error) => {
    const { errno, message } = (error ?? {}) as { errno?: unknown; message?: unknown };
    if (errno !== 1062) return null;
    // "Duplicate entry 'x' for key 'billkit_customers_user_id_key'" (MySQL 8: 'table.key')
    const key = /for key '([^']+)'/.exec(String(message))?.[1];
    return key ?? '';
  },

  // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
  isTransient: (error) => [1213, 1205].includes(Number((error as { errno?: unknown } | null)?.errno)),

  withMigrationLock: (db, lockName, work) =>
    db.connection().execute(async (connection) => {
      const name = sql`left(concat(database(), ':', ${lockName}), 64)`;
      const { rows } = await sql<{ locked: number | null }>`select get_lock(${name}, 120) as locked`.execute(
        connection,
      );
      if (Number(rows[0]?.locked) !== 1) {
        throw new Error(
          `Could not take the migration lock ${lockName} within 120 s: another migration is running.`,
        );
      }
      try {
        return await work(connection);
      } finally {
        await sql`select release_lock(${name})`.execute(connection);
      }
    }),
};

/**
 * ON DUPLICATE KEY UPDATE assignments that take the new values only when the row found is the
 * same Stripe object and its watermark is not newer. MySQL runs the assignments in order and later
 * ones see earlier results, so the watermark is assigned last; the first one reports the outcome
 * through LAST_INSERT_ID(expr), which mysql2 hands back as the insert id.
 */
function duplicateKeyUpdates({ key, row }: UpsertSpec): Record<string, unknown> {
  const sameRow = sql`${sql.ref(key)} = values(${sql.ref(key)})`;
  const notNewer = sql`${sql.ref('watermark')} <= values(${sql.ref('watermark')})`;
  const applies = sql`(${sameRow} and ${notNewer})`;
  const columns = Object.keys(row).filter((column) => column !== key && column !== 'watermark');
  const updates: Record<string, unknown> = {
    [key]: sql`if(last_insert_id(case when not ${sameRow} then ${sql.lit(UPSERT_OTHER_KEY_TAKEN)} when ${notNewer} then ${sql.lit(UPSERT_UPDATED)} else ${sql.lit(UPSERT_STALE)} end) > 0, ${sql.ref(key)}, ${sql.ref(key)})`,
  };
  for (const column of columns) {
    updates[column] = sql`if(${applies}, values(${sql.ref(column)}), ${sql.ref(column)})`;
  }
  updates.watermark = sql`if(${applies}, values(${sql.ref('watermark')}), ${sql.ref('watermark')})`;
  return updates;
}
