// The SQL analytics against the memory store's, the reference implementation of the definitions,
// on one seeded, deliberately awkward data set (ties to the millisecond, periods that end before
// they start, refunds beyond the net, amounts past 32 bits, more instants than one query takes)
// on SQLite, PostgreSQL and MySQL/MariaDB.

import {
  type BillingStore,
  type DateRange,
  type InvoiceRecord,
  type MrrMovementKind,
  type MrrMovementRecord,
  memoryStore,
  type SubscriptionStatus,
} from '@billkit/core';
import { aCustomer, aDispute, anInvoice, aPayment, aRefund, aSubscription } from '@billkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore } from '../dialects/mysql.js';
import { postgresStore } from '../dialects/postgres.js';
import { sqliteStore } from '../dialects/sqlite.js';
import { mysqlTestDatabase, postgresTestDatabase } from '../dialects/test-databases.js';
import type { SqlBillingStore } from '../sql-store.js';

const postgres = await postgresTestDatabase();
const mysql = await mysqlTestDatabase();
afterAll(async () => {
  await Promise.all([postgres.drop(), mysql.drop()]);
});

const targets: Array<{ name: string; skip?: string; store: () => SqlBillingStore }> = [
  { name: 'sqlite', store: () => sqliteStore({ filename: ':memory:' }) },
  { name: 'postgres', skip: postgres.skip, store: () => postgresStore({ pool: postgres.pool() }) },
  { name: 'mysql', skip: mysql.skip, store: () => mysqlStore({ pool: mysql.pool() }) },
];

