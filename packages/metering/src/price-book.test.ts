import { describe, expect, it } from 'vitest';
import { TEST_PRICES } from '../test/given-metering.js';
import { DEFAULT_PRICES, defaultPriceBook } from './default-prices.js';
import { MeteringInputError } from './errors.js';
import { definePriceBook } from './price-book.js';
import type { PriceInput } from './types.js';

const at = (iso: string) => new Date(iso);
const chat = (units: Record<string, number>, when: string, model = 'gpt-4.1') => ({
  provider: 'openai',
  operation: 'chat',
  model,
  units,
  at: at(when),
});

describe('definePriceBook', () => {
  const book = definePriceBook(TEST_PRICES);

  it('prices token units per million, each unit line rounded and summed', () => {
    // 1200 × 2.00 / 1e6 USD = 2400 µ; 300 × 8.00 / 1e6 = 2400 µ
    expect(book.cost(chat({ input_tokens: 1200, output_tokens: 300 }, '2026-03-14T23:59:59Z'))).toEqual({
      costMicros: 4800,
      currency: 'USD',
      unpriced: [],
    });
  });

  it('applies a price change from its day on (UTC)', () => {
    expect(book.cost(chat({ input_tokens: 1200 }, '2026-03-14T23:59:59.999Z')).costMicros).toBe(2400);
    expect(book.cost(chat({ input_tokens: 1200 }, '2026-03-15T00:00:00Z')).costMicros).toBe(1800);
  });

  it('prices per request in the entry currency', () => {
    const call = { provider: 'geoscape', operation: 'address-validation', units: { requests: 3 } };
    expect(book.cost({ ...call, at: at('2026-03-01T00:00:00Z') })).toEqual({
      costMicros: 10_500,
      currency: 'AUD',
      unpriced: [],
    });
    expect(book.cost({ ...call, at: at('2026-03-20T00:00:00Z') }).costMicros).toBe(12_000);
  });

  it('lists units without a price and charges nothing for them', () => {
    expect(book.cost(chat({ input_tokens: 1000, reasoning_steps: 4 }, '2026-03-01T00:00:00Z'))).toEqual({
      costMicros: 2000,
      currency: 'USD',
      unpriced: ['reasoning_steps'],
    });
    expect(
      book.cost({ provider: 'acme', operation: 'x', units: { requests: 1 }, at: at('2026-03-01') }),
    ).toEqual({
      costMicros: 0,
      currency: 'USD',
      unpriced: ['requests'],
    });
  });

  it('charges nothing before the first price applies', () => {
    expect(book.cost(chat({ input_tokens: 1000 }, '2025-12-31T23:59:59Z')).unpriced).toEqual([
      'input_tokens',
    ]);
  });

  it('prefers the model’s own price over the operation’s, and prices a snapshot as its model', () => {
    const withFallback = definePriceBook([
      {
        provider: 'openai',
        operation: 'chat',
        unit: 'input_tokens',
        price: '1.00',
        per: 1_000_000,
        currency: 'USD',
        from: '2026-01-01',
      },
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
    ]);
    expect(withFallback.cost(chat({ input_tokens: 1000 }, '2026-03-01', 'gpt-4.1')).costMicros).toBe(2000);
    expect(
      withFallback.cost(chat({ input_tokens: 1000 }, '2026-03-01', 'gpt-4.1-2025-04-14')).costMicros,
    ).toBe(2000);
    expect(withFallback.cost(chat({ input_tokens: 1000 }, '2026-03-01', 'o3')).costMicros).toBe(1000);
    expect(withFallback.cost({ ...chat({ input_tokens: 1000 }, '2026-03-01'), model: null }).costMicros).toBe(
      1000,
    );
  });

  it('ends a price on its `to` day, and the one it interrupted applies again', () => {
    const promo = definePriceBook([
      { provider: 'p', operation: 'o', unit: 'requests', price: '0.10', currency: 'USD', from: '2026-01-01' },
      {
        provider: 'p',
        operation: 'o',
        unit: 'requests',
        price: '0.05',
        currency: 'USD',
        from: '2026-03-10',
        to: '2026-03-20',
      },
    ]);
    const cost = (when: string) =>
      promo.cost({ provider: 'p', operation: 'o', units: { requests: 1 }, at: at(when) }).costMicros;
    expect(cost('2026-03-09T23:59:59Z')).toBe(100_000);
    expect(cost('2026-03-10T00:00:00Z')).toBe(50_000);
    expect(cost('2026-03-19T23:59:59Z')).toBe(50_000);
    expect(cost('2026-03-20T00:00:00Z')).toBe(100_000);
  });

  it('keeps its entries, with `per` filled in', () => {
    expect(book.entries[4]).toEqual({ ...TEST_PRICES[4], per: 1 });
  });
});

