// `billkit migrate` on a SQLite file (two processes at once), PostgreSQL and MariaDB, and its
// refusals.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeFromUrl } from '@billkit/store-sql';
import { mysqlTestDatabase, postgresTestDatabase } from '@billkit/store-sql/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { billkit } from './run-billkit.js';

/** What a fresh install reports: every shipped migration applied. */
const shipped = await (async () => {
  const scratch = storeFromUrl('sqlite::memory:');
  try {
    return (await scratch.migrateWithReport()).migrations.length;
  } finally {
    await scratch.close();
  }
})();
const appliedAll = `Applied ${shipped} migrations.`;

const directory = await mkdtemp(join(tmpdir(), 'billkit-cli-'));
const postgres = await postgresTestDatabase();
const mysql = await mysqlTestDatabase();
afterAll(async () => {
  await Promise.all([postgres.drop(), mysql.drop(), rm(directory, { recursive: true, force: true })]);
});

// Each test starts processes of its own and they share nothing: run them side by side.
describe.concurrent('billkit migrate', { timeout: 30_000 }, () => {
  it('migrates the SQLite file in DATABASE_URL once when two processes run it at the same time', async () => {
    const url = `sqlite:${join(directory, 'billing.db')}`;

    const runs = await Promise.all([
      billkit(['migrate'], { DATABASE_URL: url }),
      billkit(['migrate'], { DATABASE_URL: url }),
    ]);

    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    const outputs = runs.map((run) => run.stdout);
    expect(outputs.filter((output) => output.includes(appliedAll))).toHaveLength(1);
    expect(
      outputs.filter((output) => output.includes('The schema is up to date; nothing to do.')),
    ).toHaveLength(1);
    const store = storeFromUrl(url);
    try {
      expect((await store.migrateWithReport()).migrations.map((migration) => migration.status)).toEqual(
        Array.from({ length: shipped }, () => 'already applied'),
      );
    } finally {
      await store.close();
    }
  });

  it.skipIf(postgres.skip !== undefined)(
    'migrates PostgreSQL with the table prefix it is given',
    async () => {
      const run = await billkit(['migrate', '--table-prefix', 'cli_'], { DATABASE_URL: postgres.url });

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('0001 mirror tables, webhook inbox and audit log: applied');
      expect(run.stdout).toContain('0002 credits and notification outbox: applied');
      const store = storeFromUrl(postgres.url, { tablePrefix: 'cli_' });
      try {
        expect(await store.customers.list()).toEqual({ items: [], nextCursor: null });
        expect(await store.credits.listByUserId('user_nobody')).toEqual({ items: [], nextCursor: null });
      } finally {
        await store.close();
      }
    },
  );

  it.skipIf(mysql.skip !== undefined)('migrates MySQL / MariaDB given as a mariadb:// URL', async () => {
    const url = mysql.url.replace(/^mysql:/, 'mariadb:');

    const run = await billkit(['migrate'], { DATABASE_URL: url });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(appliedAll);
    const store = storeFromUrl(url);
    try {
      expect(await store.webhookEvents.listFailed()).toEqual({ items: [], nextCursor: null });
      expect(await store.outbox.list()).toEqual({ items: [], nextCursor: null });
    } finally {
      await store.close();
    }
  });

  it('says DATABASE_URL is missing and exits with 2', async () => {
    const run = await billkit(['migrate'], {});

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL is not set.');
  });

  it('names the schemes it knows when DATABASE_URL has another one', async () => {
    const run = await billkit(['migrate'], { DATABASE_URL: 'oracle://db.example/billing' });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Use postgres://, mysql://, mariadb://, sqlite:path or a file path.');
  });

  it('shows the usage for an unknown command', async () => {
    const run = await billkit(['seed'], { DATABASE_URL: 'sqlite::memory:' });

    expect(run.code).toBe(2);
    expect(run.stderr).toBe('billkit: unknown command "seed". Run billkit --help.\n');
  });
});
