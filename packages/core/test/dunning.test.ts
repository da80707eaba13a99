// Failed renewals and their recovery, end to end on the simulator with every Stripe event applied
// as webhooks would: past_due with grace, one "payment failed" email per failed try, a new card
// through a SetupIntent paying the invoice, access restored; and what happens when retries run out.

import { createStripeSim } from '@billkit/stripe-sim';
import { describe, expect, it } from 'vitest';
import { isBillingError } from '../src/errors/billing-error.js';
import { applyEverything, at, givenEngine, givenSubscriber, JAN_15, kindsSent, type World } from './world.js';

const PORTAL = 'https://app.example.com.au/billing';

async function subscriberWhoseRenewalFails(options: Parameters<typeof givenEngine>[0] = {}): Promise<World> {
  const world = await givenEngine({ ...options, billing: { urls: { portal: PORTAL }, ...options.billing } });
  applyEverything(world);
  await givenSubscriber(world);
  await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');
  await world.sim.webhooks.flush();
  return world;
}

/** A card saved the way the portal does it: a SetupIntent confirmed by Stripe.js, then made the default. */
async function saveCardThroughSetupIntent(world: World, card = 'pm_card_au'): Promise<string> {
  const { setupIntentId } = await world.billing.paymentMethods.createSetupIntent('user_1');
  const confirmed = await world.stripe.setupIntents.confirm(setupIntentId, { payment_method: card });
  const paymentMethodId = confirmed.payment_method as string;
  await world.billing.paymentMethods.setDefault('user_1', paymentMethodId);
  await world.sim.webhooks.flush();
  return paymentMethodId;
}

const failures = (world: World) => world.sent.filter((n) => n.kind === 'payment.failed');

