// The admin's analytics on a 14-month history made through the simulator, each figure checked
// against the same figure worked out independently from Stripe's events, to the cent.

import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Admin, createAdmin } from '../src/index.js';
import {
  ABANDONED_AT_SIGNUP,
  type Expected,
  type ExpectedMonth,
  expectedFromEvents,
  expectedGst,
  expectedMetrics,
  expectedRecognition,
} from './support/expected-from-events.js';
import { type SeededHistory, seedHistory } from './support/seed-history.js';

let world: SeededHistory;
let expected: Expected;
let admin: Admin;

beforeAll(async () => {
  world = await seedHistory({ customers: 200, months: 14, seed: 2026 });
  expected = await expectedFromEvents(world.events, {
    from: world.from,
    to: world.to,
    currency: world.currency,
    stripe: world.stripe,
  });
  admin = createAdmin({ billing: world.billing });
}, 120_000);

/** The admin's row of a month: the expected row without the month-start figures it does not show. */
const asRow = ({ startMrr: _mrr, startCustomers: _customers, ...row }: ExpectedMonth) => row;

async function stripeSubscriptions(stripe: Stripe): Promise<Stripe.Subscription[]> {
  const all: Stripe.Subscription[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await stripe.subscriptions.list({
      status: 'all',
      limit: 100,
      ...(after ? { starting_after: after } : {}),
    });
    all.push(...page.data);
    if (!page.has_more) return all;
    after = page.data.at(-1)!.id;
  }
}

describe('the seeded history', () => {
  it('has every kind of MRR movement, failed renewals recovered and lost, refunds, a yearly plan and exports', () => {
    const { history } = expected;
    const kinds = new Set(history.movements.map((m) => m.kind));
    expect([...kinds].sort()).toEqual(['churn', 'contraction', 'expansion', 'new', 'reactivation']);
    const recovered = history.failedInvoices.filter((f) => f.paidAt !== null);
    expect(recovered.length).toBeGreaterThan(5);
    expect(history.failedInvoices.length - recovered.length).toBeGreaterThan(5);
    expect(world.composition['refund:full']).toBeGreaterThan(0);
    expect(world.composition['refund:part']).toBeGreaterThan(0);
    expect(world.composition['refund:second-partial']).toBeGreaterThan(0);
    expect(world.composition['signup:pro/year']).toBeGreaterThan(0);
    expect(history.paidInvoices.some((i) => i.serviceEnd - i.serviceStart > 300 * 86_400)).toBe(true);
    expect(history.paidInvoices.some((i) => i.tax === 0)).toBe(true);
    expect(world.composition['signup:declined']).toBeGreaterThan(0);
    expect(world.composition['cancel:now:trial']).toBeGreaterThan(0);
    expect(expected.metrics.trialConversion.converted).toBeGreaterThan(0);
    expect(world.deliveryErrors).toEqual([]);
  });

  it('ends some subscriptions after every retry failed', async () => {
    const ended = (await stripeSubscriptions(world.stripe)).filter(
      (s) => s.cancellation_details?.reason === 'payment_failed',
    );
    expect(ended.length).toBeGreaterThan(3);
  });

  it('writes to the MRR ledger exactly the movements that Stripe’s subscription events imply', async () => {
    const entries = [];
    let after: string | null = null;
    do {
      const page = await world.store.mrr.list({ limit: 500, after });
      entries.push(...page.items);
      after = page.nextCursor;
    } while (after);
    const customers = new Map((await allCustomers(world)).map((c) => [c.stripeCustomerId, c.userId]));
    const mine = expected.history.movements.map((m) => ({
      at: m.at,
      subscription: m.subscription,
      user: customers.get(m.customer),
      kind: m.kind,
      mrr: m.mrr,
      delta: m.delta,
      customerMrr: m.customerMrr,
    }));
    const theirs = entries.map((e) => ({
      at: e.at.getTime() / 1000,
      subscription: e.stripeSubscriptionId,
      user: e.userId,
      kind: e.kind,
      mrr: e.mrr,
      delta: e.delta,
      customerMrr: e.customerMrr,
    }));
    type Row = { at: number; subscription: string; delta: number };
    const order = (a: Row, b: Row) =>
      a.at - b.at ||
      (a.subscription < b.subscription ? -1 : a.subscription > b.subscription ? 1 : 0) ||
      a.delta - b.delta;
    expect(theirs.sort(order)).toEqual(mine.sort(order));
  });
});

