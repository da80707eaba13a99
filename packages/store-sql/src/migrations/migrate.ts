// Runs the migrations a database lacks, under the dialect's migration lock, and records each one
// in the migrations table. A batch job: it never stops half-way through a migration without
// saying so, and it reports what happened to each migration.

import { sql } from 'kysely';
import type { Executor, SqlDialect } from '../dialects/dialect.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export interface MigrationOutcome {
  version: number;
  name: string;
  /** `not run`: an earlier migration failed, so this one was left for the next run. */
  status: 'applied' | 'already applied' | 'failed' | 'not run';
  error?: string;
}

export interface MigrateResult {
  /** True when every migration is applied now. */
  ok: boolean;
  migrations: MigrationOutcome[];
}

/** Thrown by `store.migrate()` when a migration failed; `result` says what happened to each. */
export class MigrationError extends Error {
  readonly result: MigrateResult;
  constructor(result: MigrateResult) {
    const failed = result.migrations.find((migration) => migration.status === 'failed');
    super(
      `Migration ${failed?.version} (${failed?.name}) failed: ${failed?.error ?? 'unknown error'}. ` +
        'Earlier migrations stay applied; run migrate again after fixing the cause.',
    );
    this.name = 'MigrationError';
    this.result = result;
  }
}

export async function runMigrations(
  db: Executor,
  dialect: SqlDialect,
  prefix: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrateResult> {
  return dialect.withMigrationLock(db, `billkit_migrate:${prefix}`, async (locked) => {
    await locked.schema
      .createTable('migrations')
      .ifNotExists()
      .addColumn('version', dialect.types.integer, (column) => column.notNull().primaryKey())
      .addColumn('name', dialect.types.text, (column) => column.notNull())
      .addColumn('applied_at', dialect.types.timestamp, (column) => column.notNull())
      .$call((builder) => (dialect.tableOptions === null ? builder : builder.modifyEnd(dialect.tableOptions)))
      .execute();
    const applied = new Set(
      (await locked.selectFrom('migrations').select('version').execute()).map((row) => Number(row.version)),
    );

    const outcomes: MigrationOutcome[] = [];
    let failed = false;
    for (const migration of migrations) {
      const { version, name } = migration;
      if (applied.has(version)) {
        outcomes.push({ version, name, status: 'already applied' });
      } else if (failed) {
        outcomes.push({ version, name, status: 'not run' });
      } else {
        const error = await applyOne(locked, dialect, prefix, migration);
        failed = error !== null;
        outcomes.push(
          error === null ? { version, name, status: 'applied' } : { version, name, status: 'failed', error },
        );
      }
    }
    return { ok: !failed, migrations: outcomes };
  });
}

/** Applies one migration and records it; returns the error message when it failed. */
async function applyOne(
  db: Executor,
  dialect: SqlDialect,
  prefix: string,
  migration: Migration,
): Promise<string | null> {
  // Where DDL is transactional the lock holder runs inside a transaction: a savepoint undoes a
  // failed migration whole. Elsewhere (MySQL) a failed migration may leave part of its DDL behind.
  const savepoint = dialect.supportsTransactionalDdl;
  if (savepoint) await sql`savepoint billkit_migration`.execute(db);
  try {
    await migration.up({
      db,
      dialect,
      types: dialect.types,
      prefix,
      finish: (builder) =>
        dialect.tableOptions === null ? builder : builder.modifyEnd(dialect.tableOptions),
      dropIndex: async (name, table) => {
        const drop = db.schema.dropIndex(`${prefix}${name}`);
        await (dialect.indexNamesArePerTable ? drop.on(table) : drop).execute();
      },
    });
    await db
      .insertInto('migrations')
      .values({ version: migration.version, name: migration.name, applied_at: dialect.toDbDate(new Date()) })
      .execute();
    if (savepoint) await sql`release savepoint billkit_migration`.execute(db);
    return null;
  } catch (error) {
    if (savepoint) await sql`rollback to savepoint billkit_migration`.execute(db);
    return error instanceof Error ? error.message : String(error);
  }
}
