// What one SQL dialect must provide to the shared query layer. Each dialect lives in one file of
// this folder (sqlite.ts, postgres.ts, mysql.ts); the rest of the package asks these flags and
// hooks instead of testing which database it talks to.

import type { StoreCapabilities, UpsertResult } from '@billkit/core';
import type { AliasedRawBuilder, Expression, Kysely, RawBuilder, SelectQueryBuilder } from 'kysely';
import type { Database, DbBoolean, DbDate } from '../schema.js';

/** A connection or a transaction on one: both run queries the same way. */
export type Executor = Kysely<Database>;

/** The mirrored tables: each row has a Stripe id (the key) and a watermark. */
export type MirroredTable =
  | 'customers'
  | 'subscriptions'
  | 'payment_methods'
  | 'invoices'
  | 'payments'
  | 'refunds'
  | 'disputes'
  | 'credits';

export interface UpsertSpec {
  table: MirroredTable;
  /** The primary key column (the Stripe id). */
  key: string;
  /** Every column of the row, in database form. */
  row: Record<string, unknown>;
  /** Other columns with a unique constraint (customers' user_id), which the upsert must not take over. */
  otherUniqueColumns?: string[];
}

/** SQL types for the columns of the migrations, per dialect. */
export interface ColumnTypes {
  /** Ids and other short keys that are indexed and compared byte by byte (Stripe ids, user ids). */
  id: RawBuilder<unknown>;
  /** Short indexed words: statuses, currencies, types. */
  short: RawBuilder<unknown>;
  /** Free text of any length (names, messages, URLs); never indexed. */
  text: RawBuilder<unknown>;
  /** Long text: event payloads, JSON. */
  longText: RawBuilder<unknown>;
  /** A JSON object the database reads and updates in place (jsonb, json; text on SQLite). */
  json: RawBuilder<unknown>;
  bigint: RawBuilder<unknown>;
  integer: RawBuilder<unknown>;
  boolean: RawBuilder<unknown>;
  /** UTC, to the millisecond. */
  timestamp: RawBuilder<unknown>;
  /** An increasing, database-assigned bigint primary key (the audit log's append order). */
  sequenceKey: RawBuilder<unknown>;
}

/**
 * Flat JSON objects of whole numbers (metering's unit sums: `{"input_tokens": 1200}`), read and
 * added to inside the database. Keys are any text (quoted into paths, never spliced), values
 * 64-bit integers.
 */
export interface CountObjects {
  /** The number at `key`, as a 64-bit integer; null where the object has no such key. */
  get(object: Expression<unknown>, key: Expression<unknown>): RawBuilder<number | null>;
  /**
   * `object` with each entry's key set to its value; an entry whose value is null leaves the key as
   * the object has it. At most `MAX_COUNT_ENTRIES` entries per call (function argument limits).
   */
  set(
    object: Expression<unknown>,
    entries: ReadonlyArray<readonly [key: Expression<unknown>, value: Expression<unknown>]>,
  ): RawBuilder<unknown>;
  /**
   * A FROM item with a row per entry of `object` (a column of an earlier FROM item), named `alias`,
   * and the expressions of its key and (integer) value.
   */
  entries(
    object: Expression<unknown>,
    alias: string,
  ): { from: AliasedRawBuilder<unknown, string>; key: RawBuilder<string>; value: RawBuilder<number> };
}

/** Entries one `CountObjects.set` takes: SQLite's functions take at most 127 arguments, PostgreSQL's 100. */
export const MAX_COUNT_ENTRIES = 40;

/**
 * How a batch of rows travels in one multi-row INSERT: as a VALUES list of bind parameters, or as
 * one JSON parameter read by `json_populate_recordset` over the table's row type (PostgreSQL: half
 * the server time of a VALUES list of thousands of parameters).
 */
export type BulkRows = 'values' | 'jsonRecordset';

