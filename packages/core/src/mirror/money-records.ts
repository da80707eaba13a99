// Stripe invoices, charges, refunds and disputes → mirror rows.

import type Stripe from 'stripe';
import { fromUnix } from '../clock.js';
import type {
  CreditRecord,
  DisputeRecord,
  InvoiceRecord,
  InvoiceStatus,
  PaymentRecord,
  RefundRecord,
} from '../store/records.js';
import { idOf } from './stripe-to-records.js';

export function invoiceRecordFrom(
  invoice: Stripe.Invoice,
  userId: string | null,
  watermark: number,
): InvoiceRecord {
  const tax = (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
  return {
    stripeInvoiceId: invoice.id,
    stripeCustomerId: idOf(invoice.customer as string | null) ?? '',
    userId,
    stripeSubscriptionId: idOf(
      invoice.parent?.subscription_details?.subscription as string | null | undefined,
    ),
    number: invoice.number,
    status: (invoice.status ?? 'draft') as InvoiceStatus,
    billingReason: invoice.billing_reason,
    currency: invoice.currency,
    subtotal: invoice.subtotal,
    tax,
    total: invoice.total,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    amountRemaining: invoice.amount_remaining,
    attemptCount: invoice.attempt_count,
    nextPaymentAttempt: invoice.next_payment_attempt ? fromUnix(invoice.next_payment_attempt) : null,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    invoicePdf: invoice.invoice_pdf ?? null,
    periodStart: fromUnix(invoice.period_start),
    periodEnd: fromUnix(invoice.period_end),
    lines: invoice.lines.data.map((line) => ({
      stripeLineId: line.id,
      description: line.description,
      amount: line.amount,
      quantity: line.quantity,
      proration: Boolean(
        line.parent?.subscription_item_details?.proration ?? line.parent?.invoice_item_details?.proration,
      ),
      tax: (line.taxes ?? []).reduce((sum, t) => sum + t.amount, 0),
      stripePriceId: idOf(line.pricing?.price_details?.price as string | null | undefined),
      periodStart: fromUnix(line.period.start),
      periodEnd: fromUnix(line.period.end),
    })),
    createdAt: fromUnix(invoice.created),
    finalizedAt: invoice.status_transitions.finalized_at
      ? fromUnix(invoice.status_transitions.finalized_at)
      : null,
    paidAt: invoice.status_transitions.paid_at ? fromUnix(invoice.status_transitions.paid_at) : null,
    voidedAt: invoice.status_transitions.voided_at ? fromUnix(invoice.status_transitions.voided_at) : null,
    watermark,
  };
}

export function paymentRecordFrom(
  charge: Stripe.Charge,
  userId: string | null,
  invoiceId: string | null,
  watermark: number,
): PaymentRecord {
  const txn = typeof charge.balance_transaction === 'object' ? charge.balance_transaction : null;
  return {
    stripeChargeId: charge.id,
    stripePaymentIntentId: idOf(charge.payment_intent as string | null),
    stripeCustomerId: idOf(charge.customer as string | null),
    userId,
    stripeInvoiceId: invoiceId,
    status: charge.status as PaymentRecord['status'],
    amount: charge.amount,
    currency: charge.currency,
    fee: txn?.fee ?? null,
    net: txn?.net ?? null,
    amountRefunded: charge.amount_refunded,
    refunded: charge.refunded,
    disputed: charge.disputed,
    failureCode: charge.failure_code,
    failureMessage: charge.failure_message,
    brand: charge.payment_method_details?.card?.brand ?? null,
    last4: charge.payment_method_details?.card?.last4 ?? null,
    createdAt: fromUnix(charge.created),
    watermark,
  };
}

export function refundRecordFrom(
  refund: Stripe.Refund,
  userId: string | null,
  watermark: number,
): RefundRecord {
  // Billkit's own refunds carry these in metadata; a refund made outside Billkit has none of them.
  const metadata = refund.metadata ?? {};
  const tax = metadata.billkit_tax;
  return {
    stripeRefundId: refund.id,
    stripeChargeId: idOf(refund.charge as string | null),
    stripeInvoiceId: metadata.billkit_invoice ?? null,
    stripeCustomerId: idOf(refund.customer as string | null),
    userId,
    amount: refund.amount,
    currency: refund.currency,
    tax: tax !== undefined && /^\d+$/.test(tax) ? Number(tax) : 0,
    status: refund.status ?? 'pending',
    reason: refund.reason,
    actor: metadata.billkit_actor ?? null,
    note: metadata.billkit_note ?? null,
    createdAt: fromUnix(refund.created),
    watermark,
  };
}

export function disputeRecordFrom(
  dispute: Stripe.Dispute,
  userId: string | null,
  watermark: number,
): DisputeRecord {
  return {
    stripeDisputeId: dispute.id,
    stripeChargeId: idOf(dispute.charge as string)!,
    userId,
    amount: dispute.amount,
    currency: dispute.currency,
    status: dispute.status,
    reason: dispute.reason,
    evidenceDueBy: dispute.evidence_details?.due_by ? fromUnix(dispute.evidence_details.due_by) : null,
    evidenceSubmissionCount: dispute.evidence_details?.submission_count ?? 0,
    // Set by the engine when it first sees the dispute won or lost.
    closedAt: null,
    createdAt: fromUnix(dispute.created),
    watermark,
  };
}

export function creditRecordFrom(
  txn: Stripe.CustomerBalanceTransaction,
  userId: string | null,
  watermark: number,
): CreditRecord {
  return {
    stripeBalanceTransactionId: txn.id,
    stripeCustomerId: idOf(txn.customer as string)!,
    userId,
    amount: txn.amount,
    currency: txn.currency,
    type: txn.type,
    description: txn.description,
    stripeInvoiceId: idOf(txn.invoice as string | null),
    endingBalance: txn.ending_balance,
    createdAt: fromUnix(txn.created),
    watermark,
  };
}
