// The plan and subscription routes: plans, access, the current subscription with its next charge,
// start, preview and change plan, cancel (with the offers turned down), resume, retention offers.

import { BillingError, InvalidInputError, type SubscriptionRecord } from '@billkit/core';
import {
  acceptOfferRequestSchema,
  cancelRequestSchema,
  changePlanRequestSchema,
  portalRoutes,
  startSubscriptionRequestSchema,
} from '../contract/index.js';
import { json } from '../http/responses.js';
import type { PortalDeps, PortalRoute } from './portal-context.js';
import {
  accessJson,
  changePreviewJson,
  nextChargeJson,
  planJson,
  retentionOfferJson,
  subscriptionJson,
} from './records-to-json.js';

export function subscriptionRoutes({ billing }: PortalDeps): PortalRoute[] {
  const planNameOf = (planId: string | null) =>
    billing.catalog.plans().find((plan) => plan.id === planId)?.name ?? null;

  /** The subscription as the contract has it; the grace deadline comes from the access rules. */
  async function subscriptionBody(userId: string, subscription: SubscriptionRecord) {
    const access = await billing.access.check(userId);
    return subscriptionJson(subscription, {
      planName: planNameOf(subscription.planId),
      graceUntil: access.graceUntil ?? null,
    });
  }

  return [
    {
      method: 'GET',
      path: portalRoutes.plans,
      value: async () => json({ plans: billing.catalog.plans().map(planJson) }),
    },
    {
      method: 'GET',
      path: portalRoutes.access,
      value: async ({ user }) => json({ access: accessJson(await billing.access.check(user.userId)) }),
    },
    {
      method: 'GET',
      path: portalRoutes.subscription,
      value: async ({ user }) => {
        const [subscription, access, nextCharge] = await Promise.all([
          billing.subscriptions.get(user.userId),
          billing.access.check(user.userId),
          billing.subscriptions.nextCharge(user.userId),
        ]);
        return json({
          subscription: subscription
            ? subscriptionJson(subscription, {
                planName: planNameOf(subscription.planId),
                graceUntil: access.graceUntil ?? null,
              })
            : null,
          nextCharge: nextCharge ? nextChargeJson(nextCharge) : null,
          access: accessJson(access),
        });
      },
    },
    {
      method: 'POST',
      path: portalRoutes.subscription,
      value: async ({ user, body }) => {
        const input = body(startSubscriptionRequestSchema);
        // Refuse an unknown plan or interval before a first-time subscriber gets a customer.
        const plan = billing.catalog.plans().find((p) => p.id === input.plan);
        if (!plan) throw new BillingError('plan_not_found', `The catalog has no plan ${input.plan}.`);
        if (input.interval && !plan.prices.some((p) => p.interval === input.interval)) {
          throw new InvalidInputError(`Plan ${input.plan} has no ${input.interval} price.`, [
            { path: 'interval', message: `plan ${input.plan} has no ${input.interval} price` },
          ]);
        }
        // A first-time subscriber has no billing customer yet.
        await billing.customers.ensure({ userId: user.userId, email: user.email });
        const started = await billing.subscriptions.start({
          userId: user.userId,
          ...input,
          // After the body: a request cannot name someone else as the actor.
          actor: `user:${user.userId}`,
        });
        return json(
          {
            subscription: await subscriptionBody(user.userId, started.subscription),
            ...(started.requiresAction ? { requiresAction: started.requiresAction } : {}),
          },
          201,
        );
      },
    },
    {
      method: 'POST',
      path: portalRoutes.preview,
      value: async ({ user, body }) => {
        const input = body(changePlanRequestSchema);
        const preview = await billing.subscriptions.previewChange({ userId: user.userId, ...input });
        return json({ preview: changePreviewJson(preview) });
      },
    },
    {
      method: 'POST',
      path: portalRoutes.change,
      value: async ({ user, body }) => {
        const input = body(changePlanRequestSchema);
        const changed = await billing.subscriptions.change({
          userId: user.userId,
          ...input,
          // After the body: a request cannot name someone else as the actor.
          actor: `user:${user.userId}`,
        });
        return json({ subscription: await subscriptionBody(user.userId, changed) });
      },
    },
    {
      method: 'POST',
      path: portalRoutes.cancel,
      value: async ({ user, body }) => {
        const input = body(cancelRequestSchema);
        const canceled = await billing.subscriptions.cancel({
          userId: user.userId,
          actor: `user:${user.userId}`,
          atPeriodEnd: input.atPeriodEnd,
          ...(input.reason ? { reason: input.reason } : {}),
          ...(input.feedback ? { feedback: input.feedback } : {}),
          ...(input.declinedOffers ? { declinedOffers: input.declinedOffers } : {}),
        });
        return json({ subscription: await subscriptionBody(user.userId, canceled) });
      },
    },
    {
      method: 'POST',
      path: portalRoutes.resume,
      value: async ({ user }) => {
        const resumed = await billing.subscriptions.resume(user.userId, { actor: `user:${user.userId}` });
        return json({ subscription: await subscriptionBody(user.userId, resumed) });
      },
    },
    {
      method: 'GET',
      path: portalRoutes.retentionOffers,
      value: async ({ user }) => {
        const offers = await billing.retention.offers(user.userId);
        return json({ offers: offers.map(retentionOfferJson) });
      },
    },
    {
      method: 'POST',
      path: '/retention-offers/:offerId/accept',
      value: async ({ user, params, body }) => {
        const input = body(acceptOfferRequestSchema);
        const accepted = await billing.retention.accept({
          userId: user.userId,
          offerId: params.offerId!,
          ...(input.feedback ? { feedback: input.feedback } : {}),
          ...(input.reason ? { reason: input.reason } : {}),
        });
        return json({
          offer: retentionOfferJson(accepted.offer),
          subscription: await subscriptionBody(user.userId, accepted.subscription),
        });
      },
    },
  ];
}
