// Subscriptions through the engine, against the simulator through the real stripe client.

import { describe, expect, it } from 'vitest';
import { isBillingError } from '../src/errors/billing-error.js';
import { applyEverything, DAY, givenEngine, givenSubscriber, givenUser, JAN_15 } from './world.js';

const t = (days: number, hours = 0) => new Date(JAN_15.getTime() + (days * DAY + hours * 3600) * 1000);

describe('starting a subscription', () => {
  it('charges A$10 with GST and gives access at once', async () => {
    const world = await givenEngine();
    const subscription = await givenSubscriber(world);
    expect(subscription).toMatchObject({
      status: 'active',
      planId: 'pro',
      amount: 1000,
      currency: 'aud',
      interval: 'month',
    });
    expect(subscription.currentPeriodEnd).toEqual(new Date('2026-02-15T00:00:00Z'));
    const stripeSub = await world.stripe.subscriptions.retrieve(subscription.stripeSubscriptionId, {
      expand: ['latest_invoice'],
    });
    const invoice = stripeSub.latest_invoice as import('stripe').Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'paid', total: 1000 });
    expect(invoice.total_taxes?.[0]?.amount).toBe(91);
    expect(stripeSub.metadata).toMatchObject({ billkit_user_id: 'user_1', billkit_plan: 'pro' });
    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: true,
      reason: 'active',
      planId: 'pro',
    });
    expect(world.sent.map((n) => n.kind)).toContain('welcome');
    const audit = await world.store.audit.list({ userId: 'user_1' });
    expect(audit.items.map((e) => e.action)).toContain('subscription.started');
  });

  it('refuses a declined card with its decline code, and leaves no subscription behind', async () => {
    const world = await givenEngine();
    await givenUser(world);
    const failure = world.billing.subscriptions.start({
      userId: 'user_1',
      plan: 'pro',
      paymentMethodId: 'pm_card_chargeCustomerFail',
    });
    await expect(failure).rejects.toMatchObject({ code: 'card_declined', declineCode: 'generic_decline' });
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: false });
    const live = await world.stripe.subscriptions.list({
      customer: (await world.billing.customers.get('user_1'))!.stripeCustomerId,
    });
    expect(live.data).toHaveLength(0);
  });

  it('leaves nothing to pay or to mail after a declined signup, and the next try starts cleanly', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenUser(world);
    await expect(
      world.billing.subscriptions.start({
        userId: 'user_1',
        plan: 'pro',
        paymentMethodId: 'pm_card_chargeCustomerFail',
      }),
    ).rejects.toMatchObject({ code: 'card_declined' });
    await world.sim.webhooks.flush();

    expect(await world.billing.subscriptions.get('user_1')).toBeNull();
    expect((await world.billing.invoices.list('user_1')).items.map((i) => i.status)).toEqual(['void']);
    expect(world.sent.map((n) => n.kind)).toEqual([]);

    const { subscription } = await world.billing.subscriptions.start({
      userId: 'user_1',
      plan: 'pro',
      paymentMethodId: 'pm_card_au',
    });
    expect(subscription.status).toBe('active');
  });

  it('starts one subscription and charges once when the same start arrives twice at once', async () => {
    const world = await givenEngine();
    await givenUser(world);
    const { setupIntentId } = await world.billing.paymentMethods.createSetupIntent('user_1');
    const confirmed = await world.stripe.setupIntents.confirm(setupIntentId, {
      payment_method: 'pm_card_au',
    });
    const card = confirmed.payment_method as string;

    const results = await Promise.allSettled([
      world.billing.subscriptions.start({ userId: 'user_1', plan: 'pro', paymentMethodId: card }),
      world.billing.subscriptions.start({ userId: 'user_1', plan: 'pro', paymentMethodId: card }),
    ]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'already_subscribed' },
    });
    const customer = (await world.billing.customers.get('user_1'))!.stripeCustomerId;
    expect((await world.stripe.subscriptions.list({ customer })).data).toHaveLength(1);
    expect((await world.stripe.charges.list({ customer })).data).toHaveLength(1);
  });

  it('refuses an unknown promotion code before touching the card', async () => {
    const world = await givenEngine();
    await givenUser(world);
    const error = await world.billing.subscriptions
      .start({ userId: 'user_1', plan: 'pro', paymentMethodId: 'pm_card_au', promotionCode: 'NOPE' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_input', issues: [{ path: 'promotionCode' }] });
    const customer = (await world.billing.customers.get('user_1'))!;
    expect(customer.defaultPaymentMethodId).toBeNull();
    expect((await world.stripe.paymentMethods.list({ customer: customer.stripeCustomerId })).data).toEqual(
      [],
    );
  });

  it('refuses a card that fails the card check when it is attached', async () => {
    const world = await givenEngine();
    await givenUser(world);
    await expect(
      world.billing.subscriptions.start({
        userId: 'user_1',
        plan: 'pro',
        paymentMethodId: 'pm_card_chargeDeclinedInsufficientFunds',
      }),
    ).rejects.toMatchObject({ code: 'card_declined', declineCode: 'insufficient_funds' });
  });

  it('returns a client secret when the card needs 3D Secure, and grants access once authenticated', async () => {
    const world = await givenEngine();
    await givenUser(world);
    const result = await world.billing.subscriptions.start({
      userId: 'user_1',
      plan: 'pro',
      paymentMethodId: 'pm_card_authenticationRequired',
    });
    expect(result.subscription.status).toBe('incomplete');
    expect(result.requiresAction?.clientSecret).toMatch(/^pi_.+_secret_/);
    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: false,
      reason: 'payment_incomplete',
    });

    const piId = result.requiresAction!.clientSecret.split('_secret_')[0]!;
    await world.sim.testHelpers.completeThreeDSecure(piId);
    await world.billing.sync.refresh('user_1');
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, status: 'active' });
  });

  it('refuses a second subscription for a subscribed user with a clear error', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    const second = world.billing.subscriptions.start({ userId: 'user_1', plan: 'business' });
    await expect(second).rejects.toMatchObject({ code: 'already_subscribed' });
    await expect(second).rejects.toThrow(/already has a active subscription|already has an? active/);
  });

  it('answers unknown users, plans and bad input with typed errors and changes nothing', async () => {
    const world = await givenEngine();
    await expect(world.billing.subscriptions.start({ userId: 'nobody', plan: 'pro' })).rejects.toMatchObject({
      code: 'customer_not_found',
    });
    await givenUser(world);
    await expect(
      world.billing.subscriptions.start({ userId: 'user_1', plan: 'platinum' }),
    ).rejects.toMatchObject({ code: 'plan_not_found' });
    await expect(world.billing.subscriptions.start({ userId: 'user_1', plan: 'pro' })).rejects.toMatchObject({
      code: 'payment_method_required',
    });
    await expect(
      world.billing.subscriptions.start({ userId: '', plan: 'pro' } as never),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await world.billing.subscriptions.get('user_1')).toBeNull();
  });

  it('starts a trial without a card, then charges when the trial ends', async () => {
    const world = await givenEngine();
    await givenUser(world);
    const { subscription } = await world.billing.subscriptions.start({ userId: 'user_1', plan: 'starter' });
    expect(subscription).toMatchObject({ status: 'trialing', trialEnd: t(14) });
    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: true,
      reason: 'trialing',
      until: t(14),
    });

    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_au');
    await world.sim.clock.advanceTo(t(14, 2).getTime() / 1000);
    const [refreshed] = await world.billing.sync.refresh('user_1');
    expect(refreshed).toMatchObject({ status: 'active' });
    const invoices = await world.stripe.invoices.list({ subscription: subscription.stripeSubscriptionId });
    expect(invoices.data[0]).toMatchObject({
      status: 'paid',
      total: 500,
      billing_reason: 'subscription_cycle',
    });
  });
});

