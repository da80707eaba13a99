// Turns a failure into a sentence from the admin messages: the text for its code when there is one,
// else one for the kind of failure (offline, server down), else the server's own message for a 4xx
// (operators are better served by "amount: must be positive" than by a generic sentence).

import { isBillingApiError } from '../../client/billing-api-error.js';
import type { AdminMessages } from './admin-messages.js';

/** The message to show an operator for `error`. */
export function describeAdminError(error: unknown, messages: AdminMessages): string {
  if (!isBillingApiError(error)) return messages.errors.generic;
  const known = messages.errors.codes[error.code];
  if (known) return known;
  if (error.code === 'network_error') return messages.errors.network;
  if (error.status >= 500 || error.code === 'http_error') return messages.errors.unavailable;
  return error.message || messages.errors.generic;
}
