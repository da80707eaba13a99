// The tint of each status badge in the admin views; the word on the badge carries the meaning.

import type { BadgeTone } from '../../ui/status-badge.js';
import type { InvoiceStatus, SubscriptionStatus } from '../wire.js';

export const subscriptionTone: Record<SubscriptionStatus, BadgeTone> = {
  trialing: 'info',
  active: 'success',
  past_due: 'warning',
  unpaid: 'danger',
  canceled: 'neutral',
  incomplete: 'warning',
  incomplete_expired: 'neutral',
  paused: 'neutral',
};

export const invoiceTone: Record<InvoiceStatus, BadgeTone> = {
  draft: 'neutral',
  open: 'warning',
  paid: 'success',
  uncollectible: 'danger',
  void: 'neutral',
};

/** Disputes needing a response are urgent; won is good news, lost bad, the rest waiting. */
export function disputeTone(status: string): BadgeTone {
  if (status === 'needs_response' || status === 'warning_needs_response') return 'danger';
  if (status === 'won' || status === 'warning_closed') return 'success';
  if (status === 'lost') return 'neutral';
  return 'info';
}
