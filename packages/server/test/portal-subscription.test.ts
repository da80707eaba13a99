// The plan and subscription routes as the portal uses them: plans, access, the subscription page
// (with the next charge), signing up (a declined card, 3D Secure, a trial), previewing and changing
// plan, cancelling with the offers turned down, resuming, and retention offers.

import { describe, expect, it } from 'vitest';
import {
  acceptOfferResponseSchema,
  accessResponseSchema,
  changePreviewResponseSchema,
  plansResponseSchema,
  retentionOffersResponseSchema,
  subscriptionMutationResponseSchema,
  subscriptionResponseSchema,
} from '../src/contract/index.js';
import { expectError, expectOk, get, givenServer, givenSubscriber, send, stateOf } from './support/world.js';

describe('GET /plans and /access', () => {
  it('lists the catalog with prices as money, GST included', async () => {
    const world = await givenServer();

    const { plans } = await expectOk(world, get('/plans'), plansResponseSchema);

    expect(plans.map((p) => p.id)).toEqual(['pro', 'business', 'starter']);
    expect(plans[0]).toMatchObject({
      name: 'Pro',
      features: ['Unlimited résumés', 'Job tracker'],
      prices: [
        {
          interval: 'month',
          amount: { amount: 1000, currency: 'aud' },
          taxBehavior: 'inclusive',
          trialDays: null,
        },
        { interval: 'year', amount: { amount: 10_000, currency: 'aud' } },
      ],
    });
    expect(plans[2]?.prices[0]?.trialDays).toBe(14);
  });

  it('tells a new user they have no access, and a subscriber until when they have it', async () => {
    const world = await givenServer();
    expect((await expectOk(world, get('/access'), accessResponseSchema)).access).toEqual({
      allowed: false,
      status: 'none',
      reason: 'no_subscription',
      planId: null,
    });

    await givenSubscriber(world);

    expect((await expectOk(world, get('/access'), accessResponseSchema)).access).toEqual({
      allowed: true,
      status: 'active',
      reason: 'active',
      planId: 'pro',
      until: '2026-02-15T00:00:00.000Z',
    });
  });
});

describe('GET /subscription', () => {
  it('answers null for someone who never subscribed', async () => {
    const world = await givenServer();

    const body = await expectOk(world, get('/subscription'), subscriptionResponseSchema);

    expect(body).toEqual({
      subscription: null,
      nextCharge: null,
      access: { allowed: false, status: 'none', reason: 'no_subscription', planId: null },
    });
  });

  it('shows the subscription, the next charge with its GST, and access', async () => {
    const world = await givenServer();
    const { subscription: started } = await givenSubscriber(world);

    const body = await expectOk(world, get('/subscription'), subscriptionResponseSchema);

    expect(body.subscription).toEqual({
      id: started.id,
      status: 'active',
      planId: 'pro',
      planName: 'Pro',
      interval: 'month',
      amount: { amount: 1000, currency: 'aud' },
      currentPeriodStart: '2026-01-15T00:00:00.000Z',
      currentPeriodEnd: '2026-02-15T00:00:00.000Z',
      cancelAtPeriodEnd: false,
      cancelAt: null,
      canceledAt: null,
      endedAt: null,
      trialEnd: null,
      pausedCollection: null,
      graceUntil: null,
      scheduledDowngrade: null,
      latestInvoiceId: expect.stringMatching(/^in_/),
    });
    const fromEngine = await world.billing.subscriptions.nextCharge('user_1');
    expect(body.nextCharge).toEqual({
      amount: { amount: 1000, currency: 'aud' },
      tax: { amount: 91, currency: 'aud' },
      taxLabel: 'GST',
      date: fromEngine?.date.toISOString(),
    });
    expect(body.access).toMatchObject({ allowed: true, reason: 'active' });
  });

  it('dates the next charge at the renewal, the end of the current period', async () => {
    const world = await givenServer();
    await givenSubscriber(world);

    const body = await expectOk(world, get('/subscription'), subscriptionResponseSchema);

    expect(body.nextCharge?.date).toBe(body.subscription?.currentPeriodEnd);
  });

  it("shows only the signed-in user's own subscription", async () => {
    const world = await givenServer();
    await givenSubscriber(world, 'user_1');

    const other = await expectOk(world, get('/subscription', { user: 'user_2' }), subscriptionResponseSchema);

    expect(other.subscription).toBeNull();
  });
});

