// What the operator reads over HTTP, on one Pro subscriber paid on 15 Jan and renewed on 15 Feb:
// metrics, profitability, revenue recognition, the GST report as JSON and as a CSV download, the
// journal CSV, the forecast. Each JSON answer is the admin's own result with its Dates as ISO strings.

import { describe, expect, it } from 'vitest';
import type {
  AdminForecastResponse,
  AdminGstResponse,
  AdminMetricsResponse,
  AdminProfitabilityResponse,
  AdminRecognitionResponse,
} from '../src/contract/index.js';
import { type AdminWorld, adminGet, expectJson, givenAdminServer } from './support/admin-world.js';
import { deliverWebhooksToServer, expectError, givenSubscriber } from './support/world.js';

const JAN_FEB = { from: '2026-01-01', to: '2026-03-01' };
const Q1 = { from: '2026-01-01', to: '2026-04-01' };

async function givenRenewedSubscriber(): Promise<AdminWorld> {
  const world = await givenAdminServer();
  deliverWebhooksToServer(world);
  await givenSubscriber(world);
  await world.sim.clock.advance({ months: 1, hours: 2 });
  await world.sim.webhooks.flush();
  return world;
}

/** What the admin answers in-process, as it crosses HTTP. */
const onTheWire = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('GET /admin/metrics', () => {
  it('answers MRR, movements per month, revenue and fees, with the range as ISO strings', async () => {
    const world = await givenRenewedSubscriber();

    const metrics = await expectJson<AdminMetricsResponse>(
      world,
      adminGet('/metrics?from=2026-01-01&to=2026-03-01'),
    );

    expect(metrics).toMatchObject({
      currency: 'aud',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-03-01T00:00:00.000Z',
      mrr: 909,
      arr: 10_908,
      payingCustomers: 1,
      subscribers: { byStatus: { active: 1 }, total: 1 },
      revenue: 1818,
      apiCosts: null,
    });
    expect(metrics.movements.map((m) => [m.month, m.new, m.mrr])).toEqual([
      ['2026-01', 909, 909],
      ['2026-02', 0, 909],
    ]);
    expect(metrics).toEqual(onTheWire(await world.admin.metrics(JAN_FEB)));
  });

  it('takes the currency and full times with their zone', async () => {
    const world = await givenRenewedSubscriber();

    const inUsd = await expectJson<AdminMetricsResponse>(
      world,
      adminGet('/metrics?from=2026-01-01T00:00:00%2B10:00&to=2026-03-01T00:00:00Z&currency=USD'),
    );

    expect(inUsd).toMatchObject({ currency: 'usd', from: '2025-12-31T14:00:00.000Z', mrr: 0, revenue: 0 });
  });
});

describe('GET /admin/profitability', () => {
  it('answers revenue, fees and profit, overall and per customer', async () => {
    const world = await givenRenewedSubscriber();

    const profit = await expectJson<AdminProfitabilityResponse>(
      world,
      adminGet('/profitability?from=2026-01-01&to=2026-03-01&limit=10'),
    );

    expect(profit).toMatchObject({ currency: 'aud', revenue: 1818, refunds: 0, apiCosts: null });
    expect(profit.profit).toBe(profit.revenue - profit.fees);
    expect(profit.customers.map((c) => [c.userId, c.email, c.revenue])).toEqual([
      ['user_1', 'user_1@example.com.au', 1818],
    ]);
    expect(profit).toEqual(onTheWire(await world.admin.profitability({ ...JAN_FEB, limit: 10 })));
  });
});

describe('GET /admin/revenue/recognition', () => {
  it('answers what was billed, earned and deferred each month', async () => {
    const world = await givenRenewedSubscriber();

    const report = await expectJson<AdminRecognitionResponse>(
      world,
      adminGet('/revenue/recognition?from=2026-01-01&to=2026-03-01'),
    );

    expect(report.months.map((m) => [m.month, m.billed])).toEqual([
      ['2026-01', 909],
      ['2026-02', 909],
    ]);
    const february = report.months[1]!;
    expect(february.toDate.billed - february.toDate.refunded).toBe(
      february.toDate.recognized + february.deferredBalance,
    );
    expect(report).toEqual(onTheWire(await world.admin.revenue.recognition(JAN_FEB)));
  });
});

