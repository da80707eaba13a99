// An operator changing a customer's subscription over HTTP: cancel at period end or now,
// reactivate either, another plan without proration, a longer trial, more grace while past due.
// Each is done in Stripe, mirrored, and audited as the signed-in admin.

import { describe, expect, it } from 'vitest';
import type { AdminAuditResponse, AdminSubscriptionResponse } from '../src/contract/index.js';
import {
  ADMIN_USER,
  type AdminWorld,
  adminGet,
  adminPost,
  adminStateOf,
  expectJson,
  givenAdminServer,
} from './support/admin-world.js';
import { deliverWebhooksToServer, expectError, givenSubscriber, send } from './support/world.js';

const BY_ADMIN = `admin:${ADMIN_USER}`;

async function givenProSubscriber(): Promise<AdminWorld> {
  const world = await givenAdminServer();
  deliverWebhooksToServer(world);
  await givenSubscriber(world);
  await world.sim.webhooks.flush();
  return world;
}

async function subscriptionAction(world: AdminWorld, action: string, body?: unknown) {
  return expectJson<AdminSubscriptionResponse>(world, adminPost(`/subscriptions/user_1/${action}`, body));
}

async function actorsOf(world: AdminWorld, subjectId: string): Promise<string[]> {
  const audit = await expectJson<AdminAuditResponse>(
    world,
    adminGet(`/audit?subjectId=${subjectId}&limit=100`),
  );
  return audit.items.map((entry) => entry.actor);
}

describe('POST /admin/subscriptions/:customerId/cancel', () => {
  it('cancels at period end with the reason: access until 15 Feb', async () => {
    const world = await givenProSubscriber();

    const subscription = await subscriptionAction(world, 'cancel', {
      when: 'period_end',
      reason: 'Asked by phone',
    });

    expect(subscription).toMatchObject({
      userId: 'user_1',
      status: 'active',
      cancelAtPeriodEnd: true,
      cancellationReason: 'Asked by phone',
    });
    expect(subscription.currentPeriodEnd).toBe('2026-02-15T00:00:00.000Z');
    const inStripe = await world.stripe.subscriptions.retrieve(subscription.stripeSubscriptionId);
    expect(inStripe.cancel_at_period_end).toBe(true);
    expect(await actorsOf(world, subscription.stripeSubscriptionId)).toContain(BY_ADMIN);
  });

  it('cancels now', async () => {
    const world = await givenProSubscriber();

    const subscription = await subscriptionAction(world, 'cancel', { when: 'now' });

    expect(subscription).toMatchObject({ status: 'canceled', endedAt: '2026-01-15T00:00:00.000Z' });
    expect((await world.stripe.subscriptions.retrieve(subscription.stripeSubscriptionId)).status).toBe(
      'canceled',
    );
  });

  it('answers 404 customer_not_found for someone with no billing customer, and changes nothing', async () => {
    const world = await givenProSubscriber();
    const before = await adminStateOf(world);

    await expectError(world, adminPost('/subscriptions/user_404/cancel', { when: 'now' }), {
      status: 404,
      code: 'customer_not_found',
    });

    expect(await adminStateOf(world)).toEqual(before);
  });
});

describe('POST /admin/subscriptions/:customerId/reactivate', () => {
  it('undoes a cancellation at period end', async () => {
    const world = await givenProSubscriber();
    await subscriptionAction(world, 'cancel', { when: 'period_end' });

    const subscription = await subscriptionAction(world, 'reactivate');

    expect(subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: false, planId: 'pro' });
    expect(await actorsOf(world, subscription.stripeSubscriptionId)).toContain(BY_ADMIN);
  });

  it('starts the last plan again for a customer who churned', async () => {
    const world = await givenProSubscriber();
    const canceled = await subscriptionAction(world, 'cancel', { when: 'now' });
    await world.sim.clock.advance({ days: 3 });

    const subscription = await subscriptionAction(world, 'reactivate');

    expect(subscription.stripeSubscriptionId).not.toBe(canceled.stripeSubscriptionId);
    expect(subscription).toMatchObject({ status: 'active', planId: 'pro', amount: 1000 });
    expect(subscription.currentPeriodStart).toBe('2026-01-18T00:00:00.000Z');
  });

  it('answers 409 already_subscribed for a subscription that is not canceling, and changes nothing', async () => {
    const world = await givenProSubscriber();
    const before = await adminStateOf(world);

    await expectError(world, adminPost('/subscriptions/user_1/reactivate'), {
      status: 409,
      code: 'already_subscribed',
    });

    expect(await adminStateOf(world)).toEqual(before);
  });
});

