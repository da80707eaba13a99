// One customer's history as a single list, newest first: subscription starts and ends, MRR changes,
// invoices, payments, refunds, disputes, credits, emails and the audit trail, each a sentence from
// the admin messages.

import type { BadgeTone } from '../../ui/status-badge.js';
import type { AdminFormatters } from '../format/admin-format.js';
import type { AdminMessages } from '../messages/admin-messages.js';
import type { CustomerDetailJson } from '../wire.js';

export type TimelineKind =
  | 'subscription'
  | 'invoice'
  | 'payment'
  | 'refund'
  | 'dispute'
  | 'credit'
  | 'email'
  | 'audit';

export interface TimelineEntry {
  /** Unique in the list: the kind and the record's id. */
  id: string;
  /** ISO time. */
  at: string;
  kind: TimelineKind;
  text: string;
  tone: BadgeTone;
}

/** Where a kind sorts among entries at the same instant: what caused something comes after it. */
const SAME_TIME_ORDER: Record<TimelineKind, number> = {
  audit: 0,
  email: 1,
  refund: 2,
  dispute: 3,
  credit: 4,
  payment: 5,
  invoice: 6,
  subscription: 7,
};

/** Every event of the customer's records, newest first; plans by their catalog name when `plans` has it. */
export function buildTimeline(
  detail: CustomerDetailJson,
  messages: AdminMessages,
  format: AdminFormatters,
  plans: ReadonlyArray<{ id: string; name: string }> | null = null,
): TimelineEntry[] {
  const t = messages.timeline;
  const planName = (id: string | null) =>
    id === null ? t.unknownPlan : (plans?.find((plan) => plan.id === id)?.name ?? id);
  const money = (amount: number, currency: string) => format.money(amount, currency);
  const entries: TimelineEntry[] = [];
  const add = (entry: TimelineEntry) => entries.push(entry);

  for (const subscription of detail.subscriptions) {
    const plan = planName(subscription.planId);
    add({
      id: `subscription-start:${subscription.stripeSubscriptionId}`,
      at: subscription.createdAt,
      kind: 'subscription',
      text:
        subscription.trialEnd && subscription.trialStart
          ? t.subscriptionTrial(plan, format.shortDate(subscription.trialEnd))
          : t.subscriptionStarted(plan),
      tone: 'info',
    });
    if (subscription.canceledAt) {
      add({
        id: `subscription-cancel:${subscription.stripeSubscriptionId}`,
        at: subscription.canceledAt,
        kind: 'subscription',
        text: t.subscriptionCanceled(subscription.cancellationReason),
        tone: 'warning',
      });
    }
    if (subscription.endedAt && subscription.endedAt !== subscription.canceledAt) {
      add({
        id: `subscription-end:${subscription.stripeSubscriptionId}`,
        at: subscription.endedAt,
        kind: 'subscription',
        text: t.subscriptionEnded,
        tone: 'neutral',
      });
    }
  }

  for (const movement of detail.mrrHistory) {
    add({
      id: `mrr:${movement.id}`,
      at: movement.at,
      kind: 'subscription',
      text: t.mrr[movement.kind](
        money(Math.abs(movement.delta), movement.currency),
        planName(movement.planId),
      ),
      tone: movement.delta >= 0 ? 'success' : 'warning',
    });
  }

  for (const invoice of detail.invoices) {
    add({
      id: `invoice:${invoice.stripeInvoiceId}`,
      at: invoice.createdAt,
      kind: 'invoice',
      text: t.invoice(
        invoice.number ?? messages.detail.draftNumber,
        money(invoice.total, invoice.currency),
        messages.status.invoice[invoice.status],
      ),
      tone: invoice.status === 'paid' ? 'success' : invoice.status === 'open' ? 'warning' : 'neutral',
    });
  }

  for (const payment of detail.payments) {
    const amount = money(payment.amount, payment.currency);
    const card =
      payment.brand && payment.last4 ? messages.detail.card(capitalize(payment.brand), payment.last4) : null;
    add({
      id: `payment:${payment.stripeChargeId}`,
      at: payment.createdAt,
      kind: 'payment',
      text:
        payment.status === 'succeeded'
          ? t.paymentSucceeded(amount, card)
          : payment.status === 'failed'
            ? t.paymentFailed(amount, payment.failureMessage ?? payment.failureCode)
            : t.paymentPending(amount),
      tone: payment.status === 'succeeded' ? 'success' : payment.status === 'failed' ? 'danger' : 'info',
    });
  }

  for (const refund of detail.refunds) {
    add({
      id: `refund:${refund.stripeRefundId}`,
      at: refund.createdAt,
      kind: 'refund',
      text: t.refund(money(refund.amount, refund.currency), refund.reason, refund.note),
      tone: 'warning',
    });
  }

  for (const dispute of detail.disputes) {
    add({
      id: `dispute-open:${dispute.stripeDisputeId}`,
      at: dispute.createdAt,
      kind: 'dispute',
      text: t.disputeOpened(money(dispute.amount, dispute.currency), dispute.reason),
      tone: 'danger',
    });
    if (dispute.closedAt) {
      add({
        id: `dispute-close:${dispute.stripeDisputeId}`,
        at: dispute.closedAt,
        kind: 'dispute',
        text: t.disputeClosed(
          messages.status.dispute[dispute.status] ?? messages.status.disputeFallback(dispute.status),
        ),
        tone: dispute.status === 'won' ? 'success' : 'neutral',
      });
    }
  }

  for (const credit of detail.credits) {
    // Stripe's sign: negative is credit to the customer.
    const amount = money(Math.abs(credit.amount), credit.currency);
    add({
      id: `credit:${credit.stripeBalanceTransactionId}`,
      at: credit.createdAt,
      kind: 'credit',
      text: credit.amount < 0 ? t.credit(amount, credit.description) : t.debit(amount, credit.description),
      tone: 'info',
    });
  }

  for (const email of detail.emails) {
    add({
      id: `email:${email.id}`,
      at: email.sentAt ?? email.createdAt,
      kind: 'email',
      text: t.email(email.kind, t.emailStatus[email.status] ?? email.status),
      tone: email.status === 'failed' ? 'danger' : 'neutral',
    });
  }

  for (const entry of detail.audit) {
    add({
      id: `audit:${entry.id}`,
      at: entry.at,
      kind: 'audit',
      text: t.audit(entry.action, entry.actor),
      tone: 'neutral',
    });
  }

  return entries.sort(
    (a, b) =>
      Date.parse(b.at) - Date.parse(a.at) ||
      SAME_TIME_ORDER[a.kind] - SAME_TIME_ORDER[b.kind] ||
      a.id.localeCompare(b.id),
  );
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
