// The operator's money actions over HTTP: refunds (in part, the rest, too much, by charge, once per
// idempotency key), credit on a balance, one-off invoices charged or sent, a receipt mailed again,
// a declined renewal tried again, and disputes listed and answered. Each is audited as the admin.

import { describe, expect, it } from 'vitest';
import type {
  AdminAuditResponse,
  AdminCreditResponse,
  AdminCustomerDetailResponse,
  AdminDisputeResponse,
  AdminDisputesResponse,
  AdminInvoiceResponse,
  AdminRefundResponse,
  AdminResendReceiptResponse,
} from '../src/contract/index.js';
import {
  ADMIN_USER,
  type AdminWorld,
  adminGet,
  adminPost,
  adminStateOf,
  expectJson,
  givenAdminServer,
} from './support/admin-world.js';
import { deliverWebhooksToServer, expectError, givenSubscriber } from './support/world.js';

const BY_ADMIN = `admin:${ADMIN_USER}`;

/** user_1 on Pro (A$10 paid on 15 Jan), everything delivered to the mirror. */
async function givenPaidSubscriber(card = 'pm_card_au'): Promise<AdminWorld & { invoiceId: string }> {
  const world = await givenAdminServer();
  deliverWebhooksToServer(world);
  await givenSubscriber(world, 'user_1', card);
  await world.sim.webhooks.flush();
  const [invoice] = (await world.billing.invoices.list('user_1')).items;
  return Object.assign(world, { invoiceId: invoice!.stripeInvoiceId });
}

async function auditOf(world: AdminWorld, subjectId: string) {
  return (await expectJson<AdminAuditResponse>(world, adminGet(`/audit?subjectId=${subjectId}&limit=100`)))
    .items;
}

describe('POST /admin/refunds', () => {
  it('refunds part of an invoice, then the rest, as the admin', async () => {
    const world = await givenPaidSubscriber();

    const part = await expectJson<AdminRefundResponse>(
      world,
      adminPost('/refunds', {
        invoiceId: world.invoiceId,
        amount: 400,
        reason: 'requested_by_customer',
        note: 'Down for a day',
      }),
      201,
    );
    const rest = await expectJson<AdminRefundResponse>(
      world,
      adminPost('/refunds', { invoiceId: world.invoiceId, reason: 'requested_by_customer' }),
      201,
    );

    expect(part).toMatchObject({
      stripeRefundId: expect.stringMatching(/^re_/),
      stripeInvoiceId: world.invoiceId,
      userId: 'user_1',
      amount: 400,
      currency: 'aud',
      actor: BY_ADMIN,
    });
    expect(part.note).toContain('Down for a day');
    expect(rest.reason).toBe('requested_by_customer');
    expect(part.createdAt).toBe('2026-01-15T00:00:00.000Z');
    expect(rest.amount).toBe(600);
    const charge = (await world.stripe.charges.list({ limit: 10 })).data[0]!;
    expect([charge.amount_refunded, charge.refunded]).toEqual([1000, true]);
    expect((await auditOf(world, part.stripeRefundId)).map((e) => e.actor)).toContain(BY_ADMIN);
  });

  it('answers 422 refund_exceeds_refundable for more than is left, and refunds nothing', async () => {
    const world = await givenPaidSubscriber();
    const before = await adminStateOf(world);

    await expectError(
      world,
      adminPost('/refunds', { invoiceId: world.invoiceId, amount: 1001, reason: 'duplicate' }),
      { status: 422, code: 'refund_exceeds_refundable' },
    );

    expect(await adminStateOf(world)).toEqual(before);
  });

  it('refunds by charge id, once per idempotency key', async () => {
    const world = await givenPaidSubscriber();
    const charge = (await world.stripe.charges.list({ limit: 10 })).data[0]!;
    const body = { chargeId: charge.id, amount: 300, reason: 'duplicate', idempotencyKey: 'ticket-4411' };

    const first = await expectJson<AdminRefundResponse>(world, adminPost('/refunds', body), 201);
    const again = await expectJson<AdminRefundResponse>(world, adminPost('/refunds', body), 201);

    expect(again.stripeRefundId).toBe(first.stripeRefundId);
    expect((await world.stripe.refunds.list({ limit: 10 })).data.map((r) => r.amount)).toEqual([300]);
  });

  it('answers 404 payment_not_found for an invoice with no payment, and refunds nothing', async () => {
    const world = await givenPaidSubscriber();
    const before = await adminStateOf(world);

    await expectError(world, adminPost('/refunds', { invoiceId: 'in_doesnotexist', reason: 'duplicate' }), {
      status: 404,
      code: 'payment_not_found',
    });

    expect(await adminStateOf(world)).toEqual(before);
  });
});

