// Test databases on the real servers: each test run gets a schema (PostgreSQL) or a database
// (MySQL) of its own with a random name, emptied between tests and dropped at the end.

import type { PostgresPool } from 'kysely';
import type { Pool as MysqlPromisePool } from 'mysql2/promise';
import type { Pool as PgPool } from 'pg';
import { TABLE_NAMES } from '../schema.js';
import { DEFAULT_TABLE_PREFIX } from '../table-prefix.js';

export const POSTGRES_URL =
  process.env.BILLKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.BILLKIT_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

function runName(): string {
  return `billkit_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

function describeServer(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port}`;
}

export interface TestDatabase<Pool> {
  /** Set when the server is not there: the suite is then registered as skipped with this reason. */
  skip?: string;
  /** A URL (or path) that reaches the run's own schema or database. */
  url: string;
  /** Opens a pool on the run's schema or database; `drop()` ends it. */
  pool(): Pool;
  /** Deletes every row of Billkit's tables with this prefix, keeping the schema. */
  empty(prefix?: string): Promise<void>;
  drop(): Promise<void>;
}

export async function postgresTestDatabase(): Promise<TestDatabase<PostgresPool & PgPool>> {
  const pg = (await import('pg')).default;
  const schema = runName();
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 1500 });
  try {
    await admin.connect();
  } catch {
    return unavailable(`no PostgreSQL at ${describeServer(POSTGRES_URL)}`);
  }
  await admin.query(`create schema ${schema}`);
  const url = new URL(POSTGRES_URL);
  // Tests need no durability: not waiting for the disk on each commit makes them several times faster.
  url.searchParams.set('options', `-c search_path=${schema} -c synchronous_commit=off`);
  const pools: PgPool[] = [];
  const pool = () => {
    const opened = new pg.Pool({ connectionString: url.toString(), max: 5 });
    opened.on('error', () => {});
    pools.push(opened);
    return opened as PostgresPool & PgPool;
  };
  return {
    url: url.toString(),
    pool,
    empty: async (prefix = DEFAULT_TABLE_PREFIX) => {
      const { rows } = await admin.query<{ table_name: string }>(
        'select table_name from information_schema.tables where table_schema = $1',
        [schema],
      );
      const ours = rows
        .map((row) => row.table_name)
        .filter((name) =>
          TABLE_NAMES.some((table) => table !== 'migrations' && name === `${prefix}${table}`),
        );
      // DELETE beats TRUNCATE on tables this small.
      if (ours.length > 0) await admin.query(ours.map((name) => `delete from ${schema}.${name}`).join('; '));
    },
    drop: async () => {
      await Promise.all(pools.map((opened) => opened.end()));
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

export async function mysqlTestDatabase(): Promise<TestDatabase<MysqlPromisePool['pool']>> {
  const mysql = (await import('mysql2/promise')).default;
  const database = runName();
  let admin: Awaited<ReturnType<typeof mysql.createConnection>>;
  try {
    admin = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 1500 });
  } catch {
    return unavailable(`no MySQL at ${describeServer(MYSQL_URL)}`);
  }
  await admin.query(`create database ${database} character set utf8mb4 collate utf8mb4_bin`);
  const url = new URL(MYSQL_URL);
  url.pathname = `/${database}`;
  const pools: MysqlPromisePool[] = [];
  const pool = () => {
    const opened = mysql.createPool({
      uri: url.toString(),
      connectionLimit: 5,
      timezone: 'Z',
      dateStrings: true,
    });
    pools.push(opened);
    return opened.pool;
  };
  return {
    url: url.toString(),
    pool,
    empty: async (prefix = DEFAULT_TABLE_PREFIX) => {
      const [rows] = await admin.query(
        'select table_name as name from information_schema.tables where table_schema = ?',
        [database],
      );
      const names = (rows as Array<{ name: string }>).map((row) => row.name);
      for (const table of TABLE_NAMES) {
        const name = `${prefix}${table}`;
        if (table !== 'migrations' && names.includes(name))
          await admin.query(`delete from ${database}.${name}`);
      }
    },
    drop: async () => {
      await Promise.all(pools.map((opened) => opened.end()));
      await admin.query(`drop database ${database}`);
      await admin.end();
    },
  };
}

function unavailable<Pool>(skip: string): TestDatabase<Pool> {
  const absent = () => {
    throw new Error(skip);
  };
  return { skip, url: '', pool: absent, empty: async () => {}, drop: async () => {} };
}
