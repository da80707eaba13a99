// The audit log's hash chain against someone with write access to the database: entries edited,
// deleted in the middle or from the end, a hash rewritten, the head deleted — each found by
// `verifyAuditChain`, on SQLite, PostgreSQL and MySQL, with SQL written past the store.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditEntry, verifyAuditChain } from '@billkit/core';
import { anAuditEntry } from '@billkit/core/testing';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStore } from '../dialects/mysql.js';
import { postgresStore } from '../dialects/postgres.js';
import { sqliteStore } from '../dialects/sqlite.js';
import { mysqlTestDatabase, postgresTestDatabase } from '../dialects/test-databases.js';
import type { SqlBillingStore } from '../sql-store.js';

const sqliteDirectory = await mkdtemp(join(tmpdir(), 'billkit-audit-chain-'));
const postgres = await postgresTestDatabase();
const mysql = await mysqlTestDatabase();
afterAll(async () => {
  await Promise.all([postgres.drop(), mysql.drop(), rm(sqliteDirectory, { recursive: true, force: true })]);
});

const targets: Array<{ name: string; skip?: string; open(prefix: string): SqlBillingStore }> = [
  {
    name: 'sqlite',
    open: (prefix) => sqliteStore({ filename: join(sqliteDirectory, 'audit.db'), tablePrefix: prefix }),
  },
  {
    name: 'postgres',
    skip: postgres.skip,
    open: (prefix) => postgresStore({ pool: postgres.pool(), tablePrefix: prefix }),
  },
  {
    name: 'mysql',
    skip: mysql.skip,
    open: (prefix) => mysqlStore({ pool: mysql.pool(), tablePrefix: prefix }),
  },
];

let prefixes = 0;

/** A migrated store with `count` entries appended, one per transaction as the engine writes them. */
async function storeWithEntries(
  target: (typeof targets)[number],
  count: number,
): Promise<{ store: SqlBillingStore; entries: AuditEntry[]; table: (name: string) => string }> {
  const prefix = `ac${++prefixes}_`;
  const store = target.open(prefix);
  await store.migrate();
  const entries = Array.from({ length: count }, (_, index) =>
    anAuditEntry({
      actor: index % 2 === 0 ? 'stripe' : 'admin:ops',
      action: 'subscription.updated',
      data: { index, status: 'active', amount: 1000 + index, at: new Date(Date.UTC(2026, 2, index + 1)) },
    }),
  );
  for (const entry of entries) await store.transaction((session) => session.audit.append(entry));
  return { store, entries, table: (name) => `${prefix}${name}` };
}

/** Runs SQL past the store (and its table prefix), as someone with database access would. */
async function tamper(store: SqlBillingStore, statement: ReturnType<typeof sql>): Promise<void> {
  await statement.execute(store.db.withoutPlugins());
}

for (const target of targets) {
  const suite = target.skip === undefined ? describe : describe.skip;
  suite(`${target.name} audit chain${target.skip ? ` — skipped: ${target.skip}` : ''}`, () => {
    it('verifies an untouched log, sealing what was not sealed yet', async () => {
      const { store } = await storeWithEntries(target, 6);
      try {
        const result = await verifyAuditChain(store.auditChain);

        expect(result).toMatchObject({ ok: true, entries: 6, problems: [] });
        expect(result.head.position).toBe(6);
        expect(result.head.hash).toMatch(/^[0-9a-f]{64}$/);
      } finally {
        await store.close();
      }
    });

    it('finds an entry whose data was edited, and one whose actor was', async () => {
      const { store, entries, table } = await storeWithEntries(target, 6);
      try {
        await verifyAuditChain(store.auditChain);
        await tamper(
          store,
          sql`update ${sql.table(table('audit_log'))} set data = ${JSON.stringify({ index: 2, status: 'canceled' })} where id = ${entries[2]!.id}`,
        );
        await tamper(
          store,
          sql`update ${sql.table(table('audit_log'))} set actor = 'system' where id = ${entries[4]!.id}`,
        );

        const result = await verifyAuditChain(store.auditChain);

        expect(result.ok).toBe(false);
        expect(result.problems).toEqual([
          { kind: 'edited', position: 3, entryId: entries[2]!.id },
          { kind: 'edited', position: 5, entryId: entries[4]!.id },
        ]);
      } finally {
        await store.close();
      }
    });

    it('finds an entry deleted from the middle and entries deleted from the end', async () => {
      const { store, entries, table } = await storeWithEntries(target, 6);
      try {
        await verifyAuditChain(store.auditChain);
        const log = sql.table(table('audit_log'));
        await tamper(store, sql`delete from ${log} where id = ${entries[1]!.id}`);
        await tamper(store, sql`delete from ${log} where id in (${entries[4]!.id}, ${entries[5]!.id})`);

        const result = await verifyAuditChain(store.auditChain);

        expect(result.ok).toBe(false);
        expect(result.problems).toEqual([
          { kind: 'missing', position: 2 },
          { kind: 'missing', position: 5 },
          { kind: 'missing', position: 6 },
        ]);
      } finally {
        await store.close();
      }
    });

    it('finds a rewritten hash, and a deleted head', async () => {
      const { store, entries, table } = await storeWithEntries(target, 4);
      try {
        await verifyAuditChain(store.auditChain);
        await tamper(
          store,
          sql`update ${sql.table(table('audit_log'))} set chain_hash = ${'f'.repeat(64)} where id = ${entries[1]!.id}`,
        );
        const rewritten = await verifyAuditChain(store.auditChain);
        // The rewritten link no longer recomputes, and the next one no longer follows from it.
        expect(rewritten.problems).toEqual([
          { kind: 'edited', position: 2, entryId: entries[1]!.id },
          { kind: 'edited', position: 3, entryId: entries[2]!.id },
        ]);

        await tamper(store, sql`delete from ${sql.table(table('audit_chain'))}`);
        await store.transaction((session) => session.audit.append(anAuditEntry()));
        const headless = await verifyAuditChain(store.auditChain);
        // A new head at 0 cannot link the new entry over positions taken: the walk reports the head.
        expect(headless.ok).toBe(false);
        expect(headless.problems).toContainEqual({ kind: 'head', position: 0 });
      } finally {
        await store.close();
      }
    });

    it('links entries appended after a verification, so a later edit of them is found too', async () => {
      const { store, table } = await storeWithEntries(target, 2);
      try {
        await verifyAuditChain(store.auditChain);
        const late = anAuditEntry({ data: { amount: 500 } });
        await store.transaction((session) => session.audit.append(late));
        expect(await verifyAuditChain(store.auditChain)).toMatchObject({ ok: true, entries: 3 });

        await tamper(
          store,
          sql`update ${sql.table(table('audit_log'))} set data = ${JSON.stringify({ amount: 5 })} where id = ${late.id}`,
        );
        expect((await verifyAuditChain(store.auditChain)).problems).toEqual([
          { kind: 'edited', position: 3, entryId: late.id },
        ]);
      } finally {
        await store.close();
      }
    });
  });
}