export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres' | 'mysql';
  readonly capabilities: StoreCapabilities;
  /** UPDATE ... RETURNING is available. */
  readonly supportsReturning: boolean;
  /** CREATE TABLE / INDEX roll back with the transaction around them. */
  readonly supportsTransactionalDdl: boolean;
  /** An index name belongs to its table, not the schema (MySQL): DROP INDEX must name the table. */
  readonly indexNamesArePerTable: boolean;
  readonly types: ColumnTypes;
  /** Appended to CREATE TABLE (engine, charset, collation). */
  readonly tableOptions: RawBuilder<unknown> | null;
  /** How multi-row INSERTs of many rows (usage events and roll-ups) send them. */
  readonly bulkRows: BulkRows;
  /**
   * The clause that turns an INSERT into an upsert: `ON CONFLICT (key) DO …` (`excluded.c` is the
   * new row's value), or MySQL's `ON DUPLICATE KEY UPDATE` (`VALUES(c)`).
   */
  readonly upsertClause: 'onConflict' | 'onDuplicateKey';
  readonly counts: CountObjects;

  toDbDate(date: Date): DbDate;
  fromDbDate(value: DbDate): Date;
  toDbBoolean(value: boolean): DbBoolean;

  /**
   * The whole milliseconds from the Unix epoch to a timestamp, as an integer expression: what the
   * analytics subtract to get durations (timestamptz's epoch, TIMESTAMPDIFF, SQLite's julianday).
   */
  epochMilliseconds(timestamp: Expression<unknown>): RawBuilder<number>;
  /**
   * An integer widened for arithmetic on money: products of two amounts neither overflow nor
   * go through floats (PostgreSQL numeric, MySQL DECIMAL(65); SQLite's integers are 64-bit already).
   */
  wideInteger(value: Expression<unknown>): RawBuilder<number>;
  /** An integer as a 64-bit integer again: SUM gives numeric (PostgreSQL) or DECIMAL (MySQL). */
  asBigint(value: Expression<unknown>): RawBuilder<number>;
  /**
   * Integer division of non-negative integers (wide ones too), the fraction dropped (`div`, `DIV`,
   * SQLite's `/`), as a 64-bit integer: the quotient must fit in one.
   */
  integerDivide(numerator: Expression<unknown>, denominator: Expression<unknown>): RawBuilder<number>;

  /**
   * Runs the analytics' read-only aggregate queries: on PostgreSQL in a transaction with JIT
   * compilation off, since compiling their long lists of CASE columns costs seconds and saves less.
   */
  readAggregates<T>(db: Executor, work: (db: Executor) => Promise<T>): Promise<T>;

  /**
   * Writes the row unless the stored one has a newer watermark, in one INSERT with the watermark
   * condition, and says which of the three happened.
   */
  upsert(db: Executor, spec: UpsertSpec, inTransaction: boolean): Promise<UpsertResult>;
  /**
   * Inserts the row; false (and nothing changed) when a row with the same `key`, or the same value
   * of any other unique column, is there already.
   */
  insertIfAbsent(
    db: Executor,
    table: 'webhook_events' | 'outbox' | 'mrr_movements',
    row: Record<string, unknown>,
    key: string,
  ): Promise<boolean>;

  /**
   * Makes a SELECT of rows to claim lock them and pass over rows another transaction has locked
   * (`FOR UPDATE SKIP LOCKED`), or leaves it as it is where the transaction around it already
   * holds the only write lock (SQLite's BEGIN IMMEDIATE).
   */
  lockSkippingLocked<TB extends keyof Database, O>(
    query: SelectQueryBuilder<Database, TB, O>,
  ): SelectQueryBuilder<Database, TB, O>;
  /**
   * Makes a SELECT lock the rows it reads until the transaction ends, a second locker waiting and
   * then reading the rows as committed (`FOR UPDATE`), or leaves it as it is where the transaction
   * already holds the only write lock (SQLite's BEGIN IMMEDIATE).
   */
  lockForUpdate<TB extends keyof Database, O>(
    query: SelectQueryBuilder<Database, TB, O>,
  ): SelectQueryBuilder<Database, TB, O>;

  /** When `error` is a unique-constraint violation, what it names (constraint, index or column); else null. */
  uniqueViolation(error: unknown): string | null;
  /** A deadlock or serialization failure: the statement (outside a transaction) may be retried as is. */
  isTransient(error: unknown): boolean;

  /**
   * Runs `work` while holding the migration lock for `lockName` (advisory lock, GET_LOCK, or an
   * immediate transaction), so two processes never migrate one database at once.
   */
  withMigrationLock<T>(db: Executor, lockName: string, work: (db: Executor) => Promise<T>): Promise<T>;
}
