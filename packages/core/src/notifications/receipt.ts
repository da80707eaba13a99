// The receipt of a paid invoice: what the customer is told they paid, read from Stripe's invoice.
// One builder for the receipt sent on payment and for an operator's resend, so both say the same.

import type Stripe from 'stripe';
import type { BillingContext } from '../context.js';
import type { CustomerNotificationData } from './kinds.js';

/** The receipt's data for a paid invoice. */
export function receiptData(
  ctx: BillingContext,
  invoice: Stripe.Invoice,
): CustomerNotificationData['receipt'] {
  const tax = (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
  const paidAt = invoice.status_transitions.paid_at;
  return {
    invoiceId: invoice.id,
    number: invoice.number,
    amountPaid: invoice.amount_paid,
    tax,
    taxLabel: ctx.tax.label,
    currency: invoice.currency,
    paidAt: paidAt ? new Date(paidAt * 1000).toISOString() : ctx.clock.now().toISOString(),
    lines: invoice.lines.data.map((line) => ({
      description: line.description ?? 'Subscription',
      amount: line.amount,
    })),
    portalUrl: ctx.urls.portal,
  };
}

/** Whether an invoice has a receipt: paid, and something was charged (a fully credited one has none). */
export function hasReceipt(invoice: Stripe.Invoice): boolean {
  return invoice.status === 'paid' && invoice.amount_paid > 0;
}
