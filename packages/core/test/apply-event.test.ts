// Stripe events applied to the mirror by billing.sync.applyEvent (what @billkit/webhooks calls
// after verifying and recording each delivery).

import { createStripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { clockFromUnixSeconds } from '../src/clock.js';
import { applyEverything, at, givenEngine, givenSubscriber, JAN_15 } from './world.js';

describe('applying Stripe events', () => {
  it('follows a failed renewal into past_due with grace, and back to active, from events alone', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world);
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');

    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z'));
    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: true,
      status: 'past_due',
      reason: 'grace_period',
      graceUntil: new Date('2026-02-22T01:00:00Z'),
    });
    const invoices = await world.store.invoices.listByUserId('user_1');
    expect(invoices.items.map((i) => [i.status, i.total, i.tax])).toEqual([
      ['open', 1000, 91],
      ['paid', 1000, 91],
    ]);
    expect(world.sent.map((n) => n.kind)).toContain('payment.failed');

    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_au');
    await world.sim.clock.advance({ minutes: 5 });
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, status: 'active' });
    expect((await world.store.invoices.listByUserId('user_1')).items[0]).toMatchObject({ status: 'paid' });
  });

  it("mirrors payments with Stripe's fee, refunds and disputes", async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world, 'user_1', 'pm_card_createDispute');
    await world.sim.webhooks.flush();
    const payments = await world.store.payments.listByUserId('user_1');
    // The dispute test card is a US card: Stripe's international rate, 3.5% + A$0.30.
    expect(payments.items[0]).toMatchObject({
      amount: 1000,
      fee: 65,
      net: 935,
      disputed: true,
      status: 'succeeded',
    });
    expect(payments.items[0]!.stripeInvoiceId).toMatch(/^in_/);
    const disputes = await world.store.disputes.list();
    expect(disputes.items[0]).toMatchObject({
      status: 'needs_response',
      reason: 'fraudulent',
      userId: 'user_1',
    });
    expect(world.sent.map((n) => n.kind)).toContain('dispute.opened');
  });

  it('records refunds against the payment', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world);
    await world.sim.webhooks.flush();
    const [payment] = (await world.store.payments.listByUserId('user_1')).items;
    await world.stripe.refunds.create({ charge: payment!.stripeChargeId, amount: 400 });
    await world.sim.webhooks.flush();
    expect(await world.store.payments.findByStripeId(payment!.stripeChargeId)).toMatchObject({
      amountRefunded: 400,
      refunded: false,
    });
    expect(await world.store.refunds.listByCharge(payment!.stripeChargeId)).toEqual([
      expect.objectContaining({ amount: 400, status: 'succeeded', userId: 'user_1' }),
    ]);
  });

  it("applies what Stripe changed in the seconds before the engine's own write (a host clock ahead of Stripe's)", async () => {
    const sim = createStripeSim({ now: JAN_15 });
    // The host's clock runs 2 s ahead of Stripe's: its writes are stamped "later" than the events
    // of the changes its own calls caused (the customer's currency, set by the new subscription).
    const world = await givenEngine({
      sim,
      billing: { clock: clockFromUnixSeconds(() => sim.clock.now() + 2) },
    });
    applyEverything(world);

    await givenSubscriber(world);
    await world.sim.webhooks.flush();

    expect(await world.store.customers.findByUserId('user_1')).toMatchObject({ currency: 'aud' });
    expect((await world.billing.reconcile()).differences).toEqual([]);
  });

  it('skips an event older than the mirrored state, and events it does not handle', async () => {
    const world = await givenEngine();
    const sub = await givenSubscriber(world);
    const stale = {
      id: 'evt_old',
      object: 'event',
      type: 'customer.subscription.updated',
      created: Math.floor(JAN_15.getTime() / 1000) - 3600,
      data: {
        object: {
          id: sub.stripeSubscriptionId,
          object: 'subscription',
          customer: sub.stripeCustomerId,
          metadata: {},
        },
      },
    } as unknown as Stripe.Event;
    expect(await world.billing.sync.applyEvent(stale)).toMatchObject({ status: 'skipped' });
    const odd = { ...stale, id: 'evt_odd', type: 'issuing_card.created' } as unknown as Stripe.Event;
    expect(await world.billing.sync.applyEvent(odd)).toMatchObject({ status: 'skipped' });
  });

  it('builds the mirror of a subscription it has never seen from its events', async () => {
    const world = await givenEngine();
    applyEverything(world);
    const customer = await world.stripe.customers.create({
      email: 'outside@example.com',
      metadata: { billkit_user_id: 'user_9' },
    });
    const pm = await world.stripe.paymentMethods.attach('pm_card_au', { customer: customer.id });
    const price = (await world.stripe.prices.list({ lookup_keys: ['billkit_pro_month'] })).data[0]!;
    await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: pm.id,
    });
    await world.sim.webhooks.flush();
    expect(await world.billing.customers.get('user_9')).toMatchObject({ stripeCustomerId: customer.id });
    expect(await world.billing.access.check('user_9')).toMatchObject({ allowed: true, planId: 'pro' });
  });
});
