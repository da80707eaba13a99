// The events API through the real `stripe` client: every change the simulator makes is an event
// that can be listed (by type, wildcard or creation time) and retrieved, with previous_attributes.

import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createStripeSim } from '../src/index.js';

describe('events', () => {
  it('lists events newest first and retrieves one by id', async () => {
    const sim = createStripeSim();
    const product = await sim.stripe.products.create({ name: 'Pro' });
    const coupon = await sim.stripe.coupons.create({ percent_off: 10 });
    const events = await sim.stripe.events.list();
    expect(events.data.map((e) => e.type)).toEqual(['coupon.created', 'product.created']);
    const [couponEvent, productEvent] = events.data;
    expect(couponEvent!.data.object).toMatchObject({ id: coupon.id });
    const retrieved = await sim.stripe.events.retrieve(productEvent!.id);
    expect(retrieved).toMatchObject({
      id: productEvent!.id,
      object: 'event',
      type: 'product.created',
      livemode: false,
      data: { object: { id: product.id, name: 'Pro' } },
    });
    expect(retrieved.api_version).toBe(sim.apiVersion);
    expect(retrieved.request?.id).toMatch(/^req_/);
  });

  it('answers 404 for an event that does not exist', async () => {
    const sim = createStripeSim();
    await expect(sim.stripe.events.retrieve('evt_nope')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such event: 'evt_nope'",
    });
  });

  it('filters by an exact type, a wildcard type and a list of types', async () => {
    const sim = createStripeSim();
    const product = await sim.stripe.products.create({ name: 'Pro' });
    await sim.stripe.prices.create({ currency: 'aud', unit_amount: 1000, product: product.id });
    await sim.stripe.products.update(product.id, { name: 'Pro plan' });
    await sim.stripe.taxRates.create({ display_name: 'GST', percentage: 10, inclusive: true });
    const types = async (params: Stripe.EventListParams) =>
      (await sim.stripe.events.list(params)).data.map((e) => e.type);
    expect(await types({ type: 'price.created' })).toEqual(['price.created']);
    expect(await types({ type: 'product.*' })).toEqual(['product.updated', 'product.created']);
    expect(await types({ type: '*.created' })).toEqual([
      'tax_rate.created',
      'price.created',
      'product.created',
    ]);
    expect(await types({ types: ['tax_rate.created', 'product.updated'] })).toEqual([
      'tax_rate.created',
      'product.updated',
    ]);
  });

  it('refuses type and types together', async () => {
    const sim = createStripeSim();
    await expect(
      sim.stripe.events.list({ type: 'product.created', types: ['price.created'] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameters_exclusive',
      message: 'You may only specify one of these parameters: type, types.',
    });
  });

  it('filters by creation time as the clock moves', async () => {
    const sim = createStripeSim();
    await sim.stripe.products.create({ name: 'early' });
    await sim.clock.advance({ days: 1 });
    const cutoff = sim.clock.now();
    await sim.stripe.products.create({ name: 'late' });
    const late = await sim.stripe.events.list({ created: { gte: cutoff } });
    expect(late.data.map((e) => (e.data.object as Stripe.Product).name)).toEqual(['late']);
    const early = await sim.stripe.events.list({ created: { lt: cutoff } });
    expect(early.data.map((e) => (e.data.object as Stripe.Product).name)).toEqual(['early']);
  });

  it('pages through events with starting_after', async () => {
    const sim = createStripeSim();
    for (const name of ['a', 'b', 'c']) await sim.stripe.products.create({ name });
    const first = await sim.stripe.events.list({ limit: 2 });
    expect(first.has_more).toBe(true);
    const rest = await sim.stripe.events.list({ limit: 2, starting_after: first.data[1]!.id });
    expect(rest.data.map((e) => (e.data.object as Stripe.Product).name)).toEqual(['a']);
    expect(rest.has_more).toBe(false);
  });

  it('accepts delivery_success as a filter without narrowing the simulated list', async () => {
    const sim = createStripeSim();
    await sim.stripe.products.create({ name: 'Pro' });
    expect((await sim.stripe.events.list({ delivery_success: true })).data).toHaveLength(1);
  });

  it('records the old values of changed fields as previous_attributes on product.updated', async () => {
    const sim = createStripeSim();
    const product = await sim.stripe.products.create({
      name: 'Pro',
      description: 'Old copy',
      url: 'https://a.example',
    });
    await sim.clock.advance({ minutes: 1 });
    await sim.stripe.products.update(product.id, { name: 'Pro plan', url: '' });
    const [event] = (await sim.stripe.events.list({ type: 'product.updated' })).data;
    expect(event!.data.object).toMatchObject({ name: 'Pro plan', url: null, description: 'Old copy' });
    expect(event!.data.previous_attributes).toEqual({
      name: 'Pro',
      url: 'https://a.example',
      updated: product.updated,
    });
  });
});
