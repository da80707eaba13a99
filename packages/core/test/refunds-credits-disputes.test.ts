// Money going back and held back: refunds (full, partial, never over what is refundable, once per
// idempotency key, with the GST they give back), credits on the customer's balance, and disputes
// from the chargeback to the outcome.

import { describe, expect, it } from 'vitest';
import { isBillingError } from '../src/errors/billing-error.js';
import { applyEverything, at, givenEngine, givenSubscriber, type World } from './world.js';

async function paidSubscriber(card = 'pm_card_au'): Promise<{ world: World; invoiceId: string }> {
  const world = await givenEngine({ billing: { notifications: { adminEmails: ['ops@resume.example'] } } });
  applyEverything(world);
  await givenSubscriber(world, 'user_1', card);
  await world.sim.webhooks.flush();
  const [invoice] = (await world.billing.invoices.list('user_1')).items;
  return { world, invoiceId: invoice!.stripeInvoiceId };
}

describe('billing.refunds.create', () => {
  it('refunds a whole invoice, with its GST, the actor in the audit log and a refund email', async () => {
    const { world, invoiceId } = await paidSubscriber();

    const refund = await world.billing.refunds.create({
      invoiceId,
      reason: 'requested_by_customer',
      actor: 'admin:alice',
    });

    expect(refund).toMatchObject({ amount: 1000, tax: 91, stripeInvoiceId: invoiceId, actor: 'admin:alice' });
    const charge = await world.stripe.charges.retrieve(refund.stripeChargeId!);
    expect(charge).toMatchObject({ refunded: true, amount_refunded: 1000 });
    const audit = await world.store.audit.list({ subjectId: refund.stripeRefundId });
    expect(audit.items.find((e) => e.action === 'refund.created')).toMatchObject({ actor: 'admin:alice' });
    await world.sim.webhooks.flush();
    const emails = world.sent.filter((n) => n.kind === 'refund.issued');
    expect(emails).toHaveLength(1);
    expect(emails[0]!.data).toMatchObject({ amount: 1000, tax: 91, currency: 'aud' });
  });

  it('sums partial refunds, splitting the GST so it adds up to the invoice’s', async () => {
    const { world, invoiceId } = await paidSubscriber();

    const first = await world.billing.refunds.create({ invoiceId, amount: 300, reason: 'partial service' });
    const second = await world.billing.refunds.create({ invoiceId, amount: 450, reason: 'goodwill' });
    const last = await world.billing.refunds.create({ invoiceId, reason: 'the rest' });

    expect([first.amount, second.amount, last.amount]).toEqual([300, 450, 250]);
    expect(first.tax).toBe(27); // 91 × 300 / 1000 = 27.3
    expect(second.tax).toBe(41); // 91 × 450 / 1000 = 40.95
    expect(first.tax + second.tax + last.tax).toBe(91);
    const payment = await world.store.payments.findByStripeId(first.stripeChargeId!);
    expect(payment).toMatchObject({ amountRefunded: 1000, refunded: true });
    const mirrored = (await world.store.refunds.listByInvoice(invoiceId)).map((r) => r.amount);
    expect(mirrored.sort((a, b) => a - b)).toEqual([250, 300, 450]);
  });

  it('splits GST the same way for refunds made in Stripe’s dashboard', async () => {
    const { world, invoiceId } = await paidSubscriber();
    const [charge] = await world.store.payments.listByInvoice(invoiceId);
    await world.stripe.refunds.create({ charge: charge!.stripeChargeId, amount: 500 });
    await world.sim.clock.advance({ seconds: 5 });
    await world.stripe.refunds.create({ charge: charge!.stripeChargeId, amount: 500 });
    await world.sim.webhooks.flush();

    const refunds = await world.store.refunds.listByInvoice(invoiceId);
    expect(refunds.map((r) => r.tax)).toEqual([46, 45]);
    const emails = world.sent.filter((n) => n.kind === 'refund.issued').map((n) => n.data.tax);
    expect(emails.sort()).toEqual([45, 46]);
  });

  it('gives back only the GST of the paid part when credit paid the rest of the invoice', async () => {
    const { world } = await paidSubscriber();
    await world.billing.credits.grant({ userId: 'user_1', amount: 500, description: 'Goodwill' });
    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z'));
    await world.sim.webhooks.flush();
    const [renewal] = (await world.billing.invoices.list('user_1')).items;
    expect(renewal).toMatchObject({ total: 1000, tax: 91, amountPaid: 500 });

    const refund = await world.billing.refunds.create({
      invoiceId: renewal!.stripeInvoiceId,
      reason: 'requested_by_customer',
    });

    expect(refund).toMatchObject({ amount: 500, tax: 46 });
  });

  it('refuses more than what is left refundable, changing nothing', async () => {
    const { world, invoiceId } = await paidSubscriber();
    await world.billing.refunds.create({ invoiceId, amount: 600, reason: 'half' });

    const error = await world.billing.refunds
      .create({ invoiceId, amount: 401, reason: 'too much' })
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'refund_exceeds_refundable')).toBe(true);
    expect((error as Error).message).toContain('$4.00');
    const refunds = await world.stripe.refunds.list({ limit: 10 });
    expect(refunds.data).toHaveLength(1);
    expect(await world.store.refunds.listByInvoice(invoiceId)).toHaveLength(1);
  });

  it('refunds once for two requests with one idempotency key', async () => {
    const { world, invoiceId } = await paidSubscriber();

    const [a, b] = await Promise.all([
      world.billing.refunds.create({ invoiceId, amount: 500, reason: 'dup', idempotencyKey: 'ticket-42' }),
      world.billing.refunds.create({ invoiceId, amount: 500, reason: 'dup', idempotencyKey: 'ticket-42' }),
    ]);
    const c = await world.billing.refunds.create({
      invoiceId,
      amount: 500,
      reason: 'dup',
      idempotencyKey: 'ticket-42',
    });

    expect(new Set([a.stripeRefundId, b.stripeRefundId, c.stripeRefundId]).size).toBe(1);
    const charge = await world.stripe.charges.retrieve(a.stripeChargeId!);
    expect(charge.amount_refunded).toBe(500);
  });

  it('refuses an idempotency key reused for a different amount, refunding nothing more', async () => {
    const { world, invoiceId } = await paidSubscriber();
    await world.billing.refunds.create({ invoiceId, amount: 100, reason: 'x', idempotencyKey: 'ticket-9' });

    const error = await world.billing.refunds
      .create({ invoiceId, amount: 900, reason: 'x', idempotencyKey: 'ticket-9' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'invalid_input', issues: [{ path: 'idempotencyKey' }] });
    expect((await world.stripe.refunds.list()).data.map((r) => r.amount)).toEqual([100]);
  });

  it('rejects bad input with a typed error naming the field', async () => {
    const { world, invoiceId } = await paidSubscriber();
    const error = await world.billing.refunds
      .create({ invoiceId, amount: -5, reason: 'x' })
      .catch((e: unknown) => e);
    expect(isBillingError(error, 'invalid_input')).toBe(true);
    expect(JSON.stringify((error as { issues: unknown }).issues)).toContain('amount');
  });
});

