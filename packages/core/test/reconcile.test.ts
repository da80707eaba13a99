// Reconcile and backfill. A mirror kept by webhooks reconciles to zero differences; corrupted in
// a dozen ways (rows changed, removed, never written, amounts and statuses changed, webhooks
// lost), reconcile finds each, repairs each from Stripe with an audit entry, and then finds
// nothing. A run cut off part-way resumes from its cursor; Stripe's 429s are waited out. Backfill
// imports an existing Stripe account into an empty store, equal to the mirror webhooks kept.

import { createStripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { testStore } from './test-store.js';
import { DAY, givenEngine, givenSubscriber, JAN_15, type World } from './world.js';

/** Webhooks applied as they come; `stopWebhooks` loses the ones after it. */
function listen(world: World): { stopWebhooks(): void } {
  const listener = world.sim.webhooks.listen(async (request) => {
    await world.billing.sync.applyEvent(JSON.parse(await request.text()) as Stripe.Event);
    return new Response('ok');
  });
  return { stopWebhooks: () => listener.close() };
}

/**
 * Two subscribers, every webhook applied: user_1 paid and was partly refunded, user_2's payment
 * is disputed.
 */
async function twoSubscribers(world?: World): Promise<World & { stopWebhooks(): void }> {
  const engine = world ?? (await givenEngine());
  const { stopWebhooks } = listen(engine);
  await givenSubscriber(engine, 'user_1');
  await givenSubscriber(engine, 'user_2', 'pm_card_createDispute');
  await engine.sim.webhooks.flush();
  const [invoice] = (await engine.billing.invoices.list('user_1')).items;
  await engine.billing.refunds.create({
    invoiceId: invoice!.stripeInvoiceId,
    amount: 300,
    reason: 'goodwill',
  });
  await engine.sim.webhooks.flush();
  return { ...engine, stopWebhooks };
}

const summary = (differences: { kind: string; id: string; problem: string; fields: string[] }[]) =>
  differences.map((difference) => [difference.kind, difference.id, difference.problem, difference.fields]);

describe('billing.reconcile', () => {
  it('finds no difference in a mirror kept by webhooks, comparing every kind', async () => {
    const world = await twoSubscribers();

    const report = await world.billing.reconcile();

    expect(report.differences).toEqual([]);
    expect(report.checked).toEqual({
      customer: 2,
      subscription: 2,
      payment_method: 2,
      invoice: 2,
      payment: 2,
      refund: 1,
      dispute: 1,
    });
    expect(report.resumed).toBe(false);
  });

  it('finds each of a dozen kinds of drift, repairs it from Stripe with an audit entry, then finds none', async () => {
    const world = await twoSubscribers();
    const { store } = world;
    const one = (await store.customers.findByUserId('user_1'))!;
    const two = (await store.customers.findByUserId('user_2'))!;
    const [subscriptionOne] = await store.subscriptions.listByUserId('user_1');
    const [subscriptionTwo] = await store.subscriptions.listByUserId('user_2');
    const [cardOne] = await store.paymentMethods.listByCustomer(one.stripeCustomerId);
    const [cardTwo] = await store.paymentMethods.listByCustomer(two.stripeCustomerId);
    const [invoiceOne] = (await store.invoices.listByUserId('user_1')).items;
    const [invoiceTwo] = (await store.invoices.listByUserId('user_2')).items;
    const [paymentOne] = (await store.payments.listByUserId('user_1')).items;
    const [disputeTwo] = (await store.disputes.list()).items;
    const later = (record: { watermark: number }) => record.watermark + 10;

    // 1. an email changed, 2. a balance changed, 3. a subscription's status changed, 4. a
    // cancellation flag set, 5. a card's last four digits changed, 6. a card row deleted, 7. an
    // invoice's amounts changed, 8. an invoice's status changed, 9. a payment's refunded amount
    // changed, 10. a dispute's status changed, 11. a card Stripe never had, 12. a customer whose
    // webhooks were lost, 13. a refund made in Stripe whose webhooks were lost.
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
    await store.invoices.upsert({
      ...invoiceOne!,
      total: 99,
      amountPaid: 99,
      watermark: later(invoiceOne!),
    });
    await store.invoices.upsert({
      ...invoiceTwo!,
      status: 'open',
      paidAt: null,
      watermark: later(invoiceTwo!),
    });
    await store.payments.upsert({
      ...paymentOne!,
      amountRefunded: 0,
      refunded: false,
      watermark: later(paymentOne!),
    });
    await store.disputes.upsert({ ...disputeTwo!, status: 'won', watermark: later(disputeTwo!) });
    await store.paymentMethods.upsert({ ...cardOne!, stripePaymentMethodId: 'pm_only_in_the_mirror' });
    world.stopWebhooks();
    const lost = await world.stripe.customers.create({
      email: 'user_3@example.com.au',
      metadata: { billkit_user_id: 'user_3' },
    });
    const dashboardRefund = await world.stripe.refunds.create({
      charge: paymentOne!.stripeChargeId,
      amount: 200,
    });

    const found = await world.billing.reconcile({ repair: true });

    expect(summary(found.differences)).toEqual(
      expect.arrayContaining([
        ['customer', one.stripeCustomerId, 'differs', ['email']],
        ['customer', two.stripeCustomerId, 'differs', ['balance']],
        ['customer', lost.id, 'missing_locally', []],
        ['subscription', subscriptionOne!.stripeSubscriptionId, 'differs', ['status']],
        ['subscription', subscriptionTwo!.stripeSubscriptionId, 'differs', ['cancelAtPeriodEnd']],
        ['payment_method', cardOne!.stripePaymentMethodId, 'differs', ['last4']],
        ['payment_method', cardTwo!.stripePaymentMethodId, 'missing_locally', []],
        ['payment_method', 'pm_only_in_the_mirror', 'missing_in_stripe', []],
        ['invoice', invoiceOne!.stripeInvoiceId, 'differs', ['total', 'amountPaid']],
        ['invoice', invoiceTwo!.stripeInvoiceId, 'differs', ['status', 'paidAt']],
        ['payment', paymentOne!.stripeChargeId, 'differs', ['amountRefunded']],
        ['refund', dashboardRefund.id, 'missing_locally', []],
        ['dispute', disputeTwo!.stripeDisputeId, 'differs', ['status']],
      ]),
    );
    expect(found.differences).toHaveLength(13);
    expect(found.differences.every((difference) => difference.repaired)).toBe(true);
    const audited = (await world.billing.audit.list({ limit: 1000 })).items.filter(
      (entry) => entry.action === 'reconcile.repaired',
    );
    expect(audited).toHaveLength(13);
    // Each repair's entry keeps the differing fields before and after.
    expect(audited.find((entry) => entry.subjectId === invoiceOne!.stripeInvoiceId)?.data).toMatchObject({
      problem: 'differs',
      before: { total: 99, amountPaid: 99 },
      after: { total: 1000, amountPaid: 1000 },
    });

    expect((await world.billing.reconcile()).differences).toEqual([]);
    expect((await store.customers.findByUserId('user_1'))?.email).toBe('user_1@example.com.au');
    expect((await store.subscriptions.listByUserId('user_1'))[0]?.status).toBe('active');
    expect(await store.payments.findByStripeId(paymentOne!.stripeChargeId)).toMatchObject({
      amountRefunded: 500,
    });
    expect(await store.refunds.findByStripeId(dashboardRefund.id)).toMatchObject({
      amount: 200,
      stripeInvoiceId: invoiceOne!.stripeInvoiceId,
      userId: 'user_1',
    });
    expect(await store.paymentMethods.findByStripeId('pm_only_in_the_mirror')).toBeNull();
    expect(await world.billing.audit.verify()).toMatchObject({ ok: true });
  });

  it('reports without repair, changing nothing; refuses bad input', async () => {
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
    await expect(world.billing.reconcile({ since: 'last week' } as never)).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('compares only what Stripe created since the given time', async () => {
    const world = await twoSubscribers();
    const [invoice] = (await world.store.invoices.listByUserId('user_1')).items;
    await world.store.invoices.upsert({ ...invoice!, total: 1, watermark: invoice!.watermark + 10 });
    const now = new Date(world.sim.clock.now() * 1000);

    const recent = await world.billing.reconcile({ since: new Date(now.getTime() + DAY * 1000) });
    const all = await world.billing.reconcile({ since: new Date(now.getTime() - DAY * 1000) });

    expect(recent.differences).toEqual([]);
    expect(recent.checked).toMatchObject({ customer: 0, invoice: 0, payment: 0 });
    expect(summary(all.differences)).toEqual([['invoice', invoice!.stripeInvoiceId, 'differs', ['total']]]);
  });

  it('resumes a run cut off part-way after the last customer it finished', async () => {
    const world = await twoSubscribers();
    const one = (await world.store.customers.findByUserId('user_1'))!;
    const two = (await world.store.customers.findByUserId('user_2'))!;
    await world.store.customers.upsert({
      ...two,
      name: 'Drifted',
      watermark: two.watermark + 10,
      version: two.version + 1,
    });
    const [invoice] = (await world.store.invoices.listByUserId('user_1')).items;
    await world.store.invoices.upsert({ ...invoice!, total: 1, watermark: invoice!.watermark + 10 });
    // Stripe lists newest first: user_2, then user_1, whose card list (before its invoices) fails
    // more times than the Stripe client retries.
    world.sim.faults.inject({
      method: 'GET',
      path: `/v1/customers/${one.stripeCustomerId}/payment_methods`,
      kind: 500,
      times: 10,
    });

    await expect(world.billing.reconcile({ repair: true, backoff: { attempts: 1 } })).rejects.toMatchObject({
      code: 'stripe_unavailable',
    });
    world.sim.faults.clear();
    expect((await world.store.customers.findByUserId('user_2'))?.name).toBe('Jo Citizen');
    expect((await world.store.invoices.findByStripeId(invoice!.stripeInvoiceId))?.total).toBe(1);
    expect(await world.store.checkpoints.get('reconcile')).toContain(two.stripeCustomerId);
    // Drift after the cut in a customer already finished is left for the next run.
    await world.store.customers.upsert({
      ...two,
      name: 'Again',
      watermark: two.watermark + 20,
      version: two.version + 2,
    });

    const resumed = await world.billing.reconcile({ repair: true });

    expect(resumed.resumed).toBe(true);
    // user_2's repair (before the cut, carried over) and user_1's (after it).
    expect(summary(resumed.differences)).toEqual([
      ['customer', two.stripeCustomerId, 'differs', ['name']],
      ['invoice', invoice!.stripeInvoiceId, 'differs', ['total']],
    ]);
    expect(resumed.checked.customer).toBe(2);
    expect(await world.store.checkpoints.get('reconcile')).toBeNull();
    expect((await world.store.customers.findByUserId('user_2'))?.name).toBe('Again');
    const next = await world.billing.reconcile({ repair: true });
    expect(next.resumed).toBe(false);
    expect(summary(next.differences)).toEqual([['customer', two.stripeCustomerId, 'differs', ['name']]]);
  });

  it("waits out Stripe's 429s with back-off; gives up with a typed error, changing nothing", async () => {
    const world = await twoSubscribers();
    const one = (await world.store.customers.findByUserId('user_1'))!;
    await world.store.customers.upsert({
      ...one,
      name: 'Drifted',
      watermark: one.watermark + 10,
      version: one.version + 1,
    });
    world.sim.faults.inject({ method: 'GET', path: '/v1/customers', kind: 429, times: 3 });
    world.sim.faults.inject({ method: 'GET', path: '/v1/invoices', kind: 429, times: 2 });

    const patient = await world.billing.reconcile({ backoff: { baseDelayMs: 1 } });

    expect(summary(patient.differences)).toEqual([['customer', one.stripeCustomerId, 'differs', ['name']]]);

    world.sim.faults.inject({ method: 'GET', path: '/v1/customers', kind: 429, times: 5 });
    await expect(
      world.billing.reconcile({ repair: true, restart: true, backoff: { attempts: 3, baseDelayMs: 1 } }),
    ).rejects.toMatchObject({ code: 'stripe_unavailable' });
    expect((await world.store.customers.findByUserId('user_1'))?.name).toBe('Drifted');
  });
});

describe('billing.backfill', () => {
  it('imports an existing Stripe account into an empty store, equal to the mirror webhooks kept', async () => {
    const kept = await twoSubscribers();
    // A customer the host made before Billkit, knowing it by its own metadata key, and one it
    // cannot place.
    const earlier = await kept.stripe.customers.create({
      email: 'early@example.com.au',
      metadata: { user_id: 'user_early' },
    });
    const stranger = await kept.stripe.customers.create({ email: 'who@example.com.au' });
    await kept.sim.webhooks.flush();
    const fresh = await givenEngine({ sim: kept.sim, store: testStore() });

    const report = await fresh.billing.backfill();

    expect(report.imported).toEqual({
      customer: 3,
      subscription: 2,
      payment_method: 2,
      invoice: 2,
      payment: 2,
      refund: 1,
      dispute: 1,
    });
    expect(report.skipped).toEqual([{ stripeCustomerId: stranger.id, reason: 'no_user_id' }]);
    expect((await fresh.stripe.customers.retrieve(earlier.id)) as Stripe.Customer).toMatchObject({
      metadata: { user_id: 'user_early', billkit_user_id: 'user_early' },
    });
    for (const userId of ['user_1', 'user_2']) {
      const pick = async (world: World) => ({
        customer: await world.store.customers.findByUserId(userId),
        subscriptions: await world.store.subscriptions.listByUserId(userId),
        invoices: (await world.store.invoices.listByUserId(userId)).items,
        payments: (await world.store.payments.listByUserId(userId)).items,
      });
      const [a, b] = [await pick(kept), await pick(fresh)];
      expect(b.customer).toMatchObject({
        stripeCustomerId: a.customer!.stripeCustomerId,
        email: a.customer!.email,
        defaultPaymentMethodId: a.customer!.defaultPaymentMethodId,
      });
      expect(b.subscriptions.map((s) => [s.stripeSubscriptionId, s.status, s.planId, s.amount])).toEqual(
        a.subscriptions.map((s) => [s.stripeSubscriptionId, s.status, s.planId, s.amount]),
      );
      expect(b.invoices.map((i) => [i.stripeInvoiceId, i.status, i.total, i.tax, i.lines.length])).toEqual(
        a.invoices.map((i) => [i.stripeInvoiceId, i.status, i.total, i.tax, i.lines.length]),
      );
      expect(
        b.payments.map((p) => [p.stripeChargeId, p.amount, p.amountRefunded, p.stripeInvoiceId]),
      ).toEqual(a.payments.map((p) => [p.stripeChargeId, p.amount, p.amountRefunded, p.stripeInvoiceId]));
    }
    // The MRR ledger learnt the imported subscriptions.
    for (const userId of ['user_1', 'user_2']) {
      const [was, now] = [
        await kept.store.mrr.stateOf(userId, 'aud'),
        await fresh.store.mrr.stateOf(userId, 'aud'),
      ];
      expect(now.bySubscription).toEqual(was.bySubscription);
      expect(Object.values(now.bySubscription)).toEqual([909]); // A$10 a month less GST
    }
    expect((await fresh.billing.reconcile()).differences).toEqual([]);
    // A second backfill finds everything already there.
    const again = await fresh.billing.backfill();
    expect(Object.values(again.imported).every((count) => count === 0)).toBe(true);
  });

  it('imports a subscription made outside Billkit, which the dunning policy then treats as its own', async () => {
    // Stripe leaves a subscription past due when its retries run out: Billkit's policy cancels.
    const sim = createStripeSim({ now: JAN_15, retries: { afterExhausted: 'past_due' } });
    const world = await givenEngine({ sim });
    listen(world);
    // Made in Stripe before Billkit: no billkit_user_id on the customer or the subscription.
    const customer = await world.stripe.customers.create({
      email: 'early@example.com.au',
      metadata: { user_id: 'user_early' },
    });
    const card = await world.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const [price] = (await world.stripe.prices.list({ lookup_keys: ['billkit_pro_month'] })).data;
    const subscription = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price!.id }],
      default_payment_method: card.id,
    });
    await world.sim.webhooks.flush();

    const report = await world.billing.backfill();
    expect(report.imported).toMatchObject({ customer: 1, subscription: 1, invoice: 1 });
    // The card starts declining; every retry of the next renewal fails.
    await world.billing.paymentMethods.setDefault('user_early', 'pm_card_chargeCustomerFail');
    await world.sim.clock.advance({ days: 31 + 15 });
    await world.sim.webhooks.flush();

    expect((await world.stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
    expect(await world.store.subscriptions.findByStripeId(subscription.id)).toMatchObject({
      userId: 'user_early',
      status: 'canceled',
      cancellationReason: 'payment_failed',
    });
    const audited = await world.billing.audit.list({ target: subscription.id, limit: 500 });
    expect(audited.items.map((entry) => entry.action)).toContain('subscription.canceled_after_retries');
  });
});
