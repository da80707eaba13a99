// Injected faults: API errors and timeouts for a caller's retries, and webhook deliveries that
// arrive twice, late or out of order for a receiver's exactly-once handling.

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createStripeSim } from '../src/index.js';

function clientWith(sim: ReturnType<typeof createStripeSim>, options: Partial<Stripe.StripeConfig> = {}) {
  return new Stripe('sk_test_faults', {
    httpClient: Stripe.createFetchHttpClient(sim.fetch),
    maxNetworkRetries: 0,
    ...options,
  });
}

describe('API faults', () => {
  it('answers the next call of a route with 500, then works again', async () => {
    const sim = createStripeSim();
    sim.faults.inject({ method: 'POST', path: '/v1/customers', kind: 500 });
    const stripe = clientWith(sim);
    await expect(stripe.customers.create({})).rejects.toMatchObject({
      type: 'StripeAPIError',
      statusCode: 500,
    });
    await expect(stripe.customers.create({})).resolves.toMatchObject({ object: 'customer' });
    expect((await stripe.customers.list()).data).toHaveLength(1);
  });

  it('answers 429 with rate_limit for as many calls as asked', async () => {
    const sim = createStripeSim();
    sim.faults.inject({ path: '/v1/products*', kind: 429, times: 2 });
    const stripe = clientWith(sim);
    await expect(stripe.products.list()).rejects.toMatchObject({
      type: 'StripeRateLimitError',
      code: 'rate_limit',
    });
    await expect(stripe.products.list()).rejects.toMatchObject({ statusCode: 429 });
    await expect(stripe.products.list()).resolves.toMatchObject({ object: 'list' });
  });

  it('lets the client retry a 500 with its idempotency key so the change happens once', async () => {
    const sim = createStripeSim();
    sim.faults.inject({ method: 'POST', path: '/v1/customers', kind: 500 });
    const stripe = clientWith(sim, { maxNetworkRetries: 2 });
    const customer = await stripe.customers.create({ email: 'retry@example.com' });
    expect(customer.email).toBe('retry@example.com');
    expect((await stripe.customers.list()).data).toHaveLength(1);
  });

  it('times out a call whose answer is lost after the change, and replays the saved answer for the same key', async () => {
    const sim = createStripeSim();
    sim.faults.inject({ method: 'POST', path: '/v1/customers', kind: 'timeout', afterApply: true });
    const stripe = clientWith(sim, { timeout: 50 });
    await expect(
      stripe.customers.create({ email: 'lost@example.com' }, { idempotencyKey: 'signup-42' }),
    ).rejects.toMatchObject({ type: 'StripeConnectionError' });
    const [created] = (await stripe.customers.list()).data;
    expect(created?.email).toBe('lost@example.com');

    const replay = await stripe.customers.create(
      { email: 'lost@example.com' },
      { idempotencyKey: 'signup-42' },
    );
    expect(replay.id).toBe(created!.id);
    expect((await stripe.customers.list()).data).toHaveLength(1);
  });

  it('drops the connection of a call (a reset), before or after the change, and the retry with the key makes it once', async () => {
    const sim = createStripeSim();
    sim.faults.inject({ method: 'POST', path: '/v1/customers', kind: 'reset' });
    await expect(clientWith(sim).customers.create({ email: 'a@example.com' })).rejects.toMatchObject({
      type: 'StripeConnectionError',
    });
    expect((await clientWith(sim).customers.list()).data).toHaveLength(0);

    sim.faults.inject({ method: 'POST', path: '/v1/customers', kind: 'reset', afterApply: true });
    const retrying = clientWith(sim, { maxNetworkRetries: 2 });
    const customer = await retrying.customers.create(
      { email: 'b@example.com' },
      { idempotencyKey: 'reset-1' },
    );
    const all = (await retrying.customers.list()).data;
    expect(all.map((c) => c.id)).toEqual([customer.id]);
  });

  it('answers 409 to a second request with a key still in flight, and the retry gets the first answer', async () => {
    const sim = createStripeSim();
    const stripe = clientWith(sim, { maxNetworkRetries: 3 });
    const created = await Promise.all(
      Array.from({ length: 5 }, () =>
        stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'same' }),
      ),
    );
    expect(new Set(created.map((c) => c.id)).size).toBe(1);
    expect((await stripe.customers.list()).data).toHaveLength(1);
    const raw = await Promise.all(
      [1, 2].map(() =>
        sim.fetch('https://api.stripe.com/v1/products', {
          method: 'POST',
          headers: {
            authorization: 'Bearer sk_test_x',
            'idempotency-key': 'p1',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'name=Pro',
        }),
      ),
    );
    expect(raw.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('refuses an idempotency key reused with other parameters', async () => {
    const sim = createStripeSim();
    const stripe = clientWith(sim);
    await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k1' });
    await expect(
      stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'k1' }),
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError' });
  });
});

describe('webhook delivery faults', () => {
  async function collect(sim: ReturnType<typeof createStripeSim>) {
    const seen: string[] = [];
    sim.webhooks.listen(async (request) => {
      const event = JSON.parse(await request.text()) as Stripe.Event;
      seen.push(`${event.type}:${event.id}`);
      return new Response('ok');
    });
    return seen;
  }

  it('delivers an event twice when told to duplicate', async () => {
    const sim = createStripeSim({ webhookDelivery: 'manual' });
    const seen = await collect(sim);
    sim.faults.webhooks({ duplicate: 1 });
    await sim.stripe.customers.create({});
    await sim.webhooks.flush();
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
  });

  it('delivers a batch in reverse order when told to reorder', async () => {
    const sim = createStripeSim({ webhookDelivery: 'manual' });
    const seen = await collect(sim);
    const customer = await sim.stripe.customers.create({});
    await sim.stripe.customers.update(customer.id, { name: 'Later' });
    sim.faults.webhooks({ reorder: true });
    await sim.webhooks.flush();
    expect(seen.map((s) => s.split(':')[0])).toEqual(['customer.updated', 'customer.created']);
  });

  it('holds a delayed delivery back until everything after it has arrived', async () => {
    const sim = createStripeSim({ webhookDelivery: 'manual' });
    const seen = await collect(sim);
    sim.faults.webhooks({ delay: 1 });
    const customer = await sim.stripe.customers.create({});
    await sim.stripe.customers.update(customer.id, { name: 'Later' });
    await sim.webhooks.flush();
    expect(seen.map((s) => s.split(':')[0])).toEqual(['customer.updated', 'customer.created']);
  });

  it('retries a delivery the receiver failed, on the retry schedule', async () => {
    const sim = createStripeSim();
    let calls = 0;
    sim.webhooks.listen(async () => {
      calls += 1;
      return new Response('boom', { status: calls === 1 ? 500 : 200 });
    });
    await sim.stripe.customers.create({});
    await sim.webhooks.flush();
    expect(calls).toBe(1);
    await sim.clock.advance({ minutes: 2 });
    expect(calls).toBe(2);
    expect(sim.webhooks.deliveries().map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });

  it('forgets everything on reset', async () => {
    const sim = createStripeSim();
    await sim.stripe.customers.create({});
    sim.reset();
    expect((await sim.stripe.customers.list()).data).toHaveLength(0);
    expect(sim.webhooks.events()).toHaveLength(0);
  });
});
