// Turns a failure into a sentence from the messages object: the text for its code when there is
// one, else one for the kind of failure (offline, server down), else the generic text.

import { isBillingApiError } from '../client/billing-api-error.js';
import type { BillingMessages } from './default-messages.js';

/** The message to show a person for `error`. */
export function describeError(error: unknown, messages: BillingMessages): string {
  if (!isBillingApiError(error)) return messages.errors.generic;
  const known = messages.errors.codes[error.code];
  if (known) return known;
  if (error.code === 'network_error') return messages.errors.network;
  if (error.code === 'stripe_js_error' && error.message) return error.message;
  if (error.status >= 500) return messages.errors.unavailable;
  return messages.errors.generic;
}
