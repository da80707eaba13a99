import { memoryStore } from '@billkit/core';
import { describe, expect, it } from 'vitest';
import { givenMetering, storedEvents } from '../test/given-metering.js';
import { createMetering } from './create-metering.js';
import { MeteringClosedError, MeteringInputError } from './errors.js';
import { definePriceBook } from './price-book.js';

const MARCH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

describe('costs to the micro-unit', () => {
  it('prices tokens and requests with the price of the day, before and after a mid-month change', async () => {
    const { metering } = givenMetering();
    const tokens = { input_tokens: 1_234_567, output_tokens: 89_012 };
    // Before 15 March: input 2.00/M → 2 469 134 µ; output 8.00/M → 712 096 µ.
    await metering.record({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4.1',
      units: tokens,
      at: new Date('2026-03-14T23:59:59Z'),
    });
    // From 15 March: input 1.50/M → 1 851 850.5 → 1 851 851 µ; output unchanged.
    await metering.record({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4.1',
      units: tokens,
      at: new Date('2026-03-15T00:00:00Z'),
    });
    // Geoscape: 7 × 0.0035 = 24 500 µ AUD before, 3 × 0.0040 = 12 000 µ after.
    await metering.record({
      provider: 'geoscape',
      operation: 'address-validation',
      units: { requests: 7 },
      at: new Date('2026-03-10T09:00:00Z'),
    });
    await metering.record({
      provider: 'geoscape',
      operation: 'address-validation',
      units: { requests: 3 },
      at: new Date('2026-03-20T09:00:00Z'),
    });
    await metering.flush();

    const rows = await metering.costs({ ...MARCH, groupBy: ['provider'] });
    expect(rows).toEqual([
      {
        provider: 'geoscape',
        currency: 'AUD',
        costMicros: 36_500,
        count: 2,
        failures: 0,
        units: { requests: 10 },
      },
      {
        provider: 'openai',
        currency: 'USD',
        costMicros: 2_469_134 + 712_096 + 1_851_851 + 712_096,
        count: 2,
        failures: 0,
        units: { input_tokens: 2_469_134, output_tokens: 178_024 },
      },
    ]);

    const secondHalf = await metering.costs({
      from: new Date('2026-03-15T00:00:00Z'),
      to: MARCH.to,
      groupBy: ['provider'],
    });
    expect(secondHalf.map((row) => row.costMicros)).toEqual([12_000, 1_851_851 + 712_096]);
    await metering.close();
  });
});

describe('idempotency', () => {
  const event = {
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    units: { input_tokens: 1000 },
    idempotencyKey: 'review-42',
  };

  it('counts an event recorded twice with the same key once', async () => {
    const { metering, store } = givenMetering();
    await metering.record(event);
    await metering.record(event);
    await metering.flush();
    await metering.record(event);
    await metering.close();
    expect(await storedEvents(store)).toBe(1);
    expect(metering.stats()).toMatchObject({ stored: 1, duplicates: 2 });
    const [row] = await metering.costs(MARCH);
    expect(row?.costMicros).toBe(2000);
  });

  it('counts it once across two metering instances on the same store', async () => {
    const store = memoryStore();
    const first = givenMetering({ store }).metering;
    const second = givenMetering({ store }).metering;
    await Promise.all([first.record(event), second.record(event)]);
    await Promise.all([first.close(), second.close()]);
    expect(await storedEvents(store)).toBe(1);
  });
});

describe('nothing accepted is lost', () => {
  it('writes all 5 000 events recorded concurrently when closed right after', async () => {
    const { metering, store } = givenMetering({ batch: { size: 37, maxBuffered: 100 } });
    const records = Array.from({ length: 5000 }, (_, i) =>
      metering.record({
        provider: 'openai',
        operation: 'chat',
        units: { requests: 1 },
        customerId: `user_${i % 13}`,
      }),
    );
    await metering.close();
    await Promise.all(records);
    expect(await storedEvents(store)).toBe(5000);
    expect(metering.stats()).toMatchObject({ stored: 5000, buffered: 0 });
  });

  it('keeps exactly the events it accepted from tasks still recording when close() is called', async () => {
    const { metering, store } = givenMetering({ batch: { size: 25, maxBuffered: 60 } });
    let accepted = 0;
    let refused = 0;
    const task = async (n: number) => {
      for (let i = 0; i < 100; i++) {
        try {
          await metering.record({
            provider: 'openai',
            operation: 'chat',
            units: { requests: 1 },
            feature: `task_${n}`,
          });
          accepted++;
        } catch (error) {
          expect(error).toBeInstanceOf(MeteringClosedError);
          refused++;
          return;
        }
      }
    };
    const tasks = Array.from({ length: 50 }, (_, n) => task(n));
    while (accepted < 2000) await new Promise((resolve) => setImmediate(resolve));
    await metering.close();
    await Promise.all(tasks);
    expect(accepted).toBeGreaterThanOrEqual(2000);
    expect(await storedEvents(store)).toBe(accepted);
    expect(accepted + refused).toBeLessThanOrEqual(5000);
    await expect(
      metering.record({ provider: 'openai', operation: 'chat', units: { requests: 1 } }),
    ).rejects.toThrow(MeteringClosedError);
  });
});

