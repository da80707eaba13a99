// Complete, valid store records for tests: each call returns a new record with fresh ids, and
// `overrides` set only what a test is about.

import type {
  AuditEntry,
  CustomerRecord,
  PaymentMethodRecord,
  SubscriptionRecord,
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
