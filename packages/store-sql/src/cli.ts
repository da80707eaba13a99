#!/usr/bin/env node
// The `billkit` command: `billkit migrate` brings the database in DATABASE_URL up to the schema
// this package ships, and prints what happened to each migration; `billkit reconcile` and
// `billkit sync` compare the mirror with Stripe and import a Stripe account (cli-stripe.ts).

import { STRIPE_USAGE, stripeCommand } from './cli-stripe.js';
import { storeFromUrl } from './database-url.js';
import type { MigrateResult } from './migrations/migrate.js';

const USAGE = `Usage: billkit migrate [--table-prefix <prefix>]
      Creates or upgrades the schema.

Reads the database from DATABASE_URL:
  postgres://user@host:5432/db    PostgreSQL
  mysql://user@host:3306/db       MySQL or MariaDB (mariadb:// too)
  sqlite:billing.db               SQLite file (a bare path works too)

${STRIPE_USAGE}`;

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === 'reconcile' || command === 'sync') {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(STRIPE_USAGE);
      return 0;
    }
    return stripeCommand(command, rest, env, {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      tty: process.stderr.isTTY === true,
    });
  }
  if (command !== 'migrate') {
    process.stderr.write(command === undefined ? USAGE : `Unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const prefixAt = rest.indexOf('--table-prefix');
  const tablePrefix = prefixAt === -1 ? undefined : rest[prefixAt + 1];
  if (prefixAt !== -1 && tablePrefix === undefined) {
    process.stderr.write(`--table-prefix needs a value.\n\n${USAGE}`);
    return 2;
  }
  const url = env.DATABASE_URL;
  if (url === undefined || url === '') {
    process.stderr.write(`DATABASE_URL is not set.\n\n${USAGE}`);
    return 2;
  }

  let store: ReturnType<typeof storeFromUrl>;
  try {
    store = storeFromUrl(url, tablePrefix === undefined ? {} : { tablePrefix });
  } catch (error) {
    process.stderr.write(`billkit migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    const result = await store.migrateWithReport();
    process.stdout.write(report(result));
    return result.ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`billkit migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

function report(result: MigrateResult): string {
  const lines = result.migrations.map(
    (migration) =>
      `  ${String(migration.version).padStart(4, '0')} ${migration.name}: ${migration.status}` +
      (migration.error === undefined ? '' : ` — ${migration.error}`),
  );
  const applied = result.migrations.filter((migration) => migration.status === 'applied').length;
  const summary = result.ok
    ? applied === 0
      ? 'The schema is up to date; nothing to do.'
      : `Applied ${applied} migration${applied === 1 ? '' : 's'}.`
    : 'A migration failed; the ones before it stay applied.';
  return `${lines.join('\n')}\n${summary}\n`;
}

process.exitCode = await main(process.argv.slice(2), process.env);