describe('POST /subscription', () => {
  it('creates the billing customer of a first-time user and starts the plan (201)', async () => {
    const world = await givenServer();

    const body = await expectOk(
      world,
      send('POST', '/subscription', { plan: 'pro', interval: 'year', paymentMethodId: 'pm_card_au' }),
      subscriptionMutationResponseSchema,
      201,
    );

    expect(body.subscription).toMatchObject({ status: 'active', planId: 'pro', interval: 'year' });
    expect(body.requiresAction).toBeUndefined();
    const customer = await world.billing.customers.get('user_1');
    expect(customer).toMatchObject({ email: 'user_1@example.com.au' });
    const inStripe = await world.stripe.subscriptions.list({ customer: customer!.stripeCustomerId });
    expect(inStripe.data.map((s) => s.status)).toEqual(['active']);
  });

  it('starts a trial without a card', async () => {
    const world = await givenServer();

    const body = await expectOk(
      world,
      send('POST', '/subscription', { plan: 'starter' }),
      subscriptionMutationResponseSchema,
      201,
    );

    expect(body.subscription).toMatchObject({ status: 'trialing', trialEnd: '2026-01-29T00:00:00.000Z' });
  });

  it('hands back the client secret when the bank wants 3D Secure', async () => {
    const world = await givenServer();

    const body = await expectOk(
      world,
      send('POST', '/subscription', { plan: 'pro', paymentMethodId: 'pm_card_authenticationRequired' }),
      subscriptionMutationResponseSchema,
      201,
    );

    expect(body.subscription.status).toBe('incomplete');
    expect(body.requiresAction?.clientSecret).toEqual(expect.stringContaining('_secret_'));
  });

  it("answers 422 card_declined with the bank's decline code, and leaves no subscription", async () => {
    const world = await givenServer();

    const { error } = await expectError(
      world,
      send('POST', '/subscription', {
        plan: 'pro',
        paymentMethodId: 'pm_card_chargeDeclinedInsufficientFunds',
      }),
      { status: 422, code: 'card_declined' },
    );

    expect(error.declineCode).toBe('insufficient_funds');
    const live = (await world.stripe.subscriptions.list({ status: 'all' })).data.filter(
      (s) => s.status !== 'canceled',
    );
    expect(live).toEqual([]);
  });

  it('answers 422 payment_method_required for a paid plan without a card', async () => {
    const world = await givenServer();
    await expectError(world, send('POST', '/subscription', { plan: 'pro' }), {
      status: 422,
      code: 'payment_method_required',
    });
    expect((await world.stripe.subscriptions.list({ status: 'all' })).data).toEqual([]);
  });

  it.each([
    [{}, 'plan'],
    [{ plan: 42 }, 'plan'],
    [{ plan: '' }, 'plan'],
    [{ plan: 'x'.repeat(41) }, 'plan'],
    [{ plan: 'pro', interval: 'fortnight' }, 'interval'],
    [{ plan: 'pro', paymentMethodId: 7 }, 'paymentMethodId'],
    [{ plan: 'pro', promotionCode: '' }, 'promotionCode'],
  ])('answers 400 naming the field for %j, before anything is created', async (body, param) => {
    const world = await givenServer();
    const before = await stateOf(world);

    await expectError(world, send('POST', '/subscription', body), {
      status: 400,
      code: 'invalid_input',
      param,
    });

    expect(await stateOf(world)).toEqual(before);
    expect(await world.billing.customers.get('user_1')).toBeNull();
  });

  it('answers 400 to a body that is not an object', async () => {
    const world = await givenServer();
    await expectError(world, send('POST', '/subscription', '[1,2]'), { status: 400, code: 'invalid_input' });
    await expectError(world, send('POST', '/subscription', 'null'), { status: 400, code: 'invalid_input' });
  });

  it('answers 404 plan_not_found naming the plan field for a plan the catalog lacks', async () => {
    const world = await givenServer();
    await expectError(
      world,
      send('POST', '/subscription', { plan: 'platinum', paymentMethodId: 'pm_card_au' }),
      {
        status: 404,
        code: 'plan_not_found',
        param: 'plan',
      },
    );
    expect((await world.stripe.subscriptions.list({ status: 'all' })).data).toEqual([]);
  });

  it('answers 409 already_subscribed to a second start, and changes nothing', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const before = await stateOf(world);

    await expectError(world, send('POST', '/subscription', { plan: 'business' }), {
      status: 409,
      code: 'already_subscribed',
    });

    expect(await stateOf(world)).toEqual(before);
  });
});

