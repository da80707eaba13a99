// Retention offers: what a customer about to cancel is offered instead (a discount for a few
// months, a pause, a cheaper plan), from `policies.retention.offers`. Accepting one applies it in
// Stripe, undoes a scheduled cancellation, and records the outcome with the customer's reason.

import type Stripe from 'stripe';
import { z } from 'zod';
import { toUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { userIdSchema } from '../customers/customers.js';
import { BillingError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import { type Money, money, monthlyEquivalent } from '../money.js';
import type { Policies } from '../policies/policies.js';
import type { SubscriptionRecord } from '../store/records.js';
import { idempotencyKey } from '../stripe-gateway/stripe-gateway.js';
import { liveSubscription, writeSubscription } from './subscription-writes.js';
import { cancellationFeedbackSchema } from './subscriptions.js';

type OfferDefinition = Policies['retention']['offers'][number];

export interface RetentionOffer {
  id: string;
  kind: 'discount' | 'pause' | 'downgrade';
  title: string;
  description: string;
  percentOff?: number;
  durationMonths?: number;
  months?: number;
  plan?: { id: string; name: string; interval: SubscriptionRecord['interval']; amount: Money };
}

export interface AcceptedOffer {
  offer: RetentionOffer;
  subscription: SubscriptionRecord;
}

const RETENTION_KEY = 'billkit_retention';
const acceptSchema = z.object({
  userId: userIdSchema,
  offerId: z.string().min(1).max(60),
  feedback: cancellationFeedbackSchema.optional(),
  reason: z.string().trim().max(500).optional(),
});

export function retentionApi(ctx: BillingContext) {
  async function applicable(
    userId: string,
  ): Promise<{ subscription: SubscriptionRecord; stripeSub: Stripe.Subscription; offers: RetentionOffer[] }> {
    const subscription = await liveSubscription(ctx, userId);
    if (!subscription || !['active', 'trialing', 'past_due'].includes(subscription.status)) {
      throw new BillingError('subscription_not_found', `User ${userId} has no subscription to keep.`);
    }
    const stripeSub = await ctx.gateway.call('subscriptions.retrieve', (stripe) =>
      stripe.subscriptions.retrieve(subscription.stripeSubscriptionId),
    );
    const used = new Set((stripeSub.metadata?.[RETENTION_KEY] ?? '').split(',').filter(Boolean));
    // One offer per subscription: offers keep a customer who was leaving, they do not stack.
    if (used.size > 0) return { subscription, stripeSub, offers: [] };
    const offers: RetentionOffer[] = [];
    for (const definition of ctx.policies.retention.offers) {
      const offer = describe(ctx, definition, subscription, used, stripeSub);
      if (offer) offers.push(offer);
    }
    return { subscription, stripeSub, offers };
  }

  return {
    /** The offers that fit the user's subscription now, in the policy's order. */
    async offers(userId: string): Promise<RetentionOffer[]> {
      const id = parseInput(userIdSchema, userId, 'retention.offers');
      return (await applicable(id)).offers;
    },

    /**
     * Applies an offer instead of cancelling: a discount (a Stripe coupon on the subscription), a
     * pause (collection paused, resuming by itself), or a downgrade (the cheaper plan at period
     * end). A scheduled cancellation is undone. The reason and the offer are audited.
     */
    async accept(input: z.input<typeof acceptSchema>): Promise<AcceptedOffer> {
      const args = parseInput(acceptSchema, input, 'retention.accept');
      const { subscription, stripeSub, offers } = await applicable(args.userId);
      const offer = offers.find((o) => o.id === args.offerId);
      if (!offer) {
        throw new BillingError(
          'offer_not_found',
          `Offer ${args.offerId} is not available to user ${args.userId}.`,
        );
      }
      const definition = ctx.policies.retention.offers.find((o) => o.id === offer.id)!;
      const updated = await apply(ctx, definition, subscription, stripeSub);
      const record = await writeSubscription(
        ctx,
        updated,
        args.userId,
        {
          action: 'retention.offer_accepted',
          actor: `user:${args.userId}`,
          data: {
            offerId: offer.id,
            kind: offer.kind,
            feedback: args.feedback ?? null,
            reason: args.reason ?? null,
          },
        },
        definition.kind === 'downgrade'
          ? {
              scheduledDowngrade: {
                fromPlanId: subscription.scheduledDowngrade?.fromPlanId ?? subscription.planId,
                until: subscription.currentPeriodEnd,
              },
            }
          : {},
      );
      return { offer, subscription: record };
    },
  };
}

function describe(
  ctx: BillingContext,
  definition: OfferDefinition,
  subscription: SubscriptionRecord,
  used: Set<string>,
  stripeSub: Stripe.Subscription,
): RetentionOffer | null {
  if (definition.kind === 'discount') {
    if (used.has(definition.id) || (stripeSub.discounts ?? []).length > 0) return null;
    return {
      id: definition.id,
      kind: 'discount',
      title: `${definition.percentOff}% off for ${plural(definition.durationMonths, 'month')}`,
      description: `Stay and pay ${100 - definition.percentOff}% of your price for the next ${plural(definition.durationMonths, 'month')}.`,
      percentOff: definition.percentOff,
      durationMonths: definition.durationMonths,
    };
  }
  if (definition.kind === 'pause') {
    if (subscription.status !== 'active' || subscription.pausedCollection || used.has(definition.id))
      return null;
    return {
      id: definition.id,
      kind: 'pause',
      title: `Pause for ${plural(definition.months, 'month')}`,
      description: `Take a break: no charges for ${plural(definition.months, 'month')}, then your plan carries on.`,
      months: definition.months,
    };
  }
  const plan = ctx.catalog.findPlan(definition.plan);
  const price = plan ? (ctx.catalog.findPrice(plan.id, subscription.interval) ?? plan.prices[0]) : undefined;
  if (!plan || !price || plan.id === subscription.planId) return null;
  const cheaper =
    monthlyEquivalent(price.amount, price.interval, price.intervalCount) <
    monthlyEquivalent(subscription.amount, subscription.interval);
  if (!cheaper) return null;
  return {
    id: definition.id,
    kind: 'downgrade',
    title: `Switch to ${plan.name}`,
    description: `Keep going on ${plan.name} from your next billing date.`,
    plan: {
      id: plan.id,
      name: plan.name,
      interval: price.interval,
      amount: money(price.amount, ctx.catalog.currency),
    },
  };
}

async function apply(
  ctx: BillingContext,
  definition: OfferDefinition,
  subscription: SubscriptionRecord,
  /** As `applicable` just read it from Stripe. */
  stripeSub: Stripe.Subscription,
): Promise<Stripe.Subscription> {
  const id = subscription.stripeSubscriptionId;
  const used = [
    ...new Set([...(stripeSub.metadata?.[RETENTION_KEY] ?? '').split(',').filter(Boolean), definition.id]),
  ];
  const base: Stripe.SubscriptionUpdateParams = {
    cancel_at_period_end: false,
    metadata: { [RETENTION_KEY]: used.join(',') },
    expand: ['latest_invoice'],
  };
  const key = (what: string) => idempotencyKey('retention', id, subscription.version, definition.id, what);
  if (definition.kind === 'discount') {
    const coupon = await ensureCoupon(ctx, definition);
    return ctx.gateway.call('subscriptions.update', (stripe) =>
      stripe.subscriptions.update(id, { ...base, discounts: [{ coupon }] }, { idempotencyKey: key('apply') }),
    );
  }
  if (definition.kind === 'pause') {
    // The next `months` renewals are not charged (voided); the one after is, as usual.
    const resumesAt = new Date(subscription.currentPeriodEnd);
    resumesAt.setUTCMonth(resumesAt.getUTCMonth() + definition.months);
    resumesAt.setUTCHours(resumesAt.getUTCHours() - 1);
    return ctx.gateway.call('subscriptions.update', (stripe) =>
      stripe.subscriptions.update(
        id,
        { ...base, pause_collection: { behavior: 'void', resumes_at: toUnix(resumesAt) } },
        { idempotencyKey: key('apply') },
      ),
    );
  }
  // A downgrade: undo the cancellation, then change plan with the host's downgrade policy.
  await ctx.gateway.call('subscriptions.update', (stripe) =>
    stripe.subscriptions.update(id, base, { idempotencyKey: key('keep') }),
  );
  const plan = ctx.catalog.findPlan(definition.plan)!;
  const price = ctx.catalog.findPrice(plan.id, subscription.interval) ?? plan.prices[0]!;
  const lookupKey = ctx.catalog.lookupKey(plan.id, price);
  const target = await ctx.prices.byLookupKey(lookupKey);
  const itemId = stripeSub.items.data[0]!.id;
  return ctx.gateway.call('subscriptions.update', (stripe) =>
    stripe.subscriptions.update(
      id,
      { items: [{ id: itemId, price: target.id }], proration_behavior: 'none', expand: ['latest_invoice'] },
      { idempotencyKey: key('downgrade') },
    ),
  );
}

/** One Stripe coupon per offer definition, found again by its id. */
async function ensureCoupon(
  ctx: BillingContext,
  definition: Extract<OfferDefinition, { kind: 'discount' }>,
): Promise<string> {
  const couponId = `billkit_${definition.id}`;
  try {
    await ctx.gateway.call('coupons.retrieve', (stripe) => stripe.coupons.retrieve(couponId));
    return couponId;
  } catch (error) {
    if ((error as { cause?: { statusCode?: number } }).cause?.statusCode !== 404) throw error;
  }
  await ctx.gateway.call('coupons.create', (stripe) =>
    stripe.coupons.create(
      {
        id: couponId,
        percent_off: definition.percentOff,
        duration: 'repeating',
        duration_in_months: definition.durationMonths,
        name: `${definition.percentOff}% off for ${plural(definition.durationMonths, 'month')}`,
      },
      { idempotencyKey: idempotencyKey('coupon', couponId) },
    ),
  );
  return couponId;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