describe('POST /admin/credits', () => {
  it("puts credit on the customer's balance, as the admin", async () => {
    const world = await givenPaidSubscriber();

    const credit = await expectJson<AdminCreditResponse>(
      world,
      adminPost('/credits', { customerId: 'user_1', amount: 500, description: 'Sorry about the outage' }),
      201,
    );

    expect(credit).toMatchObject({
      stripeBalanceTransactionId: expect.stringMatching(/^cbtxn_/),
      userId: 'user_1',
      amount: -500,
      currency: 'aud',
      description: 'Sorry about the outage',
      endingBalance: -500,
    });
    const customer = await world.stripe.customers.retrieve(credit.stripeCustomerId);
    expect(!customer.deleted && customer.balance).toBe(-500);
    const audit = await expectJson<AdminAuditResponse>(world, adminGet('/audit?customerId=user_1&limit=100'));
    expect(audit.items.find((e) => e.subjectType === 'credit')).toMatchObject({ actor: BY_ADMIN });
  });

  it('answers 404 customer_not_found for someone with no billing customer, and credits nothing', async () => {
    const world = await givenPaidSubscriber();
    const before = await adminStateOf(world);

    await expectError(
      world,
      adminPost('/credits', { customerId: 'user_404', amount: 500, description: 'x' }),
      {
        status: 404,
        code: 'customer_not_found',
      },
    );

    expect(await adminStateOf(world)).toEqual(before);
  });
});

describe('POST /admin/invoices', () => {
  it('charges a one-off invoice to the default card now', async () => {
    const world = await givenPaidSubscriber();

    const invoice = await expectJson<AdminInvoiceResponse>(
      world,
      adminPost('/invoices', {
        customerId: 'user_1',
        items: [{ description: 'Résumé review by a recruiter', amount: 5000 }],
        collection: 'charge',
      }),
      201,
    );

    expect(invoice).toMatchObject({
      stripeInvoiceId: expect.stringMatching(/^in_/),
      userId: 'user_1',
      stripeSubscriptionId: null,
      status: 'paid',
      total: 5000,
      amountPaid: 5000,
    });
    expect(invoice.lines.map((line) => [line.description, line.amount])).toEqual([
      ['Résumé review by a recruiter', 5000],
    ]);
    expect(invoice.paidAt).toBe('2026-01-15T00:00:00.000Z');
    expect((await auditOf(world, invoice.stripeInvoiceId)).map((e) => e.actor)).toContain(BY_ADMIN);
  });

  it('sends a one-off invoice to be paid within the days given', async () => {
    const world = await givenPaidSubscriber();

    const invoice = await expectJson<AdminInvoiceResponse>(
      world,
      adminPost('/invoices', {
        customerId: 'user_1',
        items: [
          { description: 'Setup', amount: 3000 },
          { description: 'Training', amount: 2000 },
        ],
        collection: 'send',
        daysUntilDue: 7,
      }),
      201,
    );

    expect(invoice).toMatchObject({ status: 'open', total: 5000, amountDue: 5000, amountPaid: 0 });
    const stripeInvoice = await world.stripe.invoices.retrieve(invoice.stripeInvoiceId);
    expect(stripeInvoice.collection_method).toBe('send_invoice');
    expect(stripeInvoice.due_date).toBe(Date.parse('2026-01-22T00:00:00Z') / 1000);
  });
});

describe('POST /admin/invoices/:invoiceId/resend-receipt', () => {
  async function receiptsOf(world: AdminWorld) {
    const detail = await expectJson<AdminCustomerDetailResponse>(world, adminGet('/customers/user_1'));
    return detail.emails.filter((email) => email.kind === 'receipt');
  }

  it('queues the receipt of a paid invoice again', async () => {
    const world = await givenPaidSubscriber();
    const receiptsBefore = await receiptsOf(world);

    const answer = await expectJson<AdminResendReceiptResponse>(
      world,
      adminPost(`/invoices/${world.invoiceId}/resend-receipt`),
    );

    expect(answer).toEqual({ invoiceId: world.invoiceId, resent: true });
    const receipts = await receiptsOf(world);
    expect(receipts).toHaveLength(receiptsBefore.length + 1);
    expect(receipts.every((email) => email.data.invoiceId === world.invoiceId)).toBe(true);
    expect((await auditOf(world, world.invoiceId)).map((e) => e.actor)).toContain(BY_ADMIN);
  });

  it('answers 409 invalid_state for an invoice not paid yet, and queues nothing', async () => {
    const world = await givenPaidSubscriber();
    const sent = await expectJson<AdminInvoiceResponse>(
      world,
      adminPost('/invoices', {
        customerId: 'user_1',
        items: [{ description: 'Setup', amount: 3000 }],
        collection: 'send',
      }),
      201,
    );
    const receiptsBefore = await receiptsOf(world);

    await expectError(world, adminPost(`/invoices/${sent.stripeInvoiceId}/resend-receipt`), {
      status: 409,
      code: 'invalid_state',
    });

    expect(await receiptsOf(world)).toEqual(receiptsBefore);
  });

  it('answers 404 invoice_not_found for an invoice that does not exist', async () => {
    const world = await givenPaidSubscriber();

    await expectError(world, adminPost('/invoices/in_doesnotexist/resend-receipt'), {
      status: 404,
      code: 'invoice_not_found',
    });
  });
});

