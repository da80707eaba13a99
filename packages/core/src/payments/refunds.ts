// Refunds: full or partial, never more than what is left refundable, each recorded with who asked
// and why, an audit entry and the customer's "refund issued" email in one transaction. A refund of
// a GST invoice records the GST it gives back (the data of an adjustment note). The refund's
// details ride on Stripe's metadata too, so the mirror can be rebuilt from Stripe alone.

import type Stripe from 'stripe';
import { z } from 'zod';
import { alreadyAudited, recordAudit } from '../audit/audit.js';
import { toUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { BillingError, InvalidInputError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import { paymentRecordFrom, refundRecordFrom } from '../mirror/money-records.js';
import { beforeAndAfter, PAYMENT_FIELDS, REFUND_FIELDS } from '../mirror/state-fields.js';
import { idOf } from '../mirror/stripe-to-records.js';
import { formatMoney } from '../money.js';
import { queueNotification } from '../notifications/outbox.js';
import type { StoreSession } from '../store/billing-store.js';
import type { RefundRecord } from '../store/records.js';
import { idempotencyKey } from '../stripe-gateway/stripe-gateway.js';
import { refundTax } from './refund-tax.js';

const STRIPE_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);

const createSchema = z
  .object({
    invoiceId: z
      .string()
      .regex(/^in_\w{1,250}$/, 'a Stripe invoice id (in_...)')
      .optional(),
    chargeId: z
      .string()
      .regex(/^(ch|py)_\w{1,250}$/, 'a Stripe charge id (ch_...)')
      .optional(),
    /** Minor units; omit to refund everything still refundable. */
    amount: z.number().int().positive().optional(),
    /** 'duplicate', 'fraudulent', 'requested_by_customer' (Stripe's reasons) or any other words. */
    reason: z.string().trim().min(1).max(500),
    /** The operator's words about it, kept as the refund's note; @default the reason */
    note: z.string().trim().min(1).max(500).optional(),
    /** Who asked: `admin:<id>`, `user:<id>`, `system`. */
    actor: z.string().min(1).max(255).default('system'),
    /** The same key twice refunds once: the second call answers the first refund. */
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .refine((v) => (v.invoiceId ? 1 : 0) + (v.chargeId ? 1 : 0) === 1, {
    message: 'give exactly one of invoiceId or chargeId',
    path: ['invoiceId'],
  });

export type RefundInput = z.input<typeof createSchema>;

export function refundsApi(ctx: BillingContext) {
  return {
    /**
     * Refunds a paid invoice or charge, fully or in part. More than what is left refundable is
     * refused with `refund_exceeds_refundable`, changing nothing.
     */
    async create(input: RefundInput): Promise<RefundRecord> {
      const args = parseInput(createSchema, input, 'refunds.create');
      const chargeId = args.chargeId ?? (await chargeOfInvoice(ctx, args.invoiceId!));
      const charge = await retrieveCharge(ctx, chargeId);
      const invoiceId =
        args.invoiceId ?? (await ctx.store.payments.findByStripeId(chargeId))?.stripeInvoiceId ?? null;
      const owner = await ownerOf(ctx, charge);
      if (args.idempotencyKey) {
        const earlier = await refundWithKey(ctx, chargeId, args.idempotencyKey);
        if (earlier && args.amount !== undefined && earlier.amount !== args.amount) {
          throw new InvalidInputError(
            `Idempotency key ${args.idempotencyKey} was used for a refund of another amount.`,
            [{ path: 'idempotencyKey', message: 'already used for a different refund' }],
          );
        }
        if (earlier) return mirrorRefund(ctx, earlier, charge, owner);
      }
      if (charge.status !== 'succeeded') {
        throw new BillingError(
          'invalid_state',
          `Charge ${chargeId} did not succeed; there is nothing to refund.`,
        );
      }
      const refundable = charge.amount - charge.amount_refunded;
      const amount = args.amount ?? refundable;
      if (refundable <= 0 || amount > refundable) {
        throw new BillingError(
          'refund_exceeds_refundable',
          refundable <= 0
            ? `Charge ${chargeId} is already fully refunded.`
            : `A refund of ${formatMoney({ amount, currency: charge.currency })} is more than the ${formatMoney({ amount: refundable, currency: charge.currency })} left refundable on this payment.`,
        );
      }
      const invoice = invoiceId ? await ctx.store.invoices.findByStripeId(invoiceId) : null;
      const tax = invoice ? refundTax(invoice, charge.amount_refunded, amount) : 0;
      const stripeReason = STRIPE_REASONS.has(args.reason) ? args.reason : null;
      const refund = await ctx.gateway.call('refunds.create', (stripe) =>
        stripe.refunds.create(
          {
            charge: chargeId,
            amount,
            ...(stripeReason ? { reason: stripeReason as Stripe.RefundCreateParams.Reason } : {}),
            metadata: {
              billkit_invoice: invoiceId ?? '',
              billkit_tax: String(tax),
              billkit_actor: args.actor,
              billkit_note: args.note ?? args.reason,
              ...(owner ? { billkit_user_id: owner.userId } : {}),
              ...(args.idempotencyKey ? { billkit_idempotency_key: args.idempotencyKey } : {}),
            },
          },
          {
            idempotencyKey: args.idempotencyKey
              ? idempotencyKey('refund', chargeId, args.idempotencyKey)
              : idempotencyKey('refund', chargeId, charge.amount_refunded, amount),
          },
        ),
      );
      return mirrorRefund(ctx, refund, charge, owner);
    },

    /** The refunds of one of the user's invoices, oldest first. */
    async listForInvoice(userId: string, invoiceId: string): Promise<RefundRecord[]> {
      const invoice = await ctx.store.invoices.findByStripeId(
        parseInput(z.string().min(1), invoiceId, 'refunds.listForInvoice'),
      );
      if (!invoice || invoice.userId !== parseInput(z.string().min(1), userId, 'refunds.listForInvoice')) {
        throw new BillingError('invoice_not_found', `No invoice ${invoiceId} for this user.`);
      }
      return ctx.store.refunds.listByInvoice(invoice.stripeInvoiceId);
    },
  };
}

async function chargeOfInvoice(ctx: BillingContext, invoiceId: string): Promise<string> {
  const mirrored = (await ctx.store.payments.listByInvoice(invoiceId)).filter(
    (p) => p.status === 'succeeded',
  );
  if (mirrored.length > 0) return mirrored.at(-1)!.stripeChargeId;
  const payments = await ctx.gateway.call('invoicePayments.list', (stripe) =>
    stripe.invoicePayments.list({ invoice: invoiceId, status: 'paid', limit: 10 }),
  );
  const intentId = idOf(payments.data[0]?.payment.payment_intent as string | undefined);
  if (intentId) {
    const intent = await ctx.gateway.call('paymentIntents.retrieve', (stripe) =>
      stripe.paymentIntents.retrieve(intentId),
    );
    const chargeId = idOf(intent.latest_charge as string | null);
    if (chargeId) return chargeId;
  }
  throw new BillingError('payment_not_found', `Invoice ${invoiceId} has no payment to refund.`);
}

async function retrieveCharge(ctx: BillingContext, chargeId: string): Promise<Stripe.Charge> {
  try {
    return await ctx.gateway.call('charges.retrieve', (stripe) =>
      stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] }),
    );
  } catch (error) {
    if ((error as { cause?: { statusCode?: number } }).cause?.statusCode === 404) {
      throw new BillingError('payment_not_found', `No payment ${chargeId}.`);
    }
    throw error;
  }
}

