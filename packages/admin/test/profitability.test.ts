// API cost per customer next to the revenue from them: @billkit/metering's `apiCostSource()` feeds
// `admin.profitability` and the metrics' `apiCosts`, converted from USD micro-units to AUD cents.

import { memoryStore } from '@billkit/core';
import { createMetering, definePriceBook } from '@billkit/metering';
import { describe, expect, it } from 'vitest';
import { givenAdmin } from './world.js';

const priceBook = definePriceBook([
  {
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    unit: 'input_tokens',
    price: '2.00',
    per: 1_000_000,
    currency: 'USD',
    from: '2026-01-01',
  },
  {
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    unit: 'output_tokens',
    price: '8.00',
    per: 1_000_000,
    currency: 'USD',
    from: '2026-01-01',
  },
]);

describe('profitability with API costs from metering', () => {
  it('puts each customer’s API cost, in AUD cents, next to their revenue and takes it off the profit', async () => {
    const store = memoryStore();
    const metering = createMetering({ store, priceBook, fx: { base: 'AUD', rates: { USD: '1.50' } } });
    const world = await givenAdmin({ store, admin: { apiCosts: metering.apiCostSource() } });
    await world.subscribe('u1');
    await world.subscribe('u2');

    const at = new Date('2026-01-20T03:00:00Z');
    const chat = { provider: 'openai', operation: 'chat', model: 'gpt-4.1', at } as const;
    await metering.record({ ...chat, customerId: 'u1', units: { input_tokens: 1_000_000 } }); // US$2.00 = A$3.00
    await metering.record({ ...chat, customerId: 'u2', units: { output_tokens: 500_000 } }); // US$4.00 = A$6.00
    await metering.record({ ...chat, units: { input_tokens: 250_000 } }); // nobody's: US$0.50 = A$0.75
    // Outside the range: not counted.
    await metering.record({
      ...chat,
      customerId: 'u1',
      at: new Date('2026-02-02T00:00:00Z'),
      units: { input_tokens: 1_000_000 },
    });
    await metering.flush();

    const range = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') };
    const report = await world.admin.profitability(range);

    expect(report.apiCosts).toBe(975);
    const byUser = Object.fromEntries(report.customers.map((c) => [c.userId, c]));
    expect(byUser.u1?.apiCosts).toBe(300);
    expect(byUser.u2?.apiCosts).toBe(600);
    for (const customer of report.customers) {
      expect(customer.revenue).toBeGreaterThan(0);
      expect(customer.profit).toBe(customer.revenue - customer.refunds - customer.fees - customer.apiCosts);
    }
    expect(report.profit).toBe(report.revenue - report.refunds - report.fees - 975);

    const metrics = await world.admin.metrics(range);
    expect(metrics.apiCosts).toBe(975);
    await metering.close();
  });
});