describe('plan changes', () => {
  it('previews an upgrade: what is charged now and at the renewal', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    await world.sim.clock.advance({ days: 10 });

    const { preview } = await expectOk(
      world,
      send('POST', '/subscription/preview', { plan: 'business' }),
      changePreviewResponseSchema,
    );

    expect(preview.direction).toBe('upgrade');
    expect(preview.now.total.amount).toBeGreaterThan(0);
    expect(preview.now.lines.some((l) => l.proration)).toBe(true);
    expect(preview.next.total).toEqual({ amount: 2000, currency: 'aud' });
    expect(Date.parse(preview.prorationDate)).toBe(Date.parse('2026-01-25T00:00:00Z'));
  });

  it('changes plan and answers the new subscription', async () => {
    const world = await givenServer();
    await givenSubscriber(world);

    const { subscription } = await expectOk(
      world,
      send('POST', '/subscription/change', { plan: 'business' }),
      subscriptionMutationResponseSchema,
    );

    expect(subscription).toMatchObject({
      planId: 'business',
      planName: 'Business',
      amount: { amount: 2000 },
    });
  });

  it('keeps the old plan until the period ends after a downgrade', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    await world.handler(send('POST', '/subscription/change', { plan: 'business' }));

    const { subscription } = await expectOk(
      world,
      send('POST', '/subscription/change', { plan: 'pro' }),
      subscriptionMutationResponseSchema,
    );

    expect(subscription.scheduledDowngrade).toEqual({
      fromPlanId: 'business',
      until: '2026-02-15T00:00:00.000Z',
    });
  });

  it('answers 400 / 404 / 409 to bad changes, each changing nothing', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const before = await stateOf(world);

    await expectError(world, send('POST', '/subscription/change', { plan: null }), {
      status: 400,
      code: 'invalid_input',
      param: 'plan',
    });
    await expectError(world, send('POST', '/subscription/preview', {}), {
      status: 400,
      code: 'invalid_input',
      param: 'plan',
    });
    await expectError(world, send('POST', '/subscription/change', { plan: 'business', interval: 'year' }), {
      status: 404,
      code: 'plan_not_found',
      param: 'plan',
    });
    await expectError(world, send('POST', '/subscription/change', { plan: 'pro' }), {
      status: 409,
      code: 'invalid_state',
    });

    expect(await stateOf(world)).toEqual(before);
  });

  it('answers 404 subscription_not_found to a change without a subscription', async () => {
    const world = await givenServer();
    await expectError(world, send('POST', '/subscription/change', { plan: 'business' }), {
      status: 404,
      code: 'subscription_not_found',
    });
  });
});

describe('cancel and resume', () => {
  it('cancels at period end, recording the reason, feedback and the offers turned down', async () => {
    const world = await givenServer();
    const { subscription: started } = await givenSubscriber(world);

    const { subscription } = await expectOk(
      world,
      send('POST', '/subscription/cancel', {
        feedback: 'too_expensive',
        reason: '  Money is tight  ',
        declinedOffers: ['discount_25_3m', 'pause_1m'],
      }),
      subscriptionMutationResponseSchema,
    );

    expect(subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    const audit = await world.store.audit.list({ subjectId: started.id, limit: 100 });
    expect(audit.items.at(-1)).toMatchObject({
      action: 'subscription.cancel_scheduled',
      data: {
        reason: 'Money is tight',
        feedback: 'too_expensive',
        declinedOffers: ['discount_25_3m', 'pause_1m'],
      },
    });
    const inStripe = await world.stripe.subscriptions.retrieve(started.id);
    expect(inStripe.cancellation_details).toMatchObject({
      feedback: 'too_expensive',
      comment: 'Money is tight',
    });
  });

  it('cancels now when asked', async () => {
    const world = await givenServer();
    await givenSubscriber(world);

    const { subscription } = await expectOk(
      world,
      send('POST', '/subscription/cancel', { atPeriodEnd: false }),
      subscriptionMutationResponseSchema,
    );

    expect(subscription.status).toBe('canceled');
    expect(subscription.endedAt).toBe('2026-01-15T00:00:00.000Z');
  });

  it('answers 400 naming the field to bad cancellations, and cancels nothing', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const before = await stateOf(world);

    await expectError(world, send('POST', '/subscription/cancel', { atPeriodEnd: 'yes' }), {
      status: 400,
      code: 'invalid_input',
      param: 'atPeriodEnd',
    });
    await expectError(world, send('POST', '/subscription/cancel', { feedback: 'meh' }), {
      status: 400,
      code: 'invalid_input',
      param: 'feedback',
    });
    await expectError(world, send('POST', '/subscription/cancel', { reason: 'x'.repeat(501) }), {
      status: 400,
      code: 'invalid_input',
      param: 'reason',
    });
    await expectError(world, send('POST', '/subscription/cancel', { declinedOffers: 'discount' }), {
      status: 400,
      code: 'invalid_input',
      param: 'declinedOffers',
    });
    await expectError(world, send('POST', '/subscription/cancel', { declinedOffers: Array(11).fill('x') }), {
      status: 400,
      code: 'invalid_input',
      param: 'declinedOffers',
    });

    expect(await stateOf(world)).toEqual(before);
  });

  it('resumes a scheduled cancellation, and answers 409 when there is nothing to resume', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    await expectError(world, send('POST', '/subscription/resume'), { status: 409, code: 'invalid_state' });
    await world.handler(send('POST', '/subscription/cancel', {}));

    const { subscription } = await expectOk(
      world,
      send('POST', '/subscription/resume'),
      subscriptionMutationResponseSchema,
    );

    expect(subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
  });
});

