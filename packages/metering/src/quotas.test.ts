import { memoryStore } from '@billkit/core';
import { aSubscription } from '@billkit/core/testing';
import { describe, expect, it } from 'vitest';
import { aClock, givenMetering } from '../test/given-metering.js';
import { MeteringInputError } from './errors.js';
import type { QuotaOptions } from './types.js';

const PRO_50_REVIEWS: QuotaOptions = {
  plans: { pro: { ai_review: { limit: 50 } }, free: { ai_review: { limit: 2 } } },
  default: { ai_review: { limit: 1 } },
  planOf: (customerId) => (customerId.startsWith('pro_') ? 'pro' : null),
};

const review = (customerId: string, extra: object = {}) => ({
  provider: 'openai',
  operation: 'chat',
  model: 'gpt-4.1',
  units: { input_tokens: 500, output_tokens: 100 },
  customerId,
  feature: 'ai_review',
  ...extra,
});

async function recordReviews(metering: { record(e: object): Promise<void> }, customerId: string, n: number) {
  for (let i = 0; i < n; i++) await metering.record(review(customerId) as never);
}

describe('quota check', () => {
  it('allows the 50th review of the month on pro, and refuses once 50 are used', async () => {
    const { metering } = givenMetering({ quotas: PRO_50_REVIEWS });
    await recordReviews(metering, 'pro_ann', 49);
    expect(await metering.check('pro_ann', 'ai_review')).toEqual({
      allowed: true,
      used: 49,
      limit: 50,
      resetsAt: new Date('2026-04-01T00:00:00Z'),
    });
    await recordReviews(metering, 'pro_ann', 1);
    expect(await metering.check('pro_ann', 'ai_review')).toEqual({
      allowed: false,
      used: 50,
      limit: 50,
      resetsAt: new Date('2026-04-01T00:00:00Z'),
    });
    await metering.close();
  });

  it('keeps refusing over the limit', async () => {
    const { metering } = givenMetering({ quotas: PRO_50_REVIEWS });
    await recordReviews(metering, 'pro_bob', 52);
    expect(await metering.check('pro_bob', 'ai_review')).toMatchObject({
      allowed: false,
      used: 52,
      limit: 50,
    });
    await metering.close();
  });

  it('counts a review at once, before it is written, and once only when it is a duplicate', async () => {
    const { metering } = givenMetering({ quotas: PRO_50_REVIEWS, batch: { intervalMs: 3_600_000 } });
    expect(await metering.check('pro_cat', 'ai_review')).toMatchObject({ used: 0 });
    await metering.record(review('pro_cat', { idempotencyKey: 'r1' }) as never);
    await metering.record(review('pro_cat', { idempotencyKey: 'r1' }) as never);
    expect(metering.stats().buffered).toBe(2);
    expect((await metering.check('pro_cat', 'ai_review')).used).toBe(2);
    await metering.flush();
    expect((await metering.check('pro_cat', 'ai_review')).used).toBe(1);
    await metering.close();
  });

  it('reads what other processes recorded from the store', async () => {
    const store = memoryStore();
    const clock = aClock();
    const earlier = givenMetering({ store, clock, quotas: PRO_50_REVIEWS }).metering;
    await recordReviews(earlier, 'pro_dan', 50);
    await earlier.close();
    const later = givenMetering({ store, clock, quotas: PRO_50_REVIEWS }).metering;
    expect(await later.check('pro_dan', 'ai_review')).toMatchObject({ allowed: false, used: 50 });
    await later.close();
  });

  it('picks up another process’s usage when the counter is refreshed', async () => {
    const store = memoryStore();
    const clock = aClock();
    const quotas = { ...PRO_50_REVIEWS, refreshMs: 1000 };
    const web = givenMetering({ store, clock, quotas }).metering;
    const worker = givenMetering({ store, clock, quotas }).metering;
    expect((await web.check('pro_eve', 'ai_review')).used).toBe(0);
    await recordReviews(worker, 'pro_eve', 3);
    await worker.flush();
    expect((await web.check('pro_eve', 'ai_review')).used).toBe(0);
    clock.advance(1000);
    await web.check('pro_eve', 'ai_review'); // answers from memory, refreshes behind
    await expect.poll(async () => (await web.check('pro_eve', 'ai_review')).used).toBe(3);
    await Promise.all([web.close(), worker.close()]);
  });

  it('starts a new month from zero', async () => {
    const { metering, clock } = givenMetering({ quotas: PRO_50_REVIEWS });
    await recordReviews(metering, 'pro_fay', 50);
    expect((await metering.check('pro_fay', 'ai_review')).allowed).toBe(false);
    clock.set('2026-04-01T00:00:00Z');
    expect(await metering.check('pro_fay', 'ai_review')).toEqual({
      allowed: true,
      used: 0,
      limit: 50,
      resetsAt: new Date('2026-05-01T00:00:00Z'),
    });
    await metering.close();
  });

  it('does not count failed calls', async () => {
    const { metering } = givenMetering({ quotas: PRO_50_REVIEWS });
    await metering.record(review('pro_gus', { success: false, units: { requests: 1 } }) as never);
    await metering.record(review('pro_gus') as never);
    await metering.flush();
    expect((await metering.check('pro_gus', 'ai_review')).used).toBe(1);
    await metering.close();
  });

  it('takes the plan from the customer’s live subscription in the store by default', async () => {
    const store = memoryStore();
    await store.subscriptions.upsert(aSubscription({ userId: 'hal', planId: 'free', status: 'active' }));
    await store.subscriptions.upsert(aSubscription({ userId: 'ivy', planId: 'free', status: 'canceled' }));
    const { planOf: _planOf, ...quotas } = PRO_50_REVIEWS;
    const { metering } = givenMetering({ store, quotas });
    expect(await metering.check('hal', 'ai_review')).toMatchObject({ limit: 2 });
    expect(await metering.check('ivy', 'ai_review')).toMatchObject({ limit: 1 });
    await metering.close();
  });

  it('lets a customer’s own limit replace the plan’s, per day, on a unit', async () => {
    const { metering } = givenMetering({
      quotas: {
        ...PRO_50_REVIEWS,
        customers: { pro_jon: { ai_review: { limit: 1000, per: 'day', unit: 'output_tokens' } } },
      },
    });
    await recordReviews(metering, 'pro_jon', 9);
    expect(await metering.check('pro_jon', 'ai_review')).toEqual({
      allowed: true,
      used: 900,
      limit: 1000,
      resetsAt: new Date('2026-03-11T00:00:00Z'),
    });
    await recordReviews(metering, 'pro_jon', 1);
    expect((await metering.check('pro_jon', 'ai_review')).allowed).toBe(false);
    await metering.close();
  });

  it('answers without a limit when none applies', async () => {
    const { metering } = givenMetering();
    await recordReviews(metering, 'kim', 3);
    expect(await metering.check('kim', 'ai_review')).toEqual({
      allowed: true,
      used: 3,
      limit: null,
      resetsAt: null,
    });
    await metering.close();
  });

  it('refuses a malformed check', async () => {
    const { metering } = givenMetering();
    await expect(metering.check('', 'ai_review')).rejects.toThrow(MeteringInputError);
    await expect(metering.check('kim', 42 as never)).rejects.toThrow(/feature/);
    await metering.close();
  });
});
