// What each mutation can change, in one table: after it (success or failure, since a failed payment
// still moves an invoice along) the hooks invalidate these routes so every view refetches.

import { routes } from './routes.js';

const subscriptionViews = [routes.subscription, routes.access, routes.retentionOffers] as const;

export const invalidatedBy = {
  startSubscription: [...subscriptionViews, routes.invoices, routes.paymentMethods],
  changePlan: [...subscriptionViews, routes.invoices],
  cancelSubscription: subscriptionViews,
  resumeSubscription: subscriptionViews,
  acceptOffer: [...subscriptionViews, routes.invoices],
  /** The default card is what the next renewal (and a past-due retry) charges. */
  setDefaultPaymentMethod: [routes.paymentMethods, routes.subscription],
  removePaymentMethod: [routes.paymentMethods, routes.subscription],
  payInvoice: [...subscriptionViews, routes.invoices],
  /** The address decides the tax on the next charge. */
  updateBillingAddress: [routes.billingAddress, routes.subscription],
} as const satisfies Record<string, readonly string[]>;
