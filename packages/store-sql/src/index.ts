// @billkit/store-sql: Billkit's BillingStore on SQL (SQLite, PostgreSQL, MySQL/MariaDB) through
// Kysely. This file is the public API and nothing else.

export { storeFromUrl } from './database-url.js';
export { type MysqlStoreOptions, mysqlStore } from './dialects/mysql.js';
export { type PostgresStoreOptions, postgresStore } from './dialects/postgres.js';
export { type SqliteStoreOptions, sqliteStore } from './dialects/sqlite.js';
export {
  type MigrateResult,
  MigrationError,
  type MigrationOutcome,
} from './migrations/migrate.js';
export type { SqlBillingStore, SqlStoreOptions } from './sql-store.js';
export { DEFAULT_TABLE_PREFIX } from './table-prefix.js';
