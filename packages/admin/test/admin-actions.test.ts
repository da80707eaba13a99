// The operator's actions: each goes through the engine, lands in Stripe and the mirror, and is
// audited with the admin who did it. Bad input changes nothing.

import { describe, expect, it } from 'vitest';
import { givenAdmin } from './world.js';

async function auditOf(world: Awaited<ReturnType<typeof givenAdmin>>, userId: string) {
  return (await world.admin.audit.list({ customerId: userId, limit: 100 })).items;
}

describe('admin actions', () => {
  it('finds customers by email, name, ids and status, newest first, a page at a time', async () => {
    const world = await givenAdmin();
    await world.subscribe('alice');
    await world.advanceTo('2026-01-16T00:00:00Z');
    await world.subscribe('bob', 'business');
    await world.advanceTo('2026-01-17T00:00:00Z');
    await world.billing.customers.ensure({
      userId: 'carol',
      email: 'Carol@Example.com',
      name: 'Carol Nguyen',
    });

    const everyone = await world.admin.customers.search();
    expect(everyone.items.map((c) => c.userId)).toEqual(['carol', 'bob', 'alice']);
    expect(everyone.items.map((c) => c.subscriptionStatus)).toEqual([null, 'active', 'active']);
    expect(
      (await world.admin.customers.search({ query: 'carol@example' })).items.map((c) => c.userId),
    ).toEqual(['carol']);
    expect((await world.admin.customers.search({ query: 'nguyen' })).items).toHaveLength(1);
    const bob = (await world.admin.customers.search({ query: 'bob' })).items[0]!;
    expect((await world.admin.customers.search({ query: bob.stripeCustomerId })).items[0]!.userId).toBe(
      'bob',
    );
    expect((await world.admin.customers.search({ status: 'none' })).items.map((c) => c.userId)).toEqual([
      'carol',
    ]);
    const first = await world.admin.customers.search({ limit: 2 });
    const second = await world.admin.customers.search({ limit: 2, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((c) => c.userId)).toEqual(['carol', 'bob', 'alice']);
    expect(second.nextCursor).toBeNull();
  });

  it('refunds part of an invoice and credits a customer, audited as the admin', async () => {
    const world = await givenAdmin();
    const subscription = await world.subscribe('alice');
    const invoiceId = subscription.latestInvoiceId!;

    const refund = await world.admin.refund({
      invoiceId,
      amount: 400,
      reason: 'requested_by_customer',
      actor: 'ann',
    });
    expect(refund).toMatchObject({ amount: 400, actor: 'admin:ann' });
    const credit = await world.admin.grantCredit({
      customerId: 'alice',
      amount: 500,
      description: 'Sorry for the outage',
      actor: 'ann',
    });
    expect(credit.amount).toBe(-500);
    await expect(
      world.admin.refund({ invoiceId, amount: 700, reason: 'too much', actor: 'ann' }),
    ).rejects.toMatchObject({ code: 'refund_exceeds_refundable' });

    const detail = await world.admin.customers.detail('alice');
    expect(detail.refunds.map((r) => r.amount)).toEqual([400]);
    expect(detail.credits.map((c) => c.amount)).toContain(-500);
    expect(detail.stripeDashboardUrl).toBe(
      `https://dashboard.stripe.com/customers/${detail.customer.stripeCustomerId}`,
    );
    expect(detail.subscriptions[0]!.status).toBe('active');
    expect(detail.invoices[0]!.stripeInvoiceId).toBe(invoiceId);
    expect(detail.mrrHistory.map((m) => m.kind)).toEqual(['new']);
    // Revenue: 1000 paid less 91 GST = 909; refunded 400 less its GST 36 = 364.
    expect(detail.totals).toMatchObject({ revenue: 909, refunds: 364 });
    const actors = (await auditOf(world, 'alice'))
      .filter((e) => e.actor === 'admin:ann')
      .map((e) => e.action);
    expect(actors).toEqual(
      expect.arrayContaining([expect.stringMatching(/refund/), expect.stringMatching(/credit/)]),
    );
  });

  it('changes the plan without proration, cancels, reactivates and extends a trial', async () => {
    const world = await givenAdmin();
    await world.subscribe('alice');
    const invoicesBefore = (await world.stripe.invoices.list({ limit: 100 })).data.length;

    const changed = await world.admin.subscriptions.changePlan({
      customerId: 'alice',
      plan: 'business',
      actor: 'ann',
    });
    expect(changed.planId).toBe('business');
    expect((await world.stripe.invoices.list({ limit: 100 })).data.length).toBe(invoicesBefore);

    const canceled = await world.admin.subscriptions.cancel({
      customerId: 'alice',
      when: 'period_end',
      actor: 'ann',
    });
    expect(canceled.cancelAtPeriodEnd).toBe(true);
    const back = await world.admin.subscriptions.reactivate({ customerId: 'alice', actor: 'ann' });
    expect(back.cancelAtPeriodEnd).toBe(false);

    await world.subscribe('tess', 'starter');
    const trial = await world.admin.subscriptions.extendTrial({
      customerId: 'tess',
      until: '2026-02-15',
      actor: 'ann',
    });
    expect(trial.trialEnd).toEqual(new Date('2026-02-15T00:00:00Z'));
    const actions = (await auditOf(world, 'alice'))
      .filter((e) => e.actor === 'admin:ann')
      .map((e) => e.action);
    expect(actions.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses bad input and unknown customers, changing nothing', async () => {
    const world = await givenAdmin();
    await world.subscribe('alice');
    const auditBefore = (await auditOf(world, 'alice')).length;

    await expect(
      world.admin.grantCredit({ customerId: 'alice', amount: -5, description: 'x', actor: 'ann' }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(
      world.admin.subscriptions.cancel({ customerId: 'nobody', when: 'now', actor: 'ann' }),
    ).rejects.toMatchObject({ code: 'customer_not_found' });
    await expect(world.admin.customers.detail('')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(world.admin.metrics({ from: '2026-03-01', to: '2026-01-01' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(
      world.admin.subscriptions.extendGrace({ customerId: 'alice', days: 3, actor: 'ann' }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
    expect((await auditOf(world, 'alice')).length).toBe(auditBefore);
  });
});
