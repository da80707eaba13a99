// What the conformance suite cannot show from one store: batches racing across separate stores
// (each its own pool, as copies of a host behind a load balancer) on one real database, batches
// larger than one statement's bind parameters, and table prefixes. The memory store is the reference.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BillingStore,
  GRANULARITIES,
  memoryStore,
  USAGE_DIMENSIONS,
  type UsageEventRecord,
} from '@billkit/core';
import { aBudget, aBudgetAlert, aUsageEvent } from '@billkit/core/testing';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStore } from '../dialects/mysql.js';
import { postgresStore } from '../dialects/postgres.js';
import { sqliteStore } from '../dialects/sqlite.js';
import { mysqlTestDatabase, postgresTestDatabase } from '../dialects/test-databases.js';
import type { SqlBillingStore } from '../sql-store.js';

const sqliteDirectory = await mkdtemp(join(tmpdir(), 'billkit-metering-'));
const postgres = await postgresTestDatabase();
const mysql = await mysqlTestDatabase();
afterAll(async () => {
  await Promise.all([postgres.drop(), mysql.drop(), rm(sqliteDirectory, { recursive: true, force: true })]);
});

interface Target {
  name: string;
  skip?: string;
  /** A store with its own connection (pool) on the run's database, with these tables. */
  open(prefix: string): SqlBillingStore;
  /**
   * Why separate stores of this process cannot race here, if they cannot: two SQLite stores on one
   * file in one thread wait for each other's write lock in better-sqlite3's blocking busy wait.
   */
  noRace?: string;
}

