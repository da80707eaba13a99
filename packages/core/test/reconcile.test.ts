// Drift: a mirror kept by webhooks reconciles to zero differences; corrupted in several ways (rows
// changed, removed, never written), reconcile finds each, repairs each from Stripe with an audit
// entry, and then finds nothing. Covers customers, subscriptions and payment methods (what
// reconcile walks so far).

import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { givenEngine, givenSubscriber, type World } from './world.js';

/** Two subscribers, every webhook applied; `stopWebhooks` loses the ones after it. */
async function twoSubscribers(): Promise<World & { stopWebhooks(): void }> {
  const world = await givenEngine();
  const listener = world.sim.webhooks.listen(async (request) => {
    await world.billing.sync.applyEvent(JSON.parse(await request.text()) as Stripe.Event);
    return new Response('ok');
  });
  await givenSubscriber(world, 'user_1');
  await givenSubscriber(world, 'user_2', 'pm_card_visa');
  await world.sim.webhooks.flush();
  return { ...world, stopWebhooks: () => listener.close() };
}

describe('billing.reconcile', () => {
  it('finds no difference in a mirror kept by webhooks', async () => {
    const world = await twoSubscribers();

    const report = await world.billing.reconcile();

    expect(report.differences).toEqual([]);
    expect(report.checked).toEqual({ customer: 2, subscription: 2, payment_method: 2 });
  });

  it('finds each kind of drift, repairs it from Stripe with an audit entry, then finds none', async () => {
    const world = await twoSubscribers();
    const { store } = world;
    const one = (await store.customers.findByUserId('user_1'))!;
    const two = (await store.customers.findByUserId('user_2'))!;
    const [subscriptionOne] = await store.subscriptions.listByUserId('user_1');
    const [subscriptionTwo] = await store.subscriptions.listByUserId('user_2');
    const [cardOne] = await store.paymentMethods.listByCustomer(one.stripeCustomerId);
    const [cardTwo] = await store.paymentMethods.listByCustomer(two.stripeCustomerId);
    const later = (record: { watermark: number }) => record.watermark + 10;

    // 1. an email changed, 2. a balance changed (an amount), 3. a status changed, 4. a cancellation
    // flag set, 5. a card's last four digits changed, 6. a card's default flag dropped,
    // 7. a card row deleted, 8. a customer Stripe has that the mirror never got (a lost webhook).
    await store.customers.upsert({
      ...one,
      email: 'wrong@example.com',
      watermark: later(one),
      version: one.version + 1,
    });
    await store.customers.upsert({ ...two, balance: -5000, watermark: later(two), version: two.version + 1 });
    await store.subscriptions.upsert({
      ...subscriptionOne!,
      status: 'canceled',
      watermark: later(subscriptionOne!),
    });
    await store.subscriptions.upsert({
      ...subscriptionTwo!,
      cancelAtPeriodEnd: true,
      watermark: later(subscriptionTwo!),
    });
    await store.paymentMethods.upsert({ ...cardOne!, last4: '0000', watermark: later(cardOne!) });
    await store.paymentMethods.delete(cardTwo!.stripePaymentMethodId);
    world.stopWebhooks();
    const lost = await world.stripe.customers.create({
      email: 'user_3@example.com.au',
      metadata: { billkit_user_id: 'user_3' },
    });

    const found = await world.billing.reconcile({ repair: true });

    const summary = found.differences.map((difference) => [
      difference.kind,
      difference.id,
      difference.problem,
      difference.fields,
    ]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['customer', one.stripeCustomerId, 'differs', ['email']],
        ['customer', two.stripeCustomerId, 'differs', ['balance']],
        ['customer', lost.id, 'missing_locally', []],
        ['subscription', subscriptionOne!.stripeSubscriptionId, 'differs', ['status']],
        ['subscription', subscriptionTwo!.stripeSubscriptionId, 'differs', ['cancelAtPeriodEnd']],
        ['payment_method', cardOne!.stripePaymentMethodId, 'differs', ['last4']],
        ['payment_method', cardTwo!.stripePaymentMethodId, 'missing_locally', []],
      ]),
    );
    expect(found.differences).toHaveLength(7);
    expect(found.differences.every((difference) => difference.repaired)).toBe(true);
    const audited = await world.billing.audit.list({ limit: 1000 });
    expect(audited.items.filter((entry) => entry.action === 'reconcile.repaired')).toHaveLength(7);

    expect((await world.billing.reconcile()).differences).toEqual([]);
    expect((await store.customers.findByUserId('user_1'))?.email).toBe('user_1@example.com.au');
    expect((await store.subscriptions.listByUserId('user_1'))[0]?.status).toBe('active');
    expect(await world.billing.audit.verify()).toMatchObject({ ok: true });
  });

  it('reports without repair, changing nothing', async () => {
    const world = await twoSubscribers();
    const one = (await world.store.customers.findByUserId('user_1'))!;
    await world.store.customers.upsert({
      ...one,
      name: 'Someone Else',
      watermark: one.watermark + 10,
      version: one.version + 1,
    });

    const report = await world.billing.reconcile();

    expect(report.differences).toEqual([
      {
        kind: 'customer',
        id: one.stripeCustomerId,
        userId: 'user_1',
        problem: 'differs',
        fields: ['name'],
        repaired: false,
      },
    ]);
    expect((await world.store.customers.findByUserId('user_1'))?.name).toBe('Someone Else');
    await expect(world.billing.reconcile({ repair: 'yes' } as never)).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});
