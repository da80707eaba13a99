// The conformance tests of the storage port's metering part (`store/metering.ts`): idempotent,
// atomic batches under concurrency, roll-ups per granularity read back exactly, distinct users,
// event pages, pruning, budgets and once-only alerts. Figures are worked out by hand below.

import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/billing-error.js';
import type { BillingStore } from '../store/billing-store.js';
import {
  type BudgetAlertRecord,
  type BudgetRecord,
  GRANULARITIES,
  type Granularity,
  USAGE_DIMENSIONS,
  type UsageEventRecord,
  type UsageQuery,
  type UsageRow,
} from '../store/metering.js';
import { aCustomer } from './builders.js';

type GetStore = () => BillingStore;

function uniqueSuffix(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** A successful OpenAI chat call of `user_1` at 2026-03-15T10:30:45Z costing 3 600 micro-USD, with a fresh id. */
export function aUsageEvent(overrides: Partial<UsageEventRecord> = {}): UsageEventRecord {
  return {
    id: `evt_${uniqueSuffix()}`,
    at: new Date('2026-03-15T10:30:45.000Z'),
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    feature: null,
    region: null,
    userId: 'user_1',
    units: { input_tokens: 1000, output_tokens: 200 },
    costMicros: 3_600,
    currency: 'USD',
    durationMs: null,
    success: true,
    ...overrides,
  };
}

/** An overall monthly budget of 500 USD alerting at 50, 80 and 100%, with a fresh id. */
export function aBudget(overrides: Partial<BudgetRecord> = {}): BudgetRecord {
  return {
    id: `budget_${uniqueSuffix()}`,
    scope: { kind: 'overall' },
    amountMicros: 500_000_000,
    currency: 'USD',
    thresholds: [50, 80, 100],
    createdAt: new Date('2026-03-01T00:00:00.000Z'),
    updatedAt: new Date('2026-03-01T00:00:00.000Z'),
    ...overrides,
  };
}

/** The 80% threshold alert of March 2026 for a budget of its own, with a fresh id. */
export function aBudgetAlert(overrides: Partial<BudgetAlertRecord> = {}): BudgetAlertRecord {
  const suffix = uniqueSuffix();
  return {
    id: `alert_${suffix}`,
    budgetId: `budget_${suffix}`,
    period: '2026-03',
    threshold: 80,
    kind: 'threshold',
    spentMicros: 400_000_000,
    at: new Date('2026-03-15T10:30:45.000Z'),
    ...overrides,
  };
}

/** Registers the metering part of the conformance suite. */
export function describeMeteringConformance(getStore: GetStore): void {
  describe('metering', () => {
    describeRecording(getStore);
    describeUsage(getStore);
    describeDistinctUsers(getStore);
    describeEventPages(getStore);
    describePruning(getStore);
    describeBudgets(getStore);
    describeAlerts(getStore);
  });
}

// ---------------------------------------------------------------------------------------------
// Fixtures

function at(iso: string): Date {
  return new Date(iso);
}

/** Everything any fixture below holds. */
const everything = { from: at('2000-01-01T00:00:00.000Z'), to: at('2100-01-01T00:00:00.000Z') };

/**
 * Seven calls over March and April 2026: OpenAI in USD (one failed, one without a user, feature
 * or the chat model) and Geoscape address checks in AUD (no model, region AU).
 */
function marchEvents() {
  const chat = { provider: 'openai', operation: 'chat', model: 'gpt-4.1', feature: 'ai_review' };
  const check = { provider: 'geoscape', operation: 'validate', model: null, feature: 'signup', region: 'AU' };
  const aud = { currency: 'AUD', units: { requests: 1 }, costMicros: 2_500 };
  const events = {
    e1: aUsageEvent({
      ...chat,
      id: 'evt_1',
      at: at('2026-03-15T10:30:45.000Z'),
      userId: 'u_b',
      units: { input_tokens: 1000, output_tokens: 200 },
      costMicros: 3_000,
    }),
    e2: aUsageEvent({
      ...chat,
      id: 'evt_2',
      at: at('2026-03-15T10:30:59.999Z'),
      userId: 'u_a',
      units: { input_tokens: 500, output_tokens: 100 },
      costMicros: 1_500,
      success: false,
      durationMs: 30_000,
    }),
    e3: aUsageEvent({
      provider: 'openai',
      operation: 'embeddings',
      model: 'text-embedding-3-small',
      id: 'evt_3',
      at: at('2026-03-15T10:31:00.000Z'),
      userId: null,
      units: { input_tokens: 2000 },
      costMicros: 40,
    }),
    e4: aUsageEvent({ ...check, ...aud, id: 'evt_4', at: at('2026-03-15T11:05:00.000Z'), userId: 'u_a' }),
    e5: aUsageEvent({
      ...chat,
      id: 'evt_5',
      at: at('2026-03-16T00:00:00.000Z'),
      userId: 'u_a',
      units: { input_tokens: 100, output_tokens: 50 },
      costMicros: 450,
    }),
    e6: aUsageEvent({
      ...chat,
      id: 'evt_6',
      at: at('2026-04-01T00:00:00.000Z'),
      userId: 'u_c',
      units: { input_tokens: 300, output_tokens: 60 },
      costMicros: 1_000,
    }),
    e7: aUsageEvent({ ...check, ...aud, id: 'evt_7', at: at('2026-03-31T23:59:59.999Z'), userId: 'u_b' }),
  };
  return { ...events, all: Object.values(events) };
}

async function givenMarchEvents(store: BillingStore) {
  const events = marchEvents();
  // Recorded out of order, in two batches.
  const { e1, e2, e3, e4, e5, e6, e7 } = events;
  await store.metering.recordBatch([e6, e3, e1]);
  await store.metering.recordBatch([e7, e2, e5, e4]);
  return events;
}

/** A roll-up row; pass the grouped dimensions in `dims`. */
function row(
  bucket: string,
  currency: string,
  totals: { count: number; failures?: number; costMicros: number; units: Record<string, number> },
  dims: Partial<Record<(typeof USAGE_DIMENSIONS)[number], string | null>> = {},
): UsageRow {
  return { bucket: at(bucket), ...dims, currency, failures: 0, ...totals };
}

function totalsOf(rows: UsageRow[]): { count: number; costMicros: number } {
  return {
    count: rows.reduce((sum, usage) => sum + usage.count, 0),
    costMicros: rows.reduce((sum, usage) => sum + usage.costMicros, 0),
  };
}

/** Every roll-up row as stored: each granularity grouped by all six dimensions. */
async function allRollups(store: BillingStore): Promise<Record<Granularity, UsageRow[]>> {
  const rollups = {} as Record<Granularity, UsageRow[]>;
  for (const granularity of GRANULARITIES) {
    rollups[granularity] = await store.metering.usage({
      ...everything,
      granularity,
      groupBy: USAGE_DIMENSIONS,
    });
  }
  return rollups;
}

async function allDistinctUsers(store: BillingStore) {
  const answers: Record<string, Array<{ bucket: Date; users: number }>> = {};
  for (const granularity of GRANULARITIES) {
    answers[granularity] = await store.metering.distinctUsers({ ...everything, granularity });
    answers[`${granularity}/openai`] = await store.metering.distinctUsers({
      ...everything,
      granularity,
      provider: 'openai',
    });
  }
  return answers;
}

async function allEvents(store: BillingStore): Promise<UsageEventRecord[]> {
  return (await store.metering.events({ ...everything, limit: 1000 })).items;
}

function usageOf(store: BillingStore, query: Partial<UsageQuery> & Pick<UsageQuery, 'granularity'>) {
  return store.metering.usage({ ...everything, groupBy: [], ...query });
}

// ---------------------------------------------------------------------------------------------
// Recording

function describeRecording(getStore: GetStore): void {
  describe('recording events', () => {
    it('stores new events and reports each one stored, in the order given', async () => {
      const store = getStore();
      const events = [
        aUsageEvent({ id: 'evt_c' }),
        aUsageEvent({ id: 'evt_a' }),
        aUsageEvent({ id: 'evt_b' }),
      ];

      expect(await store.metering.recordBatch(events)).toEqual({
        stored: ['evt_c', 'evt_a', 'evt_b'],
        duplicates: [],
      });
      expect(await allEvents(store)).toEqual([events[1], events[2], events[0]]);
    });

    it('stores nothing and reports nothing for an empty batch', async () => {
      const store = getStore();

      expect(await store.metering.recordBatch([])).toEqual({ stored: [], duplicates: [] });
      expect(await allEvents(store)).toEqual([]);
      expect(await usageOf(store, { granularity: 'month' })).toEqual([]);
    });

    it('reports ids already stored as duplicates and changes nothing for them, whatever their payload', async () => {
      const store = getStore();
      const first = aUsageEvent({ id: 'evt_1', costMicros: 1_000 });
      const second = aUsageEvent({ id: 'evt_2', costMicros: 2_000 });
      const third = aUsageEvent({ id: 'evt_3', costMicros: 4_000 });
      await store.metering.recordBatch([first, second]);
      const rollupsBefore = await allRollups(store);

      const again = await store.metering.recordBatch([first, second]);
      const rollupsAfterAgain = await allRollups(store);
      const changed = await store.metering.recordBatch([
        { ...second, costMicros: 999_999, provider: 'other', units: { requests: 7 }, success: false },
        third,
      ]);

      expect(again).toEqual({ stored: [], duplicates: ['evt_1', 'evt_2'] });
      expect(rollupsAfterAgain).toEqual(rollupsBefore);
      expect(changed).toEqual({ stored: ['evt_3'], duplicates: ['evt_2'] });
      expect(await allEvents(store)).toEqual([first, second, third]);
      const rollups = await allRollups(store);
      for (const granularity of GRANULARITIES) {
        expect(totalsOf(rollups[granularity])).toEqual({ count: 3, costMicros: 7_000 });
      }
      expect(rollups.day).toEqual([
        row(
          '2026-03-15T00:00:00.000Z',
          'USD',
          { count: 3, costMicros: 7_000, units: { input_tokens: 3000, output_tokens: 600 } },
          rollupDims(first),
        ),
      ]);
    });

    it('counts an id repeated inside one batch once: the first copy wins, later copies are duplicates', async () => {
      const store = getStore();
      const a = aUsageEvent({ id: 'evt_a', costMicros: 100 });
      const b = aUsageEvent({ id: 'evt_b', costMicros: 20 });

      const result = await store.metering.recordBatch([
        a,
        b,
        { ...a, costMicros: 5_000, userId: 'user_other' },
        { ...a, at: at('2026-03-20T00:00:00.000Z') },
      ]);

      expect(result).toEqual({ stored: ['evt_a', 'evt_b'], duplicates: ['evt_a', 'evt_a'] });
      expect(await allEvents(store)).toEqual([a, b]);
      for (const granularity of GRANULARITIES) {
        expect(totalsOf(await usageOf(store, { granularity }))).toEqual({ count: 2, costMicros: 120 });
      }
      expect(await store.metering.distinctUsers({ ...everything, granularity: 'month' })).toEqual([
        { bucket: at('2026-03-01T00:00:00.000Z'), users: 1 },
      ]);
    });

    it('counts each id exactly once when 5 overlapping batches are recorded at the same time', async () => {
      const store = getStore();
      const events = Array.from({ length: 12 }, (_, index) =>
        aUsageEvent({
          id: `evt_${String(index).padStart(2, '0')}`,
          at: new Date(Date.parse('2026-03-15T10:30:00.000Z') + index * 20_000),
          userId: `u_${index % 3}`,
          costMicros: 10 ** (index % 4),
        }),
      );
      const batches = [
        events.slice(0, 6),
        events.slice(3, 9),
        events.slice(6, 12),
        [...events].reverse(),
        events.filter((_, index) => index % 2 === 0),
      ];

      const results = await Promise.all(batches.map((batch) => store.metering.recordBatch(batch)));

      const stored = results.flatMap((result) => result.stored).sort();
      expect(stored).toEqual(events.map((event) => event.id));
      results.forEach((result, index) => {
        const ids = batches[index]!.map((event) => event.id);
        expect([...result.stored, ...result.duplicates].sort()).toEqual([...ids].sort());
      });
      expect(await allEvents(store)).toEqual(events);
      const expectedCost = events.reduce((sum, event) => sum + event.costMicros, 0);
      for (const granularity of GRANULARITIES) {
        expect(totalsOf(await usageOf(store, { granularity }))).toEqual({
          count: 12,
          costMicros: expectedCost,
        });
      }
      expect(await store.metering.distinctUsers({ ...everything, granularity: 'hour' })).toEqual([
        { bucket: at('2026-03-15T10:00:00.000Z'), users: 3 },
      ]);
    });

    it('writes a batch all at once: readers at the same time see none of it or all of it', async () => {
      const store = getStore();
      const events = Array.from({ length: 20 }, (_, index) =>
        aUsageEvent({ at: new Date(Date.parse('2026-03-15T10:00:00.000Z') + index * 60_000), costMicros: 5 }),
      );

      let written = false;
      const writing = store.metering.recordBatch(events).then(() => {
        written = true;
      });
      const seen: Array<{ count: number; costMicros: number }> = [];
      while (!written && seen.length < 50) {
        seen.push(totalsOf(await usageOf(store, { granularity: 'minute' })));
        // Lets the write go on between reads (a store that writes in steps would show a step).
        await new Promise((resolve) => setImmediate(resolve));
      }
      await writing;

      for (const totals of seen) {
        expect([
          { count: 0, costMicros: 0 },
          { count: 20, costMicros: 100 },
        ]).toContainEqual(totals);
      }
      expect(totalsOf(await usageOf(store, { granularity: 'minute' }))).toEqual({
        count: 20,
        costMicros: 100,
      });
    });

    it('keeps every field of an event exactly: milliseconds, large integers, zero quantities, nulls, unicode', async () => {
      const store = getStore();
      const full = aUsageEvent({
        id: 'evt_full',
        at: at('2026-03-15T10:30:45.123Z'),
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4.1-mini',
        feature: 'résumé_review ✓',
        region: 'AU',
        userId: 'user_zoë',
        units: { input_tokens: 1_234_567, output_tokens: 0, characters: 5_000_000_000 },
        costMicros: 2 ** 40 + 7,
        currency: 'AUD',
        durationMs: 1_234,
        success: false,
      });
      const bare = aUsageEvent({
        id: 'evt_bare',
        at: at('2026-03-15T10:30:45.124Z'),
        model: null,
        feature: null,
        region: null,
        userId: null,
        units: {},
        costMicros: 0,
        durationMs: null,
      });
      await store.metering.recordBatch([bare, full]);

      const events = await allEvents(store);
      expect(events).toEqual([full, bare]);
      expect(events[0]?.at).toBeInstanceOf(Date);
      expect(typeof events[0]?.costMicros).toBe('number');
    });

    it('tells ids and dimension values apart by case', async () => {
      const store = getStore();
      const lower = aUsageEvent({ id: 'evt_case', provider: 'openai', userId: 'user_a' });
      const upper = aUsageEvent({ id: 'evt_Case', provider: 'OpenAI', userId: 'User_A' });

      expect(await store.metering.recordBatch([lower, upper])).toEqual({
        stored: ['evt_case', 'evt_Case'],
        duplicates: [],
      });
      // Byte order: upper case sorts before lower case.
      expect(await usageOf(store, { granularity: 'day', groupBy: ['provider'] })).toEqual([
        row(
          '2026-03-15T00:00:00.000Z',
          'USD',
          { count: 1, costMicros: 3_600, units: lower.units },
          { provider: 'OpenAI' },
        ),
        row(
          '2026-03-15T00:00:00.000Z',
          'USD',
          { count: 1, costMicros: 3_600, units: lower.units },
          { provider: 'openai' },
        ),
      ]);
      expect(await usageOf(store, { granularity: 'day', where: { userId: 'user_a' } })).toEqual([
        row('2026-03-15T00:00:00.000Z', 'USD', { count: 1, costMicros: 3_600, units: lower.units }),
      ]);
      expect(await store.metering.distinctUsers({ ...everything, granularity: 'day' })).toEqual([
        { bucket: at('2026-03-15T00:00:00.000Z'), users: 2 },
      ]);
      expect(
        await store.metering.distinctUsers({ ...everything, granularity: 'day', provider: 'openai' }),
      ).toEqual([{ bucket: at('2026-03-15T00:00:00.000Z'), users: 1 }]);
    });

    it('gives callers copies: changing a recorded or a listed event leaves the store as it was', async () => {
      const store = getStore();
      const event = aUsageEvent();
      const expected = structuredClone(event);
      await store.metering.recordBatch([event]);
      event.units.input_tokens = 1;
      event.at.setUTCFullYear(1999);
      const [listed] = await allEvents(store);
      listed!.units.input_tokens = 2;

      expect(await allEvents(store)).toEqual([expected]);
      expect((await usageOf(store, { granularity: 'day' }))[0]?.units).toEqual(expected.units);
    });
  });
}

/** The full combination of an event's six dimensions, as a roll-up row keeps them. */
function rollupDims(event: UsageEventRecord) {
  const { provider, operation, model, feature, region, userId } = event;
  return { provider, operation, model, feature, region, userId };
}

// ---------------------------------------------------------------------------------------------
// Usage

function describeUsage(getStore: GetStore): void {
  describe('usage', () => {
    it('answers no rows when nothing was recorded in the range', async () => {
      const store = getStore();
      await givenMarchEvents(store);

      expect(
        await usageOf(store, {
          from: at('2026-05-01T00:00:00.000Z'),
          to: at('2026-06-01T00:00:00.000Z'),
          granularity: 'day',
        }),
      ).toEqual([]);
    });

    it('rolls events up per UTC minute, with failures counted and units summed per unit', async () => {
      const store = getStore();
      await givenMarchEvents(store);

      expect(
        await usageOf(store, {
          from: at('2026-03-15T10:30:00.000Z'),
          to: at('2026-03-15T10:32:00.000Z'),
          granularity: 'minute',
        }),
      ).toEqual([
        row('2026-03-15T10:30:00.000Z', 'USD', {
          count: 2,
          failures: 1,
          costMicros: 4_500,
          units: { input_tokens: 1500, output_tokens: 300 },
        }),
        row('2026-03-15T10:31:00.000Z', 'USD', { count: 1, costMicros: 40, units: { input_tokens: 2000 } }),
      ]);
    });

    it('rolls events up per UTC hour, one row per currency', async () => {
      const store = getStore();
      await givenMarchEvents(store);

      expect(
        await usageOf(store, {
          from: at('2026-03-15T10:00:00.000Z'),
          to: at('2026-03-15T12:00:00.000Z'),
          granularity: 'hour',
        }),
      ).toEqual([
        row('2026-03-15T10:00:00.000Z', 'USD', {
          count: 3,
          failures: 1,
          costMicros: 4_540,
          units: { input_tokens: 3500, output_tokens: 300 },
        }),
        row('2026-03-15T11:00:00.000Z', 'AUD', { count: 1, costMicros: 2_500, units: { requests: 1 } }),
      ]);
    });

    it('rolls events up per UTC day, ordered by bucket then currency', async () => {
      const store = getStore();
      await givenMarchEvents(store);

      expect(
        await usageOf(store, {
          from: at('2026-03-15T00:00:00.000Z'),
          to: at('2026-03-17T00:00:00.000Z'),
          granularity: 'day',
        }),
      ).toEqual([
        row('2026-03-15T00:00:00.000Z', 'AUD', { count: 1, costMicros: 2_500, units: { requests: 1 } }),
        row('2026-03-15T00:00:00.000Z', 'USD', {
          count: 3,
          failures: 1,
          costMicros: 4_540,
          units: { input_tokens: 3500, output_tokens: 300 },
        }),
        row('2026-03-16T00:00:00.000Z', 'USD', {
          count: 1,
          costMicros: 450,
          units: { input_tokens: 100, output_tokens: 50 },
        }),
      ]);
    });

    it('rolls events up per month, each bucket starting on the first of the month (UTC)', async () => {
      const store = getStore();
      await givenMarchEvents(store);

      expect(
        await usageOf(store, {
          from: at('2026-03-01T00:00:00.000Z'),
          to: at('2026-05-01T00:00:00.000Z'),
          granularity: 'month',
        }),
      ).toEqual([
        row('2026-03-01T00:00:00.000Z', 'AUD', { count: 2, costMicros: 5_000, units: { requests: 2 } }),
        row('2026-03-01T00:00:00.000Z', 'USD', {
          count: 4,
          failures: 1,
          costMicros: 4_990,
          units: { input_tokens: 3600, output_tokens: 350 },
        }),
        row('2026-04-01T00:00:00.000Z', 'USD', {
          count: 1,
          costMicros: 1_000,
          units: { input_tokens: 300, output_tokens: 60 },
        }),
      ]);
    });

    it('reads the buckets that start in [from, to): not one that started before from, not one starting at to', async () => {
      const store = getStore();
      await givenMarchEvents(store);
      const hours = (from: string, to: string) =>
        usageOf(store, { from: at(from), to: at(to), granularity: 'hour' }).then((rows) =>
          rows.map((usage) => usage.bucket.toISOString()),
        );

      expect(await hours('2026-03-15T10:30:00.000Z', '2026-03-15T11:00:00.000Z')).toEqual([]);
      expect(await hours('2026-03-15T10:00:00.000Z', '2026-03-15T11:00:00.000Z')).toEqual([
        '2026-03-15T10:00:00.000Z',
      ]);
      expect(await hours('2026-03-15T10:00:00.001Z', '2026-03-15T11:00:00.001Z')).toEqual([
        '2026-03-15T11:00:00.000Z',
      ]);
      const months = await usageOf(store, {
        from: at('2026-03-02T00:00:00.000Z'),
        to: at('2026-04-02T00:00:00.000Z'),
        granularity: 'month',
      });
      expect(months.map((usage) => usage.bucket.toISOString())).toEqual(['2026-04-01T00:00:00.000Z']);
    });

    it('keeps providers apart when grouped by provider, ordered by bucket then provider', async () => {
      const store = getStore();
      await givenMarchEvents(store);

      expect(
        await usageOf(store, {
          from: at('2026-03-15T00:00:00.000Z'),
          to: at('2026-04-01T00:00:00.000Z'),
          granularity: 'day',
          groupBy: ['provider'],
        }),
      ).toEqual([
        row(
          '2026-03-15T00:00:00.000Z',
          'AUD',
          { count: 1, costMicros: 2_500, units: { requests: 1 } },
          { provider: 'geoscape' },
        ),
        row(
          '2026-03-15T00:00:00.000Z',
          'USD',
          { count: 3, failures: 1, costMicros: 4_540, units: { input_tokens: 3500, output_tokens: 300 } },
          { provider: 'openai' },
        ),
        row(
          '2026-03-16T00:00:00.000Z',
          'USD',
          { count: 1, costMicros: 450, units: { input_tokens: 100, output_tokens: 50 } },
          { provider: 'openai' },
        ),
        row(
          '2026-03-31T00:00:00.000Z',
          'AUD',
          { count: 1, costMicros: 2_500, units: { requests: 1 } },
          { provider: 'geoscape' },
        ),
      ]);
    });

    it('groups by several dimensions, sorted in the order groupBy lists them, nulls first', async () => {
      const store = getStore();
      const { e1, e3, e4, e7 } = await givenMarchEvents(store);
      const march = {
        from: at('2026-03-01T00:00:00.000Z'),
        to: at('2026-04-01T00:00:00.000Z'),
        granularity: 'month' as const,
      };
      const bucket = '2026-03-01T00:00:00.000Z';
      const uA = {
        count: 2,
        failures: 1,
        costMicros: 1_950,
        units: { input_tokens: 600, output_tokens: 150 },
      };
      const single = (event: UsageEventRecord) => ({
        count: 1,
        costMicros: event.costMicros,
        units: event.units,
      });

      expect(await usageOf(store, { ...march, groupBy: ['userId', 'feature'] })).toEqual([
        row(bucket, 'USD', single(e3), { userId: null, feature: null }),
        row(bucket, 'USD', uA, { userId: 'u_a', feature: 'ai_review' }),
        row(bucket, 'AUD', single(e4), { userId: 'u_a', feature: 'signup' }),
        row(bucket, 'USD', single(e1), { userId: 'u_b', feature: 'ai_review' }),
        row(bucket, 'AUD', single(e7), { userId: 'u_b', feature: 'signup' }),
      ]);
      expect(await usageOf(store, { ...march, groupBy: ['feature', 'userId'] })).toEqual([
        row(bucket, 'USD', single(e3), { feature: null, userId: null }),
        row(bucket, 'USD', uA, { feature: 'ai_review', userId: 'u_a' }),
        row(bucket, 'USD', single(e1), { feature: 'ai_review', userId: 'u_b' }),
        row(bucket, 'AUD', single(e4), { feature: 'signup', userId: 'u_a' }),
        row(bucket, 'AUD', single(e7), { feature: 'signup', userId: 'u_b' }),
      ]);
    });

    it('gives a row keys only for the grouped dimensions', async () => {
      const store = getStore();
      await givenMarchEvents(store);

      const [grouped] = await usageOf(store, { granularity: 'month', groupBy: ['model', 'region'] });
      const [summed] = await usageOf(store, { granularity: 'month' });

      const dimensionKeys = (usage: UsageRow | undefined) =>
        Object.entries(usage ?? {})
          .filter(
            ([key, value]) => (USAGE_DIMENSIONS as readonly string[]).includes(key) && value !== undefined,
          )
          .map(([key]) => key)
          .sort();
      expect(dimensionKeys(grouped)).toEqual(['model', 'region']);
      expect(grouped).toMatchObject({ model: null, region: 'AU', currency: 'AUD' });
      expect(dimensionKeys(summed)).toEqual([]);
    });

    it('filters by a value, by null (events without the dimension), and by several dimensions at once', async () => {
      const store = getStore();
      const { e3, e4, e7 } = await givenMarchEvents(store);
      const march = {
        from: at('2026-03-01T00:00:00.000Z'),
        to: at('2026-04-01T00:00:00.000Z'),
        granularity: 'month' as const,
      };
      const bucket = '2026-03-01T00:00:00.000Z';

      expect(await usageOf(store, { ...march, where: { provider: 'openai' } })).toEqual([
        row(bucket, 'USD', {
          count: 4,
          failures: 1,
          costMicros: 4_990,
          units: { input_tokens: 3600, output_tokens: 350 },
        }),
      ]);
      expect(await usageOf(store, { ...march, where: { feature: null } })).toEqual([
        row(bucket, 'USD', { count: 1, costMicros: e3.costMicros, units: e3.units }),
      ]);
      expect(await usageOf(store, { ...march, where: { userId: null } })).toEqual([
        row(bucket, 'USD', { count: 1, costMicros: e3.costMicros, units: e3.units }),
      ]);
      expect(await usageOf(store, { ...march, where: { model: null }, groupBy: ['userId'] })).toEqual([
        row(bucket, 'AUD', { count: 1, costMicros: e4.costMicros, units: e4.units }, { userId: 'u_a' }),
        row(bucket, 'AUD', { count: 1, costMicros: e7.costMicros, units: e7.units }, { userId: 'u_b' }),
      ]);
      expect(await usageOf(store, { ...march, where: { userId: 'u_a', provider: 'openai' } })).toEqual([
        row(bucket, 'USD', {
          count: 2,
          failures: 1,
          costMicros: 1_950,
          units: { input_tokens: 600, output_tokens: 150 },
        }),
      ]);
      expect(
        await usageOf(store, {
          ...march,
          where: { region: 'AU', operation: 'validate' },
          groupBy: ['provider'],
        }),
      ).toEqual([
        row(bucket, 'AUD', { count: 2, costMicros: 5_000, units: { requests: 2 } }, { provider: 'geoscape' }),
      ]);
      expect(await usageOf(store, { ...march, where: { provider: 'nobody' } })).toEqual([]);
    });

    it('sums units per unit key across events with different units, keeping a zero quantity', async () => {
      const store = getStore();
      await store.metering.recordBatch([
        aUsageEvent({ units: { input_tokens: 10 } }),
        aUsageEvent({ units: { output_tokens: 5, cached_tokens: 0 } }),
        aUsageEvent({ units: {} }),
        aUsageEvent({ units: { input_tokens: 1, requests: 1 } }),
      ]);

      expect(await usageOf(store, { granularity: 'hour' })).toEqual([
        row('2026-03-15T10:00:00.000Z', 'USD', {
          count: 4,
          costMicros: 14_400,
          units: { input_tokens: 11, output_tokens: 5, cached_tokens: 0, requests: 1 },
        }),
      ]);
    });

    it('sums large integers exactly: costs near 2^40, token counts in the millions and billions', async () => {
      const store = getStore();
      await store.metering.recordBatch(
        [1, 2, 3].map((offset) =>
          aUsageEvent({
            costMicros: 2 ** 40 + offset,
            units: { input_tokens: 4_000_000, characters: 3_000_000_000 },
          }),
        ),
      );

      for (const granularity of GRANULARITIES) {
        const [usage] = await usageOf(store, { granularity });
        expect(usage).toMatchObject({
          count: 3,
          costMicros: 3 * 2 ** 40 + 6,
          units: { input_tokens: 12_000_000, characters: 9_000_000_000 },
        });
        expect(typeof usage?.costMicros).toBe('number');
        expect(typeof usage?.count).toBe('number');
        expect(typeof usage?.units.characters).toBe('number');
      }
    });

    it('gives the same totals at every granularity', async () => {
      const store = getStore();
      const { all } = await givenMarchEvents(store);
      const cost = all.reduce((sum, event) => sum + event.costMicros, 0);

      for (const granularity of GRANULARITIES) {
        expect(totalsOf(await usageOf(store, { granularity }))).toEqual({ count: 7, costMicros: cost });
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Distinct users

function describeDistinctUsers(getStore: GetStore): void {
  describe('distinct users', () => {
    it('counts each user once per bucket, never a missing user, leaving out buckets without users', async () => {
      const store = getStore();
      await givenMarchEvents(store);
      const users = (granularity: Granularity, from: string, to: string, provider?: string) =>
        store.metering.distinctUsers({ from: at(from), to: at(to), granularity, provider });

      // 10:31 holds only an event without a user.
      expect(await users('minute', '2026-03-15T10:30:00.000Z', '2026-03-15T10:32:00.000Z')).toEqual([
        { bucket: at('2026-03-15T10:30:00.000Z'), users: 2 },
      ]);
      expect(await users('hour', '2026-03-15T00:00:00.000Z', '2026-03-16T00:00:00.000Z')).toEqual([
        { bucket: at('2026-03-15T10:00:00.000Z'), users: 2 },
        { bucket: at('2026-03-15T11:00:00.000Z'), users: 1 },
      ]);
      expect(await users('day', '2026-03-15T00:00:00.000Z', '2026-04-02T00:00:00.000Z')).toEqual([
        { bucket: at('2026-03-15T00:00:00.000Z'), users: 2 },
        { bucket: at('2026-03-16T00:00:00.000Z'), users: 1 },
        { bucket: at('2026-03-31T00:00:00.000Z'), users: 1 },
        { bucket: at('2026-04-01T00:00:00.000Z'), users: 1 },
      ]);
      // u_a used both providers in March: one user.
      expect(await users('month', '2026-03-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z')).toEqual([
        { bucket: at('2026-03-01T00:00:00.000Z'), users: 2 },
        { bucket: at('2026-04-01T00:00:00.000Z'), users: 1 },
      ]);
    });

    it("counts only one provider's users when asked", async () => {
      const store = getStore();
      await givenMarchEvents(store);
      const users = (granularity: Granularity, provider: string) =>
        store.metering.distinctUsers({ ...everything, granularity, provider });

      expect(await users('day', 'geoscape')).toEqual([
        { bucket: at('2026-03-15T00:00:00.000Z'), users: 1 },
        { bucket: at('2026-03-31T00:00:00.000Z'), users: 1 },
      ]);
      expect(await users('month', 'openai')).toEqual([
        { bucket: at('2026-03-01T00:00:00.000Z'), users: 2 },
        { bucket: at('2026-04-01T00:00:00.000Z'), users: 1 },
      ]);
      expect(await users('month', 'nobody')).toEqual([]);
    });

    it('reads the buckets that start in [from, to)', async () => {
      const store = getStore();
      await givenMarchEvents(store);

      expect(
        await store.metering.distinctUsers({
          from: at('2026-03-15T12:00:00.000Z'),
          to: at('2026-03-31T00:00:00.000Z'),
          granularity: 'day',
        }),
      ).toEqual([{ bucket: at('2026-03-16T00:00:00.000Z'), users: 1 }]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Event pages

function describeEventPages(getStore: GetStore): void {
  describe('event pages', () => {
    /** Events a second apart from 2026-03-15T10:30:00Z; the first two share their time. */
    function eventsInOrder(count: number): UsageEventRecord[] {
      const start = Date.parse('2026-03-15T10:30:00.000Z');
      return Array.from({ length: count }, (_, position) =>
        aUsageEvent({
          id: `evt_${String(position).padStart(3, '0')}`,
          at: new Date(start + Math.max(position, 1) * 1000),
        }),
      );
    }

    async function walk(store: BillingStore, limit: number): Promise<UsageEventRecord[][]> {
      const pages: UsageEventRecord[][] = [];
      let after: string | null = null;
      do {
        const page = await store.metering.events({ ...everything, limit, after });
        pages.push(page.items);
        after = page.nextCursor;
      } while (after !== null && pages.length < 20);
      return pages;
    }

    it('lists the events in [from, to), oldest first, then by id', async () => {
      const store = getStore();
      const from = at('2026-03-15T10:30:00.000Z');
      const to = at('2026-03-15T10:31:00.000Z');
      const before = aUsageEvent({ id: 'evt_before', at: at('2026-03-15T10:29:59.999Z') });
      const atFrom = aUsageEvent({ id: 'evt_z_from', at: from });
      const tiedHigh = aUsageEvent({ id: 'evt_m', at: at('2026-03-15T10:30:30.000Z') });
      const tiedLow = aUsageEvent({ id: 'evt_k', at: at('2026-03-15T10:30:30.000Z') });
      const last = aUsageEvent({ id: 'evt_a_last', at: at('2026-03-15T10:30:59.999Z') });
      const atTo = aUsageEvent({ id: 'evt_at_to', at: to });
      await store.metering.recordBatch([tiedHigh, atTo, last, before, tiedLow, atFrom]);

      expect(await store.metering.events({ from, to })).toEqual({
        items: [atFrom, tiedLow, tiedHigh, last],
        nextCursor: null,
      });
      expect(await store.metering.events({ from: to, to: at('2026-03-16T00:00:00.000Z') })).toEqual({
        items: [atTo],
        nextCursor: null,
      });
    });

    it('walks every event exactly once a page at a time, ending with a null cursor on an exactly full page', async () => {
      const store = getStore();
      const seven = eventsInOrder(7);
      await store.metering.recordBatch([...seven].reverse());

      const pagesOfThree = await walk(store, 3);
      const pagesOfSeven = await walk(store, 7);

      expect(pagesOfThree.map((page) => page.length)).toEqual([3, 3, 1]);
      expect(pagesOfThree.flat()).toEqual(seven);
      expect(pagesOfSeven).toEqual([seven]);
    });

    it('continues after the last event of a page even when an earlier event is added between pages', async () => {
      const store = getStore();
      const events = eventsInOrder(4);
      await store.metering.recordBatch(events);

      const first = await store.metering.events({ ...everything, limit: 2 });
      await store.metering.recordBatch([
        aUsageEvent({ id: 'evt_early', at: at('2026-01-01T00:00:00.000Z') }),
      ]);
      const second = await store.metering.events({ ...everything, limit: 2, after: first.nextCursor });

      expect(first.items).toEqual(events.slice(0, 2));
      expect(second).toEqual({ items: events.slice(2), nextCursor: null });
    });

    it('returns 100 events a page when no limit is given', async () => {
      const store = getStore();
      await store.metering.recordBatch(eventsInOrder(101));

      const first = await store.metering.events(everything);
      const second = await store.metering.events({ ...everything, after: first.nextCursor });

      expect(first.items).toHaveLength(100);
      expect(first.nextCursor).not.toBeNull();
      expect(second.items.map((event) => event.id)).toEqual(['evt_100']);
      expect(second.nextCursor).toBeNull();
    });

    it("refuses a limit below 1 and another list's cursor", async () => {
      const store = getStore();
      await store.customers.insert(aCustomer({ createdAt: at('2025-01-01T00:00:00.000Z') }));
      await store.customers.insert(aCustomer({ createdAt: at('2025-01-02T00:00:00.000Z') }));
      const customersCursor = (await store.customers.list({ limit: 1 })).nextCursor;

      await expect(store.metering.events({ ...everything, limit: 0 })).rejects.toBeInstanceOf(
        InvalidInputError,
      );
      await expect(store.metering.events({ ...everything, after: customersCursor })).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Pruning

function describePruning(getStore: GetStore): void {
  describe('pruning', () => {
    it('prunes raw events strictly before the given time and keeps every roll-up and user count', async () => {
      const store = getStore();
      const { e5, e6, e7 } = await givenMarchEvents(store);
      const rollups = await allRollups(store);
      const users = await allDistinctUsers(store);

      expect(await store.metering.pruneEvents(at('2026-03-16T00:00:00.000Z'))).toBe(4);

      expect(await allEvents(store)).toEqual([e5, e7, e6]);
      expect(await allRollups(store)).toEqual(rollups);
      expect(await allDistinctUsers(store)).toEqual(users);
      expect(await store.metering.pruneEvents(at('2026-03-16T00:00:00.000Z'))).toBe(0);
    });

    it('forgets the ids of pruned events: recording one again counts it again', async () => {
      const store = getStore();
      const old = aUsageEvent({ id: 'evt_old', at: at('2026-03-01T00:00:00.000Z'), costMicros: 10 });
      const kept = aUsageEvent({ id: 'evt_kept', at: at('2026-03-20T00:00:00.000Z'), costMicros: 1 });
      await store.metering.recordBatch([old, kept]);
      await store.metering.pruneEvents(at('2026-03-10T00:00:00.000Z'));

      expect(await store.metering.recordBatch([old, kept])).toEqual({
        stored: ['evt_old'],
        duplicates: ['evt_kept'],
      });
      expect(totalsOf(await usageOf(store, { granularity: 'month' }))).toEqual({ count: 3, costMicros: 21 });
    });

    it('prunes roll-ups of one granularity only, counting one row per bucket, full combination and currency', async () => {
      const store = getStore();
      const a = { userId: 'u_a', costMicros: 1 };
      const b = { userId: 'u_b', costMicros: 1 };
      await store.metering.recordBatch([
        aUsageEvent({ ...a, at: at('2026-03-15T10:30:10.000Z') }),
        aUsageEvent({ ...a, at: at('2026-03-15T10:30:50.000Z') }),
        aUsageEvent({ ...b, at: at('2026-03-15T10:30:20.000Z') }),
        aUsageEvent({ ...a, at: at('2026-03-15T10:30:30.000Z'), currency: 'AUD' }),
        aUsageEvent({ ...a, at: at('2026-03-15T10:31:00.000Z') }),
        aUsageEvent({ ...a, at: at('2026-03-15T11:00:00.000Z') }),
      ]);
      const before = await allRollups(store);
      const minutes = (rows: UsageRow[]) => rows.map((usage) => usage.bucket.toISOString());

      // 10:30 holds (u_a, USD) twice, (u_b, USD) and (u_a, AUD): three rows.
      expect(await store.metering.pruneRollups('minute', at('2026-03-15T10:31:00.000Z'))).toBe(3);

      const after = await allRollups(store);
      expect(minutes(after.minute)).toEqual(['2026-03-15T10:31:00.000Z', '2026-03-15T11:00:00.000Z']);
      expect({ ...after, minute: [] }).toEqual({ ...before, minute: [] });
      expect(await store.metering.distinctUsers({ ...everything, granularity: 'minute' })).toEqual([
        { bucket: at('2026-03-15T10:31:00.000Z'), users: 1 },
        { bucket: at('2026-03-15T11:00:00.000Z'), users: 1 },
      ]);
      expect(await store.metering.distinctUsers({ ...everything, granularity: 'hour' })).toEqual([
        { bucket: at('2026-03-15T10:00:00.000Z'), users: 2 },
        { bucket: at('2026-03-15T11:00:00.000Z'), users: 1 },
      ]);
      expect(await allEvents(store)).toHaveLength(6);
    });

    it('prunes a bucket that started before the given time even when the time falls inside it', async () => {
      const store = getStore();
      await store.metering.recordBatch([
        aUsageEvent({ userId: 'u_a', at: at('2026-03-15T10:30:10.000Z') }),
        aUsageEvent({ userId: 'u_b', at: at('2026-03-15T10:45:00.000Z') }),
        aUsageEvent({ userId: 'u_a', at: at('2026-03-15T11:00:00.000Z') }),
      ]);

      expect(await store.metering.pruneRollups('hour', at('2026-03-15T10:30:00.000Z'))).toBe(2);

      const hours = await usageOf(store, { granularity: 'hour' });
      expect(hours.map((usage) => usage.bucket.toISOString())).toEqual(['2026-03-15T11:00:00.000Z']);
      expect(await store.metering.distinctUsers({ ...everything, granularity: 'hour' })).toEqual([
        { bucket: at('2026-03-15T11:00:00.000Z'), users: 1 },
      ]);
      expect(totalsOf(await usageOf(store, { granularity: 'day' })).count).toBe(3);
      expect(await store.metering.pruneRollups('hour', at('2026-03-15T10:30:00.000Z'))).toBe(0);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Budgets

function describeBudgets(getStore: GetStore): void {
  describe('budgets', () => {
    it('has no budgets at first: an empty list, null, and false on delete', async () => {
      const store = getStore();

      expect(await store.metering.budgets.list()).toEqual([]);
      expect(await store.metering.budgets.get('overall')).toBeNull();
      expect(await store.metering.budgets.delete('overall')).toBe(false);
    });

    it('keeps every field of a budget of either scope, and lists them oldest first, then by id', async () => {
      const store = getStore();
      const overall = aBudget({ id: 'overall', createdAt: at('2026-03-02T00:00:00.000Z') });
      const openaiHigh = aBudget({
        id: 'provider:openai',
        scope: { kind: 'provider', provider: 'openai' },
        amountMicros: 2 ** 40,
        currency: 'AUD',
        thresholds: [25, 50, 75, 90, 100, 150],
        createdAt: at('2026-03-01T00:00:00.000Z'),
        updatedAt: at('2026-03-05T12:34:56.789Z'),
      });
      const geoscape = aBudget({
        id: 'provider:geoscape',
        scope: { kind: 'provider', provider: 'geoscape' },
        thresholds: [],
        createdAt: at('2026-03-01T00:00:00.000Z'),
      });
      for (const budget of [overall, openaiHigh, geoscape]) await store.metering.budgets.put(budget);

      expect(await store.metering.budgets.get('provider:openai')).toEqual(openaiHigh);
      expect(await store.metering.budgets.get('overall')).toEqual(overall);
      expect(await store.metering.budgets.list()).toEqual([geoscape, openaiHigh, overall]);
    });

    it('replaces every field of a budget put again with the same id', async () => {
      const store = getStore();
      const budget = aBudget({ id: 'overall' });
      await store.metering.budgets.put(budget);
      const replaced = aBudget({
        id: 'overall',
        scope: { kind: 'provider', provider: 'openai' },
        amountMicros: 750_000_000,
        currency: 'AUD',
        thresholds: [90],
        createdAt: at('2026-03-03T00:00:00.000Z'),
        updatedAt: at('2026-03-10T00:00:00.000Z'),
      });

      await store.metering.budgets.put(replaced);

      expect(await store.metering.budgets.get('overall')).toEqual(replaced);
      expect(await store.metering.budgets.list()).toEqual([replaced]);
    });

    it('creates a budget only where its id is free, one winner among concurrent creates', async () => {
      const store = getStore();
      const first = aBudget({ id: 'overall', amountMicros: 100_000_000 });
      const rivals = [200, 300, 400].map((dollars) =>
        aBudget({ id: 'provider:openai', amountMicros: dollars * 1_000_000 }),
      );

      expect(await store.metering.budgets.create(first)).toBe(true);
      expect(await store.metering.budgets.create({ ...first, amountMicros: 1 })).toBe(false);
      const wins = await Promise.all(rivals.map((budget) => store.metering.budgets.create(budget)));

      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await store.metering.budgets.get('overall')).toEqual(first);
      expect(await store.metering.budgets.get('provider:openai')).toEqual(rivals[wins.indexOf(true)]);
    });

    it('deletes a budget once, keeping its alerts', async () => {
      const store = getStore();
      const budget = aBudget();
      const other = aBudget({ createdAt: at('2026-03-05T00:00:00.000Z') });
      await store.metering.budgets.put(budget);
      await store.metering.budgets.put(other);
      const alert = aBudgetAlert({ budgetId: budget.id });
      await store.metering.alerts.claim(alert);

      expect(await store.metering.budgets.delete(budget.id)).toBe(true);
      expect(await store.metering.budgets.delete(budget.id)).toBe(false);

      expect(await store.metering.budgets.get(budget.id)).toBeNull();
      expect(await store.metering.budgets.list()).toEqual([other]);
      expect(await store.metering.alerts.list({ budgetId: budget.id })).toEqual([alert]);
    });

    it('gives callers copies: changing a budget put or read leaves the store as it was', async () => {
      const store = getStore();
      const budget = aBudget();
      const expected = structuredClone(budget);
      await store.metering.budgets.put(budget);
      budget.thresholds.push(200);
      budget.createdAt.setUTCFullYear(1999);
      const read = await store.metering.budgets.get(budget.id);
      read!.thresholds.push(300);

      expect(await store.metering.budgets.list()).toEqual([expected]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Alerts

function describeAlerts(getStore: GetStore): void {
  describe('budget alerts', () => {
    it('claims an alert once: a second claim of the same budget, period, threshold and kind changes nothing', async () => {
      const store = getStore();
      const alert = aBudgetAlert({ budgetId: 'overall' });

      expect(await store.metering.alerts.claim(alert)).toBe(true);
      expect(
        await store.metering.alerts.claim(
          aBudgetAlert({ budgetId: 'overall', spentMicros: 450_000_000, at: at('2026-03-16T00:00:00.000Z') }),
        ),
      ).toBe(false);

      expect(await store.metering.alerts.list()).toEqual([alert]);
    });

    it('claims another threshold, kind, period or budget separately', async () => {
      const store = getStore();
      const first = aBudgetAlert({ budgetId: 'overall', at: at('2026-03-15T10:00:00.000Z') });
      const others = [
        aBudgetAlert({ budgetId: 'overall', threshold: 100, at: at('2026-03-15T11:00:00.000Z') }),
        aBudgetAlert({ budgetId: 'overall', kind: 'anomaly', at: at('2026-03-15T12:00:00.000Z') }),
        aBudgetAlert({ budgetId: 'overall', period: '2026-04', at: at('2026-04-15T10:00:00.000Z') }),
        aBudgetAlert({ budgetId: 'provider:openai', at: at('2026-03-15T13:00:00.000Z') }),
      ];

      expect(await store.metering.alerts.claim(first)).toBe(true);
      for (const alert of others) expect(await store.metering.alerts.claim(alert)).toBe(true);

      expect(await store.metering.alerts.list()).toHaveLength(5);
    });

    it('lets exactly one of 10 concurrent claims of one alert win', async () => {
      const store = getStore();
      const copies = Array.from({ length: 10 }, (_, index) =>
        aBudgetAlert({
          budgetId: 'overall',
          period: '2026-03-15',
          threshold: 0,
          kind: 'anomaly',
          spentMicros: index,
        }),
      );

      const results = await Promise.all(copies.map((copy) => store.metering.alerts.claim(copy)));

      expect(results.filter((claimed) => claimed)).toHaveLength(1);
      expect(await store.metering.alerts.list()).toEqual([copies[results.indexOf(true)]]);
    });

    it("lists alerts newest first (then by id, descending), one budget's or one period's, at most limit", async () => {
      const store = getStore();
      const alert = (id: string, budgetId: string, period: string, threshold: number, when: string) =>
        aBudgetAlert({ id, budgetId, period, threshold, at: at(when) });
      const marchLow = alert('alert_1', 'overall', '2026-03', 50, '2026-03-10T00:00:00.000Z');
      const marchHighA = alert('alert_2', 'overall', '2026-03', 80, '2026-03-20T00:00:00.000Z');
      const marchHighB = alert('alert_3', 'provider:openai', '2026-03', 80, '2026-03-20T00:00:00.000Z');
      const april = alert('alert_4', 'overall', '2026-04', 50, '2026-04-05T00:00:00.000Z');
      for (const each of [marchHighA, april, marchLow, marchHighB]) await store.metering.alerts.claim(each);

      expect(await store.metering.alerts.list()).toEqual([april, marchHighB, marchHighA, marchLow]);
      expect(await store.metering.alerts.list({ budgetId: 'overall' })).toEqual([
        april,
        marchHighA,
        marchLow,
      ]);
      expect(await store.metering.alerts.list({ period: '2026-03' })).toEqual([
        marchHighB,
        marchHighA,
        marchLow,
      ]);
      expect(await store.metering.alerts.list({ budgetId: 'overall', period: '2026-03' })).toEqual([
        marchHighA,
        marchLow,
      ]);
      expect(await store.metering.alerts.list({ limit: 2 })).toEqual([april, marchHighB]);
      expect(await store.metering.alerts.list({ budgetId: 'nobody' })).toEqual([]);
    });
  });
}