describe('retention offers', () => {
  it('lists the offers that fit, and accepting one applies it in Stripe and undoes a scheduled cancel', async () => {
    const world = await givenServer();
    const { subscription: started } = await givenSubscriber(world);
    await world.handler(send('POST', '/subscription/cancel', {}));

    const { offers } = await expectOk(world, get('/retention-offers'), retentionOffersResponseSchema);
    expect(offers.map((o) => o.id)).toEqual(['discount_25_3m', 'pause_1m']);
    expect(offers[0]).toMatchObject({ kind: 'discount', percentOff: 25, durationMonths: 3 });

    const accepted = await expectOk(
      world,
      send('POST', '/retention-offers/discount_25_3m/accept', {
        feedback: 'too_expensive',
        reason: 'Cheaper is fine',
      }),
      acceptOfferResponseSchema,
    );

    expect(accepted.offer.id).toBe('discount_25_3m');
    expect(accepted.subscription).toMatchObject({ cancelAtPeriodEnd: false, status: 'active' });
    const inStripe = await world.stripe.subscriptions.retrieve(started.id);
    expect(inStripe.discounts).toHaveLength(1);
    const { offers: left } = await expectOk(world, get('/retention-offers'), retentionOffersResponseSchema);
    // One offer per subscription: they do not stack.
    expect(left).toEqual([]);
  });

  it('answers 404 to an offer that does not exist or does not fit, and 400 to a bad body, changing nothing', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const before = await stateOf(world);

    await expectError(world, send('POST', '/retention-offers/free_forever/accept', {}), {
      status: 404,
      code: 'offer_not_found',
    });
    await expectError(world, send('POST', '/retention-offers/Not%20An%20Id/accept', {}), {
      status: 404,
      code: 'not_found',
    });
    await expectError(world, send('POST', '/retention-offers/pause_1m/accept', { feedback: 'bored' }), {
      status: 400,
      code: 'invalid_input',
      param: 'feedback',
    });

    expect(await stateOf(world)).toEqual(before);
  });

  it('answers 404 subscription_not_found when there is no subscription to keep', async () => {
    const world = await givenServer();
    await expectError(world, get('/retention-offers'), { status: 404, code: 'subscription_not_found' });
  });
});

describe('POST /subscription refusals from a first-time user', () => {
  it('changes nothing for an unknown plan, a missing interval or an unknown promotion code', async () => {
    const world = await givenServer();
    const before = await stateOf(world);

    await expectError(world, send('POST', '/subscription', { plan: 'nope' }), {
      status: 404,
      code: 'plan_not_found',
      param: 'plan',
    });
    await expectError(world, send('POST', '/subscription', { plan: 'business', interval: 'year' }), {
      status: 400,
      code: 'invalid_input',
      param: 'interval',
    });

    expect(await stateOf(world)).toEqual(before);
    await expectError(
      world,
      send('POST', '/subscription', { plan: 'pro', paymentMethodId: 'pm_card_au', promotionCode: 'NOPE' }),
      { status: 400, code: 'invalid_input', param: 'promotionCode' },
    );
    const [customer] = (await world.stripe.customers.list()).data;
    expect((await world.stripe.paymentMethods.list({ customer: customer!.id })).data).toEqual([]);
  });
});

describe('the audit log of portal changes', () => {
  it('names the signed-in user as the actor of a start, a change and a cancel', async () => {
    const world = await givenServer();
    await world.handler(
      send('POST', '/subscription', { plan: 'pro', paymentMethodId: 'pm_card_au', actor: 'admin:mallory' }),
    );
    await world.handler(send('POST', '/subscription/change', { plan: 'business' }));
    await world.handler(send('POST', '/subscription/cancel', { feedback: 'unused' }));

    const audit = await world.billing.store.audit.list({ userId: 'user_1', limit: 500 });
    const actors = Object.fromEntries(
      audit.items
        .filter((e) =>
          ['subscription.started', 'subscription.changed', 'subscription.cancel_scheduled'].includes(
            e.action,
          ),
        )
        .map((e) => [e.action, e.actor]),
    );
    expect(actors).toEqual({
      'subscription.started': 'user:user_1',
      'subscription.changed': 'user:user_1',
      'subscription.cancel_scheduled': 'user:user_1',
    });
  });
});
