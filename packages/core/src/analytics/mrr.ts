// Monthly recurring revenue: what one subscription brings in a month, GST excluded, and the ledger
// entry written when it changes. The ledger is appended in the transaction that writes the
// subscription, so the dashboards' MRR history never disagrees with the mirror.

import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import type { MrrMovementKind, MrrMovementRecord } from '../store/analytics.js';
import type { StoreSession } from '../store/billing-store.js';
import type { SubscriptionRecord } from '../store/records.js';
import { gstFromInclusive } from '../tax/gst.js';

/** Statuses that bring revenue: a past-due subscription counts until it churns. */
const PAYING: ReadonlySet<string> = new Set(['active', 'past_due']);

/** Months per interval, as a fraction numerator / denominator: a year is 1/12 of the price a month. */
const PER_MONTH: Record<string, { times: number; per: number }> = {
  day: { times: 365, per: 12 },
  week: { times: 52, per: 12 },
  month: { times: 1, per: 1 },
  year: { times: 1, per: 12 },
};

/** `numerator / denominator` to the nearest integer, halves up (non-negative numerators). */
function divideHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/**
 * A subscription's MRR in minor units, GST excluded: 0 unless it is active or past due; else its
 * price × quantity brought to a month (a year's price / 12, half up; `interval_count` divides it
 * further), less the GST inside it when its tax rate is inclusive. Discounts are not subtracted.
 */
export function subscriptionMrr(subscription: Stripe.Subscription): number {
  if (!PAYING.has(subscription.status)) return 0;
  let total = 0;
  for (const item of subscription.items.data) {
    const price = item.price;
    const recurring = price.recurring;
    if (!recurring || price.unit_amount === null) continue;
    const amount = price.unit_amount * (item.quantity ?? 1);
    const factor = PER_MONTH[recurring.interval] ?? PER_MONTH.month!;
    const gross = divideHalfUp(amount * factor.times, factor.per * (recurring.interval_count || 1));
    const rates = [...(item.tax_rates ?? []), ...(subscription.default_tax_rates ?? [])];
    const inclusive = rates.find((rate) => rate.inclusive);
    total += inclusive ? gross - gstFromInclusive(gross, Math.round(inclusive.percentage)) : gross;
  }
  return total;
}

let appended = 0;

/**
 * Entries at one instant list in the order they were appended (the ledger orders by time, then
 * id): the id starts with the wall clock and a counter, in hex so every collation sorts it alike.
 */
function ledgerId(): string {
  appended = (appended + 1) % 0x1_0000_0000;
  const time = Date.now().toString(16).padStart(12, '0');
  return `mrr_${time}${appended.toString(16).padStart(8, '0')}${randomBytes(4).toString('hex')}`;
}

/** How a customer's MRR moved from `before` to `after`, given whether they ever paid before. */
export function movementKind(before: number, after: number, everPaying: boolean): MrrMovementKind {
  if (after === 0) return 'churn';
  if (before === 0) return everPaying ? 'reactivation' : 'new';
  return after > before ? 'expansion' : 'contraction';
}

/**
 * Appends a ledger entry when the subscription's MRR differs from the ledger's last word on it.
 * Call inside the transaction that wrote `record`, with the Stripe state it was written from.
 */
export async function recordMrrChange(
  session: StoreSession,
  subscription: Stripe.Subscription,
  record: SubscriptionRecord,
  at: Date,
): Promise<MrrMovementRecord | null> {
  const currency = record.currency.toLowerCase();
  const mrr = subscriptionMrr(subscription);
  const state = await session.mrr.stateOf(record.userId, currency);
  const previous = state.bySubscription[record.stripeSubscriptionId] ?? 0;
  if (mrr === previous) return null;
  const customerBefore = Object.values(state.bySubscription).reduce((sum, value) => sum + value, 0);
  const customerMrr = customerBefore - previous + mrr;
  const entry: MrrMovementRecord = {
    id: ledgerId(),
    at,
    stripeSubscriptionId: record.stripeSubscriptionId,
    userId: record.userId,
    currency,
    mrr,
    delta: mrr - previous,
    kind: movementKind(customerBefore, customerMrr, state.everPaying),
    customerMrr,
    planId: record.planId,
  };
  await session.mrr.append(entry);
  return entry;
}
