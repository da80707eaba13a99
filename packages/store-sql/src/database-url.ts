// Picks the store for a DATABASE_URL: `postgres://` / `postgresql://`, `mysql://` / `mariadb://`,
// or SQLite as `sqlite:path`, `file:path` or a bare file path.

import { mysqlStore } from './dialects/mysql.js';
import { postgresStore } from './dialects/postgres.js';
import { sqliteStore } from './dialects/sqlite.js';
import type { SqlBillingStore, SqlStoreOptions } from './sql-store.js';

/**
 * The SQL store a database URL points at.
 *
 * @example
 * const store = storeFromUrl(process.env.DATABASE_URL ?? 'sqlite:billing.db');
 */
export function storeFromUrl(url: string, options: SqlStoreOptions = {}): SqlBillingStore {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql')
    return postgresStore({ ...options, connectionString: url });
  if (scheme === 'mysql' || scheme === 'mariadb') {
    return mysqlStore({
      ...options,
      uri: scheme === 'mariadb' ? `mysql${url.slice('mariadb'.length)}` : url,
    });
  }
  if (scheme === 'sqlite' || scheme === 'file') {
    const path = url.slice(scheme.length + 1).replace(/^\/\/(?=\/)/, '');
    return sqliteStore({ ...options, filename: path === '' ? ':memory:' : path });
  }
  // A one-letter "scheme" is a Windows drive (C:\billing.db); anything without a scheme is a path.
  if (scheme === undefined || scheme.length === 1) return sqliteStore({ ...options, filename: url });
  throw new Error(
    `DATABASE_URL has a scheme Billkit does not know (${scheme}:). Use postgres://, mysql://, mariadb://, sqlite:path or a file path.`,
  );
}
