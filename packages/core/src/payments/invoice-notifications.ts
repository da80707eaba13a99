// What an invoice's state tells the customer: a receipt when it is paid, "payment recovered" when
// it is paid after failing, "payment failed" on each failed attempt (the last one says so), and
// "confirm your payment" when the bank asks for 3D Secure. Written into the outbox in the same
// transaction as the invoice, keyed so each is sent once however often the state is seen.

import type Stripe from 'stripe';
import type { BillingContext } from '../context.js';
import { idOf } from '../mirror/stripe-to-records.js';
import { queueNotification } from '../notifications/outbox.js';
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

export async function queueInvoiceNotifications(
  ctx: BillingContext,
  session: StoreSession,
  invoice: Stripe.Invoice,
  owner: InvoiceOwner,
  trigger: InvoiceTrigger,
  /**
   * The invoice as the event carried it: which attempt failed and when the next one is. The
   * invoice read from Stripe since may already be several attempts further.
   */
  attempt: Pick<Stripe.Invoice, 'attempt_count' | 'next_payment_attempt'> = invoice,
): Promise<void> {
  const base = { userId: owner.userId, email: owner.email };
  const hosted = invoice.hosted_invoice_url ?? null;
  if (invoice.status === 'paid' && invoice.amount_paid > 0) {
    const tax = (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
    await queueNotification(ctx, session, {
      ...base,
      kind: 'receipt',
      key: `receipt:${invoice.id}`,
      data: {
        invoiceId: invoice.id,
        number: invoice.number,
        amountPaid: invoice.amount_paid,
        tax,
        taxLabel: ctx.tax.label,
        currency: invoice.currency,
        paidAt: iso(invoice.status_transitions.paid_at) ?? ctx.clock.now().toISOString(),
        lines: invoice.lines.data.map((line) => ({
          description: line.description ?? 'Subscription',
          amount: line.amount,
        })),
        portalUrl: ctx.urls.portal,
      },
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
    return;
  }
  // A first invoice that fails is answered at the checkout, not by email.
  if (invoice.status !== 'open' || invoice.billing_reason === 'subscription_create') return;
  if (trigger === 'invoice.payment_failed') {
    const failed = await session.payments.listByInvoice(invoice.id);
    const last = failed.filter((p) => p.status === 'failed').at(-1);
    await queueNotification(ctx, session, {
      ...base,
      kind: 'payment.failed',
      key: `payment_failed:${invoice.id}:${attempt.attempt_count}`,
      data: {
        invoiceId: invoice.id,
        number: invoice.number,
        amountDue: invoice.amount_remaining,
        currency: invoice.currency,
        attempt: attempt.attempt_count,
        nextAttemptAt: iso(attempt.next_payment_attempt),
        failureMessage: last?.failureMessage ?? null,
        fixUrl: ctx.urls.portal ?? hosted,
        final: isFinalAttempt({ ...invoice, ...pickAttempt(attempt) }),
      },
    });
  } else if (trigger === 'invoice.payment_action_required') {
    await queueNotification(ctx, session, {
      ...base,
      kind: 'payment.action_required',
      key: `payment_action_required:${invoice.id}:${attempt.attempt_count}`,
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

function pickAttempt(attempt: Pick<Stripe.Invoice, 'attempt_count' | 'next_payment_attempt'>) {
  return { attempt_count: attempt.attempt_count, next_payment_attempt: attempt.next_payment_attempt };
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