async function ownerOf(ctx: BillingContext, charge: Stripe.Charge) {
  const customerId = idOf(charge.customer as string | null);
  const customer = customerId ? await ctx.store.customers.findByStripeId(customerId) : null;
  return customer ? { userId: customer.userId, email: customer.email } : null;
}

async function refundWithKey(
  ctx: BillingContext,
  chargeId: string,
  key: string,
): Promise<Stripe.Refund | null> {
  const refunds = await ctx.gateway.call('refunds.list', (stripe) =>
    stripe.refunds.list({ charge: chargeId, limit: 100 }),
  );
  return refunds.data.find((r) => r.metadata?.billkit_idempotency_key === key) ?? null;
}

async function mirrorRefund(
  ctx: BillingContext,
  refund: Stripe.Refund,
  charge: Stripe.Charge,
  owner: { userId: string; email: string | null } | null,
): Promise<RefundRecord> {
  const watermark = toUnix(ctx.clock.now());
  const record = refundRecordFrom(refund, owner?.userId ?? null, watermark);
  const fresh = await retrieveCharge(ctx, charge.id);
  const existingPayment = await ctx.store.payments.findByStripeId(charge.id);
  const payment = paymentRecordFrom(
    fresh,
    owner?.userId ?? null,
    existingPayment?.stripeInvoiceId ?? record.stripeInvoiceId,
    watermark,
  );
  const written = await ctx.store.transaction(async (session) => {
    await session.refunds.upsert(record);
    await session.payments.upsert(payment);
    if (!(await alreadyAudited(session, refund.id, 'refund.created'))) {
      await recordAudit(session, ctx.clock, {
        actor: record.actor ?? 'system',
        action: 'refund.created',
        subjectType: 'refund',
        subjectId: refund.id,
        userId: owner?.userId ?? null,
        data: {
          chargeId: charge.id,
          invoiceId: record.stripeInvoiceId,
          amount: refund.amount,
          tax: record.tax,
          currency: refund.currency,
          reason: record.note,
          // The refund is new; the refunded payment, before and after.
          ...beforeAndAfter(null, record, REFUND_FIELDS),
          payment: beforeAndAfter(existingPayment, payment, PAYMENT_FIELDS),
        },
      });
    }
    if (owner) await queueRefundIssued(ctx, session, record, owner);
    return (await session.refunds.findByStripeId(refund.id)) ?? record;
  });
  await ctx.afterCommit();
  return written;
}

/**
 * The customer's "refund issued" email, once per refund, for a refund that is going through
 * (Billkit's own or one made in Stripe's dashboard).
 */
export async function queueRefundIssued(
  ctx: BillingContext,
  session: StoreSession,
  refund: RefundRecord,
  owner: { userId: string; email: string | null },
): Promise<void> {
  if (refund.status === 'failed' || refund.status === 'canceled') return;
  const invoice = refund.stripeInvoiceId
    ? await session.invoices.findByStripeId(refund.stripeInvoiceId)
    : null;
  await queueNotification(ctx, session, {
    kind: 'refund.issued',
    userId: owner.userId,
    email: owner.email,
    key: `refund_issued:${refund.stripeRefundId}`,
    data: {
      refundId: refund.stripeRefundId,
      amount: refund.amount,
      currency: refund.currency,
      tax: refund.tax,
      taxLabel: ctx.tax.label,
      invoiceId: refund.stripeInvoiceId,
      invoiceNumber: invoice?.number ?? null,
      reason: refund.note ?? refund.reason,
    },
  });
}
