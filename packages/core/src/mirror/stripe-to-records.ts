// Stripe objects → mirror rows. One mapping per entity, shared by write-through, webhooks and
// reconcile, so the three paths that feed the mirror agree.

import type Stripe from 'stripe';
import type { Catalog } from '../catalog/define-catalog.js';
import { fromUnix } from '../clock.js';
import type {
  Address,
  CustomerRecord,
  PaymentMethodRecord,
  SubscriptionRecord,
  SubscriptionStatus,
} from '../store/records.js';

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

export function addressFromStripe(address: Stripe.Address | null | undefined): Address | null {
  if (!address) return null;
  return {
    line1: address.line1 ?? null,
    line2: address.line2 ?? null,
    city: address.city ?? null,
    state: address.state ?? null,
    postalCode: address.postal_code ?? null,
    country: address.country ?? null,
  };
}

export function addressToStripe(address: Address): Stripe.AddressParam {
  return {
    line1: address.line1 ?? '',
    line2: address.line2 ?? '',
    city: address.city ?? '',
    state: address.state ?? '',
    postal_code: address.postalCode ?? '',
    country: address.country ?? '',
  };
}

export function customerRecordFrom(
  customer: Stripe.Customer,
  userId: string,
  watermark: number,
  existing: CustomerRecord | null,
  now: Date,
): CustomerRecord {
  const taxId = customer.tax_ids?.data[0];
  return {
    userId,
    stripeCustomerId: customer.id,
    email: customer.email,
    name: customer.name ?? null,
    address: addressFromStripe(customer.address),
    // tax_ids is only there when expanded: absent means unknown (keep the mirror's), empty means none.
    taxId: taxId
      ? { type: taxId.type, value: taxId.value }
      : customer.tax_ids
        ? null
        : (existing?.taxId ?? null),
    currency: customer.currency ?? null,
    balance: customer.balance,
    defaultPaymentMethodId: idOf(customer.invoice_settings?.default_payment_method as string | null),
    deleted: false,
    createdAt: existing?.createdAt ?? fromUnix(customer.created),
    updatedAt: now,
    watermark,
    version: (existing?.version ?? 0) + 1,
  };
}

export function subscriptionRecordFrom(
  subscription: Stripe.Subscription,
  userId: string,
  catalog: Catalog,
  watermark: number,
  existing: SubscriptionRecord | null,
  now: Date,
): SubscriptionRecord {
  const item = subscription.items.data[0];
  const price = item?.price;
  const plan = price?.lookup_key ? catalog.fromLookupKey(price.lookup_key)?.plan : undefined;
  const status = subscription.status as SubscriptionStatus;
  const latestInvoice = typeof subscription.latest_invoice === 'object' ? subscription.latest_invoice : null;
  return {
    stripeSubscriptionId: subscription.id,
    stripeCustomerId: idOf(subscription.customer as string)!,
    userId,
    status,
    planId: plan?.id ?? subscription.metadata?.billkit_plan ?? null,
    stripePriceId: price?.id ?? '',
    interval: (price?.recurring?.interval ?? 'month') as SubscriptionRecord['interval'],
    quantity: item?.quantity ?? 1,
    amount: (price?.unit_amount ?? 0) * (item?.quantity ?? 1),
    currency: subscription.currency,
    currentPeriodStart: fromUnix(item?.current_period_start ?? subscription.start_date),
    currentPeriodEnd: fromUnix(item?.current_period_end ?? subscription.start_date),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    cancelAt: subscription.cancel_at ? fromUnix(subscription.cancel_at) : null,
    canceledAt: subscription.canceled_at ? fromUnix(subscription.canceled_at) : null,
    endedAt: subscription.ended_at ? fromUnix(subscription.ended_at) : null,
    trialStart: subscription.trial_start ? fromUnix(subscription.trial_start) : null,
    trialEnd: subscription.trial_end ? fromUnix(subscription.trial_end) : null,
    pausedCollection:
      status === 'paused'
        ? 'void'
        : ((subscription.pause_collection?.behavior ?? null) as SubscriptionRecord['pausedCollection']),
    pastDueSince: pastDueSince(status, latestInvoice, existing, now),
    // An operator's extra grace lasts while the run of failures it was given for does.
    graceExtendedUntil:
      status === 'past_due' || status === 'unpaid' ? (existing?.graceExtendedUntil ?? null) : null,
    latestInvoiceId: idOf(subscription.latest_invoice as string | null),
    scheduledDowngrade: existing?.scheduledDowngrade ?? null,
    cancellationReason:
      subscription.cancellation_details?.comment ?? subscription.cancellation_details?.reason ?? null,
    cancellationFeedback: subscription.cancellation_details?.feedback ?? null,
    createdAt: existing?.createdAt ?? fromUnix(subscription.created),
    updatedAt: now,
    watermark,
    version: (existing?.version ?? 0) + 1,
  };
}

/**
 * The grace clock starts at the first failed payment of a run of failures: when the invoice that
 * failed was finalized (Stripe charges it then), else when Billkit first saw past_due. It stops
 * once the subscription is back in good standing.
 */
function pastDueSince(
  status: SubscriptionStatus,
  latestInvoice: Stripe.Invoice | null,
  existing: SubscriptionRecord | null,
  now: Date,
): Date | null {
  if (status !== 'past_due' && status !== 'unpaid') return null;
  if (existing?.pastDueSince) return existing.pastDueSince;
  const finalizedAt = latestInvoice?.status_transitions?.finalized_at;
  return finalizedAt ? fromUnix(finalizedAt) : now;
}

export function paymentMethodRecordFrom(
  pm: Stripe.PaymentMethod,
  userId: string,
  isDefault: boolean,
  watermark: number,
): PaymentMethodRecord {
  return {
    stripePaymentMethodId: pm.id,
    stripeCustomerId: idOf(pm.customer as string | null) ?? '',
    userId,
    type: pm.type,
    brand: pm.card?.brand ?? null,
    last4: pm.card?.last4 ?? null,
    expMonth: pm.card?.exp_month ?? null,
    expYear: pm.card?.exp_year ?? null,
    wallet: pm.card?.wallet?.type ?? null,
    isDefault,
    createdAt: fromUnix(pm.created),
    watermark,
  };
}
