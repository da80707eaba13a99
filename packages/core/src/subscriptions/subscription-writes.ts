// Writing a Stripe subscription into the mirror, with its audit entry, in one transaction.

import type Stripe from 'stripe';
import { recordMrrChange } from '../analytics/mrr.js';
import { recordAudit } from '../audit/audit.js';
import { toUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { subscriptionRecordFrom } from '../mirror/stripe-to-records.js';
import type { StoreSession } from '../store/billing-store.js';
import type { SubscriptionRecord } from '../store/records.js';

export const LIVE_STATUSES: ReadonlySet<SubscriptionRecord['status']> = new Set([
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'incomplete',
  'paused',
]);

/** Stripe's cancellation comment on a signup whose first payment was declined: it never started. */
export const ABANDONED_AT_SIGNUP = 'billkit: first payment declined at signup';

/** A subscription that never started (its first payment was declined): not shown, not mailed about. */
export function neverStarted(subscription: SubscriptionRecord): boolean {
  return subscription.cancellationReason === ABANDONED_AT_SIGNUP;
}

/** The user's subscriptions that started, newest first. */
export async function subscriptionsOf(ctx: BillingContext, userId: string): Promise<SubscriptionRecord[]> {
  return (await ctx.store.subscriptions.listByUserId(userId)).filter((s) => !neverStarted(s));
}

/** The user's subscription that is still going (newest first), if any. */
export async function liveSubscription(
  ctx: BillingContext,
  userId: string,
): Promise<SubscriptionRecord | null> {
  const all = await ctx.store.subscriptions.listByUserId(userId);
  return all.find((s) => LIVE_STATUSES.has(s.status)) ?? null;
}

export async function writeSubscription(
  ctx: BillingContext,
  subscription: Stripe.Subscription,
  userId: string,
  audit: { action: string; actor?: string; data?: Record<string, unknown> },
  overrides: Partial<SubscriptionRecord> = {},
  /** The time of the Stripe state being written (an event's `created`). @default the clock's now */
  stateAt?: Date,
  /** More writes in the same transaction once the row is written (notifications, ...). */
  alsoWrite?: (
    session: StoreSession,
    record: SubscriptionRecord,
    previous: SubscriptionRecord | null,
  ) => Promise<unknown>,
  /**
   * Whether the MRR ledger learns from this write: true when `subscription` is the state at
   * `stateAt`; false when it was read later and may hold changes made since (those are recorded
   * by the events that report them, at their times).
   */
  dated = true,
): Promise<SubscriptionRecord> {
  const now = stateAt ?? ctx.clock.now();
  const written = await ctx.store.transaction(async (session) => {
    const existing = await session.subscriptions.findByStripeId(subscription.id);
    const record = {
      ...subscriptionRecordFrom(subscription, userId, ctx.catalog, toUnix(now), existing, now),
      ...overrides,
    };
    if ((await session.subscriptions.upsert(record)) === 'stale') return existing ?? record;
    if (dated) await recordMrrChange(session, subscription, record, now);
    await recordAudit(session, ctx.clock, {
      action: audit.action,
      ...(audit.actor ? { actor: audit.actor } : {}),
      subjectType: 'subscription',
      subjectId: subscription.id,
      userId,
      data: {
        status: record.status,
        planId: record.planId,
        ...(audit.data ?? {}),
        // What a reader of the log needs to see what changed (ids and terms, never card data).
        before: existing === null ? null : auditedState(existing),
        after: auditedState(record),
      },
    });
    if (alsoWrite) await alsoWrite(session, record, existing);
    return record;
  });
  await ctx.afterCommit();
  return written;
}

/** The fields of a subscription the audit log keeps before and after each write. */
const AUDITED_FIELDS = [
  'status',
  'planId',
  'stripePriceId',
  'quantity',
  'currentPeriodEnd',
  'cancelAtPeriodEnd',
  'cancelAt',
  'trialEnd',
  'pausedCollection',
  'latestInvoiceId',
] as const satisfies ReadonlyArray<keyof SubscriptionRecord>;

function auditedState(record: SubscriptionRecord): Record<string, unknown> {
  return Object.fromEntries(AUDITED_FIELDS.map((field) => [field, record[field] ?? null]));
}

/** The catalog name of a Stripe subscription's plan, for emails ("your plan" when unknown). */
export function planNameOf(ctx: BillingContext, subscription: Stripe.Subscription): string {
  const price = subscription.items.data[0]?.price;
  const known = price?.lookup_key ? ctx.catalog.fromLookupKey(price.lookup_key) : undefined;
  return known?.plan.name ?? price?.nickname ?? 'your plan';
}
