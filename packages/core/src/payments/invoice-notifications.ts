// What an invoice's state tells the customer: a receipt when it is paid, "payment recovered" when
// it is paid after failing, "payment failed" on each failed attempt (the last one says so), and
// "confirm your payment" when the bank asks for 3D Secure. Written into the outbox in the same
// transaction as the invoice, keyed so each is sent once however often the state is seen.

import type Stripe from 'stripe';
import type { BillingContext } from '../context.js';
import { idOf } from '../mirror/stripe-to-records.js';
import { queueNotification } from '../notifications/outbox.js';
import { hasReceipt, receiptData } from '../notifications/receipt.js';
import type { StoreSession } from '../store/billing-store.js';

export interface InvoiceOwner {
  userId: string;
  email: string | null;
}

/** The trigger: the Stripe event type, or what the engine just did. */
export type InvoiceTrigger =
  | 'invoice.paid'
  | 'invoice.payment_succeeded'
  | 'invoice.payment_failed'
  | 'invoice.payment_action_required'
  | (string & {});

const iso = (unix: number | null | undefined): string | null =>
  unix ? new Date(unix * 1000).toISOString() : null;

/**
 * What an invoice's current state tells the customer: its receipt once paid, and "payment
 * recovered" when it was paid after failing. Keyed by the invoice, so any event (or the engine's
 * own write) that sees the paid state queues them once.
 */
export async function queueInvoiceNotifications(
  ctx: BillingContext,
  session: StoreSession,
  invoice: Stripe.Invoice,
  owner: InvoiceOwner,
  trigger: InvoiceTrigger,
  /** The invoice as the event carried it (for failed tries): see `queueAttemptNotification`. */
  attempt: Stripe.Invoice = invoice,
): Promise<void> {
  await queueAttemptNotification(ctx, session, attempt, owner, trigger);
  if (!hasReceipt(invoice)) return;
  const base = { userId: owner.userId, email: owner.email };
  await queueNotification(ctx, session, {
    ...base,
    kind: 'receipt',
    key: `receipt:${invoice.id}`,
    data: receiptData(ctx, invoice),
  });
  if (invoice.attempt_count > 1) {
    await queueNotification(ctx, session, {
      ...base,
      kind: 'payment.recovered',
      key: `payment_recovered:${invoice.id}`,
      data: {
        invoiceId: invoice.id,
        number: invoice.number,
        amountPaid: invoice.amount_paid,
        currency: invoice.currency,
        portalUrl: ctx.urls.portal,
      },
    });
  }
}

/**
 * One failed try (or one request for 3D Secure), from the invoice as the event carried it: which
 * attempt it was and when the next one is. Each try is mailed once, whatever order events arrive
 * in and whatever the invoice's state is by the time its event is applied, so the emails a
 * customer gets do not depend on delivery order. A first invoice that fails is answered at the
 * checkout, not by email.
 */
export async function queueAttemptNotification(
  ctx: BillingContext,
  session: StoreSession,
  invoice: Stripe.Invoice,
  owner: InvoiceOwner,
  trigger: InvoiceTrigger,
): Promise<void> {
  if (invoice.billing_reason === 'subscription_create') return;
  const base = { userId: owner.userId, email: owner.email };
  const hosted = invoice.hosted_invoice_url ?? null;
  if (trigger === 'invoice.payment_failed') {
    const tries = await session.payments.listByInvoice(invoice.id);
    const last = tries.filter((p) => p.status === 'failed').at(-1);
    await queueNotification(ctx, session, {
      ...base,
      kind: 'payment.failed',
      key: `payment_failed:${invoice.id}:${invoice.attempt_count}`,
      data: {
        invoiceId: invoice.id,
        number: invoice.number,
        amountDue: invoice.amount_remaining,
        currency: invoice.currency,
        attempt: invoice.attempt_count,
        nextAttemptAt: iso(invoice.next_payment_attempt),
        failureMessage: last?.failureMessage ?? null,
        fixUrl: ctx.urls.portal ?? hosted,
        final: isFinalAttempt(invoice),
      },
    });
  } else if (trigger === 'invoice.payment_action_required') {
    await queueNotification(ctx, session, {
      ...base,
      kind: 'payment.action_required',
      key: `payment_action_required:${invoice.id}:${invoice.attempt_count}`,
      data: {
        invoiceId: invoice.id,
        number: invoice.number,
        amountDue: invoice.amount_remaining,
        currency: invoice.currency,
        confirmUrl: ctx.urls.portal ?? hosted,
      },
    });
  }
}

/** A subscription invoice that failed with no automatic retry left. */
export function isFinalAttempt(invoice: Stripe.Invoice): boolean {
  const subscriptionId = idOf(
    invoice.parent?.subscription_details?.subscription as string | null | undefined,
  );
  return (
    invoice.status === 'open' &&
    invoice.collection_method === 'charge_automatically' &&
    invoice.next_payment_attempt === null &&
    subscriptionId !== null &&
    invoice.attempt_count > 0
  );
}
