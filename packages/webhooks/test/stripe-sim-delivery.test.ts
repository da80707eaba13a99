// End to end: @billkit/stripe-sim delivers real signed events to the webhook route, which records
// them and applies them with the real engine. Duplicated, reordered and failing deliveries must
// leave the mirror, and the emails sent, as one clean in-order delivery does.

import { describe, expect, it } from 'vitest';
import { givenWorld, mirrorSummary, runJourney, type World } from './support/world.js';

async function inboxOf(world: World) {
  const ids = world.sim.webhooks.events().map((event) => event.id);
  return Promise.all(
    ids.map(async (id) => (await world.store.webhookEvents.get(id)) ?? { eventId: id, missing: true }),
  );
}

describe('webhooks from the simulator', () => {
  it('records every event once and applies it, leaving the mirror as Stripe is', async () => {
    const world = await givenWorld();

    await runJourney(world);

    const inbox = await inboxOf(world);
    expect(inbox.length).toBeGreaterThan(10);
    for (const row of inbox) {
      expect(row).toMatchObject({ attempts: 1 });
      expect(['applied', 'skipped']).toContain((row as { status: string }).status);
    }
    expect((await world.handler.listFailed()).items).toEqual([]);
    const [mirrored] = await world.store.subscriptions.listByUserId('user_1');
    const inStripe = await world.stripe.subscriptions.retrieve(mirrored!.stripeSubscriptionId);
    expect(mirrored).toMatchObject({ status: inStripe.status, planId: 'business' });
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, status: 'active' });
    expect(world.sim.webhooks.deliveries().every((d) => d.status === 200)).toBe(true);
  });

  it('ends in the same mirror and sends the same emails when deliveries are duplicated, reordered and fail first', async () => {
    const clean = await givenWorld();
    await runJourney(clean);

    const failedOnce = new Set<string>();
    const faulty = await givenWorld({
      wrapApply: (apply) => async (event) => {
        if (!failedOnce.has(event.id)) {
          failedOnce.add(event.id);
          throw new Error(`database hiccup on ${event.id}`);
        }
        return apply(event);
      },
    });
    faulty.sim.faults.webhooks({ duplicate: 7, reorder: true, delay: 3 });
    await runJourney(faulty);
    await faulty.sim.webhooks.retryFailed();

    const deliveries = faulty.sim.webhooks.deliveries();
    expect(deliveries.some((d) => d.status === 500)).toBe(true);
    expect((await faulty.handler.listFailed()).items).toEqual([]);
    expect(await mirrorSummary(faulty)).toEqual(await mirrorSummary(clean));
  });

  it('applies each event once when two copies of the server receive every delivery at the same moment', async () => {
    const clean = await givenWorld();
    await runJourney(clean);

    const twoCopies = await givenWorld({ copies: 2 });
    await runJourney(twoCopies);

    for (const row of await inboxOf(twoCopies)) expect(row).toMatchObject({ attempts: 1 });
    expect(await mirrorSummary(twoCopies)).toEqual(await mirrorSummary(clean));
  });

  it('records nothing from a sender that signs with another secret, and Stripe is told 400', async () => {
    const world = await givenWorld({ signingSecret: 'whsec_not_ours' });

    await world.billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' });
    await world.sim.webhooks.flush();

    const deliveries = world.sim.webhooks.deliveries();
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.status === 400)).toBe(true);
    for (const row of await inboxOf(world)) expect(row).toMatchObject({ missing: true });
  });

  it('replays what failed once the cause is fixed', async () => {
    let broken = true;
    const world = await givenWorld({
      wrapApply: (apply) => async (event) => {
        if (broken) throw new Error('mirror database unavailable');
        return apply(event);
      },
    });

    await world.billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' });
    await world.sim.webhooks.flush();
    const failed = (await world.handler.listFailed()).items;
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => e.lastError === 'mirror database unavailable')).toBe(true);

    broken = false;
    const results = await world.handler.replayFailed();

    expect(results.map((r) => r.eventId)).toEqual(failed.map((e) => e.eventId));
    expect(results.every((r) => r.replayed && (r.status === 'applied' || r.status === 'skipped'))).toBe(true);
    expect((await world.handler.listFailed()).items).toEqual([]);
  });
});
