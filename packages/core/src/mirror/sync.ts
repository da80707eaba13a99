// Pulls a user's Stripe state into the mirror (the repair path; webhooks are the usual path).

import type Stripe from 'stripe';
import { z } from 'zod';
import { currentRequestId, withRequestContext } from '../audit/request-context.js';
import type { BillingContext } from '../context.js';
import { perKeyQueue } from '../customers/customers.js';
import { BillingError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import type { SubscriptionRecord } from '../store/records.js';
import { writeSubscription } from '../subscriptions/subscription-writes.js';
import { type ApplyResult, applyEvent } from './apply-event.js';
import { subscriptionRecordFrom } from './stripe-to-records.js';

export function syncApi(ctx: BillingContext) {
  // Deliveries of events about one object, applied at once, would each read the object from
  // Stripe and write it with the same watermark (events within one second): the one that read
  // first could write last. One at a time per object, the later read writes later.
  const oneObjectAtATime = perKeyQueue();
  return {
    /**
     * Applies a verified Stripe event to the mirror: the object is read again from Stripe, events
     * older than the mirrored row are skipped, notifications go out once per state change.
     * `@billkit/webhooks` calls this after recording the event in the inbox.
     */
    async applyEvent(event: Stripe.Event): Promise<ApplyResult> {
      const objectId = (event.data?.object as { id?: unknown } | undefined)?.id;
      const apply = () =>
        oneObjectAtATime(typeof objectId === 'string' ? objectId : event.id, async () => {
          const result = await applyEvent(ctx, event);
          await ctx.afterCommit();
          return result;
        });
      // Outside a request (a queue worker, a replay), the event's id is the request's.
      return currentRequestId() === undefined ? withRequestContext({ requestId: event.id }, apply) : apply();
    },

    /** Re-reads the user's subscriptions from Stripe and writes what changed into the mirror. */
    async refresh(userId: string): Promise<SubscriptionRecord[]> {
      const id = parseInput(z.string().min(1), userId, 'sync.refresh');
      const customer = await ctx.store.customers.findByUserId(id);
      if (!customer) throw new BillingError('customer_not_found', `No billing customer for user ${id}.`);
      const list = await ctx.gateway.call('subscriptions.list', (stripe) =>
        stripe.subscriptions.list({
          customer: customer.stripeCustomerId,
          status: 'all',
          limit: 100,
          expand: ['data.latest_invoice'],
        }),
      );
      const records: SubscriptionRecord[] = [];
      for (const subscription of list.data.reverse()) {
        const existing = await ctx.store.subscriptions.findByStripeId(subscription.id);
        const candidate = subscriptionRecordFrom(subscription, id, ctx.catalog, 0, existing, ctx.clock.now());
        if (existing && sameState(existing, candidate)) {
          records.push(existing);
          continue;
        }
        records.push(
          await writeSubscription(ctx, subscription, id, {
            action: 'subscription.refreshed',
            actor: 'stripe',
          }),
        );
      }
      return records;
    },
  };
}

/** The fields of a subscription a user of the mirror reads: what refresh and reconcile compare. */
export const SUBSCRIPTION_STATE_FIELDS: ReadonlyArray<keyof SubscriptionRecord> = [
  'status',
  'stripePriceId',
  'quantity',
  'currentPeriodStart',
  'currentPeriodEnd',
  'cancelAtPeriodEnd',
  'cancelAt',
  'canceledAt',
  'endedAt',
  'trialEnd',
  'pausedCollection',
  'latestInvoiceId',
];

/** Nothing a user of the mirror reads has changed. */
function sameState(existing: SubscriptionRecord, candidate: SubscriptionRecord): boolean {
  return SUBSCRIPTION_STATE_FIELDS.every(
    (key) => JSON.stringify(existing[key]) === JSON.stringify(candidate[key]),
  );
}
