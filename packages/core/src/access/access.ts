// Is this user allowed in right now, and why? Read from the mirror only: this sits on every
// request of the host, so it makes no Stripe call.

import { z } from 'zod';
import type { BillingContext } from '../context.js';
import { parseInput } from '../errors/parse-input.js';
import type { SubscriptionRecord } from '../store/records.js';
import { liveSubscription, subscriptionsOf } from '../subscriptions/subscription-writes.js';

export type AccessReason =
  | 'trialing'
  | 'active'
  | 'canceling'
  | 'grace_period'
  | 'grace_expired'
  | 'payment_incomplete'
  | 'paused'
  | 'canceled'
  | 'unpaid'
  | 'expired'
  | 'no_subscription';

export interface AccessDecision {
  allowed: boolean;
  status: SubscriptionRecord['status'] | 'none';
  reason: AccessReason;
  /** The plan the user may use now (the old one until a scheduled downgrade takes effect). */
  planId: string | null;
  /** Access lasts at least until then (end of trial or period), when allowed. */
  until?: Date;
  /**
   * For past_due (and unpaid with an operator's extension): access ends then unless the payment
   * is recovered.
   */
  graceUntil?: Date;
}

const DAY_MS = 86_400_000;
/** Built once: `check` sits on every request, and a zod schema is not free to build. */
const userIdInput = z.string().min(1);

export function accessApi(ctx: BillingContext) {
  return {
    /** Whether the user may use the product now, from the local mirror. */
    async check(userId: string): Promise<AccessDecision> {
      const id = parseInput(userIdInput, userId, 'access.check');
      const subscription = (await liveSubscription(ctx, id)) ?? (await subscriptionsOf(ctx, id))[0] ?? null;
      return decideAccess(subscription, ctx.clock.now(), ctx.policies.grace.days);
    },
  };
}

/** The access rules, as a pure function of the mirrored subscription and the time. */
export function decideAccess(
  subscription: SubscriptionRecord | null,
  now: Date,
  graceDays: number,
): AccessDecision {
  if (!subscription) return { allowed: false, status: 'none', reason: 'no_subscription', planId: null };
  const planId =
    subscription.scheduledDowngrade && now < subscription.scheduledDowngrade.until
      ? subscription.scheduledDowngrade.fromPlanId
      : subscription.planId;
  const base = { status: subscription.status, planId };
  switch (subscription.status) {
    case 'trialing':
      return {
        ...base,
        allowed: true,
        reason: 'trialing',
        ...(subscription.trialEnd ? { until: subscription.trialEnd } : {}),
      };
    case 'active':
      return {
        ...base,
        allowed: true,
        reason: subscription.cancelAtPeriodEnd || subscription.cancelAt ? 'canceling' : 'active',
        until: subscription.cancelAt ?? subscription.currentPeriodEnd,
      };
    case 'past_due': {
      const graceUntil = graceEnd(subscription, now, graceDays)!;
      const inGrace = now < graceUntil;
      return { ...base, allowed: inGrace, reason: inGrace ? 'grace_period' : 'grace_expired', graceUntil };
    }
    case 'unpaid': {
      // Dunning is over: only an operator's extension (`subscriptions.extendGrace`) lets them in.
      const graceUntil = graceEnd(subscription, now, graceDays);
      if (graceUntil && now < graceUntil) {
        return { ...base, allowed: true, reason: 'grace_period', graceUntil };
      }
      return { ...base, allowed: false, reason: 'unpaid', ...(graceUntil ? { graceUntil } : {}) };
    }
    case 'incomplete':
      return { ...base, allowed: false, reason: 'payment_incomplete' };
    case 'paused':
      return { ...base, allowed: false, reason: 'paused' };
    case 'incomplete_expired':
      return { ...base, allowed: false, reason: 'expired' };
    default:
      return { ...base, allowed: false, reason: 'canceled' };
  }
}

/**
 * When a subscription's grace ends: while past_due, the later of the policy's grace (from the
 * first failed payment) and an operator's extension; while unpaid, the extension alone (the
 * policy's grace has run out by then). Null when it has none.
 */
export function graceEnd(subscription: SubscriptionRecord, now: Date, graceDays: number): Date | null {
  const extended = subscription.graceExtendedUntil ?? null;
  if (subscription.status === 'unpaid') return extended;
  if (subscription.status !== 'past_due') return null;
  const since = subscription.pastDueSince ?? now;
  const policyEnd = new Date(since.getTime() + graceDays * DAY_MS);
  return extended && extended > policyEnd ? extended : policyEnd;
}
