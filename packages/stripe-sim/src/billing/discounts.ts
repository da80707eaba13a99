// Discount objects: a coupon (optionally through a promotion code) applied to a subscription.

import type Stripe from 'stripe';
import { addIntervals } from '../engine/calendar.js';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';

export function createDiscount(
  sim: SimContext,
  input: {
    coupon: Stripe.Coupon;
    promotionCode: string | null;
    customer: string;
    subscription: string | null;
    domain: string | null;
  },
): Stripe.Discount {
  const start = sim.now(input.domain);
  const end =
    input.coupon.duration === 'repeating' && input.coupon.duration_in_months
      ? addIntervals(start, 'month', input.coupon.duration_in_months)
      : null;
  const discount: Stripe.Discount = {
    id: newId('di'),
    object: 'discount',
    checkout_session: null,
    customer: input.customer,
    customer_account: null,
    end,
    invoice: null,
    invoice_item: null,
    promotion_code: input.promotionCode,
    source: { coupon: input.coupon.id, type: 'coupon' },
    start,
    subscription: input.subscription,
    subscription_item: null,
  };
  return sim.store.insert(discount);
}
