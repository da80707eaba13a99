// What a repository runs its queries through: the store's connection or a transaction, the
// dialect, and the two ways of writing (one statement, or several that must not be split).

import { UniqueViolationError, type UpsertResult } from '@billkit/core';
import type { Executor, SqlDialect, UpsertSpec } from './dialects/dialect.js';

const TRANSIENT_RETRIES = 8;

export interface SqlContext {
  readonly db: Executor;
  readonly dialect: SqlDialect;
  readonly prefix: string;
  /** True inside `store.transaction`: nothing may be retried here, the caller's transaction decides. */
  readonly inTransaction: boolean;
}

/**
 * Runs `work` as one unit: inside the caller's transaction when there is one, else in a
 * transaction of its own, retried when the database reports a deadlock.
 */
export function atomically<T>(context: SqlContext, work: (db: Executor) => Promise<T>): Promise<T> {
  if (context.inTransaction) return work(context.db);
  return retryTransient(context, () => context.db.transaction().execute(work));
}

/** Runs one statement; outside a transaction it is retried when the database reports a deadlock. */
export function writeOnce<T>(context: SqlContext, work: (db: Executor) => Promise<T>): Promise<T> {
  if (context.inTransaction) return work(context.db);
  return retryTransient(context, () => work(context.db));
}

async function retryTransient<T>(context: SqlContext, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= TRANSIENT_RETRIES || !context.dialect.isTransient(error)) throw error;
      // A short, growing pause so the transactions that collided do not collide again.
      await new Promise((resolve) => setTimeout(resolve, attempt * 5 + Math.random() * 10));
    }
  }
}

/**
 * Turns a unique-constraint violation into the port's `UniqueViolationError`, naming the column
 * (`user_id`, `stripe_customer_id`, ...); other errors are returned as they are.
 */
export function translateError(
  context: SqlContext,
  error: unknown,
  table: string,
  keyColumn: string,
): unknown {
  const hint = context.dialect.uniqueViolation(error);
  if (hint === null) return error;
  return new UniqueViolationError(fieldNamed(hint, `${context.prefix}${table}`, keyColumn));
}

/** The column a constraint, index or column name points at: `billkit_customers_user_id_key` → `user_id`. */
function fieldNamed(hint: string, table: string, keyColumn: string): string {
  const name = hint.slice(hint.lastIndexOf('.') + 1).trim();
  if (name === 'PRIMARY' || name.endsWith('_pkey') || name === keyColumn) return keyColumn;
  if (name.startsWith(`${table}_`) && name.endsWith('_key'))
    return name.slice(table.length + 1, -'_key'.length);
  return name;
}

/** The dialect's one-statement upsert with the watermark condition, retried on deadlocks outside a transaction. */
export function upsertRow(context: SqlContext, spec: UpsertSpec): Promise<UpsertResult> {
  return writeOnce(context, (db) => context.dialect.upsert(db, spec, context.inTransaction));
}
