// What <AdminProvider> hands to every admin hook and component: the client, the shared cache, the
// messages and formatters, and the time the dashboard's ranges are counted from.

import { createContext, useContext } from 'react';
import type { QueryCache } from '../../client/query-cache.js';
import type { AdminClient } from '../client/admin-client.js';
import type { AdminFormatters } from '../format/admin-format.js';
import type { AdminMessages } from '../messages/admin-messages.js';

export interface AdminContextValue {
  client: AdminClient;
  cache: QueryCache;
  messages: AdminMessages;
  format: AdminFormatters;
  /** "Now" for the dashboard's ranges ("last 3 months"): the provider's `now`, or when it mounted. */
  now: Date;
  /** Runs an action, then refetches every route it can change (also when it failed). */
  mutate<T>(run: () => Promise<T>, invalidates: readonly string[]): Promise<T>;
}

export const AdminContext = /* @__PURE__ */ createContext<AdminContextValue | null>(null);

/** The admin provider's client, cache, messages and formatters; for hosts building their own views. */
export function useAdminContext(): AdminContextValue {
  const value = useContext(AdminContext);
  if (!value) {
    throw new Error(
      'Billkit: the admin hooks and components of @billkit/react/admin need an <AdminProvider> above them.',
    );
  }
  return value;
}