describe('POST /admin/payments/:invoiceId/retry', () => {
  /** The renewal on 15 Feb was declined: past due, its invoice open. */
  async function givenPastDue() {
    const world = await givenPaidSubscriber();
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');
    await world.sim.clock.advance({ months: 1, hours: 2 });
    await world.sim.webhooks.flush();
    const [subscription] = await world.store.subscriptions.listByUserId('user_1');
    expect(subscription!.status).toBe('past_due');
    return { world, invoiceId: subscription!.latestInvoiceId! };
  }

  it('pays the open invoice once the customer has a good card, as the admin', async () => {
    const { world, invoiceId } = await givenPastDue();
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_au');

    const invoice = await expectJson<AdminInvoiceResponse>(world, adminPost(`/payments/${invoiceId}/retry`));

    expect(invoice).toMatchObject({ stripeInvoiceId: invoiceId, status: 'paid', amountPaid: 1000 });
    expect((await auditOf(world, invoiceId)).map((e) => e.actor)).toContain(BY_ADMIN);
  });

  it('answers 422 card_declined with the decline code when the card is declined again', async () => {
    const { world, invoiceId } = await givenPastDue();

    const { error } = await expectError(world, adminPost(`/payments/${invoiceId}/retry`), {
      status: 422,
      code: 'card_declined',
    });

    expect(error.declineCode).toEqual(expect.any(String));
    expect((await world.stripe.invoices.retrieve(invoiceId)).status).toBe('open');
  });
});

describe('disputes', () => {
  async function givenDisputed() {
    const world = await givenPaidSubscriber('pm_card_createDispute');
    const page = await expectJson<AdminDisputesResponse>(world, adminGet('/disputes'));
    return { world, dispute: page.items[0]! };
  }

  it('lists disputes, and only those with the status asked for', async () => {
    const { world, dispute } = await givenDisputed();

    expect(dispute).toMatchObject({
      stripeDisputeId: expect.stringMatching(/^dp_/),
      userId: 'user_1',
      amount: 1000,
      status: 'needs_response',
      evidenceSubmissionCount: 0,
    });
    expect(dispute.evidenceDueBy).toBe('2026-01-22T00:00:00.000Z');
    const open = await expectJson<AdminDisputesResponse>(world, adminGet('/disputes?status=needs_response'));
    const won = await expectJson<AdminDisputesResponse>(world, adminGet('/disputes?status=won'));
    expect(open.items.map((d) => d.stripeDisputeId)).toEqual([dispute.stripeDisputeId]);
    expect(won.items).toEqual([]);
  });

  it('sends the evidence saved in Stripe to the bank, as the admin', async () => {
    const { world, dispute } = await givenDisputed();
    // What the merchant does in Stripe's dashboard: save the evidence without submitting it.
    await world.stripe.disputes.update(dispute.stripeDisputeId, {
      evidence: { uncategorized_text: 'The customer used the service all month.' },
      submit: false,
    });

    const submitted = await expectJson<AdminDisputeResponse>(
      world,
      adminPost(`/disputes/${dispute.stripeDisputeId}/evidence-submitted`),
    );

    expect(submitted).toMatchObject({
      stripeDisputeId: dispute.stripeDisputeId,
      status: 'under_review',
      evidenceSubmissionCount: 1,
    });
    expect((await auditOf(world, dispute.stripeDisputeId)).map((e) => e.actor)).toContain(BY_ADMIN);
  });

  it('answers 422 stripe_rejected when no evidence was saved, and the dispute still needs a response', async () => {
    const { world, dispute } = await givenDisputed();
    const before = await adminStateOf(world);

    await expectError(world, adminPost(`/disputes/${dispute.stripeDisputeId}/evidence-submitted`), {
      status: 422,
      code: 'stripe_rejected',
    });

    expect(await adminStateOf(world)).toEqual(before);
  });

  it('answers 404 dispute_not_found for a dispute that does not exist', async () => {
    const { world } = await givenDisputed();

    await expectError(world, adminPost('/disputes/dp_doesnotexist/evidence-submitted'), {
      status: 404,
      code: 'dispute_not_found',
    });
  });
});
