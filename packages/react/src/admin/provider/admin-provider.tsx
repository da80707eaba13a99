// <AdminProvider>: where the server is, and the texts and locale the dashboard speaks. Each provider
// owns its own client and cache; nothing is shared with a <BillingProvider> or another provider.

import { type ReactNode, useMemo, useRef, useState } from 'react';
import { createQueryCache } from '../../client/query-cache.js';
import { createAdminClient } from '../client/admin-client.js';
import { createAdminFormatters } from '../format/admin-format.js';
import { type AdminMessagesOverride, mergeAdminMessages } from '../messages/admin-messages.js';
import { AdminContext, type AdminContextValue } from './admin-context.js';

export interface AdminProviderProps {
  /**
   * Where the server's routes are mounted (its basePath); the admin routes are under `/admin`.
   * @example '/api/billing'
   */
  baseUrl: string;
  /**
   * Where the server mounts the admin module under its basePath (`adminModule`'s `prefix`).
   * @default '/admin'
   */
  adminPrefix?: string;
  /** Texts to replace; whatever is left out stays English. */
  messages?: AdminMessagesOverride;
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
   * The moment "last 3 months" counts back from; tests and stories pin it.
   * @default the time the provider mounted
   */
  now?: Date;
  /**
   * The fetch to use: for hosts that add auth headers, and for tests.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  children?: ReactNode;
}

/** Makes the admin dashboard's hooks and components work below it. */
export function AdminProvider(props: AdminProviderProps): ReactNode {
  const { baseUrl, adminPrefix, messages, locale = 'en-AU', timeZone, children } = props;
  const fetchRef = useRef(props.fetch);
  fetchRef.current = props.fetch;
  const [mountedAt] = useState(() => new Date());
  const now = props.now ?? mountedAt;

  const { client, cache } = useMemo(() => {
    const boundFetch: typeof fetch = (input, init) => (fetchRef.current ?? globalThis.fetch)(input, init);
    return {
      client: createAdminClient({
        baseUrl,
        fetch: boundFetch,
        ...(adminPrefix ? { prefix: adminPrefix } : {}),
      }),
      cache: createQueryCache(),
    };
  }, [baseUrl, adminPrefix]);
  const merged = useMemo(() => mergeAdminMessages(messages), [messages]);
  const format = useMemo(() => createAdminFormatters(locale, timeZone), [locale, timeZone]);

  const value = useMemo<AdminContextValue>(
    () => ({
      client,
      cache,
      messages: merged,
      format,
      now,
      async mutate(run, invalidates) {
        try {
          return await run();
        } finally {
          await cache.invalidate(invalidates);
        }
      },
    }),
    [client, cache, merged, format, now],
  );

  return <AdminContext.Provider value={value}>{children}</AdminContext.Provider>;
}
