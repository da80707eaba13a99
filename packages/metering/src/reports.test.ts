import { describe, expect, it } from 'vitest';
import { aClock, givenMetering } from '../test/given-metering.js';
import { MeteringInputError, MissingExchangeRateError } from './errors.js';
import type { Metering } from './types.js';

const MARCH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

/** Two customers and one unattributed call, in USD and AUD, on two days. */
async function givenSomeUsage(metering: Metering) {
  await metering.record({
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    units: { input_tokens: 1000, output_tokens: 500 }, // 2 000 + 4 000 µUSD
    customerId: 'ann',
    feature: 'ai_review',
    at: new Date('2026-03-02T10:15:00Z'),
  });
  await metering.record({
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    units: { input_tokens: 3000 }, // 6 000 µUSD
    customerId: 'bob',
    feature: 'ai_review',
    at: new Date('2026-03-03T08:00:00Z'),
  });
  await metering.record({
    provider: 'geoscape',
    operation: 'address-validation',
    units: { requests: 2 }, // 7 000 µAUD
    customerId: 'ann',
    region: 'AU',
    at: new Date('2026-03-03T09:00:00Z'),
  });
  await metering.record({
    provider: 'geoscape',
    operation: 'address-validation',
    units: { requests: 1 }, // 3 500 µAUD
    region: 'AU',
    success: false,
    at: new Date('2026-03-03T09:30:00Z'),
  });
  await metering.flush();
}

describe('cost reports', () => {
  it('groups costs by customer, each currency apart', async () => {
    const { metering } = givenMetering();
    await givenSomeUsage(metering);
    const rows = await metering.costs({ ...MARCH, groupBy: ['customerId'] });
    expect(
      rows.map((row) => [row.customerId, row.currency, row.costMicros, row.count, row.failures]),
    ).toEqual([
      [null, 'AUD', 3500, 1, 1],
      ['ann', 'AUD', 7000, 1, 0],
      ['ann', 'USD', 6000, 1, 0],
      ['bob', 'USD', 6000, 1, 0],
    ]);
    await metering.close();
  });

  it('converts every cost into AUD with the FX table', async () => {
    const { metering } = givenMetering();
    await givenSomeUsage(metering);
    const rows = await metering.costs({ ...MARCH, groupBy: ['provider', 'region'], currency: 'AUD' });
    expect(rows).toEqual([
      {
        provider: 'geoscape',
        region: 'AU',
        currency: 'AUD',
        costMicros: 10_500,
        count: 2,
        failures: 1,
        units: { requests: 3 },
      },
      {
        provider: 'openai',
        region: null,
        currency: 'AUD',
        costMicros: 18_360, // 12 000 µUSD × 1.53
        count: 2,
        failures: 0,
        units: { input_tokens: 4000, output_tokens: 500 },
      },
    ]);
    await expect(metering.costs({ ...MARCH, currency: 'EUR' })).rejects.toThrow(MissingExchangeRateError);
    await metering.close();
  });

  it('filters by a dimension, and reads any range down to the minute', async () => {
    // Minute roll-ups are kept 7 days: the range's ragged ends must be younger than that.
    const { metering } = givenMetering({ clock: aClock('2026-03-05T00:00:00Z') });
    await givenSomeUsage(metering);
    const rows = await metering.costs({
      from: new Date('2026-03-02T10:15:00Z'),
      to: new Date('2026-03-03T09:00:00Z'),
      where: { customerId: 'ann' },
    });
    expect(rows).toMatchObject([{ currency: 'USD', costMicros: 6000, count: 1 }]);
    await metering.close();
  });

  it('lays costs out per day', async () => {
    const { metering } = givenMetering();
    await givenSomeUsage(metering);
    const rows = await metering.timeseries({
      ...MARCH,
      granularity: 'day',
      groupBy: ['feature'],
      currency: 'USD',
    });
    expect(rows.map((row) => [row.bucket.toISOString().slice(0, 10), row.feature, row.costMicros])).toEqual([
      ['2026-03-02', 'ai_review', 6000],
      ['2026-03-03', null, 6863], // 10 500 µAUD ÷ 1.53
      ['2026-03-03', 'ai_review', 6000],
    ]);
    await metering.close();
  });

  it('exports CSV with a header, decimal amounts and CRLF line ends', async () => {
    const { metering } = givenMetering();
    await givenSomeUsage(metering);
    const csv = await metering.costsCsv({ ...MARCH, groupBy: ['provider', 'feature'] });
    expect(csv).toBe(
      [
        'from,to,provider,feature,currency,cost,count,failures',
        '2026-03-01T00:00:00.000Z,2026-04-01T00:00:00.000Z,geoscape,,AUD,0.010500,2,1',
        '2026-03-01T00:00:00.000Z,2026-04-01T00:00:00.000Z,openai,ai_review,USD,0.012000,2,0',
        '',
      ].join('\r\n'),
    );
    await metering.close();
  });

  it('quotes CSV fields that hold commas or quotes, and defuses formulas', async () => {
    const { metering } = givenMetering();
    await metering.record({
      provider: 'acme, inc',
      operation: '=cmd',
      units: { requests: 1 },
      feature: 'say "hi"',
    });
    await metering.flush();
    const csv = await metering.costsCsv({ ...MARCH, groupBy: ['provider', 'operation', 'feature'] });
    expect(csv.split('\r\n')[1]).toBe(
      `2026-03-01T00:00:00.000Z,2026-04-01T00:00:00.000Z,"acme, inc",'=cmd,"say ""hi""",USD,0.000000,1,0`,
    );
    await metering.close();
  });

  it('refuses a range that ends before it starts, or an unknown dimension', async () => {
    const { metering } = givenMetering();
    await expect(metering.costs({ from: MARCH.to, to: MARCH.from })).rejects.toThrow(MeteringInputError);
    await expect(metering.costs({ ...MARCH, groupBy: ['userId' as never] })).rejects.toThrow(/groupBy/);
    await metering.close();
  });
});

describe('unique customers', () => {
  it('counts each customer once per day, whatever the provider, and per provider when asked', async () => {
    const { metering } = givenMetering();
    await givenSomeUsage(metering);
    const perDay = await metering.uniqueCustomers({ ...MARCH, granularity: 'day' });
    expect(perDay.map(({ bucket, customers }) => [bucket.toISOString().slice(0, 10), customers])).toEqual([
      ['2026-03-02', 1],
      ['2026-03-03', 2],
    ]);
    const geoscape = await metering.uniqueCustomers({ ...MARCH, granularity: 'month', provider: 'geoscape' });
    expect(geoscape).toEqual([{ bucket: MARCH.from, customers: 1 }]);
    await metering.close();
  });
});

describe('apiCostSource', () => {
  it('gives each customer’s API cost in cents of the asked currency, and a total that includes unattributed calls', async () => {
    const { metering } = givenMetering();
    await givenSomeUsage(metering);
    await metering.record({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4.1',
      units: { output_tokens: 1_000_000 }, // 8 USD = 12.24 AUD
      customerId: 'bob',
      at: new Date('2026-03-20T00:00:00Z'),
    });
    await metering.flush();
    const costs = await metering.apiCostSource().costs({ ...MARCH, currency: 'aud' });
    // ann: 7 000 + 9 180 µAUD = 1.618 c → 2 c; bob: 9 180 + 12 240 000 µAUD → 1 224.918 c → 1 225 c; unattributed 3 500 µ → 0 c.
    expect(costs).toEqual({ total: 1227, byUser: { ann: 2, bob: 1225 } });
    await metering.close();
  });
});
