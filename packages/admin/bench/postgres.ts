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

/** A client on the server's default schema, or null (with the reason printed) when there is no server. */
export async function connectServer(): Promise<PgClient | null> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    const { hostname, port } = new URL(POSTGRES_URL);
    process.stdout.write(`skipped: no PostgreSQL at ${hostname}:${port} (${(error as Error).message})\n`);
    return null;
  }
}

/** A schema of its own for one data size, with a pool and a loading client whose search_path is it. */
export interface BenchSchema {
  name: string;
  /** The pool the store and the baseline share: server defaults, like a host's pool. */
  pool: PgPool;
  /**
   * One session for bulk loading: more memory for sorts and index builds, no commit waits, and no
   * JIT (compiling the generator's long expressions costs more than running them).
   */
  loader: PgClient;
  drop(): Promise<void>;
}

export async function createSchema(server: PgClient, label: string): Promise<BenchSchema> {
  const name = `billkit_bench_${label}_${Math.random().toString(36).slice(2, 8)}`;
  await server.query(`create schema ${name}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  pool.on('error', () => {});
  const loaderUrl = new URL(url);
  loaderUrl.searchParams.set(
    'options',
    `-c search_path=${name} -c synchronous_commit=off -c maintenance_work_mem=512MB -c work_mem=256MB -c jit=off`,
  );
  const loader = new pg.Client({ connectionString: loaderUrl.toString() });
  await loader.connect();
  return {
    name,
    pool,
    loader,
    drop: async () => {
      await loader.end();
      await pool.end();
      await server.query(`drop schema ${name} cascade`);
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
