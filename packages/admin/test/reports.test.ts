// Revenue recognition, the journal export, GST and the forecast on a small, hand-checkable history.

import { describe, expect, it } from 'vitest';
import { givenAdmin } from './world.js';

async function smallHistory() {
  const world = await givenAdmin();
  await world.subscribe('alice'); // Pro monthly from 15 Jan: 1000 a month, 91 GST
  await world.subscribe('yara', 'pro', { interval: 'year' }); // Pro yearly: 10 000, 909 GST
  await world.subscribe('kiri', 'pro', { country: 'NZ', card: 'pm_card_visa' }); // export: 1000, no GST
  return world;
}

describe('revenue recognition', () => {
  it('earns each invoice by the day, so recognised + deferred = billed − refunded every month', async () => {
    const world = await smallHistory();
    await world.advanceTo('2026-03-20T00:00:00Z');
    const report = await world.admin.revenue.recognition({ from: '2026-01-01', to: '2026-04-01' });

    expect(report.months.map((m) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
    const [january] = report.months;
    // Billed in January: 909 (alice) + 9091 (yara) + 1000 (kiri) = 11 000.
    expect(january!.billed).toBe(11_000);
    // By 1 Feb, 17 of the service days have passed: alice ⌊909×17/31⌋ = 498, kiri ⌊1000×17/31⌋ = 548,
    // yara ⌊9091×17/365⌋ = 423.
    expect(january!.recognized).toBe(498 + 548 + 423);
    for (const month of report.months) {
      expect(month.toDate.recognized + month.deferredBalance).toBe(
        month.toDate.billed - month.toDate.refunded,
      );
    }
  });

  it('takes a refund back from what was earned and what is deferred', async () => {
    const world = await givenAdmin();
    const subscription = await world.subscribe('alice');
    await world.advanceTo('2026-02-01T00:00:00Z');
    await world.admin.refund({
      invoiceId: subscription.latestInvoiceId!,
      reason: 'requested_by_customer',
      actor: 'ann',
    });
    await world.admin.subscriptions.cancel({ customerId: 'alice', when: 'now', actor: 'ann' });
    await world.advanceTo('2026-02-10T00:00:00Z');

    const report = await world.admin.revenue.recognition({ from: '2026-01-01', to: '2026-03-01' });
    const [january, february] = report.months;
    // January earned 17 of 31 days of 909 (498) and deferred 411; the full refund on 1 February
    // takes back both: February recognises −498 and leaves nothing deferred.
    expect(january).toMatchObject({ billed: 909, refunded: 0, recognized: 498, deferredBalance: 411 });
    expect(february).toMatchObject({ billed: 0, refunded: 909, recognized: -498, deferredBalance: 0 });
    expect(february!.toDate).toEqual({ billed: 909, refunded: 909, recognized: 0 });
  });
});

describe('journal', () => {
  it('posts balanced lines per month that Xero and QuickBooks can import', async () => {
    const world = await smallHistory();
    await world.advanceTo('2026-03-01T00:00:00Z');
    const lines = await world.admin.reports.journal({ from: '2026-01-01', to: '2026-03-01' });
    const byDate = new Map<string, typeof lines>();
    for (const line of lines) byDate.set(line.date, [...(byDate.get(line.date) ?? []), line]);
    expect([...byDate.keys()]).toEqual(['2026-01-31', '2026-02-28']);
    for (const day of byDate.values()) {
      const cents = (s: string) => (s === '' ? 0 : Math.round(Number(s) * 100));
      const debit = day.reduce((sum, l) => sum + cents(l.debit), 0);
      const credit = day.reduce((sum, l) => sum + cents(l.credit), 0);
      expect(debit).toBe(credit);
    }
    // January's sales: 12 000 received, 1000 GST (91 + 909; kiri's export has none).
    expect(lines).toContainEqual(
      expect.objectContaining({ date: '2026-01-31', account: 'Stripe Clearing', debit: '120.00' }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ date: '2026-01-31', account: 'GST Collected', credit: '10.00' }),
    );
    const csv = await world.admin.reports.journal({ from: '2026-01-01', to: '2026-03-01', format: 'csv' });
    expect(csv.split('\r\n')[0]).toBe('Date,Account,Debit,Credit,Memo');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(lines.length + 1);
  });
});

describe('GST report', () => {
  it('reports G1, G2 exports and 1A per quarter, with refunds as adjustments', async () => {
    const world = await smallHistory();
    await world.advanceTo('2026-04-20T00:00:00Z');
    const report = await world.admin.reports.gst({ from: '2026-01-01', to: '2026-07-01' });
    const [q1, q2] = report.periods;
    // Q1: alice Jan/Feb/Mar 3 × 1000, yara 10 000, kiri 3 × 1000 (export).
    expect(q1).toMatchObject({
      period: '2026-Q1',
      g1TotalSales: 16_000,
      g2Exports: 3000,
      gstOnSales1A: 3 * 91 + 909,
    });
    expect(q2).toMatchObject({ period: '2026-Q2', g1TotalSales: 2000, g2Exports: 1000, gstOnSales1A: 91 });
    const csv = await world.admin.reports.gst({ from: '2026-01-01', to: '2026-07-01', format: 'csv' });
    expect(csv).toContain('2026-Q1,160.00,30.00,11.82');
  });
});

describe('forecast', () => {
  it('lets a scheduled cancellation leave in its month and draws the goal line', async () => {
    const world = await smallHistory();
    await world.admin.subscriptions.cancel({ customerId: 'kiri', when: 'period_end', actor: 'ann' });
    const forecast = await world.admin.forecast({ months: 3, goal: { subscribers: 10, byMonth: 3 } });

    expect(forecast.months.map((m) => m.month)).toEqual(['2026-02', '2026-03', '2026-04']);
    // Today: 3 paying (909 + 757 + 1000 = 2666 MRR). Kiri's subscription ends on 15 Feb; nobody else
    // churned in the (empty) last three months, so the rest stay.
    expect(forecast.months[0]).toMatchObject({ mrr: 909 + 757, subscribers: 2 });
    expect(forecast.months.map((m) => m.targetSubscribers)).toEqual([5, 8, 10]);
    // Cash in February: alice's monthly 909; yara's year renews in January 2027.
    expect(forecast.months[0]!.cash).toBe(909);
  });
});
