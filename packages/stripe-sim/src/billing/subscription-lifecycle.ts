// PLACEHOLDER: replaced by the real module in this session.
import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';

export function cancelSubscriptionNow(
  _sim: SimContext,
  _sub: Stripe.Subscription,
  _options: { prorate: boolean; invoiceNow: boolean; reason: string },
): void {}