describe('record', () => {
  it('refuses a malformed event and records nothing', async () => {
    const { metering, store } = givenMetering();
    const bad = [
      { provider: '', operation: 'chat', units: { requests: 1 } },
      { provider: 'openai', operation: 'chat', units: { requests: 1.5 } },
      { provider: 'openai', operation: 'chat', units: { requests: -1 } },
      { provider: 'openai', operation: 'chat', units: {} },
      { provider: 'openai', operation: 'chat', units: { requests: 1 }, at: new Date('nope') },
      { provider: 'openai', operation: 'chat', units: { requests: 1 }, customer_id: 'u1' },
    ];
    for (const event of bad) {
      await expect(metering.record(event as never)).rejects.toThrow(MeteringInputError);
    }
    await metering.close();
    expect(await storedEvents(store)).toBe(0);
  });

  it('stamps an event with the clock and keeps its dimensions', async () => {
    const { metering, store, clock } = givenMetering();
    await metering.record({
      provider: 'geoscape',
      operation: 'address-validation',
      units: { requests: 1 },
      customerId: 'user_1',
      feature: 'address_check',
      region: 'AU',
      durationMs: 120,
    });
    await metering.flush();
    const { items } = await store.metering.events({ from: MARCH.from, to: MARCH.to });
    expect(items).toEqual([
      expect.objectContaining({
        at: clock.now(),
        provider: 'geoscape',
        userId: 'user_1',
        feature: 'address_check',
        region: 'AU',
        model: null,
        costMicros: 3500,
        currency: 'AUD',
        durationMs: 120,
        success: true,
      }),
    ]);
    await metering.close();
  });

  it('counts events whose units have no price', async () => {
    const { metering } = givenMetering();
    await metering.record({ provider: 'acme', operation: 'ocr', units: { pages: 3 } });
    expect(metering.stats().unpriced).toBe(1);
    await metering.close();
  });
});

describe('createMetering', () => {
  it('refuses options it cannot work with', () => {
    const store = memoryStore();
    const priceBook = definePriceBook([]);
    expect(() => createMetering({ store: {} as never, priceBook })).toThrow(MeteringInputError);
    expect(() => createMetering({ store, priceBook, batch: { size: 0 } })).toThrow(/batch.size/);
    expect(() => createMetering({ store, priceBook, alertEmails: ['not an address'] })).toThrow(
      /alertEmails/,
    );
  });

  it('refuses a budget in a currency it cannot convert costs into', () => {
    expect(() =>
      createMetering({
        store: memoryStore(),
        priceBook: definePriceBook([
          {
            provider: 'openai',
            operation: 'chat',
            unit: 'requests',
            price: '1',
            currency: 'USD',
            from: '2026-01-01',
          },
        ]),
        budgets: [{ monthly: '100.00', currency: 'AUD' }],
      }),
    ).toThrow(/No exchange rate to convert USD into AUD/);
  });
});

describe('retention', () => {
  it('prunes raw events and minute roll-ups past their retention, keeping the costs', async () => {
    const { metering, store } = givenMetering({ retention: { eventsDays: 30, minuteDays: 7 } });
    await metering.record({
      provider: 'geoscape',
      operation: 'address-validation',
      units: { requests: 1 },
      at: new Date('2026-01-15T00:00:00Z'),
    });
    await metering.record({
      provider: 'geoscape',
      operation: 'address-validation',
      units: { requests: 1 },
      at: new Date('2026-03-09T00:00:00Z'),
    });
    await metering.flush(); // the first flush prunes
    const events = await store.metering.events({ from: new Date('2026-01-01'), to: MARCH.to });
    expect(events.items.map((event) => event.at.toISOString())).toEqual(['2026-03-09T00:00:00.000Z']);
    const [row] = await metering.costs({ from: new Date('2026-01-01'), to: MARCH.to });
    expect(row).toMatchObject({ count: 2, costMicros: 7000 });
    expect(await metering.prune()).toEqual({ events: 0, minuteRollups: 0 });
    await metering.close();
  });
});
