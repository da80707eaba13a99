// billing.audit: the audit log of a journey, filtered as an operator asks for it, and its hash
// chain, sealed after commits and verified whole. (Tampering with a real database is in
// packages/store-sql's audit-chain.test.ts.)

import { describe, expect, it } from 'vitest';
import { isBillingError } from '../src/errors/billing-error.js';
import type { AuditEntry } from '../src/store/records.js';
import { applyEverything, DAY, givenEngine, givenSubscriber, type World } from './world.js';

async function allEntries(world: World, query: Parameters<World['billing']['audit']['list']>[0] = {}) {
  const entries: AuditEntry[] = [];
  let after: string | null = null;
  do {
    const page = await world.billing.audit.list({ ...query, limit: 7, after });
    entries.push(...page.items);
    after = page.nextCursor;
  } while (after !== null);
  return entries;
}

describe('billing.audit', () => {
  it('links the entries of each operation to the chain once it commits, and verifies them all', async () => {
    const world = await givenEngine();
    applyEverything(world);
    const subscription = await givenSubscriber(world);

    const { head } = await world.store.auditChain.links({ after: 0, limit: 1 });
    expect(head.position).toBeGreaterThan(0);

    await world.billing.subscriptions.cancel({ userId: 'user_1', atPeriodEnd: true });
    const entries = await allEntries(world);
    const verification = await world.billing.audit.verify();

    expect(verification).toMatchObject({ ok: true, problems: [], entries: entries.length });
    expect(verification.head.position).toBe(entries.length);
    expect(entries.some((entry) => entry.subjectId === subscription.stripeSubscriptionId)).toBe(true);
  });

  it('lists what happened to one target, by one actor, within a time range', async () => {
    const world = await givenEngine();
    applyEverything(world);
    const subscription = await givenSubscriber(world);
    await world.sim.clock.advanceTo(world.sim.clock.now() + 3 * DAY);
    const cancelledAt = new Date(world.sim.clock.now() * 1000);
    await world.billing.subscriptions.cancel({ userId: 'user_1', atPeriodEnd: true });

    const everything = await allEntries(world);
    const ofSubscription = await allEntries(world, { target: subscription.stripeSubscriptionId });
    const byStripe = await allEntries(world, { actor: 'stripe' });
    const sinceCancel = await allEntries(world, { from: cancelledAt });
    const beforeCancel = await allEntries(world, { to: cancelledAt });

    expect(ofSubscription.length).toBeGreaterThan(0);
    expect(ofSubscription).toEqual(
      everything.filter((entry) => entry.subjectId === subscription.stripeSubscriptionId),
    );
    expect(byStripe).toEqual(everything.filter((entry) => entry.actor === 'stripe'));
    expect(sinceCancel.length).toBeGreaterThan(0);
    expect([...beforeCancel, ...sinceCancel]).toEqual(everything);
    expect(sinceCancel.every((entry) => entry.at >= cancelledAt)).toBe(true);
  });

  it('keeps what a subscription was before and after each change, without card data', async () => {
    const world = await givenEngine();
    applyEverything(world);
    const subscription = await givenSubscriber(world);

    await world.billing.subscriptions.change({ userId: 'user_1', plan: 'business' });

    const entries = await allEntries(world, { target: subscription.stripeSubscriptionId });
    const changed = entries.find(
      (entry) => (entry.data.after as { planId?: string } | null)?.planId === 'business',
    );
    expect(changed?.data.before).toMatchObject({ planId: 'pro', status: 'active', cancelAtPeriodEnd: false });
    expect(changed?.data.after).toMatchObject({ planId: 'business', status: 'active' });
    const started = entries.find((entry) => entry.action === 'subscription.started');
    expect(started?.data.before).toBeNull();
    expect(JSON.stringify(entries)).not.toMatch(/card_number|"number":|cvc"/);
  });

  it('keeps what a webhook changed in an invoice, a payment and a refund, before and after', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world);
    await world.sim.webhooks.flush();
    const [invoice] = (await world.billing.invoices.list('user_1')).items;
    // A refund made in Stripe's dashboard: only its webhooks write the mirror.
    const [payment] = (await world.store.payments.listByUserId('user_1')).items;
    const refund = await world.stripe.refunds.create({ charge: payment!.stripeChargeId, amount: 400 });
    await world.sim.webhooks.flush();

    const webhookEntries = (await allEntries(world)).filter((entry) => entry.action.startsWith('webhook.'));
    const invoicePaid = webhookEntries.find(
      (entry) =>
        entry.subjectId === invoice!.stripeInvoiceId &&
        (entry.data.after as { status?: string }).status === 'paid',
    );
    expect(invoicePaid?.data.after).toMatchObject({ status: 'paid', total: 1000, tax: 91, amountPaid: 1000 });
    // The payment's first entry after the refund: the one that moved its refunded amount.
    const refunded = webhookEntries.find(
      (entry) =>
        entry.subjectId === refund.charge &&
        (entry.data.after as { amountRefunded?: number }).amountRefunded === 400,
    );
    expect(refunded?.data.before).toMatchObject({ amountRefunded: 0, refunded: false });
    expect(refunded?.data.after).toMatchObject({ amountRefunded: 400, refunded: false });
    expect(webhookEntries.find((entry) => entry.subjectId === refund.id)?.data).toMatchObject({
      before: null,
      after: { amount: 400, status: 'succeeded' },
    });
    // Each entry about a row written by a webhook says what it was (null when new) and became.
    expect(
      webhookEntries
        .filter((entry) => entry.data.result !== undefined)
        .every((entry) => 'after' in entry.data),
    ).toBe(true);
  });

  it('refuses a malformed query with a typed error naming the field', async () => {
    const world = await givenEngine();
    for (const [query, field] of [
      [{ limit: 0 }, 'limit'],
      [{ from: '2026-01-01' }, 'from'],
      [{ target: '' }, 'target'],
      [{ subject: 'sub_1' }, ''],
      [{ after: 'not-a-cursor' }, 'after'],
    ] as const) {
      const error = await world.billing.audit.list(query as never).catch((caught: unknown) => caught);
      expect(isBillingError(error) && error.code).toBe('invalid_input');
      expect((error as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toContain(
        field,
      );
    }
  });
});
