// The drivers the ingest benchmark talks to directly: `pg` (a throwaway schema per run, a pool the
// store and the baseline share) and better-sqlite3 (the baseline's own connection to the store's
// file). Both are @billkit/store-sql's optional peers, loaded from there; only the few calls made
// here are described, as small interfaces. Adapted from packages/admin/bench/postgres.ts.

import { createRequire } from 'node:module';
import type { PostgresStoreOptions } from '@billkit/store-sql';

/** The pool type `postgresStore({ pool })` takes. */
type StorePool = Extract<PostgresStoreOptions, { pool: unknown }>['pool'];

export interface PgQueryResult<Row> {
  rows: Row[];
  rowCount: number | null;
}

export interface PgQueryable {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<PgQueryResult<Row>>;
}

export interface PgClient extends PgQueryable {
  connect(): Promise<void>;
  end(): Promise<void>;
}

export type PgPool = StorePool &
  PgQueryable & { on(event: 'error', listener: (error: Error) => void): unknown };

interface PgModule {
  Client: new (config: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;
  Pool: new (config: { connectionString: string; max?: number }) => PgPool;
}

/** The slice of a better-sqlite3 database the baseline uses. */
export interface SqliteConnection {
  prepare(sql: string): { run(...values: unknown[]): unknown; all(...values: unknown[]): unknown[] };
  exec(sql: string): unknown;
  pragma(pragma: string): unknown;
  close(): unknown;
}

type SqliteModule = new (filename: string) => SqliteConnection;

export const POSTGRES_URL =
  process.env.BILLKIT_BENCH_POSTGRES_URL ??
  process.env.BILLKIT_TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

/** A peer of @billkit/store-sql as that package resolves it (it is not this package's dependency). */
function loadFromStoreSql<T>(name: string): T {
  const requireFromStoreSql = createRequire(import.meta.resolve('@billkit/store-sql'));
  return requireFromStoreSql(name) as T;
}

/** A raw better-sqlite3 connection to `filename`, in WAL mode like the store's own. */
export function openSqlite(filename: string): SqliteConnection {
  const Database = loadFromStoreSql<SqliteModule>('better-sqlite3');
  const database = new Database(filename);
  database.pragma('journal_mode = WAL');
  return database;
}

/** A client on the server's default schema, or why there is none (the benchmark skips PostgreSQL). */
export async function connectServer(): Promise<{ client: PgClient } | { unreachable: string }> {
  const pg = loadFromStoreSql<PgModule>('pg');
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    return { client };
  } catch (error) {
    const { hostname, port } = new URL(POSTGRES_URL);
    return { unreachable: `no server at ${hostname}:${port} (${(error as Error).message})` };
  }
}

/** A schema of its own for one run, and a pool (server defaults, like a host's) whose search_path is it. */
export interface BenchSchema {
  name: string;
  pool: PgPool;
  drop(): Promise<void>;
}

export async function createSchema(server: PgClient): Promise<BenchSchema> {
  const pg = loadFromStoreSql<PgModule>('pg');
  const name = `billkit_bench_metering_${Math.random().toString(36).slice(2, 8)}`;
  await server.query(`create schema ${name}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  pool.on('error', () => {});
  return {
    name,
    pool,
    drop: async () => {
      await pool.end();
      await server.query(`drop schema ${name} cascade`);
    },
  };
}

/** Schemas an interrupted run left behind (each run drops its own; another run's may be live). */
export async function leftoverSchemas(server: PgQueryable): Promise<string[]> {
  const { rows } = await server.query<{ name: string }>(
    `select nspname as name from pg_namespace where nspname like 'billkit\\_bench\\_metering\\_%' order by 1`,
  );
  return rows.map((row) => row.name);
}