describe('changing plan', () => {
  it('previews and then charges the exact proration of an upgrade now', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    await world.sim.clock.advanceTo(t(15, 12).getTime() / 1000); // half of the 31-day period left
    const preview = await world.billing.subscriptions.previewChange({ userId: 'user_1', plan: 'business' });
    expect(preview.direction).toBe('upgrade');
    expect(preview.now.total).toEqual({ amount: 500, currency: 'aud' });
    expect(preview.now.lines.map((l) => [l.amount.amount, l.proration])).toEqual([
      [-500, true],
      [1000, true],
    ]);
    expect(preview.next).toMatchObject({
      total: { amount: 2000, currency: 'aud' },
      date: new Date('2026-02-15T00:00:00Z'),
    });

    const changed = await world.billing.subscriptions.change({ userId: 'user_1', plan: 'business' });
    expect(changed).toMatchObject({ planId: 'business', amount: 2000, scheduledDowngrade: null });
    const invoices = await world.stripe.invoices.list({ subscription: changed.stripeSubscriptionId });
    expect(invoices.data[0]).toMatchObject({
      billing_reason: 'subscription_update',
      total: 500,
      status: 'paid',
    });
  });

  it('downgrades at period end: access to the old plan until then, no refund, the new price next', async () => {
    const world = await givenEngine();
    await givenSubscriber(world, 'user_1');
    await world.billing.subscriptions.change({ userId: 'user_1', plan: 'business' });
    await world.sim.clock.advanceTo(t(10).getTime() / 1000);
    const preview = await world.billing.subscriptions.previewChange({ userId: 'user_1', plan: 'pro' });
    expect(preview).toMatchObject({
      direction: 'downgrade',
      now: { total: { amount: 0 } },
      next: { total: { amount: 1000 } },
    });

    const changed = await world.billing.subscriptions.change({ userId: 'user_1', plan: 'pro' });
    expect(changed.scheduledDowngrade).toEqual({
      fromPlanId: 'business',
      until: new Date('2026-02-15T00:00:00Z'),
    });
    expect(await world.billing.access.check('user_1')).toMatchObject({ planId: 'business' });
    const customer = await world.stripe.customers.retrieve(changed.stripeCustomerId);
    expect((customer as import('stripe').Stripe.Customer).balance).toBe(0);

    await world.sim.clock.advanceTo(new Date('2026-02-15T02:00:00Z').getTime() / 1000);
    expect(await world.billing.access.check('user_1')).toMatchObject({ planId: 'pro', allowed: true });
    const invoices = await world.stripe.invoices.list({ subscription: changed.stripeSubscriptionId });
    expect(invoices.data[0]).toMatchObject({
      billing_reason: 'subscription_cycle',
      total: 1000,
      status: 'paid',
    });
  });

  it('keeps the old plan when the upgrade payment is declined', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');
    await expect(
      world.billing.subscriptions.change({ userId: 'user_1', plan: 'business' }),
    ).rejects.toMatchObject({ code: 'card_declined' });
    expect(await world.billing.subscriptions.get('user_1')).toMatchObject({ planId: 'pro' });
  });
});