describe('dunning', () => {
  it('takes a declined renewal through past_due and three emails to a new card, payment and access again', async () => {
    const world = await subscriberWhoseRenewalFails();

    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z')); // the renewal is tried and declined
    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: true,
      status: 'past_due',
      reason: 'grace_period',
    });
    await world.sim.clock.advanceTo(at('2026-02-18T03:00:00Z')); // retries on day 1 and day 3
    await world.sim.webhooks.flush();

    expect(failures(world).map((n) => n.data.attempt)).toEqual([1, 2, 3]);
    const [first] = failures(world);
    expect(first).toMatchObject({
      email: 'user_1@example.com.au',
      data: { amountDue: 1000, currency: 'aud', fixUrl: PORTAL, final: false },
    });
    expect(first!.data.nextAttemptAt).toEqual(expect.any(String));
    const [invoice] = (await world.billing.invoices.list('user_1')).items;
    const attempts = await world.store.payments.listByInvoice(invoice!.stripeInvoiceId);
    expect(attempts.map((p) => p.status)).toEqual(['failed', 'failed', 'failed']);
    expect(attempts[0]!.failureCode).toEqual(expect.any(String));

    await saveCardThroughSetupIntent(world);

    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, status: 'active' });
    expect(await world.billing.invoices.get('user_1', invoice!.stripeInvoiceId)).toMatchObject({
      status: 'paid',
      amountPaid: 1000,
    });
    expect(kindsSent(world).filter((k) => k === 'payment.recovered')).toHaveLength(1);
    expect(kindsSent(world).filter((k) => k === 'payment.failed')).toHaveLength(3);
    const receipt = world.sent.find(
      (n) => n.kind === 'receipt' && n.data.invoiceId === invoice!.stripeInvoiceId,
    );
    expect(receipt?.attachments?.[0]).toMatchObject({ contentType: 'application/pdf' });

    // No further retries are tried or mailed once paid.
    await world.sim.clock.advanceTo(at('2026-03-01T00:00:00Z'));
    await world.sim.webhooks.flush();
    expect(failures(world)).toHaveLength(3);
  });

  it('cancels when every retry fails, with a final "payment failed" and a "subscription canceled" email', async () => {
    const world = await subscriberWhoseRenewalFails();

    await world.sim.clock.advanceTo(at('2026-03-02T00:00:00Z')); // 8 tries over 14 days
    await world.sim.webhooks.flush();

    const tries = failures(world);
    expect(tries).toHaveLength(8);
    expect(tries.at(-1)!.data).toMatchObject({ final: true, nextAttemptAt: null });
    expect(tries.slice(0, -1).every((n) => n.data.final === false)).toBe(true);
    const ended = world.sent.find((n) => n.kind === 'subscription.canceled');
    expect(ended?.data).toMatchObject({ reason: 'payment_failed', planName: 'Pro' });
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: false, status: 'canceled' });
  });

  it("cancels itself under the 'cancel' policy when Stripe leaves the subscription past_due", async () => {
    const sim = createStripeSim({ now: JAN_15, retries: { afterExhausted: 'past_due' } });
    const world = await subscriberWhoseRenewalFails({ sim });

    await world.sim.clock.advanceTo(at('2026-03-02T00:00:00Z'));
    await world.sim.webhooks.flush();

    const [subscription] = (await world.stripe.subscriptions.list({ status: 'all' })).data;
    expect(subscription!.status).toBe('canceled');
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: false, status: 'canceled' });
    expect(world.sent.filter((n) => n.kind === 'subscription.canceled')).toHaveLength(1);
    const audit = await world.store.audit.list({ userId: 'user_1', limit: 500 });
    expect(audit.items.map((e) => e.action)).toContain('subscription.canceled_after_retries');
  });

  it("keeps an unpaid subscription without access under the 'unpaid' policy, until the customer pays", async () => {
    const sim = createStripeSim({ now: JAN_15, retries: { afterExhausted: 'unpaid' } });
    const world = await subscriberWhoseRenewalFails({
      sim,
      policies: { dunning: { afterRetries: 'unpaid' } },
    });

    await world.sim.clock.advanceTo(at('2026-03-02T00:00:00Z'));
    await world.sim.webhooks.flush();
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: false, status: 'unpaid' });
    expect(failures(world).at(-1)!.data.final).toBe(true);

    const { subscription } = await world.billing.subscriptions.reactivate({
      userId: 'user_1',
      paymentMethodId: 'pm_card_au',
    });
    await world.sim.webhooks.flush();
    expect(subscription.status).toBe('active');
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, status: 'active' });
  });

  it('asks the customer to confirm a renewal the bank wants 3D Secure for', async () => {
    const world = await givenEngine({ billing: { urls: { portal: PORTAL } } });
    applyEverything(world);
    await givenSubscriber(world);
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_authenticationRequired');

    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z'));
    await world.sim.webhooks.flush();

    const ask = world.sent.find((n) => n.kind === 'payment.action_required');
    expect(ask?.data).toMatchObject({ amountDue: 1000, confirmUrl: PORTAL });
    // One email asking to confirm, not also a "payment failed" one.
    expect(world.sent.filter((n) => n.kind.startsWith('payment.')).map((n) => n.kind)).toEqual([
      'payment.action_required',
    ]);
    const [invoice] = (await world.billing.invoices.list('user_1')).items;
    const error = await world.billing.payments.retry(invoice!.stripeInvoiceId).catch((e: unknown) => e);
    expect(isBillingError(error, 'requires_action')).toBe(true);
    expect((error as { clientSecret: string }).clientSecret).toMatch(/^pi_.+_secret_/);
  });
});

describe('billing.subscriptions.reactivate', () => {
  it('starts an ended subscription again on its last plan and interval, without a new trial', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world);
    await world.billing.subscriptions.cancel({ userId: 'user_1', atPeriodEnd: false });
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: false });

    const { subscription } = await world.billing.subscriptions.reactivate({ userId: 'user_1' });

    expect(subscription).toMatchObject({
      status: 'active',
      planId: 'pro',
      interval: 'month',
      trialEnd: null,
    });
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, status: 'active' });
    const audit = await world.store.audit.list({ userId: 'user_1', limit: 500 });
    expect(audit.items.map((e) => e.action)).toContain('subscription.reactivated');
  });

  it('undoes a scheduled cancellation', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    await world.billing.subscriptions.cancel({ userId: 'user_1' });

    const { subscription } = await world.billing.subscriptions.reactivate({ userId: 'user_1' });

    expect(subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
  });

  it('refuses a user who never subscribed', async () => {
    const world = await givenEngine();
    await givenSubscriber(world, 'user_2');
    await world.billing.customers.ensure({ userId: 'user_3', email: 'x@example.com' });
    const error = await world.billing.subscriptions.reactivate({ userId: 'user_3' }).catch((e: unknown) => e);
    expect(isBillingError(error, 'subscription_not_found')).toBe(true);
  });
});

