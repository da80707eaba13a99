// The databases the store-sql benchmarks run on: a SQLite file in a temporary folder, and a
// throwaway PostgreSQL schema (server defaults, as a host would have them) that is dropped at the
// end, also when the benchmark fails. Both give the store and the raw driver of the baseline, on the
// same database.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PostgresPool } from 'kysely';
import pg from 'pg';
import { postgresStore, type SqlBillingStore, sqliteStore } from '../src/index.js';
import { TABLE_NAMES } from '../src/schema.js';
import { DEFAULT_TABLE_PREFIX } from '../src/table-prefix.js';

export const POSTGRES_URL =
  process.env.BILLKIT_BENCH_POSTGRES_URL ??
  process.env.BILLKIT_TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

/** Billkit's tables with rows (all but the migrations' own), by their names in the database. */
const BILLKIT_TABLES = TABLE_NAMES.filter((table) => table !== 'migrations').map(
  (table) => `${DEFAULT_TABLE_PREFIX}${table}`,
);

export interface SqliteBench {
  /** The store on the file, migrated. */
  store: SqlBillingStore;
  /** A second connection to the same file through better-sqlite3 (WAL, like the store's). */
  raw: Database.Database;
  version: string;
  /** Deletes every row of Billkit's tables (the migrations stay). */
  emptyStore(): void;
  close(): Promise<void>;
}

export async function openSqlite(): Promise<SqliteBench> {
  const dir = mkdtempSync(join(tmpdir(), 'billkit-bench-'));
  const filename = join(dir, 'bench.sqlite');
  const store = sqliteStore({ filename });
  const raw = new Database(filename, { timeout: 10_000 });
  try {
    await store.migrate();
    raw.pragma('journal_mode = WAL');
  } catch (error) {
    raw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { version } = raw.prepare('select sqlite_version() as version').get() as { version: string };
  return {
    store,
    raw,
    version,
    emptyStore: () => raw.exec(BILLKIT_TABLES.map((table) => `delete from ${table};`).join('\n')),
    close: async () => {
      raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PostgresBench {
  /** The store on the schema, migrated; it borrows `pool`. */
  store: SqlBillingStore;
  /** The raw driver's pool on the same schema (the store's connections come from it too). */
  pool: pg.Pool;
  /** `select version()`. */
  version: string;
  /** The durability settings the figures were measured with. */
  settings: string;
  /** Truncates Billkit's tables (the migrations stay). */
  emptyStore(): Promise<void>;
  /** Ends the pool and drops the schema. */
  drop(): Promise<void>;
}

/** A migrated store on a schema of its own, or why there is none. */
export async function openPostgres(): Promise<PostgresBench | { skip: string }> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 1500 });
  try {
    await admin.connect();
  } catch (error) {
    const { hostname, port } = new URL(POSTGRES_URL);
    return { skip: `no server at ${hostname}:${port} (${(error as Error).message})` };
  }
  const schema = `billkit_bench_store_sql_${Math.random().toString(36).slice(2, 8)}`;
  let pool: pg.Pool | undefined;
  let store: SqlBillingStore | undefined;
  const drop = async () => {
    await store?.close();
    await pool?.end();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  };
  try {
    await admin.query(`create schema ${schema}`);
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
    pool.on('error', () => {});
    store = postgresStore({ pool: pool as unknown as PostgresPool });
    await store.migrate();
    const version = (await admin.query<{ version: string }>('select version()')).rows[0]!.version;
    const settings = await admin.query<{ name: string; setting: string }>(
      `select name, setting from pg_settings where name in ('fsync', 'synchronous_commit') order by name`,
    );
    const truncate = `truncate table ${BILLKIT_TABLES.join(', ')} restart identity`;
    const poolOfSchema = pool;
    return {
      store,
      pool,
      version,
      settings: settings.rows.map((row) => `${row.name}=${row.setting}`).join(', '),
      emptyStore: async () => {
        await poolOfSchema.query(truncate);
      },
      drop,
    };
  } catch (error) {
    await drop();
    throw error;
  }
}
