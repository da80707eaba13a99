// POST /webhooks/stripe: Stripe's events, signed for real, reach @billkit/webhooks byte for byte
// with no user and no CSRF check; a bad signature or an oversized body changes nothing.

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { subscriptionResponseSchema } from '../src/contract/index.js';
import {
  BASE_PATH,
  expectError,
  expectOk,
  get,
  givenServer,
  givenSubscriber,
  ORIGIN,
  stateOf,
  WEBHOOK_SECRET,
  type World,
} from './support/world.js';

/** The subscription is canceled in Stripe's dashboard: the mirror only learns it from the webhook. */
async function canceledInDashboard(world: World) {
  const { subscription } = await givenSubscriber(world);
  await world.stripe.subscriptions.cancel(subscription.id);
  const event = world.sim.webhooks
    .events()
    .find(
      (e) =>
        e.type === 'customer.subscription.deleted' &&
        (e.data.object as { id: string }).id === subscription.id,
    );
  return { subscriptionId: subscription.id, event: event!, payload: JSON.stringify(event, null, 2) };
}

function stripePost(payload: string, signature: string, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}${BASE_PATH}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, ...headers },
    body: payload,
  });
}

const sign = (payload: string, secret = WEBHOOK_SECRET) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret });

describe('POST /webhooks/stripe', () => {
  it('applies a signed event with no user and no origin check, and the portal shows it', async () => {
    const world = await givenServer();
    const { event, payload } = await canceledInDashboard(world);
    expect(
      (await expectOk(world, get('/subscription'), subscriptionResponseSchema)).subscription?.status,
    ).toBe('active');

    const response = await world.handler(
      stripePost(payload, sign(payload), { origin: 'https://stripe.example' }),
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ received: true, status: 'applied' });
    expect(await world.store.webhookEvents.get(event.id)).toMatchObject({ status: 'applied', payload });
    const { subscription, access } = await expectOk(world, get('/subscription'), subscriptionResponseSchema);
    expect(subscription?.status).toBe('canceled');
    expect(access.allowed).toBe(false);
  });

  it('answers a redelivery as a duplicate', async () => {
    const world = await givenServer();
    const { payload } = await canceledInDashboard(world);
    await world.handler(stripePost(payload, sign(payload)));

    const again = await world.handler(stripePost(payload, sign(payload)));

    expect(await again.json()).toEqual({ received: true, duplicate: true });
  });

  it.each([
    ['signed with another secret', (p: string) => [p, sign(p, 'whsec_someone_else')]],
    ['tampered after signing', (p: string) => [p.replace('"canceled"', '"active"'), sign(p)]],
    ['re-serialized after signing', (p: string) => [JSON.stringify(JSON.parse(p)), sign(p)]],
  ])('refuses an event %s and changes nothing', async (_, forge) => {
    const world = await givenServer();
    const { event, payload } = await canceledInDashboard(world);
    const before = await stateOf(world);
    const [body, signature] = forge(payload) as [string, string];

    await expectError(world, stripePost(body, signature), { status: 400, code: 'signature_invalid' });

    expect(await world.store.webhookEvents.get(event.id)).toBeNull();
    expect(await stateOf(world)).toEqual(before);
    expect(
      (await expectOk(world, get('/subscription'), subscriptionResponseSchema)).subscription?.status,
    ).toBe('active');
  });

  it('refuses an event without a signature', async () => {
    const world = await givenServer();
    const { payload } = await canceledInDashboard(world);
    const request = new Request(`${ORIGIN}${BASE_PATH}/webhooks/stripe`, { method: 'POST', body: payload });

    await expectError(world, request, { status: 400, code: 'signature_missing' });
  });

  it('answers 413 to a body over the limit and records nothing', async () => {
    const world = await givenServer({ server: { maxBodyBytes: 2000 } });
    const { event, payload } = await canceledInDashboard(world);
    expect(payload.length).toBeGreaterThan(2000);

    await expectError(world, stripePost(payload, sign(payload)), { status: 413, code: 'payload_too_large' });

    expect(await world.store.webhookEvents.get(event.id)).toBeNull();
  });

  it('takes `secrets` while rotating', async () => {
    const world = await givenServer({ server: { webhooks: { secrets: ['whsec_new', WEBHOOK_SECRET] } } });
    const { payload } = await canceledInDashboard(world);

    const response = await world.handler(stripePost(payload, sign(payload, 'whsec_new')));

    expect(response.status).toBe(200);
  });
});