describe('GET /admin/reports/gst', () => {
  it('answers the BAS figures per quarter as JSON by default', async () => {
    const world = await givenRenewedSubscriber();

    const report = await expectJson<AdminGstResponse>(
      world,
      adminGet('/reports/gst?from=2026-01-01&to=2026-04-01'),
    );

    expect(report).toMatchObject({ currency: 'aud', basis: 'cash', period: 'quarter' });
    expect(report.periods).toEqual([
      expect.objectContaining({
        period: '2026-Q1',
        from: '2026-01-01T00:00:00.000Z',
        to: '2026-04-01T00:00:00.000Z',
        g1TotalSales: 2000,
        gstOnSales1A: 182,
        netGst: 182,
      }),
    ]);
    expect(report).toEqual(onTheWire(await world.admin.reports.gst(Q1)));
  });

  it('downloads the monthly figures as a CSV attachment', async () => {
    const world = await givenRenewedSubscriber();

    const response = await world.handler(
      adminGet('/reports/gst?from=2026-01-01&to=2026-04-01&period=month&format=csv'),
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="gst-month-2026-01-01-2026-04-01.csv"',
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const csv = await response.text();
    expect(csv.split('\r\n').slice(0, 3)).toEqual([
      'Period,G1 total sales,G2 export sales,1A GST on sales,Refunds,GST on refunds,Net sales,Net GST',
      '2026-01,10.00,0.00,0.91,0.00,0.00,10.00,0.91',
      '2026-02,10.00,0.00,0.91,0.00,0.00,10.00,0.91',
    ]);
    expect(csv).toBe(await world.admin.reports.gst({ ...Q1, period: 'month', format: 'csv' }));
  });
});

describe('GET /admin/reports/journal.csv', () => {
  it('downloads the journal as a CSV attachment', async () => {
    const world = await givenRenewedSubscriber();

    const response = await world.handler(adminGet('/reports/journal.csv?from=2026-01-01&to=2026-03-01'));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="journal-2026-01-01-2026-03-01.csv"',
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const csv = await response.text();
    expect(csv.split('\r\n').slice(0, 2)).toEqual([
      'Date,Account,Debit,Credit,Memo',
      '2026-01-31,Stripe Clearing,10.00,,Billkit: subscription sales 2026-01',
    ]);
    expect(csv).toBe(await world.admin.reports.journal({ ...JAN_FEB, format: 'csv' }));
  });

  it('answers 400 as JSON, not a CSV, when the range is wrong', async () => {
    const world = await givenRenewedSubscriber();

    await expectError(world, adminGet('/reports/journal.csv?from=2026-03-01&to=2026-01-01'), {
      status: 400,
      code: 'invalid_input',
      param: 'to',
    });
  });
});

describe('GET /admin/forecast', () => {
  it('answers the months asked for, from today, with the goal line', async () => {
    const world = await givenRenewedSubscriber();

    const forecast = await expectJson<AdminForecastResponse>(world, adminGet('/forecast?months=3'));

    expect(forecast).toMatchObject({ currency: 'aud', asOf: '2026-02-15T02:00:00.000Z' });
    expect(forecast.months.map((m) => [m.month, m.mrr, m.subscribers])).toEqual([
      ['2026-03', 909, 1],
      ['2026-04', 909, 1],
      ['2026-05', 909, 1],
    ]);
    expect(forecast.goal).toEqual({ subscribers: 1000, byMonth: 3 });
    expect(forecast).toEqual(onTheWire(await world.admin.forecast({ months: 3 })));
  });

  it('answers 12 months when not told', async () => {
    const world = await givenRenewedSubscriber();

    const forecast = await expectJson<AdminForecastResponse>(world, adminGet('/forecast'));

    expect(forecast.months).toHaveLength(12);
  });
});