describe('definePriceBook refuses', () => {
  const valid: PriceInput = {
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    unit: 'input_tokens',
    price: '2.00',
    per: 1_000_000,
    currency: 'USD',
    from: '2026-01-01',
  };
  const refuses = (entries: unknown[], message: RegExp) => {
    expect(() => definePriceBook(entries as PriceInput[])).toThrow(MeteringInputError);
    expect(() => definePriceBook(entries as PriceInput[])).toThrow(message);
  };

  it('a price given as a number', () => refuses([{ ...valid, price: 2 }], /price/));
  it('a price in exponent notation', () => refuses([{ ...valid, price: '2e-6' }], /price/));
  it('a currency that is not an ISO code', () => refuses([{ ...valid, currency: 'dollars' }], /currency/));
  it('a day that does not exist', () => refuses([{ ...valid, from: '2026-02-30' }], /from/));
  it('an end on or before the start', () =>
    refuses([{ ...valid, to: '2026-01-01' }], /to: must be a day after from/));
  it('a divisor that is not a whole number', () => refuses([{ ...valid, per: 0.5 }], /per/));
  it('a field it does not know', () => refuses([{ ...valid, prcie: '1' }], /prcie/));

  it('two prices for the same thing from the same day', () =>
    refuses([valid, { ...valid, price: '2.50' }], /1: duplicates entry 0/));

  it('a dated price that runs into the next one', () =>
    refuses(
      [
        { ...valid, to: '2026-04-01' },
        { ...valid, from: '2026-03-15' },
      ],
      /overlaps entry 0/,
    ));

  it('one call whose units would be priced in two currencies', () =>
    refuses(
      [valid, { ...valid, unit: 'output_tokens', currency: 'AUD', from: '2026-02-01' }],
      /priced in USD and AUD on 2026-02-01/,
    ));

  it('a model-less price in another currency than the model’s own', () =>
    refuses([valid, { ...valid, model: undefined, unit: 'output_tokens', currency: 'EUR' }], /USD and EUR/));
});

describe('the default price book', () => {
  it('is a valid book with OpenAI’s list prices', () => {
    const book = defaultPriceBook();
    const cost = book.cost({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4.1-mini',
      units: { input_tokens: 1_000_000, cached_input_tokens: 1_000_000, output_tokens: 1_000_000 },
      at: at('2026-03-01'),
    });
    expect(cost).toEqual({ costMicros: 2_100_000, currency: 'USD', unpriced: [] }); // 0.40 + 0.10 + 1.60
    expect(DEFAULT_PRICES.every((entry) => entry.from === '2025-01-01')).toBe(true);
  });

  it('takes extra entries, e.g. a contract price from a later day', () => {
    const book = defaultPriceBook([
      {
        provider: 'geoscape',
        operation: 'address-validation',
        unit: 'requests',
        price: '0.012',
        currency: 'AUD',
        from: '2026-03-01',
      },
    ]);
    const call = { provider: 'geoscape', operation: 'address-validation', units: { requests: 1 } };
    expect(book.cost({ ...call, at: at('2026-03-02') }).costMicros).toBe(12_000);
  });
});