describe('cancelling', () => {
  it('cancels at period end with access until then, and resumes on request', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    const canceling = await world.billing.subscriptions.cancel({
      userId: 'user_1',
      reason: 'Found a job',
      feedback: 'unused',
    });
    expect(canceling).toMatchObject({
      status: 'active',
      cancelAtPeriodEnd: true,
      cancellationFeedback: 'unused',
    });
    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: true,
      reason: 'canceling',
      until: new Date('2026-02-15T00:00:00Z'),
    });
    const resumed = await world.billing.subscriptions.resume('user_1');
    expect(resumed).toMatchObject({ cancelAtPeriodEnd: false, cancelAt: null });
    expect(await world.billing.access.check('user_1')).toMatchObject({ reason: 'active' });
  });

  it('ends access at period end when the cancellation stands', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    await world.billing.subscriptions.cancel({ userId: 'user_1' });
    await world.sim.clock.advanceTo(new Date('2026-02-15T01:00:00Z').getTime() / 1000);
    await world.billing.sync.refresh('user_1');
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: false, reason: 'canceled' });
  });

  it('cancels now and ends access at once', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    const canceled = await world.billing.subscriptions.cancel({ userId: 'user_1', atPeriodEnd: false });
    expect(canceled.status).toBe('canceled');
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: false, reason: 'canceled' });
    await expect(world.billing.subscriptions.resume('user_1')).rejects.toSatisfy((e) =>
      isBillingError(e, 'subscription_not_found'),
    );
  });

  it('pauses and resumes', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    expect(await world.billing.subscriptions.pause('user_1')).toMatchObject({ status: 'paused' });
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: false, reason: 'paused' });
    expect(await world.billing.subscriptions.resume('user_1')).toMatchObject({ status: 'active' });
  });
});

