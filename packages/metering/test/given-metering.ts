// Builders for metering tests: a memory store, a clock the test moves, a small price book with a
// mid-month price change, and a metering over them. Every call builds fresh state.

import { type BillingStore, type Clock, memoryNotifier, memoryStore } from '@billkit/core';
import { createMetering } from '../src/create-metering.js';
import { definePriceBook } from '../src/price-book.js';
import type { Metering, MeteringOptions, PriceInput } from '../src/types.js';

export interface TestClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

/** A clock that stands still until the test moves it. */
export function aClock(iso = '2026-03-10T12:00:00.000Z'): TestClock {
  let now = new Date(iso).getTime();
  return {
    now: () => new Date(now),
    set: (next) => {
      now = new Date(next).getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** gpt-4.1 input is 2.00 USD per million tokens until 2026-03-15, 1.50 from then; output 8.00; Geoscape 0.0035 AUD a request. */
export const TEST_PRICES: PriceInput[] = [
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
    unit: 'input_tokens',
    price: '1.50',
    per: 1_000_000,
    currency: 'USD',
    from: '2026-03-15',
  },
  {
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    unit: 'cached_input_tokens',
    price: '0.50',
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
  {
    provider: 'geoscape',
    operation: 'address-validation',
    unit: 'requests',
    price: '0.0035',
    currency: 'AUD',
    from: '2026-01-01',
  },
  {
    provider: 'geoscape',
    operation: 'address-validation',
    unit: 'requests',
    price: '0.0040',
    currency: 'AUD',
    from: '2026-03-15',
  },
  {
    provider: 'smartystreets',
    operation: 'address-validation',
    unit: 'requests',
    price: '0.01',
    currency: 'USD',
    from: '2026-01-01',
  },
];

export const FX_AUD = { base: 'AUD', rates: { USD: '1.53' } };

export interface GivenMetering {
  metering: Metering;
  store: BillingStore;
  clock: TestClock;
  notifier: ReturnType<typeof memoryNotifier>;
}

/** A metering over a fresh memory store (or `store`), with the test prices and a test clock. */
export function givenMetering(
  overrides: Partial<MeteringOptions> & { store?: BillingStore; clock?: TestClock } = {},
): GivenMetering {
  const store = overrides.store ?? memoryStore();
  const clock = overrides.clock ?? aClock();
  const notifier = memoryNotifier();
  const metering = createMetering({
    priceBook: definePriceBook(TEST_PRICES),
    notifier,
    fx: FX_AUD,
    anomaly: false,
    ...overrides,
    store,
    clock,
  });
  return { metering, store, clock, notifier };
}

/** How many events the store holds (from the roll-ups of every month). */
export async function storedEvents(store: BillingStore): Promise<number> {
  const rows = await store.metering.usage({
    from: new Date('2000-01-01T00:00:00.000Z'),
    to: new Date('2100-01-01T00:00:00.000Z'),
    granularity: 'month',
    groupBy: [],
  });
  return rows.reduce((sum, row) => sum + row.count, 0);
}
