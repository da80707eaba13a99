// The metering journeys that rest on the store's guarantees (ids counted once, alerts claimed
// once, roll-ups exact), run on SQLite files. Two metering instances share one store: two stores
// on one file in one thread would block in better-sqlite3's busy wait (store-sql's own tests race
// separate pools on PostgreSQL and MySQL).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStore } from '@billkit/store-sql';
import { afterAll, describe, expect, it } from 'vitest';
import { aClock, givenMetering, storedEvents } from './given-metering.js';

const directory = await mkdtemp(join(tmpdir(), 'billkit-metering-journeys-'));
const opened: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  await rm(directory, { recursive: true, force: true });
});

let files = 0;
/** A migrated store on a new file, and `reopen` for another store on the same file (a later process). */
async function aSqliteStore() {
  const filename = join(directory, `metering-${files++}.db`);
  const open = () => {
    const store = sqliteStore({ filename });
    opened.push(store);
    return store;
  };
  const store = open();
  await store.migrate();
  return { store, reopen: open };
}

const MARCH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

describe('metering on SQLite', () => {
  it('prices a mid-month price change to the micro-unit', async () => {
    const { store } = await aSqliteStore();
    const { metering } = givenMetering({ store });
    const units = { input_tokens: 1_234_567 };
    await metering.record({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4.1',
      units,
      at: new Date('2026-03-14T12:00:00Z'),
    });
    await metering.record({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4.1',
      units,
      at: new Date('2026-03-15T12:00:00Z'),
    });
    await metering.close();
    expect(await metering.costs({ ...MARCH, currency: 'AUD' })).toMatchObject([
      { currency: 'AUD', costMicros: 6_611_107 }, // (2 469 134 + 1 851 851) µUSD × 1.53 = 6 611 107.05
    ]);
  });

  it('counts an idempotency key once across two metering instances, and loses nothing on close', async () => {
    const { store } = await aSqliteStore();
    const clock = aClock();
    const a = givenMetering({ store, clock, batch: { size: 50, maxBuffered: 200 } }).metering;
    const b = givenMetering({ store, clock, batch: { size: 50, maxBuffered: 200 } }).metering;
    const records = Array.from({ length: 1000 }, (_, i) =>
      (i % 2 ? a : b).record({
        provider: 'openai',
        operation: 'chat',
        units: { requests: 1 },
        idempotencyKey: `call-${i % 600}`,
      }),
    );
    await Promise.all([a.close(), b.close()]);
    await Promise.all(records);
    expect(await storedEvents(store)).toBe(600);
    expect(a.stats().stored + b.stats().stored).toBe(600);
  });

  it('sends each threshold once when two metering instances evaluate together', async () => {
    const { store } = await aSqliteStore();
    const clock = aClock();
    const budgets = [{ monthly: '10.00', currency: 'USD' }];
    const a = givenMetering({ store, clock, budgets });
    const b = givenMetering({ store, clock, budgets });
    await a.metering.record({
      provider: 'smartystreets',
      operation: 'address-validation',
      units: { requests: 1000 },
    });
    await a.metering.record({
      provider: 'smartystreets',
      operation: 'address-validation',
      units: { requests: 1 },
      idempotencyKey: 'x',
    });
    await Promise.all([a.metering.flush(), b.metering.budgets.evaluate(), b.metering.budgets.evaluate()]);
    await Promise.all([a.metering.budgets.evaluate(), b.metering.budgets.evaluate()]);
    expect(a.notifier.sent.length + b.notifier.sent.length).toBe(3);
    expect((await a.metering.alerts.list()).map((alert) => alert.threshold).sort((x, y) => x - y)).toEqual([
      50, 80, 100,
    ]);
    await Promise.all([a.metering.close(), b.metering.close()]);
  });

  it('answers a quota from the roll-ups another process wrote', async () => {
    const { store, reopen } = await aSqliteStore();
    const clock = aClock();
    const quotas = { default: { ai_review: { limit: 3 } } };
    const writer = givenMetering({ store, clock, quotas }).metering;
    for (let i = 0; i < 3; i++) {
      await writer.record({
        provider: 'openai',
        operation: 'chat',
        units: { requests: 1 },
        customerId: 'ann',
        feature: 'ai_review',
      });
    }
    await writer.close();
    const reader = givenMetering({ store: reopen(), clock, quotas }).metering;
    expect(await reader.check('ann', 'ai_review')).toEqual({
      allowed: false,
      used: 3,
      limit: 3,
      resetsAt: new Date('2026-04-01T00:00:00Z'),
    });
    await reader.close();
  });
});