describe('access after a failed renewal', () => {
  it('keeps access for the grace period after the first failed payment, then ends it', async () => {
    const world = await givenEngine({ policies: { grace: { days: 7 } } });
    await givenSubscriber(world);
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');
    await world.sim.clock.advanceTo(new Date('2026-02-15T02:00:00Z').getTime() / 1000);
    await world.billing.sync.refresh('user_1');
    const during = await world.billing.access.check('user_1');
    expect(during).toMatchObject({ allowed: true, status: 'past_due', reason: 'grace_period' });
    expect(during.graceUntil).toEqual(new Date('2026-02-22T01:00:00Z'));

    await world.sim.clock.advanceTo(new Date('2026-02-22T02:00:00Z').getTime() / 1000);
    await world.billing.sync.refresh('user_1');
    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: false,
      reason: 'grace_expired',
    });

    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_au');
    await world.sim.clock.advance({ minutes: 5 });
    await world.billing.sync.refresh('user_1');
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, reason: 'active' });
  });
});

describe('discounts and outages', () => {
  it('applies a promotion code at signup', async () => {
    const world = await givenEngine();
    const coupon = await world.stripe.coupons.create({ percent_off: 50, duration: 'once' });
    await world.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'LAUNCH50',
    });
    await givenUser(world);
    const { subscription } = await world.billing.subscriptions.start({
      userId: 'user_1',
      plan: 'pro',
      paymentMethodId: 'pm_card_au',
      promotionCode: 'LAUNCH50',
    });
    const invoice = await world.stripe.invoices.retrieve(subscription.latestInvoiceId!);
    expect(invoice).toMatchObject({ subtotal: 1000, total: 500, status: 'paid' });
    await expect(
      world.billing.subscriptions.start({ userId: 'user_2', plan: 'pro', promotionCode: 'NOPE' }),
    ).rejects.toMatchObject({ code: 'customer_not_found' });
    await givenUser(world, 'user_2');
    await expect(
      world.billing.subscriptions.start({
        userId: 'user_2',
        plan: 'pro',
        paymentMethodId: 'pm_card_au',
        promotionCode: 'NOPE',
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('says stripe_unavailable when Stripe fails, and a retry after the outage starts one subscription', async () => {
    const world = await givenEngine();
    await givenUser(world);
    world.sim.faults.inject({ method: 'POST', path: '/v1/subscriptions', kind: 500, times: 5 });
    await expect(
      world.billing.subscriptions.start({ userId: 'user_1', plan: 'pro', paymentMethodId: 'pm_card_au' }),
    ).rejects.toMatchObject({ code: 'stripe_unavailable' });
    world.sim.faults.clear();
    const { subscription } = await world.billing.subscriptions.start({ userId: 'user_1', plan: 'pro' });
    expect(subscription.status).toBe('active');
    const customer = await world.billing.customers.get('user_1');
    const all = await world.stripe.subscriptions.list({
      customer: customer!.stripeCustomerId,
      status: 'all',
    });
    expect(all.data).toHaveLength(1);
  });
});
