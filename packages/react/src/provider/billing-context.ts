// What <BillingProvider> hands to every hook and component: the client, the shared cache, the
// messages and formatters, and Stripe.js.

import type { Appearance, Stripe } from '@stripe/stripe-js';
import { createContext, useContext } from 'react';
import { BillingApiError } from '../client/billing-api-error.js';
import type { BillingClient } from '../client/billing-client.js';
import type { QueryCache } from '../client/query-cache.js';
import type { Formatters } from '../format/intl-format.js';
import type { BillingMessages } from '../messages/default-messages.js';

/** Stripe.js as the host loaded it: `loadStripe(key)`'s promise, the instance, or null (none). */
export type StripeInput = Promise<Stripe | null> | Stripe | null;

export interface BillingContextValue {
  client: BillingClient;
  cache: QueryCache;
  messages: BillingMessages;
  format: Formatters;
  stripe: StripeInput;
  appearance: Appearance | undefined;
  /** Runs a mutation, then refetches every route it can change (also when it failed). */
  mutate<T>(run: () => Promise<T>, invalidates: readonly string[]): Promise<T>;
}

export const BillingContext = /* @__PURE__ */ createContext<BillingContextValue | null>(null);

/** The provider's client, cache, messages and formatters; for hosts building their own views. */
export function useBillingContext(): BillingContextValue {
  const value = useContext(BillingContext);
  if (!value) {
    throw new Error('Billkit: hooks and components of @billkit/react need a <BillingProvider> above them.');
  }
  return value;
}

/**
 * Completes a payment that needs the customer (3D Secure): Stripe.js shows the bank's challenge.
 * Throws a `BillingApiError` with code `stripe_js_error` when it fails or Stripe.js is missing.
 */
export async function confirmPaymentWithStripe(stripe: StripeInput, clientSecret: string): Promise<void> {
  const instance = await stripe;
  if (!instance) {
    throw new BillingApiError({ code: 'stripe_js_error', status: 0, message: 'Stripe.js is not loaded.' });
  }
  const result = await instance.confirmCardPayment(clientSecret);
  if (result.error) {
    throw new BillingApiError({
      code: 'stripe_js_error',
      status: 0,
      message: result.error.message ?? 'The payment could not be confirmed.',
      declineCode: result.error.decline_code ?? null,
    });
  }
}
