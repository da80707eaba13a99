// The MRR ledger the engine writes with each subscription write: what the admin's movements,
// churn and forecasts are computed from.

import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { movementKind } from '../src/analytics/mrr.js';
import { applyEverything, at, givenEngine, givenSubscriber, givenUser, type World } from './world.js';

async function ledger(world: World, userId = 'user_1') {
  const page = await world.store.mrr.list({ userId, limit: 100 });
  return page.items.map((e) => ({ kind: e.kind, mrr: e.mrr, delta: e.delta, customerMrr: e.customerMrr }));
}

describe('MRR ledger', () => {
  it('records a new customer at A$10 a month as 909 (GST excluded), once however often the state is written', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world);
    await world.sim.webhooks.flush();

    expect(await ledger(world)).toEqual([{ kind: 'new', mrr: 909, delta: 909, customerMrr: 909 }]);
    const [entry] = (await world.store.mrr.list({ userId: 'user_1' })).items;
    expect(entry).toMatchObject({ currency: 'aud', planId: 'pro' });
    expect(entry!.at).toEqual(world.billing.clock.now());
  });

  it('follows an upgrade, a cancellation and a comeback: expansion, churn, reactivation', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world);
    await world.billing.subscriptions.change({ userId: 'user_1', plan: 'business' });
    await world.sim.clock.advanceTo(at('2026-01-20T00:00:00Z'));
    await world.billing.subscriptions.cancel({ userId: 'user_1', atPeriodEnd: false });
    await world.sim.clock.advanceTo(at('2026-01-25T00:00:00Z'));
    await world.billing.subscriptions.reactivate({ userId: 'user_1' });
    await world.sim.webhooks.flush();

    // Business A$20 → 2000 − 182 GST = 1818.
    expect(await ledger(world)).toEqual([
      { kind: 'new', mrr: 909, delta: 909, customerMrr: 909 },
      { kind: 'expansion', mrr: 1818, delta: 909, customerMrr: 1818 },
      { kind: 'churn', mrr: 0, delta: -1818, customerMrr: 0 },
      { kind: 'reactivation', mrr: 1818, delta: 1818, customerMrr: 1818 },
    ]);
  });

  it('counts a yearly plan as a twelfth of its price, and a trial as nothing until it converts', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenUser(world, 'yearly');
    await world.billing.subscriptions.start({
      userId: 'yearly',
      plan: 'pro',
      interval: 'year',
      paymentMethodId: 'pm_card_au',
    });
    await givenUser(world, 'trial');
    await world.billing.subscriptions.start({
      userId: 'trial',
      plan: 'starter',
      paymentMethodId: 'pm_card_au',
    });
    await world.sim.webhooks.flush();
    // A$100 a year → 833.33 → 833 a month, less GST 76 → 757.
    expect(await ledger(world, 'yearly')).toEqual([{ kind: 'new', mrr: 757, delta: 757, customerMrr: 757 }]);
    expect(await ledger(world, 'trial')).toEqual([]);

    await world.sim.clock.advanceTo(at('2026-01-30T00:00:00Z')); // the 14-day trial ends and is paid
    await world.sim.webhooks.flush();
    // Starter A$5 → 500 − 45 GST = 455.
    expect(await ledger(world, 'trial')).toEqual([{ kind: 'new', mrr: 455, delta: 455, customerMrr: 455 }]);
  });

  it('counts a customer outside Australia at the full price (no GST)', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await world.billing.customers.ensure({
      userId: 'nz',
      email: 'kiri@example.co.nz',
      name: 'Kiri',
      address: {
        line1: '1 Queen St',
        line2: null,
        city: 'Auckland',
        state: null,
        postalCode: '1010',
        country: 'NZ',
      },
    });
    await world.billing.subscriptions.start({ userId: 'nz', plan: 'pro', paymentMethodId: 'pm_card_visa' });
    await world.sim.webhooks.flush();
    expect(await ledger(world, 'nz')).toEqual([{ kind: 'new', mrr: 1000, delta: 1000, customerMrr: 1000 }]);
  });

  it('dates a change at the event that reports it when webhooks arrive days late', async () => {
    const world = await givenEngine();
    const held: Stripe.Event[] = [];
    world.sim.webhooks.listen(async (request) => {
      held.push(JSON.parse(await request.text()) as Stripe.Event);
      return new Response('ok');
    });
    await givenUser(world, 'trial');
    await world.billing.subscriptions.start({
      userId: 'trial',
      plan: 'starter',
      paymentMethodId: 'pm_card_au',
    });
    // The endpoint is down while the trial warning (day 11) and the conversion (day 14) happen.
    await world.sim.clock.advanceTo(at('2026-02-03T00:00:00Z'));
    await world.sim.webhooks.flush();
    for (const event of held) await world.billing.sync.applyEvent(event);

    const converted = held.find(
      (e) =>
        e.type === 'customer.subscription.updated' &&
        (e.data.object as Stripe.Subscription).status === 'active',
    )!;
    const entries = (await world.store.mrr.list({ userId: 'trial' })).items;
    expect(entries.map((e) => [e.kind, e.mrr])).toEqual([['new', 455]]);
    expect(entries[0]!.at).toEqual(new Date(converted.created * 1000));
  });

  it('classifies by the customer, not the subscription', () => {
    expect(movementKind(0, 909, false)).toBe('new');
    expect(movementKind(0, 909, true)).toBe('reactivation');
    expect(movementKind(909, 1818, true)).toBe('expansion');
    expect(movementKind(1818, 909, true)).toBe('contraction');
    expect(movementKind(909, 0, true)).toBe('churn');
  });
});
