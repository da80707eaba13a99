// Keeping a customer who is about to cancel: the offers that fit, each applied in Stripe, a
// scheduled cancellation undone, the outcome recorded; and what the next renewal will charge.

import { describe, expect, it } from 'vitest';
import { isBillingError } from '../src/errors/billing-error.js';
import { applyEverything, at, givenEngine, givenSubscriber } from './world.js';

describe('retention offers', () => {
  it('offers a discount and a pause to an active Pro subscriber, and no downgrade to a pricier plan', async () => {
    const world = await givenEngine({
      policies: {
        retention: {
          offers: [
            { id: 'discount_25_3m', kind: 'discount', percentOff: 25, durationMonths: 3 },
            { id: 'pause_1m', kind: 'pause', months: 1 },
            { id: 'to_business', kind: 'downgrade', plan: 'business' },
            { id: 'to_starter', kind: 'downgrade', plan: 'starter' },
          ],
        },
      },
    });
    await givenSubscriber(world);

    const offers = await world.billing.retention.offers('user_1');

    expect(offers.map((o) => o.id)).toEqual(['discount_25_3m', 'pause_1m', 'to_starter']);
    expect(offers[0]).toMatchObject({
      kind: 'discount',
      percentOff: 25,
      durationMonths: 3,
      title: '25% off for 3 months',
    });
    expect(offers[2]).toMatchObject({ plan: { id: 'starter', amount: { amount: 500, currency: 'aud' } } });
  });

  it('applies the discount to the next invoices, undoes the scheduled cancel and records why', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world);
    await world.billing.subscriptions.cancel({ userId: 'user_1', feedback: 'too_expensive' });

    const { subscription, offer } = await world.billing.retention.accept({
      userId: 'user_1',
      offerId: 'discount_25_3m',
      feedback: 'too_expensive',
      reason: 'Money is tight this quarter',
    });

    expect(offer.kind).toBe('discount');
    expect(subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
    expect(await world.billing.subscriptions.nextCharge('user_1')).toMatchObject({
      amount: { amount: 750, currency: 'aud' },
      tax: { amount: 68 },
    });
    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z'));
    await world.sim.webhooks.flush();
    const [renewal] = (await world.billing.invoices.list('user_1')).items;
    expect(renewal).toMatchObject({ total: 750, status: 'paid' });
    // One offer per subscription: nothing more is offered once one was taken.
    expect(await world.billing.retention.offers('user_1')).toEqual([]);
    const audit = await world.store.audit.list({ userId: 'user_1', limit: 500 });
    expect(audit.items.find((e) => e.action === 'retention.offer_accepted')?.data).toMatchObject({
      offerId: 'discount_25_3m',
      feedback: 'too_expensive',
      reason: 'Money is tight this quarter',
    });
  });

  it('pauses collection for a month, then charges again', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world);

    const { subscription } = await world.billing.retention.accept({ userId: 'user_1', offerId: 'pause_1m' });

    expect(subscription.pausedCollection).toBe('void');
    expect(await world.billing.subscriptions.nextCharge('user_1')).toBeNull();
    await world.sim.clock.advanceTo(at('2026-03-20T00:00:00Z'));
    await world.sim.webhooks.flush();
    const invoices = (await world.billing.invoices.list('user_1')).items;
    const forService = (day: string) =>
      invoices.find((i) => i.lines[0]?.periodStart.toISOString().startsWith(day))?.status;
    expect(forService('2026-02-15')).toBe('void');
    expect(forService('2026-03-15')).toBe('paid');
  });

  it('moves to the cheaper plan at period end, keeping the paid plan until then', async () => {
    const world = await givenEngine({
      policies: { retention: { offers: [{ id: 'to_starter', kind: 'downgrade', plan: 'starter' }] } },
    });
    await givenSubscriber(world);

    const { subscription } = await world.billing.retention.accept({
      userId: 'user_1',
      offerId: 'to_starter',
    });

    expect(subscription.planId).toBe('starter');
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, planId: 'pro' });
    expect(await world.billing.subscriptions.nextCharge('user_1')).toMatchObject({ amount: { amount: 500 } });
  });

  it('refuses an offer that does not fit, changing nothing', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    const error = await world.billing.retention
      .accept({ userId: 'user_1', offerId: 'no_such_offer' })
      .catch((e: unknown) => e);
    expect(isBillingError(error, 'offer_not_found')).toBe(true);
    const [sub] = (await world.stripe.subscriptions.list()).data;
    expect(sub!.discounts).toEqual([]);
  });
});

describe('subscriptions.nextCharge', () => {
  it('says what the next renewal charges, with its GST, and when', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    expect(await world.billing.subscriptions.nextCharge('user_1')).toEqual({
      amount: { amount: 1000, currency: 'aud' },
      tax: { amount: 91, currency: 'aud' },
      taxLabel: 'GST',
      date: new Date('2026-02-15T00:00:00Z'),
    });
  });
});