describe('admin.metrics over the whole history', () => {
  let metrics: Awaited<ReturnType<Admin['metrics']>>;
  beforeAll(async () => {
    metrics = await admin.metrics({ from: world.from, to: world.to });
  });

  it('reports MRR, ARR and paying customers at the end', () => {
    expect(metrics).toMatchObject({
      currency: 'aud',
      from: world.from,
      to: world.to,
      mrr: expected.metrics.mrr,
      arr: expected.metrics.arr,
      payingCustomers: expected.metrics.payingCustomers,
    });
    expect(expected.metrics.mrr).toBeGreaterThan(0);
  });

  it('reports every month’s new, expansion, contraction, churn and reactivation, with MRR and customers at its end', () => {
    expect(metrics.movements).toHaveLength(14);
    for (const [i, month] of expected.metrics.movements.entries()) {
      expect(metrics.movements[i], month.month).toEqual(asRow(month));
    }
  });

  it('reports logo churn, revenue churn, ARPU and LTV', () => {
    expect({
      churnRate: metrics.churnRate,
      revenueChurnRate: metrics.revenueChurnRate,
      arpu: metrics.arpu,
      ltv: metrics.ltv,
    }).toEqual({
      churnRate: expected.metrics.churnRate,
      revenueChurnRate: expected.metrics.revenueChurnRate,
      arpu: expected.metrics.arpu,
      ltv: expected.metrics.ltv,
    });
  });

  it('reports the payment success rate, recovery and fees', () => {
    expect({
      paymentSuccessRate: metrics.paymentSuccessRate,
      recoveryRate: metrics.recoveryRate,
      averageHoursToRecover: metrics.averageHoursToRecover,
      fees: metrics.fees,
    }).toEqual({
      paymentSuccessRate: expected.metrics.paymentSuccessRate,
      recoveryRate: expected.metrics.recoveryRate,
      averageHoursToRecover: expected.metrics.averageHoursToRecover,
      fees: expected.metrics.fees,
    });
  });

  it('reports refunds, revenue and net revenue', () => {
    const collected = expected.history.charges
      .filter((c) => c.status === 'succeeded' && c.created >= world.from.getTime() / 1000)
      .filter((c) => c.created < world.to.getTime() / 1000)
      .reduce((sum, c) => sum + c.amount, 0);
    expect({ refunds: metrics.refunds, revenue: metrics.revenue, net: metrics.net }).toEqual({
      refunds: {
        count: expected.metrics.refunds.count,
        amount: expected.metrics.refunds.amount,
        rate: expected.metrics.refunds.amount / collected,
      },
      revenue: expected.metrics.revenue,
      net: expected.metrics.net,
    });
  });

  it('reports trials and disputes', () => {
    expect(metrics.trialConversion).toEqual(expected.metrics.trialConversion);
    expect(metrics.disputes).toMatchObject(expected.metrics.disputes);
  });

  it('counts subscribers by status as Stripe has them, leaving out signups whose first payment was declined', async () => {
    const started = (await stripeSubscriptions(world.stripe)).filter(
      (s) => s.cancellation_details?.comment !== ABANDONED_AT_SIGNUP,
    );
    const byStatus: Record<string, number> = {};
    for (const s of started) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    expect(metrics.subscribers).toEqual({ byStatus, total: started.length });
  });
});

describe('admin.metrics over a range that starts and ends mid-month', () => {
  it('clips the first and last months to the range', async () => {
    const range = { from: new Date('2026-04-10T12:00:00Z'), to: new Date('2026-11-20T00:00:00Z') };
    const metrics = await admin.metrics(range);
    const mine = expectedMetrics(expected.history, range);
    expect(metrics.movements).toEqual(mine.movements.map(asRow));
    expect(metrics).toMatchObject({
      mrr: mine.mrr,
      payingCustomers: mine.payingCustomers,
      churnRate: mine.churnRate,
      revenueChurnRate: mine.revenueChurnRate,
      arpu: mine.arpu,
      ltv: mine.ltv,
      paymentSuccessRate: mine.paymentSuccessRate,
      recoveryRate: mine.recoveryRate,
      fees: mine.fees,
      revenue: mine.revenue,
      net: mine.net,
      trialConversion: mine.trialConversion,
    });
  });
});

describe('admin.revenue.recognition', () => {
  it('reports every month’s billed, refunded, recognized and deferred revenue', async () => {
    const report = await admin.revenue.recognition({ from: world.from, to: world.to });
    expect(report.months).toEqual(expected.recognition);
  });

  it('keeps recognized + deferred = billed − refunded at each month end, to the cent', async () => {
    const report = await admin.revenue.recognition({ from: world.from, to: world.to });
    for (const month of report.months) {
      expect(month.toDate.recognized + month.deferredBalance, month.month).toBe(
        month.toDate.billed - month.toDate.refunded,
      );
    }
    expect(report.months.some((m) => m.refunded > 0)).toBe(true);
  });

  it('agrees over a range that starts mid-month', async () => {
    const range = { from: new Date('2026-06-15T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };
    const report = await admin.revenue.recognition(range);
    expect(report.months).toEqual(expectedRecognition(expected.history, range));
  });
});

describe('admin.reports.gst', () => {
  it('reports G1, G2, 1A and refunds per quarter, with totals', async () => {
    const report = await admin.reports.gst({ from: world.from, to: world.to });
    expect(report.periods).toEqual(expected.gst.periods);
    expect(report.totals).toEqual(expected.gst.totals);
    expect(report.totals.g2Exports).toBeGreaterThan(0);
  });

  it('reports the same per month', async () => {
    const report = await admin.reports.gst({ from: world.from, to: world.to, period: 'month' });
    const mine = expectedGst(expected.history, { from: world.from, to: world.to, period: 'month' });
    expect(report.periods).toEqual(mine.periods);
    expect(report.totals).toEqual(mine.totals);
  });
});

async function allCustomers(history: SeededHistory) {
  const all = [];
  let after: string | null = null;
  do {
    const page = await history.store.customers.list({ limit: 100, after });
    all.push(...page.items);
    after = page.nextCursor;
  } while (after);
  return all;
}