const targets: Target[] = [
  {
    name: 'sqlite',
    open: (prefix) => sqliteStore({ filename: join(sqliteDirectory, 'metering.db'), tablePrefix: prefix }),
    noRace: 'two SQLite stores in one thread block each other in the driver’s busy wait',
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
/** Tables of their own for one test. */
const freshPrefix = () => `mt${++prefixes}_`;

async function migrated(target: Target, prefix: string, copies = 1): Promise<SqlBillingStore[]> {
  const stores = Array.from({ length: copies }, () => target.open(prefix));
  await stores[0]!.migrate();
  return stores;
}

async function using<T>(stores: SqlBillingStore[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

const everything = { from: new Date('2000-01-01T00:00:00.000Z'), to: new Date('2100-01-01T00:00:00.000Z') };
const START = Date.parse('2026-03-15T10:00:00.000Z');

/** `count` events a few seconds apart over users, providers, models and features, costs of every size. */
function manyEvents(count: number, users: number): UsageEventRecord[] {
  return Array.from({ length: count }, (_, index) =>
    aUsageEvent({
      id: `evt_${String(index).padStart(5, '0')}`,
      at: new Date(START + index * 7_919),
      provider: index % 3 === 0 ? 'geoscape' : 'openai',
      model: index % 3 === 0 ? null : `model_${index % 5}`,
      feature: index % 4 === 0 ? null : `feature_${index % 2}`,
      userId: index % 11 === 0 ? null : `u_${String(index % users).padStart(4, '0')}`,
      units: { input_tokens: index * 13, output_tokens: index % 7, requests: 1 },
      costMicros: 10 ** (index % 6) + index,
      currency: index % 10 === 0 ? 'AUD' : 'USD',
      success: index % 9 !== 0,
    }),
  );
}

/** Every roll-up at every granularity (grouped by all dimensions) and every distinct-user count. */
async function everythingRolledUp(store: BillingStore) {
  const answers: Record<string, unknown> = {};
  for (const granularity of GRANULARITIES) {
    answers[granularity] = await store.metering.usage({
      ...everything,
      granularity,
      groupBy: USAGE_DIMENSIONS,
    });
    answers[`${granularity} users`] = await store.metering.distinctUsers({ ...everything, granularity });
    answers[`${granularity} openai users`] = await store.metering.distinctUsers({
      ...everything,
      granularity,
      provider: 'openai',
    });
  }
  return answers;
}

async function reference(events: UsageEventRecord[]) {
  const store = memoryStore();
  await store.metering.recordBatch(events);
  return everythingRolledUp(store);
}

/** How many rows a table with the prefix holds, read without the store's prefix plugin. */
async function rowsIn(store: SqlBillingStore, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
    store.db,
  );
  return Number(rows[0]?.n);
}

for (const target of targets) {
  const suite = target.skip === undefined ? describe : describe.skip;
  const title =
    target.skip === undefined
      ? `${target.name} metering`
      : `${target.name} metering — skipped: ${target.skip}`;

  suite(title, () => {
    const racing = target.noRace === undefined ? it : it.skip;
    racing(
      `counts each id once when 8 overlapping batches race across 4 stores${target.noRace ? ` — skipped: ${target.noRace}` : ''}`,
      async () => {
        const stores = await migrated(target, freshPrefix(), 4);
        await using(stores, async () => {
          const events = manyEvents(600, 40);
          // Overlapping slices, some backwards, and the whole set backwards: every id is in two or more.
          const batches = [
            ...Array.from({ length: 6 }, (_, k) => {
              const slice = events.slice(k * 100, k * 100 + 200);
              return k % 2 === 0 ? slice : [...slice].reverse();
            }),
            [...events].reverse(),
            events.filter((_, index) => index % 3 === 0),
          ];

          const results = await Promise.all(
            batches.map((batch, k) => stores[k % stores.length]!.metering.recordBatch(batch)),
          );

          const stored = results.flatMap((result) => result.stored).sort();
          expect(stored).toEqual(events.map((event) => event.id));
          results.forEach((result, k) => {
            expect([...result.stored, ...result.duplicates].sort()).toEqual(
              batches[k]!.map((event) => event.id).sort(),
            );
          });
          expect(await everythingRolledUp(stores[1]!)).toEqual(await reference(events));
          expect((await stores[2]!.metering.events({ ...everything, limit: 1000 })).items).toEqual(events);
        });
      },
    );

    it('stores a batch larger than one statement’s bind parameters allow, with its roll-ups, exactly once', async () => {
      const [store] = await migrated(target, freshPrefix());
      await using([store!], async () => {
        // 5 000 events × 14 columns, and about 5 000 roll-up rows per granularity: past 65 535 and 32 766.
        const events = manyEvents(5_000, 2_000);

        const first = await store!.metering.recordBatch(events);
        const again = await store!.metering.recordBatch([...events].reverse());

        expect(first.stored).toEqual(events.map((event) => event.id));
        expect(first.duplicates).toEqual([]);
        expect(again.stored).toEqual([]);
        expect(again.duplicates).toHaveLength(5_000);
        expect(await everythingRolledUp(store!)).toEqual(await reference(events));
        expect(await store!.metering.pruneEvents(everything.to)).toBe(5_000);
      });
    }, 60_000);

    it('keeps stores with different table prefixes apart in one database', async () => {
      const base = freshPrefix();
      const [ours] = await migrated(target, `${base}ours_`);
      const [theirs] = await migrated(target, `${base}theirs_`);
      await using([ours!, theirs!], async () => {
        const event = aUsageEvent({ id: 'evt_shared' });
        const alert = aBudgetAlert();

        expect(await ours!.metering.recordBatch([event])).toEqual({ stored: ['evt_shared'], duplicates: [] });
        expect(await theirs!.metering.recordBatch([event])).toEqual({
          stored: ['evt_shared'],
          duplicates: [],
        });
        await ours!.metering.recordBatch([aUsageEvent()]);
        await ours!.metering.budgets.put(aBudget());
        expect(await ours!.metering.alerts.claim(alert)).toBe(true);
        expect(await theirs!.metering.alerts.claim(alert)).toBe(true);

        expect(await rowsIn(ours!, `${base}ours_usage_events`)).toBe(2);
        expect(await rowsIn(theirs!, `${base}theirs_usage_events`)).toBe(1);
        expect(await rowsIn(theirs!, `${base}theirs_usage_rollups`)).toBe(GRANULARITIES.length);
        expect(await rowsIn(ours!, `${base}ours_usage_budgets`)).toBe(1);
        expect(await theirs!.metering.budgets.list()).toEqual([]);
        const [usage] = await theirs!.metering.usage({ ...everything, granularity: 'month', groupBy: [] });
        expect(usage?.count).toBe(1);
      });
    });

    it('keeps a dimension that is the empty string apart from a missing one', async () => {
      const [store] = await migrated(target, freshPrefix());
      await using([store!], async () => {
        const events = [
          aUsageEvent({ feature: '', region: '', userId: '', costMicros: 1 }),
          aUsageEvent({ feature: null, region: null, userId: null, costMicros: 20 }),
          aUsageEvent({ feature: '', region: null, userId: 'u_a', costMicros: 300 }),
        ];
        await store!.metering.recordBatch(events);
        const byFeature = (where = {}) =>
          store!.metering.usage({ ...everything, granularity: 'day', groupBy: ['feature'], where });

        expect((await byFeature()).map((row) => [row.feature, row.costMicros])).toEqual([
          [null, 20],
          ['', 301],
        ]);
        expect((await byFeature({ region: '' })).map((row) => row.costMicros)).toEqual([1]);
        expect((await byFeature({ userId: null })).map((row) => row.costMicros)).toEqual([20]);
        expect(await everythingRolledUp(store!)).toEqual(await reference(events));
      });
    });

    it('adds unit sums of any names, sets and number across batches, as the memory store does', async () => {
      const [store] = await migrated(target, freshPrefix());
      await using([store!], async () => {
        // Names a JSON path would misread unless quoted, and more units than one JSON call takes.
        const awkward = ['a.b', 'x"y', '$', '[0]', "it's", 'ключ', '__proto__', 'back\\slash'];
        const many = Array.from({ length: 45 }, (_, index) => `unit_${String(index).padStart(2, '0')}`);
        const at = new Date(START);
        const base = { at, userId: 'u_1', model: 'gpt-4.1' };
        const batches = [
          [aUsageEvent({ ...base, id: 'evt_1', units: { input_tokens: 2 ** 40, [awkward[0]!]: 1 } })],
          [
            aUsageEvent({
              ...base,
              id: 'evt_2',
              units: Object.fromEntries([...awkward, ...many].map((unit, index) => [unit, index + 1])),
            }),
            aUsageEvent({ ...base, id: 'evt_3', units: { output_tokens: 0 } }),
          ],
          [aUsageEvent({ ...base, id: 'evt_4', units: { input_tokens: 5, 'x"y': 10, unit_44: 1 } })],
        ];
        for (const batch of batches) await store!.metering.recordBatch(batch);

        const [month] = await store!.metering.usage({ ...everything, granularity: 'month', groupBy: [] });
        expect(month?.units.input_tokens).toBe(2 ** 40 + 5);
        expect(month?.units['x"y']).toBe(2 + 10);
        expect(month?.units.output_tokens).toBe(0);
        expect(Object.keys(month?.units ?? {})).toHaveLength(2 + awkward.length + many.length);
        expect(await everythingRolledUp(store!)).toEqual(await reference(batches.flat()));
      });
    });

    it('claims an alert of a fractional threshold apart from the whole one next to it', async () => {
      const [store] = await migrated(target, freshPrefix());
      await using([store!], async () => {
        const half = aBudgetAlert({ budgetId: 'overall', threshold: 12.5 });
        const whole = aBudgetAlert({
          budgetId: 'overall',
          threshold: 12,
          at: new Date('2026-03-14T00:00:00Z'),
        });

        expect(await store!.metering.alerts.claim(half)).toBe(true);
        expect(await store!.metering.alerts.claim(whole)).toBe(true);
        expect(
          await store!.metering.alerts.claim(aBudgetAlert({ budgetId: 'overall', threshold: 12.5 })),
        ).toBe(false);

        expect(await store!.metering.alerts.list({ budgetId: 'overall' })).toEqual([half, whole]);
      });
    });
  });
}
