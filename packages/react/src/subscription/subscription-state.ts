// Readings of a subscription the views share: is it live, is a cancellation scheduled, which
// badge tone its status gets.

import type { SubscriptionJson } from '@billkit/server/contract';
import type { BadgeTone } from '../ui/status-badge.js';

const LIVE = new Set<SubscriptionJson['status']>([
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'paused',
  'incomplete',
]);

/** Not ended: a plan change applies to it, rather than starting a new subscription. */
export function isLive(subscription: SubscriptionJson | null | undefined): subscription is SubscriptionJson {
  return subscription !== null && subscription !== undefined && LIVE.has(subscription.status);
}

/** Live and set to end (at period end or a set time). */
export function isCancelScheduled(subscription: SubscriptionJson): boolean {
  return isLive(subscription) && (subscription.cancelAtPeriodEnd || subscription.cancelAt !== null);
}

/** When a scheduled cancellation takes effect. */
export function cancelDate(subscription: SubscriptionJson): string {
  return subscription.cancelAt ?? subscription.currentPeriodEnd;
}

/** Can be cancelled now (the cancel flow is offered). */
export function isCancellable(
  subscription: SubscriptionJson | null | undefined,
): subscription is SubscriptionJson {
  return (
    isLive(subscription) &&
    ['trialing', 'active', 'past_due'].includes(subscription.status) &&
    !isCancelScheduled(subscription)
  );
}

export function isPastDue(
  subscription: SubscriptionJson | null | undefined,
): subscription is SubscriptionJson {
  return subscription?.status === 'past_due' || subscription?.status === 'unpaid';
}

export const subscriptionTone: Record<SubscriptionJson['status'], BadgeTone> = {
  trialing: 'info',
  active: 'success',
  past_due: 'warning',
  unpaid: 'danger',
  incomplete: 'warning',
  incomplete_expired: 'neutral',
  canceled: 'neutral',
  paused: 'neutral',
};