/** A small seeded generator (mulberry32), so a failure reproduces. */
function randomSource(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

const START = Date.parse('2025-01-01T00:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function dataSet(seed: number) {
  const { int, pick, chance } = randomSource(seed);
  // Half the times fall on whole hours, so rows and instants often meet exactly.
  const time = () => new Date(START + (chance(0.5) ? int(0, 180 * 24) * HOUR : int(0, 180 * DAY)));
  const maybe = <T>(p: number, value: () => T): T | null => (chance(p) ? value() : null);
  const users = Array.from({ length: 30 }, (_, i) => `user_${String(i).padStart(2, '0')}`);
  const currencies = ['aud', 'aud', 'aud', 'usd'];
  const statuses: SubscriptionStatus[] = [
    'active',
    'active',
    'past_due',
    'trialing',
    'canceled',
    'incomplete_expired',
    'unpaid',
    'paused',
  ];
  const customers = users.map((userId, i) =>
    aCustomer({
      userId,
      stripeCustomerId: `cus_${i}`,
      email: pick([`${userId}@Example.com`, `a_b%${i}@x.io`, null]),
      name: pick(['Ada Lovelace', 'GRACE hopper', '50% off_Co', null]),
      createdAt: new Date(START + int(0, 20) * HOUR),
    }),
  );
  const subscriptions = Array.from({ length: 60 }, (_, i) => {
    const trialStart = maybe(0.4, time);
    return aSubscription({
      stripeSubscriptionId: `sub_${String(i).padStart(2, '0')}`,
      userId: pick(users),
      status: pick(statuses),
      currency: pick(currencies),
      interval: pick(['month', 'year'] as const),
      cancelAtPeriodEnd: chance(0.3),
      cancelAt: maybe(0.2, time),
      currentPeriodEnd: time(),
      trialStart,
      trialEnd: trialStart === null ? maybe(0.1, time) : new Date(trialStart.getTime() + int(-2, 30) * DAY),
      cancellationReason: pick([null, null, 'never_started', 'too_expensive']),
      createdAt: new Date(START + int(0, 40) * HOUR),
    });
  });
  const kinds: MrrMovementKind[] = ['new', 'expansion', 'contraction', 'churn', 'reactivation'];
  const ledger = Array.from({ length: 250 }, (_, i): MrrMovementRecord => {
    const subscription = pick(subscriptions);
    const delta = pick([-1, 1]) * int(1, 5_000_000_000);
    return {
      id: `mrr_${String(i).padStart(3, '0')}`,
      at: time(),
      stripeSubscriptionId: subscription.stripeSubscriptionId,
      userId: subscription.userId,
      currency: subscription.currency,
      mrr: int(0, 5_000_000_000),
      delta,
      kind: pick(kinds),
      customerMrr: int(0, 3) === 0 ? 0 : int(1, 9_000),
      planId: pick(['pro', null]),
    };
  });
  const invoices = Array.from({ length: 90 }, (_, i): InvoiceRecord => {
    const total = pick([0, int(1, 100), int(100, 2_000_000), int(1, 40_000_000)]);
    const periodStart = time();
    const periodEnd = new Date(
      periodStart.getTime() + pick([0, int(1, DAY - 1), int(-3, 400) * DAY, int(1, 400 * DAY)]),
    );
    const lines = Array.from({ length: pick([0, 0, 1, 2, 3]) }, (_, j) => {
      const start = time();
      return {
        stripeLineId: `il_${i}_${j}`,
        description: null,
        amount: total,
        quantity: 1,
        proration: false,
        tax: 0,
        stripePriceId: null,
        periodStart: start,
        periodEnd: new Date(start.getTime() + int(-2 * DAY, 90 * DAY)),
      };
    });
    return anInvoice({
      stripeInvoiceId: `in_${String(i).padStart(2, '0')}`,
      userId: chance(0.1) ? null : pick(users),
      status: pick(['paid', 'paid', 'paid', 'open', 'void']),
      currency: pick(currencies),
      total,
      tax: pick([0, Math.floor(total / 11), int(0, 500)]),
      amountPaid: pick([0, total, Math.floor(total / 2), total + int(1, 1000)]),
      paidAt: maybe(0.9, time),
      periodStart,
      periodEnd,
      lines,
    });
  });
  const failureTimes = Array.from({ length: 10 }, time);
  const payments = Array.from({ length: 160 }, (_, i) =>
    aPayment({
      stripeChargeId: `ch_${String(i).padStart(3, '0')}`,
      stripeInvoiceId: chance(0.1) ? null : pick(invoices).stripeInvoiceId,
      userId: chance(0.1) ? null : pick(users),
      status: pick(['succeeded', 'failed', 'failed', 'pending'] as const),
      currency: pick(currencies),
      amount: int(1, 3_000_000),
      fee: maybe(0.8, () => int(0, 90_000)),
      // Failures often share a moment: the earliest is then a tie.
      createdAt: chance(0.4) ? pick(failureTimes) : time(),
    }),
  );
  // Paid a second and a half before its first failure was recorded: whole seconds round down.
  const paidEarly = anInvoice({
    stripeInvoiceId: 'in_paid_early',
    paidAt: new Date(START + 10 * DAY + 500),
  });
  invoices.push(paidEarly);
  payments.push(
    aPayment({
      stripeChargeId: 'ch_late_failure',
      stripeInvoiceId: paidEarly.stripeInvoiceId,
      status: 'failed',
      createdAt: new Date(START + 10 * DAY + 2000),
    }),
  );
  const refunds = Array.from({ length: 70 }, (_, i) => {
    const invoice = pick(invoices);
    return aRefund({
      stripeRefundId: `re_${String(i).padStart(2, '0')}`,
      stripeInvoiceId: chance(0.1) ? null : invoice.stripeInvoiceId,
      userId: chance(0.1) ? null : pick(users),
      currency: chance(0.9) ? invoice.currency : pick(currencies),
      amount: int(1, 3_000_000),
      tax: int(0, 200_000),
      status: pick(['succeeded', 'pending', 'failed', 'canceled', 'requires_action']),
      createdAt: time(),
    });
  });
  const disputes = Array.from({ length: 30 }, (_, i) =>
    aDispute({
      stripeDisputeId: `dp_${i}`,
      currency: pick(currencies),
      amount: int(1, 3_000_000),
      status: pick(['lost', 'won', 'needs_response']),
      createdAt: time(),
    }),
  );
  // More instants and ranges than one query takes, some on data times, one range backwards.
  const instants = Array.from({ length: 130 }, (_, i) =>
    i % 3 === 0 ? pick(ledger).at : i % 3 === 1 ? (pick(invoices).paidAt ?? time()) : time(),
  );
  const ranges: DateRange[] = Array.from({ length: 70 }, () => {
    const from = time();
    return { from, to: new Date(from.getTime() + int(-5, 60) * DAY + int(0, DAY)) };
  });
  ranges.push({ from: new Date(START), to: new Date(START + 200 * DAY) });
  return { customers, subscriptions, ledger, invoices, payments, refunds, disputes, instants, ranges, users };
}

type DataSet = ReturnType<typeof dataSet>;

async function write(store: BillingStore, data: DataSet): Promise<void> {
  for (const customer of data.customers) await store.customers.insert(customer);
  for (const subscription of data.subscriptions) await store.subscriptions.upsert(subscription);
  for (const entry of data.ledger) await store.mrr.append(entry);
  for (const invoice of data.invoices) await store.invoices.upsert(invoice);
  for (const payment of data.payments) await store.payments.upsert(payment);
  for (const refund of data.refunds) await store.refunds.upsert(refund);
  for (const dispute of data.disputes) await store.disputes.upsert(dispute);
}

for (const target of targets) {
  const suite = target.skip === undefined ? describe : describe.skip;
  const title =
    target.skip === undefined
      ? `${target.name} analytics against the reference`
      : `${target.name} analytics against the reference — skipped: ${target.skip}`;

  suite(title, () => {
    const data = dataSet(20_250_101);
    const reference = memoryStore();
    let store: SqlBillingStore;

    beforeAll(async () => {
      store = target.store();
      await store.migrate();
      await Promise.all([write(reference, data), write(store, data)]);
    });
    afterAll(() => store?.close());

    const both = async <T>(query: (s: BillingStore) => Promise<T>) => ({
      sql: await query(store),
      reference: await query(reference),
    });

    it.each(['aud', 'usd'])(
      'gives the MRR, its movements and the recognition at every instant (%s)',
      async (currency) => {
        const mrr = await both((s) => s.analytics.mrrAt({ currency, at: data.instants }));
        expect(mrr.sql).toEqual(mrr.reference);
        const movements = await both((s) => s.analytics.mrrMovements({ currency, ranges: data.ranges }));
        expect(movements.sql).toEqual(movements.reference);
        const recognition = await both((s) => s.analytics.recognition({ currency, at: data.instants }));
        expect(recognition.sql).toEqual(recognition.reference);
        expect(recognition.sql.some((point) => point.recognized > 0 && point.deferred > 0)).toBe(true);
      },
    );

    it.each(['aud', 'usd'])('gives the same totals over every range (%s)', async (currency) => {
      for (const range of data.ranges) {
        const query = { ...range, currency };
        const queries: Array<(s: BillingStore) => Promise<unknown>> = [
          (s: BillingStore) => s.analytics.trials(range),
          (s: BillingStore) => s.analytics.payments(query),
          (s: BillingStore) => s.analytics.recoveries(query),
          (s: BillingStore) => s.analytics.refunds(query),
          (s: BillingStore) => s.analytics.disputes(query),
          (s: BillingStore) => s.analytics.sales(query),
        ];
        for (const figures of queries) {
          const answers = await both(figures);
          expect(answers.sql).toEqual(answers.reference);
        }
      }
      const upcoming = await both((s) => s.analytics.upcoming({ currency, ranges: data.ranges }));
      expect(upcoming.sql).toEqual(upcoming.reference);
    });

    it('ranks customers by revenue the same way, with a limit or named users', async () => {
      const year = { from: new Date(START), to: new Date(START + 200 * DAY), currency: 'aud' };
      const named = data.users.filter((_, i) => i % 3 === 0);
      for (const query of [
        year,
        { ...year, limit: 5 },
        { ...year, userIds: named },
        { ...year, userIds: named, limit: 3 },
      ]) {
        const answers = await both((s) => s.analytics.customerRevenue(query));
        expect(answers.sql).toEqual(answers.reference);
      }
    });

    it('counts subscriptions by status and reads each user’s ledger state the same way', async () => {
      for (const query of [undefined, { excludeCancellationReason: 'never_started' }]) {
        const counts = await both((s) => s.analytics.subscriptionStatusCounts(query));
        expect(counts.sql).toEqual(counts.reference);
      }
      for (const userId of data.users) {
        for (const currency of ['aud', 'usd']) {
          const state = await both((s) => s.mrr.stateOf(userId, currency));
          expect(state.sql).toEqual(state.reference);
        }
      }
    });

    it('searches customers and walks the pages the same way', async () => {
      const queries = [
        {},
        { query: 'example' },
        { query: '%' },
        { query: '_' },
        { query: 'a_b%1' },
        { query: ' grace ' },
        { query: 'user_07' },
        { status: 'none' as const },
        { status: 'active' as const, excludeCancellationReason: 'never_started' },
      ];
      for (const query of queries) {
        let after: string | null = null;
        do {
          const page = await both((s) => s.customers.search({ ...query, limit: 4, after }));
          expect(page.sql).toEqual(page.reference);
          after = page.sql.nextCursor;
        } while (after !== null);
      }
    });
  });
}
