// The engine's records (Dates, integer amounts, nullable address lines) as the contract's JSON
// (ISO strings, Money objects). Every response body of the portal is built here.

import type {
  AccessDecision,
  ChangePreview,
  CustomerRecord,
  InvoiceRecord,
  Money,
  NextCharge,
  PaymentMethodRecord,
  PlanView,
  PreviewLine,
  RetentionOffer,
  SubscriptionRecord,
} from '@billkit/core';
import {
  type AccessJson,
  type AddressJson,
  type BillingAddressJson,
  type ChangePreviewJson,
  type InvoiceJson,
  type MoneyJson,
  type NextChargeJson,
  type PaymentMethodJson,
  type PlanJson,
  portalRoutes,
  type RetentionOfferJson,
  type SubscriptionJson,
} from '../contract/index.js';

const iso = (date: Date): string => date.toISOString();
const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null);
const moneyOf = (amount: number, currency: string): MoneyJson => ({ amount, currency });
const moneyJson = (value: Money): MoneyJson => ({ amount: value.amount, currency: value.currency });

export function planJson(plan: PlanView): PlanJson {
  return {
    id: plan.id,
    name: plan.name,
    description: plan.description,
    features: [...plan.features],
    prices: plan.prices.map((price) => ({
      interval: price.interval,
      intervalCount: price.intervalCount,
      amount: moneyJson(price.amount),
      taxBehavior: price.taxBehavior,
      trialDays: price.trialDays,
    })),
  };
}

export function accessJson(access: AccessDecision): AccessJson {
  return {
    allowed: access.allowed,
    status: access.status,
    reason: access.reason,
    planId: access.planId,
    ...(access.until ? { until: iso(access.until) } : {}),
    ...(access.graceUntil ? { graceUntil: iso(access.graceUntil) } : {}),
  };
}

export function subscriptionJson(
  subscription: SubscriptionRecord,
  extra: { planName: string | null; graceUntil: Date | null },
): SubscriptionJson {
  return {
    id: subscription.stripeSubscriptionId,
    status: subscription.status,
    planId: subscription.planId,
    planName: extra.planName,
    interval: subscription.interval,
    amount: moneyOf(subscription.amount, subscription.currency),
    currentPeriodStart: iso(subscription.currentPeriodStart),
    currentPeriodEnd: iso(subscription.currentPeriodEnd),
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
    cancelAt: isoOrNull(subscription.cancelAt),
    canceledAt: isoOrNull(subscription.canceledAt),
    endedAt: isoOrNull(subscription.endedAt),
    trialEnd: isoOrNull(subscription.trialEnd),
    pausedCollection: subscription.pausedCollection,
    graceUntil: subscription.status === 'past_due' ? isoOrNull(extra.graceUntil) : null,
    scheduledDowngrade: subscription.scheduledDowngrade
      ? {
          fromPlanId: subscription.scheduledDowngrade.fromPlanId,
          until: iso(subscription.scheduledDowngrade.until),
        }
      : null,
    latestInvoiceId: subscription.latestInvoiceId,
  };
}

export function nextChargeJson(charge: NextCharge): NextChargeJson {
  return {
    amount: moneyJson(charge.amount),
    tax: moneyJson(charge.tax),
    taxLabel: charge.taxLabel,
    date: iso(charge.date),
  };
}

function previewLineJson(line: PreviewLine) {
  return {
    description: line.description,
    amount: moneyJson(line.amount),
    proration: line.proration,
    period: { start: iso(line.period.start), end: iso(line.period.end) },
  };
}

export function changePreviewJson(preview: ChangePreview): ChangePreviewJson {
  return {
    direction: preview.direction,
    prorationDate: iso(preview.prorationDate),
    now: { total: moneyJson(preview.now.total), lines: preview.now.lines.map(previewLineJson) },
    next: {
      total: moneyJson(preview.next.total),
      date: iso(preview.next.date),
      lines: preview.next.lines.map(previewLineJson),
    },
  };
}

export function retentionOfferJson(offer: RetentionOffer): RetentionOfferJson {
  return {
    id: offer.id,
    kind: offer.kind,
    title: offer.title,
    description: offer.description,
    ...(offer.percentOff !== undefined ? { percentOff: offer.percentOff } : {}),
    ...(offer.durationMonths !== undefined ? { durationMonths: offer.durationMonths } : {}),
    ...(offer.months !== undefined ? { months: offer.months } : {}),
    ...(offer.plan
      ? {
          plan: {
            id: offer.plan.id,
            name: offer.plan.name,
            interval: offer.plan.interval,
            amount: moneyJson(offer.plan.amount),
          },
        }
      : {}),
  };
}

export function paymentMethodJson(method: PaymentMethodRecord): PaymentMethodJson {
  return {
    id: method.stripePaymentMethodId,
    type: method.type,
    brand: method.brand,
    last4: method.last4,
    expMonth: method.expMonth,
    expYear: method.expYear,
    wallet: method.wallet,
    isDefault: method.isDefault,
  };
}

export function invoiceJson(invoice: InvoiceRecord, basePath: string): InvoiceJson {
  const currency = invoice.currency;
  return {
    id: invoice.stripeInvoiceId,
    number: invoice.number,
    status: invoice.status,
    total: moneyOf(invoice.total, currency),
    tax: moneyOf(invoice.tax, currency),
    amountPaid: moneyOf(invoice.amountPaid, currency),
    amountDue: moneyOf(invoice.amountDue, currency),
    createdAt: iso(invoice.createdAt),
    paidAt: isoOrNull(invoice.paidAt),
    // The service the invoice bills, from its lines (Stripe's own invoice period looks back).
    ...servicePeriod(invoice),
    // A draft may still change: it has no PDF yet.
    pdfUrl: invoice.status === 'draft' ? null : basePath + portalRoutes.invoicePdf(invoice.stripeInvoiceId),
    lines: invoice.lines.map((line) => ({
      description: line.description,
      amount: moneyOf(line.amount, currency),
      tax: moneyOf(line.tax, currency),
      proration: line.proration,
      periodStart: iso(line.periodStart),
      periodEnd: iso(line.periodEnd),
    })),
  };
}

/** A stored address lacking a line the form requires is answered as none: the customer enters it again. */
function addressJson(address: CustomerRecord['address']): AddressJson | null {
  if (!address?.line1 || !address.city || !address.postalCode || !address.country) return null;
  return {
    line1: address.line1,
    line2: address.line2,
    city: address.city,
    state: address.state,
    postalCode: address.postalCode,
    country: address.country,
  };
}

export function billingAddressJson(
  customer: CustomerRecord | null,
  fallbackEmail: string,
): BillingAddressJson {
  return {
    name: customer?.name ?? null,
    email: customer?.email ?? fallbackEmail,
    address: addressJson(customer?.address ?? null),
    abn: customer?.taxId?.type === 'au_abn' ? customer.taxId.value : null,
  };
}

/** The span of an invoice's lines' service periods; the invoice's own period when it has no lines. */
function servicePeriod(invoice: InvoiceRecord): { periodStart: string; periodEnd: string } {
  if (invoice.lines.length === 0)
    return { periodStart: iso(invoice.periodStart), periodEnd: iso(invoice.periodEnd) };
  const starts = invoice.lines.map((l) => l.periodStart.getTime());
  const ends = invoice.lines.map((l) => l.periodEnd.getTime());
  return { periodStart: iso(new Date(Math.min(...starts))), periodEnd: iso(new Date(Math.max(...ends))) };
}