describe('billing.credits', () => {
  it('grants credit that the next invoice uses, and lists it', async () => {
    const { world } = await paidSubscriber();

    const grant = await world.billing.credits.grant({
      userId: 'user_1',
      amount: 400,
      description: 'Sorry for the outage',
      actor: 'admin:alice',
    });

    expect(grant).toMatchObject({ amount: -400, currency: 'aud', type: 'adjustment' });
    expect((await world.billing.credits.list('user_1')).available).toEqual({ amount: 400, currency: 'aud' });
    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z'));
    await world.sim.webhooks.flush();
    const [renewal] = (await world.billing.invoices.list('user_1')).items;
    expect(renewal).toMatchObject({ total: 1000, amountPaid: 600, status: 'paid' });
    const after = await world.billing.credits.list('user_1');
    expect(after.available.amount).toBe(0);
    expect(after.transactions.items.map((t) => t.type)).toContain('applied_to_invoice');
    const audit = await world.store.audit.list({ userId: 'user_1', limit: 500 });
    expect(audit.items.find((e) => e.action === 'credit.granted')).toMatchObject({ actor: 'admin:alice' });
  });

  it('grants once per idempotency key', async () => {
    const { world } = await paidSubscriber();
    const args = { userId: 'user_1', amount: 250, description: 'Referral', idempotencyKey: 'ref-7' };
    const a = await world.billing.credits.grant(args);
    const b = await world.billing.credits.grant(args);
    expect(b.stripeBalanceTransactionId).toBe(a.stripeBalanceTransactionId);
    expect((await world.billing.credits.list('user_1')).available.amount).toBe(250);
  });
});

describe('disputes', () => {
  it('mirrors a dispute, tells the admins at once, takes evidence and records the outcome', async () => {
    const { world } = await paidSubscriber('pm_card_createDispute');

    const [dispute] = (await world.billing.disputes.list()).items;
    expect(dispute).toMatchObject({
      status: 'needs_response',
      reason: 'fraudulent',
      amount: 1000,
      userId: 'user_1',
      evidenceSubmissionCount: 0,
    });
    expect(dispute!.evidenceDueBy).toBeInstanceOf(Date);
    const told = world.sent.filter((n) => n.kind === 'dispute.opened');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      audience: 'admin',
      email: 'ops@resume.example',
      data: { disputeId: dispute!.stripeDisputeId, customerUserId: 'user_1' },
    });
    expect(told[0]!.data.dashboardUrl).toContain(`/test/disputes/${dispute!.stripeDisputeId}`);

    const submitted = await world.billing.disputes.submitEvidence({
      disputeId: dispute!.stripeDisputeId,
      evidence: { product_description: 'Pro plan, monthly', uncategorized_text: 'losing_evidence' },
      actor: 'admin:alice',
    });
    expect(submitted).toMatchObject({ evidenceSubmissionCount: 1 });
    expect(['under_review', 'lost']).toContain(submitted.status);

    const again = await world.billing.disputes
      .submitEvidence({ disputeId: dispute!.stripeDisputeId, evidence: { product_description: 'x' } })
      .catch((e: unknown) => e);
    expect(isBillingError(again, 'invalid_state')).toBe(true);

    await world.sim.clock.advance({ days: 10 });
    await world.sim.webhooks.flush();
    const closed = await world.billing.disputes.get(dispute!.stripeDisputeId);
    expect(closed).toMatchObject({ status: 'lost' });
    expect(closed.closedAt).toBeInstanceOf(Date);
    const stats = await world.billing.payments.stats({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-12-31T00:00:00Z'),
    });
    expect(stats.disputes).toMatchObject({ count: 1, lost: 1, lostAmount: 1000 });
  });
});
