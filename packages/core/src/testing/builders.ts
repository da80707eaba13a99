// Complete, valid store records for tests: each call returns a new record with fresh ids, and
// `overrides` set only what a test is about.

import type {
  AuditEntry,
  CreditRecord,
  CustomerRecord,
  DisputeRecord,
  InvoiceRecord,
  OutboxMessageRecord,
  PaymentMethodRecord,
  PaymentRecord,
  RefundRecord,
  SubscriptionRecord,
  WebhookEventRecord,
} from '../store/records.js';

/** A unique suffix for ids, so records built in one test never collide. */
function uniqueSuffix(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** A live customer with an email and a name, nothing else set. */
export function aCustomer(overrides: Partial<CustomerRecord> = {}): CustomerRecord {
  const suffix = uniqueSuffix();
  return {
    userId: `user_${suffix}`,
    stripeCustomerId: `cus_${suffix}`,
    email: `${suffix}@example.com`,
    name: 'Alex Citizen',
    address: null,
    taxId: null,
    currency: 'aud',
    balance: 0,
    defaultPaymentMethodId: null,
    deleted: false,
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    updatedAt: new Date('2025-01-01T00:00:00.000Z'),
    watermark: 1_735_689_600,
    version: 1,
    ...overrides,
  };
}

/** An active monthly subscription to `pro` at A$10, for a customer of its own unless overridden. */
export function aSubscription(overrides: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  const suffix = uniqueSuffix();
  return {
    stripeSubscriptionId: `sub_${suffix}`,
    stripeCustomerId: `cus_${suffix}`,
    userId: `user_${suffix}`,
    status: 'active',
    planId: 'pro',
    stripePriceId: 'price_pro_month',
    interval: 'month',
    quantity: 1,
    amount: 1000,
    currency: 'aud',
    currentPeriodStart: new Date('2025-01-01T00:00:00.000Z'),
    currentPeriodEnd: new Date('2025-02-01T00:00:00.000Z'),
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    trialStart: null,
    trialEnd: null,
    pausedCollection: null,
    pastDueSince: null,
    graceExtendedUntil: null,
    latestInvoiceId: null,
    scheduledDowngrade: null,
    cancellationReason: null,
    cancellationFeedback: null,
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    updatedAt: new Date('2025-01-01T00:00:00.000Z'),
    watermark: 1_735_689_600,
    version: 1,
    ...overrides,
  };
}

/** A Visa card ending 4242, not the default, for a customer of its own unless overridden. */
export function aPaymentMethod(overrides: Partial<PaymentMethodRecord> = {}): PaymentMethodRecord {
  const suffix = uniqueSuffix();
  return {
    stripePaymentMethodId: `pm_${suffix}`,
    stripeCustomerId: `cus_${suffix}`,
    userId: `user_${suffix}`,
    type: 'card',
    brand: 'visa',
    last4: '4242',
    expMonth: 12,
    expYear: 2030,
    wallet: null,
    isDefault: false,
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    watermark: 1_735_689_600,
    ...overrides,
  };
}

/** A `customer.created` entry written by the system. */
export function anAuditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  const suffix = uniqueSuffix();
  return {
    id: `audit_${suffix}`,
    at: new Date('2025-01-01T00:00:00.000Z'),
    actor: 'system',
    action: 'customer.created',
    subjectType: 'customer',
    subjectId: `cus_${suffix}`,
    userId: `user_${suffix}`,
    data: {},
    ...overrides,
  };
}

/**
 * A paid A$11 invoice (A$1 GST inclusive) for the first month of a `pro` subscription, with one line,
 * for a customer of its own unless overridden.
 */
export function anInvoice(overrides: Partial<InvoiceRecord> = {}): InvoiceRecord {
  const suffix = uniqueSuffix();
  const periodStart = new Date('2025-01-01T00:00:00.000Z');
  const periodEnd = new Date('2025-02-01T00:00:00.000Z');
  return {
    stripeInvoiceId: `in_${suffix}`,
    stripeCustomerId: `cus_${suffix}`,
    userId: `user_${suffix}`,
    stripeSubscriptionId: `sub_${suffix}`,
    number: 'BK-0001',
    status: 'paid',
    billingReason: 'subscription_create',
    currency: 'aud',
    subtotal: 1100,
    tax: 100,
    total: 1100,
    amountDue: 1100,
    amountPaid: 1100,
    amountRemaining: 0,
    attemptCount: 1,
    nextPaymentAttempt: null,
    hostedInvoiceUrl: `https://invoice.stripe.com/i/${suffix}`,
    invoicePdf: `https://pay.stripe.com/invoice/${suffix}/pdf`,
    periodStart,
    periodEnd,
    lines: [
      {
        stripeLineId: `il_${suffix}`,
        description: '1 × Pro (at A$11.00 / month)',
        amount: 1100,
        quantity: 1,
        proration: false,
        tax: 100,
        stripePriceId: 'price_pro_month',
        periodStart: new Date(periodStart),
        periodEnd: new Date(periodEnd),
      },
    ],
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    finalizedAt: new Date('2025-01-01T00:00:01.000Z'),
    paidAt: new Date('2025-01-01T00:00:02.000Z'),
    voidedAt: null,
    watermark: 1_735_689_600,
    ...overrides,
  };
}