describe('billing.payments.retry', () => {
  it('pays an open invoice with a given card, which becomes the default', async () => {
    const world = await subscriberWhoseRenewalFails({
      policies: { dunning: { retryOnNewPaymentMethod: false } },
    });
    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z'));
    await world.sim.webhooks.flush();
    const [invoice] = (await world.billing.invoices.list('user_1')).items;
    expect(invoice!.status).toBe('open');

    const paid = await world.billing.payments.retry(invoice!.stripeInvoiceId, {
      paymentMethodId: 'pm_card_au',
    });

    expect(paid).toMatchObject({ status: 'paid', amountPaid: 1000 });
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, status: 'active' });
    const methods = await world.billing.paymentMethods.list('user_1');
    expect(methods.find((m) => m.isDefault)?.last4).toBe('0006');
    // Paying again answers the paid invoice; nothing is charged twice.
    const again = await world.billing.payments.retry(invoice!.stripeInvoiceId);
    expect(again.status).toBe('paid');
    const charges = await world.store.payments.listByInvoice(invoice!.stripeInvoiceId);
    expect(charges.filter((c) => c.status === 'succeeded')).toHaveLength(1);
  });

  it('records a declined retry as an attempt and says card_declined', async () => {
    const world = await subscriberWhoseRenewalFails();
    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z'));
    await world.sim.webhooks.flush();
    const [invoice] = (await world.billing.invoices.list('user_1')).items;

    const error = await world.billing.payments.retry(invoice!.stripeInvoiceId).catch((e: unknown) => e);

    expect(isBillingError(error, 'card_declined')).toBe(true);
    const mirrored = await world.billing.invoices.get('user_1', invoice!.stripeInvoiceId);
    expect(mirrored.attemptCount).toBe(2);
    expect((await world.store.payments.listByInvoice(invoice!.stripeInvoiceId)).length).toBe(2);
  });

  it("answers not found for another user's invoice", async () => {
    const world = await subscriberWhoseRenewalFails();
    await givenSubscriber(world, 'user_2');
    const [other] = (await world.billing.invoices.list('user_2')).items;

    const error = await world.billing.payments
      .retry(other!.stripeInvoiceId, { userId: 'user_1' })
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'invoice_not_found')).toBe(true);
  });
});

describe('payment figures', () => {
  it('counts success, failure reasons, recovery and time to recover', async () => {
    const world = await subscriberWhoseRenewalFails();
    await givenSubscriber(world, 'user_2');
    await world.sim.clock.advanceTo(at('2026-02-16T03:00:00Z')); // user_1 fails twice
    await world.sim.webhooks.flush();
    await saveCardThroughSetupIntent(world);

    const stats = await world.billing.payments.stats({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-03-01T00:00:00Z'),
    });

    // user_1: first payment, 2 failures, 1 recovery; user_2: first payment and renewal.
    expect(stats).toMatchObject({
      attempts: 6,
      succeeded: 4,
      failed: 2,
      failedInvoices: 1,
      recoveredInvoices: 1,
    });
    expect(stats.successRate).toBeCloseTo(4 / 6);
    expect(stats.recoveryRate).toBe(1);
    expect(stats.failureReasons[0]).toMatchObject({ count: 2 });
    expect(stats.timeToRecover.medianSeconds).toBeGreaterThan(86_400);
  });
});

describe('card expiry reminders', () => {
  it('reminds a subscriber once about a default card that expires within 30 days', async () => {
    const world = await givenEngine({ billing: { urls: { portal: PORTAL } } });
    applyEverything(world);
    await givenSubscriber(world);
    await givenSubscriber(world, 'user_2');
    const [card] = await world.billing.paymentMethods.list('user_1');
    await world.stripe.paymentMethods.update(card!.stripePaymentMethodId, {
      card: { exp_month: 1, exp_year: 2026 },
    });
    await world.sim.webhooks.flush();

    expect(await world.billing.payments.remindExpiringCards()).toEqual({ reminded: 1 });
    expect(await world.billing.payments.remindExpiringCards()).toEqual({ reminded: 0 });

    const reminder = world.sent.find((n) => n.kind === 'card.expiring');
    expect(reminder).toMatchObject({
      userId: 'user_1',
      data: { expMonth: 1, expYear: 2026, last4: card!.last4, updateUrl: PORTAL },
    });
  });
});
