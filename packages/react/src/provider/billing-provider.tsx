// <BillingProvider>: where the server is, how Stripe.js was loaded, and the texts and locale the
// portal speaks. Each provider owns its own client and cache; nothing is shared between providers.

import type { Appearance } from '@stripe/stripe-js';
import { type ReactNode, useMemo, useRef } from 'react';
import { createBillingClient } from '../client/billing-client.js';
import { createQueryCache } from '../client/query-cache.js';
import { createFormatters } from '../format/intl-format.js';
import { type BillingMessagesOverride, mergeMessages } from '../messages/default-messages.js';
import { BillingContext, type BillingContextValue, type StripeInput } from './billing-context.js';

export interface BillingProviderProps {
  /**
   * Where the server's portal routes are mounted.
   * @example '/api/billing'
   */
  baseUrl: string;
  /**
   * Stripe.js, loaded by the host: pass `loadStripe(publishableKey)` (call it once, outside render).
   * `null` hides card entry. Tests and Storybook pass `createStripeStandIn()`.
   */
  stripe: StripeInput;
  /** Stripe Elements' appearance (theme, variables) for the Payment Element. */
  appearance?: Appearance;
  /** Texts to replace; whatever is left out stays English. */
  messages?: BillingMessagesOverride;
  /**
   * The locale for amounts and dates.
   * @default 'en-AU'
   */
  locale?: string;
  /**
   * The time zone dates are shown in.
   * @default the reader's own
   */
  timeZone?: string;
  /**
   * The fetch to use: for hosts that add auth headers, and for tests.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  children?: ReactNode;
}

/** Makes the billing portal's hooks and components work below it. */
export function BillingProvider(props: BillingProviderProps): ReactNode {
  const { baseUrl, stripe, appearance, messages, locale = 'en-AU', timeZone, children } = props;
  // A host often passes an inline fetch; reading it through a ref keeps the client (and its cache)
  // stable across renders.
  const fetchRef = useRef(props.fetch);
  fetchRef.current = props.fetch;

  const { client, cache } = useMemo(() => {
    const boundFetch: typeof fetch = (input, init) => (fetchRef.current ?? globalThis.fetch)(input, init);
    return { client: createBillingClient({ baseUrl, fetch: boundFetch }), cache: createQueryCache() };
  }, [baseUrl]);
  const merged = useMemo(() => mergeMessages(messages), [messages]);
  const format = useMemo(() => createFormatters(locale, timeZone), [locale, timeZone]);

  const value = useMemo<BillingContextValue>(
    () => ({
      client,
      cache,
      messages: merged,
      format,
      stripe,
      appearance,
      async mutate(run, invalidates) {
        try {
          return await run();
        } finally {
          await cache.invalidate(invalidates);
        }
      },
    }),
    [client, cache, merged, format, stripe, appearance],
  );

  return <BillingContext.Provider value={value}>{children}</BillingContext.Provider>;
}