/** A succeeded A$11 Visa card payment with Stripe's fee known, for a customer of its own unless overridden. */
export function aPayment(overrides: Partial<PaymentRecord> = {}): PaymentRecord {
  const suffix = uniqueSuffix();
  return {
    stripeChargeId: `ch_${suffix}`,
    stripePaymentIntentId: `pi_${suffix}`,
    stripeCustomerId: `cus_${suffix}`,
    userId: `user_${suffix}`,
    stripeInvoiceId: `in_${suffix}`,
    status: 'succeeded',
    amount: 1100,
    currency: 'aud',
    fee: 49,
    net: 1051,
    amountRefunded: 0,
    refunded: false,
    disputed: false,
    failureCode: null,
    failureMessage: null,
    brand: 'visa',
    last4: '4242',
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    watermark: 1_735_689_600,
    ...overrides,
  };
}

/**
 * A succeeded A$5 refund the customer asked for, made outside Billkit (no actor, no note, no tax),
 * of a charge and an invoice of its own unless overridden.
 */
export function aRefund(overrides: Partial<RefundRecord> = {}): RefundRecord {
  const suffix = uniqueSuffix();
  return {
    stripeRefundId: `re_${suffix}`,
    stripeChargeId: `ch_${suffix}`,
    stripeInvoiceId: `in_${suffix}`,
    stripeCustomerId: `cus_${suffix}`,
    userId: `user_${suffix}`,
    amount: 500,
    currency: 'aud',
    tax: 0,
    status: 'succeeded',
    reason: 'requested_by_customer',
    actor: null,
    note: null,
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    watermark: 1_735_689_600,
    ...overrides,
  };
}

/**
 * A fraudulent-charge dispute of A$11 awaiting evidence (none submitted yet), of a charge of its own
 * unless overridden.
 */
export function aDispute(overrides: Partial<DisputeRecord> = {}): DisputeRecord {
  const suffix = uniqueSuffix();
  return {
    stripeDisputeId: `dp_${suffix}`,
    stripeChargeId: `ch_${suffix}`,
    userId: `user_${suffix}`,
    amount: 1100,
    currency: 'aud',
    status: 'needs_response',
    reason: 'fraudulent',
    evidenceDueBy: new Date('2025-01-15T23:59:59.000Z'),
    evidenceSubmissionCount: 0,
    closedAt: null,
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    watermark: 1_735_689_600,
    ...overrides,
  };
}

/** A `customer.updated` event just received into the inbox: not yet claimed, no attempts. */
export function aWebhookEvent(overrides: Partial<WebhookEventRecord> = {}): WebhookEventRecord {
  const suffix = uniqueSuffix();
  const eventId = overrides.eventId ?? `evt_${suffix}`;
  const type = overrides.type ?? 'customer.updated';
  const stripeCreated = overrides.stripeCreated ?? new Date('2025-01-01T00:00:00.000Z');
  return {
    eventId,
    type,
    stripeCreated,
    payload: JSON.stringify({
      id: eventId,
      object: 'event',
      type,
      created: Math.floor(stripeCreated.getTime() / 1000),
      data: { object: { id: `cus_${suffix}`, object: 'customer' } },
    }),
    status: 'received',
    attempts: 0,
    lastError: null,
    note: null,
    receivedAt: new Date('2025-01-01T00:00:01.000Z'),
    updatedAt: new Date('2025-01-01T00:00:01.000Z'),
    leaseUntil: null,
    ...overrides,
  };
}

/** A A$5 goodwill credit (an `adjustment`) to a customer's balance, for a customer of its own unless overridden. */
export function aCredit(overrides: Partial<CreditRecord> = {}): CreditRecord {
  const suffix = uniqueSuffix();
  return {
    stripeBalanceTransactionId: `cbtxn_${suffix}`,
    stripeCustomerId: `cus_${suffix}`,
    userId: `user_${suffix}`,
    amount: -500,
    currency: 'aud',
    type: 'adjustment',
    description: 'Goodwill credit',
    stripeInvoiceId: null,
    endingBalance: -500,
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    watermark: 1_735_689_600,
    ...overrides,
  };
}

/** A `payment_failed` notification just enqueued: pending, due at once, never tried. */
export function anOutboxMessage(overrides: Partial<OutboxMessageRecord> = {}): OutboxMessageRecord {
  const suffix = uniqueSuffix();
  return {
    id: `msg_${suffix}`,
    key: `payment_failed:in_${suffix}`,
    kind: 'payment_failed',
    userId: `user_${suffix}`,
    email: `${suffix}@example.com`,
    data: { invoiceId: `in_${suffix}`, amountDue: 1100, currency: 'aud' },
    status: 'pending',
    attempts: 0,
    lastError: null,
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    availableAt: new Date('2025-01-01T00:00:00.000Z'),
    sentAt: null,
    leaseUntil: null,
    ...overrides,
  };
}
