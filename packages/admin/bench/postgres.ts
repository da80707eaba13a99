// The PostgreSQL plumbing of the admin benchmarks: the `pg` driver, a throwaway schema per data
// size, and a pool that records the SQL the store sends (for EXPLAIN). Only the few `pg` calls the
// benchmark makes are described here, as small interfaces (the way @billkit/store-sql does).

import { createRequire } from 'node:module';
import type { PostgresStoreOptions } from '@billkit/store-sql';

/** The pool type `postgresStore({ pool })` takes. */
export type StorePool = Extract<PostgresStoreOptions, { pool: unknown }>['pool'];

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
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export type PgPool = StorePool &
  PgQueryable & { on(event: 'error', listener: (error: Error) => void): unknown };

interface PgModule {
  Client: new (config: { connectionString: string; connectionTimeoutMillis?: number }) => PgClient;
  Pool: new (config: { connectionString: string; max?: number }) => PgPool;
}

export const POSTGRES_URL =
  process.env.BILLKIT_BENCH_POSTGRES_URL ??
  process.env.BILLKIT_TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

/**
 * `pg` as @billkit/store-sql loads it. It is that package's (optional peer) dependency, not this
 * one's, so it is resolved from there rather than imported by name.
 */
function loadPg(): PgModule {
  const requireFromStoreSql = createRequire(import.meta.resolve('@billkit/store-sql'));
  return requireFromStoreSql('pg') as PgModule;
}

const pg = loadPg();

/**
 * A client on the server's default schema, or why there is none (no server, refused, ...), for the
 * report's skipped entry.
 */
export async function connectServer(): Promise<PgClient | string> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    const { hostname, port } = new URL(POSTGRES_URL);
    return `no server at ${hostname}:${port} (${(error as Error).message || (error as Error).name})`;
  }
}

/** A schema of its own for one data size, with a pool and two loading sessions whose search_path is it. */
export interface BenchSchema {
  name: string;
  /** The pool the store and the baseline share: server defaults, like a host's pool. */
  pool: PgPool;
  /**
   * Two sessions for bulk loading (one INSERT ... SELECT keeps one core busy; two tables load at
   * once): more memory for sorts and index builds, no commit waits, and no JIT (compiling the
   * generator's long expressions costs more than running them).
   */
  loaders: [PgClient, PgClient];
  /**
   * Ends the schema's sessions and drops it with everything in it. Safe to call twice, and while a
   * load is still running (on Ctrl-C): its sessions are terminated first, found by their
   * application_name, which is the schema's name.
   */
  drop(): Promise<void>;
}

export async function createSchema(server: PgClient, label: string): Promise<BenchSchema> {
  const name = `billkit_bench_${label}_${Math.random().toString(36).slice(2, 8)}`;
  await server.query(`create schema ${name}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('application_name', name);
  url.searchParams.set('options', `-c search_path=${name}`);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  pool.on('error', () => {});
  const loaderUrl = new URL(url);
  loaderUrl.searchParams.set(
    'options',
    `-c search_path=${name} -c synchronous_commit=off -c maintenance_work_mem=512MB -c work_mem=256MB -c jit=off`,
  );
  const loaders: PgClient[] = [];
  let dropped: Promise<void> | undefined;
  const drop = async () => {
    await server.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
      [name],
    );
    await Promise.allSettled([...loaders.map((loader) => loader.end()), pool.end()]);
    await server.query(`drop schema if exists ${name} cascade`);
  };
  try {
    for (let i = 0; i < 2; i++) {
      const loader = new pg.Client({ connectionString: loaderUrl.toString() });
      // A session terminated by drop() reports it here rather than crash the process.
      loader.on('error', () => {});
      loaders.push(loader);
      await loader.connect();
    }
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    name,
    pool,
    loaders: [loaders[0]!, loaders[1]!],
    drop: () => {
      dropped ??= drop();
      return dropped;
    },
  };
}

export interface RecordedQuery {
  text: string;
  values: unknown[];
}

/**
 * A pool for a second store on the same schema that hands every statement to `record` before
 * running it, so the analytics queries can be captured call by call and EXPLAINed.
 */
export function recordingPool(pool: PgPool, record: (query: RecordedQuery) => void): StorePool {
  return {
    connect: async () => {
      const client = await pool.connect();
      // Kysely's driver only calls query(text, values) and release() on a pool's client.
      const query = client.query.bind(client) as (text: unknown, values?: unknown) => unknown;
      return {
        query: (text: unknown, values?: unknown) => {
          if (typeof text === 'string') record({ text, values: [...((values as unknown[]) ?? [])] });
          return query(text, values);
        },
        release: (destroy?: boolean) => client.release(destroy),
      } as typeof client;
    },
    end: async () => {},
  };
}
