// The same analytics on every database: a history seeded through the simulator on the memory store
// is copied into SQLite, PostgreSQL and MariaDB/MySQL, and the admin's metrics, revenue recognition
// and GST reports on each must equal the memory store's, figure for figure.

import type { BillingStore } from '@billkit/core';
import { mysqlStore, postgresStore, type SqlBillingStore, sqliteStore } from '@billkit/store-sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The store package's own test servers: a schema (PostgreSQL) or database (MySQL) per run, dropped
// at the end, and a clear skip reason when no server answers.
import { mysqlTestDatabase, postgresTestDatabase } from '../../store-sql/src/dialects/test-databases.js';
import { type Admin, createAdmin } from '../src/index.js';
import { copyStore, countRows } from './support/copy-store.js';
import { type SeededHistory, seedHistory } from './support/seed-history.js';

const postgres = await postgresTestDatabase();
const mysql = await mysqlTestDatabase();
afterAll(async () => {
  await Promise.all([postgres.drop(), mysql.drop()]);
});

/** Unique to this run, so the tables never meet another run's in a shared schema. */
const tablePrefix = `an${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}_`;

const targets: Array<{ name: string; skip?: string; store: () => SqlBillingStore }> = [
  { name: 'SQLite', store: () => sqliteStore({ filename: ':memory:', tablePrefix }) },
  {
    name: 'PostgreSQL',
    skip: postgres.skip,
    store: () => postgresStore({ pool: postgres.pool(), tablePrefix }),
  },
  {
    name: 'MariaDB/MySQL',
    skip: mysql.skip,
    store: () => mysqlStore({ pool: mysql.pool(), tablePrefix }),
  },
];

/** Whole months, a range cut mid-month on both ends, and one inside a quarter. */
const RANGES = [
  { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-03-01T00:00:00Z') },
  { from: new Date('2026-04-10T12:00:00Z'), to: new Date('2026-11-20T00:00:00Z') },
  { from: new Date('2026-08-01T00:00:00Z'), to: new Date('2026-09-01T00:00:00Z') },
];

async function everyReport(admin: Admin) {
  const reports = [];
  for (const range of RANGES) {
    reports.push({
      range,
      metrics: await admin.metrics(range),
      recognition: await admin.revenue.recognition(range),
      gstByQuarter: await admin.reports.gst({ ...range, period: 'quarter' }),
      gstByMonth: await admin.reports.gst({ ...range, period: 'month' }),
    });
  }
  return reports;
}

let world: SeededHistory;
let reference: Awaited<ReturnType<typeof everyReport>>;

beforeAll(async () => {
  // Fewer customers than analytics-history.test.ts: every kind of row still occurs, in less time.
  world = await seedHistory({ customers: 100, months: 14, seed: 7 });
  reference = await everyReport(createAdmin({ billing: world.billing }));
}, 120_000);

it('seeds a history with movements, refunds and failed payments to compare', () => {
  const [whole] = reference;
  expect(whole!.metrics.mrr).toBeGreaterThan(0);
  expect(whole!.metrics.refunds.count).toBeGreaterThan(0);
  expect(whole!.metrics.recoveryRate).not.toBeNull();
  expect(whole!.metrics.movements.some((m) => m.reactivated > 0)).toBe(true);
  expect(whole!.gstByQuarter.totals.g2Exports).toBeGreaterThan(0);
  expect(world.deliveryErrors).toEqual([]);
});

for (const target of targets) {
  const suite = target.skip === undefined ? describe : describe.skip;
  const title =
    target.skip === undefined
      ? `the admin's analytics on ${target.name}`
      : `the admin's analytics on ${target.name} — skipped: ${target.skip}`;

  suite(title, () => {
    let store: SqlBillingStore;
    beforeAll(async () => {
      store = target.store();
      await store.migrate();
    }, 60_000);
    afterAll(async () => {
      await store?.close();
    });

    it('holds the whole mirror once copied', async () => {
      const copied = await copyStore(world.store, store);
      expect(copied.mrrMovements).toBeGreaterThan(0);
      expect(await countRows(store as BillingStore)).toEqual(copied);
    }, 120_000);

    it('gives the same metrics, revenue recognition and GST reports as the memory store', async () => {
      const admin = createAdmin({ billing: world.billingOn(store) });
      const reports = await everyReport(admin);
      for (const [i, report] of reports.entries()) {
        const expected = reference[i]!;
        const label = `${report.range.from.toISOString()} → ${report.range.to.toISOString()}`;
        expect(report.metrics, `metrics ${label}`).toEqual(expected.metrics);
        expect(report.recognition, `recognition ${label}`).toEqual(expected.recognition);
        expect(report.gstByQuarter, `GST by quarter ${label}`).toEqual(expected.gstByQuarter);
        expect(report.gstByMonth, `GST by month ${label}`).toEqual(expected.gstByMonth);
      }
    }, 120_000);
  });
}
