// /v1/subscription_items: read and list a subscription's items. Changes go through
// POST /v1/subscriptions/:id (items[...]), which prorates them.

import type Stripe from 'stripe';
import { invalidRequest } from '../errors.js';
import { paginate, type Route } from '../http/router.js';

export const subscriptionItemRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/subscription_items/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return sim.store.get('subscription_item', path.id!, 'id');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/subscription_items',
    handler: (ctx) => {
      const subscription = ctx.params.optionalString('subscription');
      if (!subscription)
        throw invalidRequest('Missing required param: subscription.', 'subscription', 'parameter_missing');
      const sub = ctx.sim.store.get<Stripe.Subscription>('subscription', subscription, 'subscription');
      const page = paginate(
        ctx,
        [...sub.items.data].reverse(),
        `/v1/subscription_items?subscription=${sub.id}`,
      );
      ctx.params.done();
      return page;
    },
  },
];
