// The upsert PostgreSQL and SQLite share: INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE the
// stored watermark is not newer. One statement, so no other writer can slip in between.

import { type InsertQueryBuilder, type InsertResult, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { Executor, UpsertSpec } from './dialect.js';

export function insertOnConflictUpdate(
  db: Executor,
  { table, key, row }: UpsertSpec,
): InsertQueryBuilder<Database, any, InsertResult> {
  const updates = Object.fromEntries(
    Object.keys(row)
      .filter((column) => column !== key)
      .map((column) => [column, sql.ref(`excluded.${column}`)]),
  );
  return (db as Executor)
    .insertInto(table)
    .values(row as never)
    .onConflict((conflict) =>
      conflict
        .column(key as never)
        .doUpdateSet(updates as never)
        .where(sql.ref(`${table}.watermark`), '<=', sql.ref('excluded.watermark')),
    );
}