describe('POST /admin/subscriptions/:customerId/change-plan', () => {
  it('moves to another plan without proration: nothing is charged now', async () => {
    const world = await givenProSubscriber();
    const invoicesBefore = (await world.stripe.invoices.list({ limit: 100 })).data.length;

    const subscription = await subscriptionAction(world, 'change-plan', { plan: 'business' });

    expect(subscription).toMatchObject({
      planId: 'business',
      amount: 2000,
      interval: 'month',
      status: 'active',
    });
    expect((await world.stripe.invoices.list({ limit: 100 })).data).toHaveLength(invoicesBefore);
    expect(await world.stripe.invoiceItems.list({ limit: 100 }).then((items) => items.data)).toEqual([]);
    expect(await actorsOf(world, subscription.stripeSubscriptionId)).toContain(BY_ADMIN);
  });

  it('answers 404 plan_not_found naming the plan, and changes nothing', async () => {
    const world = await givenProSubscriber();
    const before = await adminStateOf(world);

    await expectError(world, adminPost('/subscriptions/user_1/change-plan', { plan: 'platinum' }), {
      status: 404,
      code: 'plan_not_found',
      param: 'plan',
    });

    expect(await adminStateOf(world)).toEqual(before);
  });
});

describe('POST /admin/subscriptions/:customerId/extend-trial', () => {
  it("moves a trialing customer's trial end", async () => {
    const world = await givenAdminServer();
    const started = await world.handler(send('POST', '/subscription', { plan: 'starter' }));
    expect(started.status).toBe(201);

    const subscription = await subscriptionAction(world, 'extend-trial', { until: '2026-02-15' });

    expect(subscription).toMatchObject({ status: 'trialing', trialEnd: '2026-02-15T00:00:00.000Z' });
    const inStripe = await world.stripe.subscriptions.retrieve(subscription.stripeSubscriptionId);
    expect(inStripe.trial_end).toBe(Date.parse('2026-02-15T00:00:00Z') / 1000);
    expect(await actorsOf(world, subscription.stripeSubscriptionId)).toContain(BY_ADMIN);
  });
});

describe('POST /admin/subscriptions/:customerId/extend-grace', () => {
  it("keeps a past-due customer's access for the days given", async () => {
    const world = await givenProSubscriber();
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');
    await world.sim.clock.advance({ months: 1, hours: 2 });
    await world.sim.webhooks.flush();

    const subscription = await subscriptionAction(world, 'extend-grace', { days: 14 });

    // The renewal failed on 15 Feb (01:00); the policy's week of grace ends on 22 Feb, and 14 more
    // days are added to that.
    expect(subscription).toMatchObject({
      status: 'past_due',
      graceExtendedUntil: '2026-03-08T01:00:00.000Z',
    });
    await world.sim.clock.advance({ days: 12 }); // past the policy's grace, within the extension
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true });
    expect(await actorsOf(world, subscription.stripeSubscriptionId)).toContain(BY_ADMIN);
  });

  it('answers 409 invalid_state for a customer who is not past due, and changes nothing', async () => {
    const world = await givenProSubscriber();
    const before = await adminStateOf(world);

    await expectError(world, adminPost('/subscriptions/user_1/extend-grace', { days: 7 }), {
      status: 409,
      code: 'invalid_state',
    });

    expect(await adminStateOf(world)).toEqual(before);
  });
});
