// Finds the Stripe price of a catalog plan by its lookup_key, remembering what it found.

import type Stripe from 'stripe';
import { BillingError } from '../errors/billing-error.js';
import type { StripeGateway } from '../stripe-gateway/stripe-gateway.js';

export interface PriceResolver {
  /** The active Stripe price with this lookup_key; `plan_not_found` when the catalog was not synced. */
  byLookupKey(lookupKey: string): Promise<Stripe.Price>;
  /** Forget what was found (after a sync moved a lookup_key to a new price). */
  clear(): void;
}

export function createPriceResolver(gateway: StripeGateway): PriceResolver {
  const cache = new Map<string, Stripe.Price>();
  return {
    async byLookupKey(lookupKey) {
      const cached = cache.get(lookupKey);
      if (cached) return cached;
      const found = await gateway.call('prices.list', (stripe) =>
        stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 }),
      );
      const price = found.data[0];
      if (!price) {
        throw new BillingError(
          'plan_not_found',
          `No Stripe price has lookup_key ${lookupKey}; run billing.catalog.sync() first.`,
        );
      }
      cache.set(lookupKey, price);
      return price;
    },
    clear: () => cache.clear(),
  };
}
