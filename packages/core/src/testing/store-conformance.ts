// The conformance suite every BillingStore adapter runs: it states, as tests, what the storage
// port promises (round-trips, watermarks, unique constraints, transactions, races, pages, order).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/billing-error.js';
import type { MrrMovementRecord } from '../store/analytics.js';
import {
  type BillingStore,
  GENESIS_HASH,
  type StoreSession,
  UniqueViolationError,
  type UpsertResult,
} from '../store/billing-store.js';
import type {
  AuditEntry,
  CreditRecord,
  CustomerRecord,
  DisputeRecord,
  InvoiceRecord,
  OutboxMessageRecord,
  Page,
  PageRequest,
  PaymentMethodRecord,
  PaymentRecord,
  RefundRecord,
  SubscriptionRecord,
  WebhookEventRecord,
} from '../store/records.js';
import { anMrrMovement, describeAnalyticsConformance } from './analytics-conformance.js';
import {
  aCredit,
  aCustomer,
  aDispute,
  anAuditEntry,
  anInvoice,
  anOutboxMessage,
  aPayment,
  aPaymentMethod,
  aRefund,
  aSubscription,
  aWebhookEvent,
} from './builders.js';
import { describeMeteringConformance } from './metering-conformance.js';

export interface StoreConformanceOptions {
  /**
   * Why the store cannot be tested here (e.g. `no PostgreSQL at 127.0.0.1:5432`). When set, the
   * suite is registered as skipped with this reason in its title, and `makeStore` is never called.
   */
  skip?: string;
}

/**
 * Registers the BillingStore conformance suite (vitest) for one adapter.
 *
 * `makeStore` is called before every test and must return an empty store; the suite calls its
 * `migrate()` first and its `close()` after the test.
 *
 * @example
 * runStoreConformance('memory', () => memoryStore());
 * runStoreConformance('postgres', () => postgresStore({ connectionString }), {
 *   skip: reachable ? undefined : 'no PostgreSQL at 127.0.0.1:5432',
 * });
 */
export function runStoreConformance(
  name: string,
  makeStore: () => Promise<BillingStore> | BillingStore,
  options: StoreConformanceOptions = {},
): void {
  if (options.skip !== undefined) {
    const reason = options.skip.replace(/^skipped:\s*/i, '');
    describe.skip(`${name} store conformance — skipped: ${reason}`, () => {
      registerSuite(() => {
        throw new Error('unreachable: a skipped suite has no store');
      });
    });
    return;
  }

  describe(`${name} store conformance`, () => {
    let store: BillingStore | undefined;

    beforeEach(async () => {
      store = await makeStore();
      await store.migrate();
    });

    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    registerSuite(() => {
      if (store === undefined) throw new Error('The store is only available inside a test.');
      return store;
    });
  });
}

type GetStore = () => BillingStore;

function registerSuite(getStore: GetStore): void {
  it('starts empty', async () => {
    const store = getStore();
    expect(await store.customers.list()).toEqual({ items: [], nextCursor: null });
    expect(await store.subscriptions.list()).toEqual({ items: [], nextCursor: null });
    expect(await store.audit.list()).toEqual({ items: [], nextCursor: null });
    expect(await store.invoices.list()).toEqual({ items: [], nextCursor: null });
    expect(await store.payments.list()).toEqual({ items: [], nextCursor: null });
    expect(await store.refunds.list()).toEqual({ items: [], nextCursor: null });
    expect(await store.disputes.list()).toEqual({ items: [], nextCursor: null });
    expect(await store.paymentMethods.listExpiring({ through: { year: 2100, month: 12 } })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(await store.webhookEvents.listFailed()).toEqual({ items: [], nextCursor: null });
    expect(await store.outbox.list()).toEqual({ items: [], nextCursor: null });
    expect(await store.mrr.list()).toEqual({ items: [], nextCursor: null });
    expect(await store.customers.search({})).toEqual({ items: [], nextCursor: null });
    const always = { from: new Date('2000-01-01T00:00:00.000Z'), to: new Date('2100-01-01T00:00:00.000Z') };
    expect(await store.metering.events(always)).toEqual({ items: [], nextCursor: null });
    expect(await store.metering.usage({ ...always, granularity: 'month', groupBy: [] })).toEqual([]);
    expect(await store.metering.distinctUsers({ ...always, granularity: 'month' })).toEqual([]);
    expect(await store.metering.budgets.list()).toEqual([]);
    expect(await store.metering.alerts.list()).toEqual([]);
  });

  describeCustomers(getStore);
  describeSubscriptions(getStore);
  describePaymentMethods(getStore);
  describeAuditLog(getStore);
  describeCheckpoints(getStore);
  describeInvoices(getStore);
  describePayments(getStore);
  describeRefunds(getStore);
  describeDisputes(getStore);
  describeWebhookInbox(getStore);
  describeCredits(getStore);
  describeOutbox(getStore);
  describePages(getStore);
  describeWatermarks(getStore);
  describeTransactions(getStore);
  describeConcurrency(getStore);
  describeOutboxConcurrency(getStore);
  describeAnalyticsConformance(getStore);
  describeMeteringConformance(getStore);
}

// ---------------------------------------------------------------------------------------------
// Customers

function describeCustomers(getStore: GetStore): void {
  describe('customers', () => {
    it('finds an inserted customer by user id and by Stripe id', async () => {
      const store = getStore();
      const customer = aCustomer();
      await store.customers.insert(customer);

      expect(await store.customers.findByUserId(customer.userId)).toEqual(customer);
      expect(await store.customers.findByStripeId(customer.stripeCustomerId)).toEqual(customer);
    });

    it('answers null for a customer that is not stored', async () => {
      const store = getStore();
      expect(await store.customers.findByUserId('user_nobody')).toBeNull();
      expect(await store.customers.findByStripeId('cus_nobody')).toBeNull();
    });

    it('keeps every field of a fully filled customer exactly: nested objects, dates to the millisecond, a large negative balance, unicode', async () => {
      const store = getStore();
      const customer = aCustomer({
        email: 'zoë.müller@example.com',
        name: 'Zoë Müller-Ngô 🚀',
        address: {
          line1: '1 George St',
          line2: 'Level 2, "The Tower"',
          city: 'Sydney',
          state: 'NSW',
          postalCode: '2000',
          country: 'AU',
        },
        taxId: { type: 'au_abn', value: '12345678901' },
        currency: 'aud',
        balance: -123_456_789,
        defaultPaymentMethodId: 'pm_default_card',
        deleted: true,
        createdAt: new Date('2024-02-29T23:59:59.123Z'),
        updatedAt: new Date('2025-06-30T12:00:00.456Z'),
        watermark: 1_751_284_800,
        version: 42,
      });
      await store.customers.insert(customer);

      const found = await store.customers.findByStripeId(customer.stripeCustomerId);
      expect(found).toEqual(customer);
      expect(found?.createdAt).toBeInstanceOf(Date);
      expect(found?.updatedAt).toBeInstanceOf(Date);
    });

    it('keeps null fields null, including nulls inside the address', async () => {
      const store = getStore();
      const customer = aCustomer({
        email: null,
        name: null,
        address: { line1: null, line2: null, city: null, state: null, postalCode: null, country: 'AU' },
        taxId: null,
        currency: null,
        defaultPaymentMethodId: null,
      });
      const bare = aCustomer({ email: null, name: null, address: null, taxId: null, currency: null });
      await store.customers.insert(customer);
      await store.customers.insert(bare);

      expect(await store.customers.findByUserId(customer.userId)).toEqual(customer);
      expect(await store.customers.findByUserId(bare.userId)).toEqual(bare);
    });

    it('refuses a second customer for the same user id with a UniqueViolationError on user_id', async () => {
      const store = getStore();
      const first = aCustomer();
      const second = aCustomer({ userId: first.userId });
      await store.customers.insert(first);

      const error = await store.customers.insert(second).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UniqueViolationError);
      expect((error as UniqueViolationError).field).toBe('user_id');
      expect(await store.customers.findByUserId(first.userId)).toEqual(first);
      expect(await store.customers.findByStripeId(second.stripeCustomerId)).toBeNull();
    });

    it('refuses a second customer with the same Stripe id with a UniqueViolationError on stripe_customer_id', async () => {
      const store = getStore();
      const first = aCustomer();
      const second = aCustomer({ stripeCustomerId: first.stripeCustomerId });
      await store.customers.insert(first);

      const error = await store.customers.insert(second).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UniqueViolationError);
      expect((error as UniqueViolationError).field).toBe('stripe_customer_id');
      expect(await store.customers.findByStripeId(first.stripeCustomerId)).toEqual(first);
      expect(await store.customers.findByUserId(second.userId)).toBeNull();
    });

    it('refuses an upsert that would give a user a second customer', async () => {
      const store = getStore();
      const first = aCustomer();
      await store.customers.insert(first);
      const other = aCustomer({ userId: first.userId });

      const error = await store.customers.upsert(other).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(UniqueViolationError);
      expect((error as UniqueViolationError).field).toBe('user_id');
      expect(await store.customers.findByUserId(first.userId)).toEqual(first);
      expect(await store.customers.findByStripeId(other.stripeCustomerId)).toBeNull();
    });

    it('moves a customer to the user id of a newer upsert and frees the old one', async () => {
      const store = getStore();
      const customer = aCustomer({ watermark: 100 });
      await store.customers.insert(customer);
      const moved = { ...customer, userId: `${customer.userId}_moved`, watermark: 200 };

      expect(await store.customers.upsert(moved)).toBe('updated');

      expect(await store.customers.findByUserId(moved.userId)).toEqual(moved);
      expect(await store.customers.findByUserId(customer.userId)).toBeNull();
      await store.customers.insert(aCustomer({ userId: customer.userId }));
    });

    it('gives callers copies: changing a record after writing it or after reading it leaves the store as it was', async () => {
      const store = getStore();
      const customer = aCustomer({
        address: {
          line1: '1 George St',
          line2: null,
          city: 'Sydney',
          state: 'NSW',
          postalCode: '2000',
          country: 'AU',
        },
      });
      const expected = structuredClone(customer);
      await store.customers.insert(customer);
      customer.name = 'Changed after insert';
      customer.address!.city = 'Changed after insert';

      const read = await store.customers.findByUserId(expected.userId);
      read!.balance = 999;
      read!.address!.city = 'Changed after read';
      read!.createdAt.setUTCFullYear(1999);

      expect(await store.customers.findByUserId(expected.userId)).toEqual(expected);
    });

    it('lists customers by creation time, then by Stripe id when created at the same moment', async () => {
      const store = getStore();
      const sameMoment = new Date('2025-03-01T00:00:00.000Z');
      const rows = [
        aCustomer({ stripeCustomerId: 'cus_order_3', createdAt: new Date('2025-03-02T00:00:00.000Z') }),
        aCustomer({ stripeCustomerId: 'cus_order_2', createdAt: sameMoment }),
        aCustomer({ stripeCustomerId: 'cus_order_1', createdAt: sameMoment }),
        aCustomer({ stripeCustomerId: 'cus_order_0', createdAt: new Date('2025-02-28T00:00:00.000Z') }),
      ];
      for (const row of rows) await store.customers.insert(row);

      const page = await store.customers.list();

      expect(page.items.map((customer) => customer.stripeCustomerId)).toEqual([
        'cus_order_0',
        'cus_order_1',
        'cus_order_2',
        'cus_order_3',
      ]);
      expect(page.nextCursor).toBeNull();
    });

    it('walks every customer exactly once, in order, a page at a time', async () => {
      const store = getStore();
      const expectedOrder = await insertScrambledCustomers(store, 7);

      const pages = await walkPages((page) => store.customers.list(page), 3);

      expect(pages.map((items) => items.length)).toEqual([3, 3, 1]);
      expect(pages.flat().map((customer) => customer.stripeCustomerId)).toEqual(expectedOrder);
    });

    it('ends with a null cursor on a last page that is exactly full', async () => {
      const store = getStore();
      const expectedOrder = await insertScrambledCustomers(store, 6);

      const pages = await walkPages((page) => store.customers.list(page), 3);

      expect(pages.map((items) => items.length)).toEqual([3, 3]);
      expect(pages.flat().map((customer) => customer.stripeCustomerId)).toEqual(expectedOrder);
    });

    it('continues after the last row of a page even when an earlier row is added between pages', async () => {
      const store = getStore();
      const expectedOrder = await insertScrambledCustomers(store, 4);

      const first = await store.customers.list({ limit: 2 });
      await store.customers.insert(
        aCustomer({ stripeCustomerId: 'cus_page_early', createdAt: new Date('2000-01-01T00:00:00.000Z') }),
      );
      const second = await store.customers.list({ limit: 2, after: first.nextCursor });

      expect(first.items.map((customer) => customer.stripeCustomerId)).toEqual(expectedOrder.slice(0, 2));
      expect(second.items.map((customer) => customer.stripeCustomerId)).toEqual(expectedOrder.slice(2));
      expect(second.nextCursor).toBeNull();
    });

    it('returns 100 customers a page when no limit is given', async () => {
      const store = getStore();
      const start = Date.parse('2025-01-01T00:00:00.000Z');
      for (let index = 0; index < 101; index++) {
        await store.customers.insert(aCustomer({ createdAt: new Date(start + index * 1000) }));
      }

      const first = await store.customers.list();
      const second = await store.customers.list({ after: first.nextCursor });

      expect(first.items).toHaveLength(100);
      expect(first.nextCursor).not.toBeNull();
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Subscriptions

function describeSubscriptions(getStore: GetStore): void {
  describe('subscriptions', () => {
    it('inserts a subscription on first upsert and finds it by Stripe id', async () => {
      const store = getStore();
      const subscription = aSubscription();

      expect(await store.subscriptions.upsert(subscription)).toBe('inserted');
      expect(await store.subscriptions.findByStripeId(subscription.stripeSubscriptionId)).toEqual(
        subscription,
      );
    });

    it('answers null for a subscription that is not stored', async () => {
      expect(await getStore().subscriptions.findByStripeId('sub_nobody')).toBeNull();
    });

    it('keeps every field of a fully filled subscription exactly, including the scheduled downgrade and an amount beyond 32 bits', async () => {
      const store = getStore();
      const subscription = aSubscription({
        status: 'past_due',
        planId: 'team',
        stripePriceId: 'price_team_year',
        interval: 'year',
        quantity: 3,
        amount: 9_000_000_000,
        currency: 'aud',
        currentPeriodStart: new Date('2025-01-15T08:30:00.001Z'),
        currentPeriodEnd: new Date('2026-01-15T08:30:00.999Z'),
        cancelAtPeriodEnd: true,
        cancelAt: new Date('2026-01-15T08:30:00.999Z'),
        canceledAt: new Date('2025-06-01T10:00:00.250Z'),
        endedAt: new Date('2026-01-15T08:30:01.000Z'),
        trialStart: new Date('2025-01-01T08:30:00.000Z'),
        trialEnd: new Date('2025-01-15T08:30:00.001Z'),
        pausedCollection: 'mark_uncollectible',
        pastDueSince: new Date('2025-05-20T03:04:05.678Z'),
        graceExtendedUntil: new Date('2025-06-03T03:04:05.678Z'),
        latestInvoiceId: 'in_latest',
        scheduledDowngrade: { fromPlanId: 'enterprise', until: new Date('2026-01-15T08:30:00.999Z') },
        cancellationReason: 'too_expensive',
        cancellationFeedback: 'Zu teuer — "really" 💸',
        createdAt: new Date('2025-01-01T08:30:00.123Z'),
        updatedAt: new Date('2025-06-01T10:00:00.250Z'),
        watermark: 1_748_772_000,
        version: 9,
      });
      await store.subscriptions.upsert(subscription);

      const found = await store.subscriptions.findByStripeId(subscription.stripeSubscriptionId);
      expect(found).toEqual(subscription);
      expect(found?.scheduledDowngrade?.until).toBeInstanceOf(Date);
      expect(found?.currentPeriodEnd).toBeInstanceOf(Date);
    });

    it('keeps null fields null, and a scheduled downgrade whose former plan is unknown', async () => {
      const store = getStore();
      const subscription = aSubscription({
        planId: null,
        scheduledDowngrade: { fromPlanId: null, until: new Date('2025-02-01T00:00:00.000Z') },
      });
      const bare = aSubscription({ planId: null, scheduledDowngrade: null });
      await store.subscriptions.upsert(subscription);
      await store.subscriptions.upsert(bare);

      expect(await store.subscriptions.findByStripeId(subscription.stripeSubscriptionId)).toEqual(
        subscription,
      );
      expect(await store.subscriptions.findByStripeId(bare.stripeSubscriptionId)).toEqual(bare);
    });

    it("keeps an operator's grace extension to the millisecond, and clears it back to null", async () => {
      const store = getStore();
      const extended = aSubscription({
        status: 'past_due',
        pastDueSince: new Date('2025-01-10T00:00:00.000Z'),
        graceExtendedUntil: new Date('2025-01-31T23:59:59.999Z'),
      });
      await store.subscriptions.upsert(extended);
      const stored = await store.subscriptions.findByStripeId(extended.stripeSubscriptionId);

      const cleared = {
        ...extended,
        status: 'active' as const,
        graceExtendedUntil: null,
        watermark: extended.watermark + 1,
      };
      await store.subscriptions.upsert(cleared);

      expect(stored).toEqual(extended);
      expect(stored?.graceExtendedUntil).toBeInstanceOf(Date);
      expect(await store.subscriptions.findByStripeId(extended.stripeSubscriptionId)).toEqual(cleared);
      expect(await store.subscriptions.listByUserId(extended.userId)).toEqual([cleared]);
    });

    it("lists a user's subscriptions newest first, and no one else's", async () => {
      const store = getStore();
      const owner = aCustomer();
      const ofOwner = (stripeSubscriptionId: string, createdAt: string) =>
        aSubscription({
          stripeSubscriptionId,
          userId: owner.userId,
          stripeCustomerId: owner.stripeCustomerId,
          createdAt: new Date(createdAt),
        });
      await store.subscriptions.upsert(ofOwner('sub_middle', '2025-02-01T00:00:00.000Z'));
      await store.subscriptions.upsert(ofOwner('sub_newest', '2025-03-01T00:00:00.000Z'));
      await store.subscriptions.upsert(ofOwner('sub_oldest', '2025-01-01T00:00:00.000Z'));
      await store.subscriptions.upsert(aSubscription({ createdAt: new Date('2025-04-01T00:00:00.000Z') }));

      const listed = await store.subscriptions.listByUserId(owner.userId);

      expect(listed.map((subscription) => subscription.stripeSubscriptionId)).toEqual([
        'sub_newest',
        'sub_middle',
        'sub_oldest',
      ]);
    });

    it('lists no subscriptions for a user who has none', async () => {
      expect(await getStore().subscriptions.listByUserId('user_nobody')).toEqual([]);
    });

    it('walks every subscription exactly once, oldest first, a page at a time', async () => {
      const store = getStore();
      const start = Date.parse('2025-01-01T00:00:00.000Z');
      const order = [4, 0, 6, 2, 1, 5, 3];
      for (const position of order) {
        await store.subscriptions.upsert(
          aSubscription({
            stripeSubscriptionId: `sub_page_${position}`,
            createdAt: new Date(start + position * 60_000),
          }),
        );
      }

      const pages = await walkPages((page) => store.subscriptions.list(page), 2);

      expect(pages.map((items) => items.length)).toEqual([2, 2, 2, 1]);
      expect(pages.flat().map((subscription) => subscription.stripeSubscriptionId)).toEqual(
        [0, 1, 2, 3, 4, 5, 6].map((position) => `sub_page_${position}`),
      );
    });

    it('gives callers copies: changing a read subscription, even its dates, leaves the store as it was', async () => {
      const store = getStore();
      const subscription = aSubscription({
        scheduledDowngrade: { fromPlanId: 'team', until: new Date('2025-02-01T00:00:00.000Z') },
      });
      const expected = structuredClone(subscription);
      await store.subscriptions.upsert(subscription);
      subscription.scheduledDowngrade!.fromPlanId = 'changed after upsert';

      const read = await store.subscriptions.findByStripeId(expected.stripeSubscriptionId);
      read!.status = 'canceled';
      read!.scheduledDowngrade!.until.setUTCFullYear(1999);
      const listed = await store.subscriptions.listByUserId(expected.userId);
      listed[0]!.currentPeriodEnd.setUTCFullYear(1999);

      expect(await store.subscriptions.findByStripeId(expected.stripeSubscriptionId)).toEqual(expected);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Payment methods

function describePaymentMethods(getStore: GetStore): void {
  describe('payment methods', () => {
    it('inserts a payment method on first upsert and finds it by Stripe id', async () => {
      const store = getStore();
      const method = aPaymentMethod();

      expect(await store.paymentMethods.upsert(method)).toBe('inserted');
      expect(await store.paymentMethods.findByStripeId(method.stripePaymentMethodId)).toEqual(method);
    });

    it('keeps every field exactly: a wallet card set as default, and a last4 with leading zeros', async () => {
      const store = getStore();
      const method = aPaymentMethod({
        type: 'card',
        brand: 'mastercard',
        last4: '0077',
        expMonth: 1,
        expYear: 2034,
        wallet: 'apple_pay',
        isDefault: true,
        createdAt: new Date('2025-05-05T05:05:05.505Z'),
        watermark: 1_746_421_505,
      });
      await store.paymentMethods.upsert(method);

      expect(await store.paymentMethods.findByStripeId(method.stripePaymentMethodId)).toEqual(method);
    });

    it('keeps null fields null for a method that is not a card', async () => {
      const store = getStore();
      const method = aPaymentMethod({
        type: 'au_becs_debit',
        brand: null,
        last4: null,
        expMonth: null,
        expYear: null,
        wallet: null,
        isDefault: false,
      });
      await store.paymentMethods.upsert(method);

      expect(await store.paymentMethods.findByStripeId(method.stripePaymentMethodId)).toEqual(method);
    });

    it("lists a customer's payment methods oldest first, and no one else's", async () => {
      const store = getStore();
      const owner = aCustomer();
      const ofOwner = (stripePaymentMethodId: string, createdAt: string) =>
        aPaymentMethod({
          stripePaymentMethodId,
          userId: owner.userId,
          stripeCustomerId: owner.stripeCustomerId,
          createdAt: new Date(createdAt),
        });
      await store.paymentMethods.upsert(ofOwner('pm_middle', '2025-02-01T00:00:00.000Z'));
      await store.paymentMethods.upsert(ofOwner('pm_newest', '2025-03-01T00:00:00.000Z'));
      await store.paymentMethods.upsert(ofOwner('pm_oldest', '2025-01-01T00:00:00.000Z'));
      await store.paymentMethods.upsert(aPaymentMethod({ createdAt: new Date('2024-12-01T00:00:00.000Z') }));

      const listed = await store.paymentMethods.listByCustomer(owner.stripeCustomerId);

      expect(listed.map((method) => method.stripePaymentMethodId)).toEqual([
        'pm_oldest',
        'pm_middle',
        'pm_newest',
      ]);
    });

    it('forgets a deleted payment method and keeps the others', async () => {
      const store = getStore();
      const owner = aCustomer();
      const removed = aPaymentMethod({ stripeCustomerId: owner.stripeCustomerId, userId: owner.userId });
      const kept = aPaymentMethod({ stripeCustomerId: owner.stripeCustomerId, userId: owner.userId });
      await store.paymentMethods.upsert(removed);
      await store.paymentMethods.upsert(kept);

      await store.paymentMethods.delete(removed.stripePaymentMethodId);

      expect(await store.paymentMethods.findByStripeId(removed.stripePaymentMethodId)).toBeNull();
      expect(await store.paymentMethods.listByCustomer(owner.stripeCustomerId)).toEqual([kept]);
    });

    it('treats deleting a payment method that is not stored as done', async () => {
      const store = getStore();
      await expect(store.paymentMethods.delete('pm_never_stored')).resolves.toBeUndefined();
    });

    it('inserts a deleted payment method again when it is upserted after the delete', async () => {
      const store = getStore();
      const method = aPaymentMethod();
      await store.paymentMethods.upsert(method);
      await store.paymentMethods.delete(method.stripePaymentMethodId);

      expect(await store.paymentMethods.upsert(method)).toBe('inserted');
      expect(await store.paymentMethods.findByStripeId(method.stripePaymentMethodId)).toEqual(method);
    });

    describeExpiringCards(getStore);
  });
}

/** A card with this id expiring at the end of `year`-`month`, for a customer of its own. */
function aCardExpiring(stripePaymentMethodId: string, year: number, month: number): PaymentMethodRecord {
  return aPaymentMethod({ stripePaymentMethodId, expYear: year, expMonth: month });
}

function describeExpiringCards(getStore: GetStore): void {
  describe('expiring cards', () => {
    it('lists cards expiring in the month asked for or before it, expired ones included, and none expiring the month after', async () => {
      const store = getStore();
      const rows = [
        aCardExpiring('pm_exp_next_month', 2025, 7),
        aCardExpiring('pm_exp_this_month', 2025, 6),
        aCardExpiring('pm_exp_long_ago', 2019, 1),
        aCardExpiring('pm_exp_next_year_january', 2026, 1),
        aCardExpiring('pm_exp_last_month', 2025, 5),
        aCardExpiring('pm_exp_last_december', 2024, 12),
      ];
      for (const row of rows) await store.paymentMethods.upsert(row);

      const page = await store.paymentMethods.listExpiring({ through: { year: 2025, month: 6 } });

      expect(page.items.map((method) => method.stripePaymentMethodId)).toEqual([
        'pm_exp_long_ago',
        'pm_exp_last_december',
        'pm_exp_last_month',
        'pm_exp_this_month',
      ]);
      expect(page.items[3]).toEqual(rows[1]);
      expect(page.nextCursor).toBeNull();
    });

    it('leaves out payment methods without a full expiry, and payment methods that are not cards', async () => {
      const store = getStore();
      const card = aCardExpiring('pm_exp_card', 2025, 1);
      const others = [
        aPaymentMethod({ stripePaymentMethodId: 'pm_exp_no_expiry', expYear: null, expMonth: null }),
        aPaymentMethod({ stripePaymentMethodId: 'pm_exp_no_month', expYear: 2020, expMonth: null }),
        aPaymentMethod({ stripePaymentMethodId: 'pm_exp_no_year', expYear: null, expMonth: 1 }),
        aPaymentMethod({
          stripePaymentMethodId: 'pm_exp_becs',
          type: 'au_becs_debit',
          brand: null,
          last4: '3456',
          expYear: 2020,
          expMonth: 1,
        }),
      ];
      for (const row of [...others, card]) await store.paymentMethods.upsert(row);

      const page = await store.paymentMethods.listExpiring({ through: { year: 2100, month: 12 } });

      expect(page).toEqual({ items: [card], nextCursor: null });
    });

    it('orders expiring cards by expiry year, then month, then Stripe id, whatever their creation order', async () => {
      const store = getStore();
      const expectedOrder = await writeScrambledExpiringCards(store);

      const page = await store.paymentMethods.listExpiring({ through: { year: 2025, month: 10 } });

      expect(page.items.map((method) => method.stripePaymentMethodId)).toEqual(expectedOrder);
    });

    it('walks expiring cards exactly once, in order, a page at a time, when a page ends inside a month', async () => {
      const store = getStore();
      const expectedOrder = await writeScrambledExpiringCards(store);

      const pages = await walkPages(
        (page) => store.paymentMethods.listExpiring({ ...page, through: { year: 2025, month: 10 } }),
        2,
      );

      expect(pages.map((items) => items.length)).toEqual([2, 2, 2, 1]);
      expect(pages.flat().map((method) => method.stripePaymentMethodId)).toEqual(expectedOrder);
    });

    it('refuses an expiry month that is not a whole year and a month from 1 to 12 as invalid input', async () => {
      const store = getStore();
      for (const through of [
        { year: 2025, month: 0 },
        { year: 2025, month: 13 },
        { year: 2025, month: 1.5 },
        { year: 2025.5, month: 1 },
      ]) {
        await expect(store.paymentMethods.listExpiring({ through })).rejects.toBeInstanceOf(
          InvalidInputError,
        );
      }
    });

    it('refuses a cursor of another list as invalid input', async () => {
      const store = getStore();
      await store.payments.upsert(aPayment());
      await store.payments.upsert(aPayment());
      const paymentsCursor = (await store.payments.list({ limit: 1 })).nextCursor;

      await expect(
        store.paymentMethods.listExpiring({ through: { year: 2100, month: 12 }, after: paymentsCursor }),
      ).rejects.toBeInstanceOf(InvalidInputError);
    });
  });
}

/**
 * Writes seven cards expiring through October 2025: over a year end, in months whose numbers sort
 * otherwise as text (2 and 10), three in one month; created in the reverse of their expiry order and
 * written in neither, with cards expiring later or without an expiry in between. Returns the ids of
 * the seven in the order the list must give them.
 */
async function writeScrambledExpiringCards(store: BillingStore): Promise<string[]> {
  const expiring = [
    aCardExpiring('pm_walk_a', 2024, 12),
    aCardExpiring('pm_walk_b', 2024, 12),
    aCardExpiring('pm_walk_c', 2025, 2),
    aCardExpiring('pm_walk_d', 2025, 2),
    aCardExpiring('pm_walk_e', 2025, 2),
    aCardExpiring('pm_walk_f', 2025, 10),
    aCardExpiring('pm_walk_g', 2025, 10),
  ];
  // Ids that sort before the expiring ones: a list that let them in would show them first.
  const outsiders = [
    aCardExpiring('pm_walk_0_november', 2025, 11),
    aCardExpiring('pm_walk_0_next_year', 2026, 1),
    aPaymentMethod({ stripePaymentMethodId: 'pm_walk_0_no_expiry', expYear: null, expMonth: null }),
  ];
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  for (const position of [4, 1, 6, 0, 2, 5, 3]) {
    const card = expiring[position]!;
    await store.paymentMethods.upsert({ ...card, createdAt: new Date(start - position * 60_000) });
    const outsider = outsiders[position];
    if (outsider !== undefined) await store.paymentMethods.upsert(outsider);
  }
  return expiring.map((card) => card.stripePaymentMethodId);
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

function describeCheckpoints(getStore: GetStore): void {
  describe('checkpoints', () => {
    it('keeps the last value put under a name until it is deleted', async () => {
      const store = getStore();
      expect(await store.checkpoints.get('reconcile')).toBeNull();

      await store.checkpoints.put('reconcile', '{"after":"cus_1"}');
      await store.checkpoints.put('reconcile', '{"after":"cus_2"}');
      await store.checkpoints.put('other', 'x'.repeat(70_000));

      expect(await store.checkpoints.get('reconcile')).toBe('{"after":"cus_2"}');
      expect(await store.checkpoints.get('other')).toHaveLength(70_000);
      await store.checkpoints.delete('reconcile');
      expect(await store.checkpoints.get('reconcile')).toBeNull();
      expect(await store.checkpoints.get('other')).not.toBeNull();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Audit log

function describeAuditLog(getStore: GetStore): void {
  describe('audit log', () => {
    /** A hash a test can recompute: the previous one and the entry's id. */
    const idHash = (previous: string, entry: AuditEntry) => `${previous.slice(0, 8)}>${entry.id}`;

    it('links committed entries in append order when sealed, each once, after the genesis hash', async () => {
      const store = getStore();
      const entries = [anAuditEntry(), anAuditEntry(), anAuditEntry()];
      for (const entry of entries) await store.audit.append(entry);

      expect(await store.auditChain.seal(idHash)).toBe(3);
      expect(await store.auditChain.seal(idHash)).toBe(0);
      const later = anAuditEntry();
      await store.audit.append(later);
      expect(await store.auditChain.seal(idHash)).toBe(1);

      const { links, head } = await store.auditChain.links({ after: 0, limit: 10 });
      const hashes: string[] = [];
      for (const entry of [...entries, later]) hashes.push(idHash(hashes.at(-1) ?? GENESIS_HASH, entry));
      expect(links).toEqual(
        [...entries, later].map((entry, index) => ({ position: index + 1, hash: hashes[index], entry })),
      );
      expect(head).toEqual({ position: 4, hash: hashes[3] });
      expect(
        (await store.auditChain.links({ after: 2, limit: 1 })).links.map((link) => link.position),
      ).toEqual([3]);
    });

    it('has an empty chain at the genesis hash before any seal, and links no entry of a rolled-back transaction', async () => {
      const store = getStore();
      expect(await store.auditChain.links({ after: 0, limit: 10 })).toEqual({
        links: [],
        head: { position: 0, hash: GENESIS_HASH },
      });
      await expect(
        store.transaction(async (session) => {
          await session.audit.append(anAuditEntry());
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');

      expect(await store.auditChain.seal(idHash)).toBe(0);
    });

    it('links each entry once when seals race, in one unbroken chain', async () => {
      const store = getStore();
      const entries = Array.from({ length: 12 }, () => anAuditEntry());
      const appending = entries.map((entry) => store.audit.append(entry));
      const sealed = await Promise.all([
        store.auditChain.seal(idHash),
        store.auditChain.seal(idHash),
        store.auditChain.seal(idHash),
      ]);
      await Promise.all(appending);
      const rest = await store.auditChain.seal(idHash);

      expect(sealed.reduce((sum, count) => sum + count, 0) + rest).toBe(12);
      const { links, head } = await store.auditChain.links({ after: 0, limit: 100 });
      expect(links.map((link) => link.position)).toEqual(entries.map((_, index) => index + 1));
      expect(new Set(links.map((link) => link.entry.id))).toEqual(new Set(entries.map((entry) => entry.id)));
      links.forEach((link, index) => {
        expect(link.hash).toBe(idHash(links[index - 1]?.hash ?? GENESIS_HASH, link.entry));
      });
      expect(head.position).toBe(12);
    });

    it('lists entries in the order they were appended, not by their time', async () => {
      const store = getStore();
      const entries = [
        anAuditEntry({ at: new Date('2025-03-01T00:00:00.000Z') }),
        anAuditEntry({ at: new Date('2025-01-01T00:00:00.000Z') }),
        anAuditEntry({ at: new Date('2025-02-01T00:00:00.000Z') }),
      ];
      for (const entry of entries) await store.audit.append(entry);

      expect(await store.audit.list()).toEqual({ items: entries, nextCursor: null });
    });

    it('keeps every field of an entry exactly, including nested data and a missing user', async () => {
      const store = getStore();
      const full = anAuditEntry({
        at: new Date('2025-06-01T10:00:00.250Z'),
        actor: 'admin:42',
        action: 'subscription.canceled',
        subjectType: 'subscription',
        subjectId: 'sub_audited',
        userId: 'user_audited',
        data: {
          reason: 'too_expensive',
          refund: { amount: 1000, currency: 'aud' },
          flags: [true, false],
          note: null,
          feedback: 'Zu teuer — "really" 💸',
        },
      });
      const bare = anAuditEntry({ actor: 'stripe', subjectType: 'webhook_event', userId: null, data: {} });
      await store.audit.append(full);
      await store.audit.append(bare);

      const { items } = await store.audit.list();

      expect(items).toEqual([full, bare]);
      expect(items[0]?.at).toBeInstanceOf(Date);
    });

    it('keeps entries about credits and notifications', async () => {
      const store = getStore();
      const credit = anAuditEntry({
        actor: 'admin:42',
        action: 'credit.granted',
        subjectType: 'credit',
        subjectId: 'cbtxn_audited',
        data: { amount: -500, currency: 'aud' },
      });
      const notification = anAuditEntry({
        action: 'notification.failed',
        subjectType: 'notification',
        subjectId: 'msg_audited',
        data: { kind: 'payment_failed', error: 'SMTP 451' },
      });
      await store.audit.append(credit);
      await store.audit.append(notification);

      const { items } = await store.audit.list();

      expect(items).toEqual([credit, notification]);
    });

    it('lists only the entries about one subject, or about one user, or both', async () => {
      const store = getStore();
      const aboutA = anAuditEntry({ subjectId: 'cus_subject_a', userId: 'user_one' });
      const aboutB = anAuditEntry({ subjectId: 'cus_subject_b', userId: 'user_one' });
      const aboutAByOther = anAuditEntry({ subjectId: 'cus_subject_a', userId: 'user_two' });
      const system = anAuditEntry({ subjectId: 'cus_subject_a', userId: null });
      for (const entry of [aboutA, aboutB, aboutAByOther, system]) await store.audit.append(entry);

      const bySubject = await store.audit.list({ subjectId: 'cus_subject_a' });
      const byUser = await store.audit.list({ userId: 'user_one' });
      const byBoth = await store.audit.list({ subjectId: 'cus_subject_a', userId: 'user_one' });
      const byNobody = await store.audit.list({ subjectId: 'cus_subject_none' });

      expect(bySubject.items).toEqual([aboutA, aboutAByOther, system]);
      expect(byUser.items).toEqual([aboutA, aboutB]);
      expect(byBoth.items).toEqual([aboutA]);
      expect(byNobody).toEqual({ items: [], nextCursor: null });
    });

    it("walks one subject's entries exactly once, in append order, a page at a time", async () => {
      const store = getStore();
      const ofSubject: AuditEntry[] = [];
      for (let index = 0; index < 10; index++) {
        const subjectId = index % 3 === 0 ? 'cus_other' : 'cus_walked';
        const entry = anAuditEntry({ subjectId, data: { index } });
        if (subjectId === 'cus_walked') ofSubject.push(entry);
        await store.audit.append(entry);
      }

      const pages = await walkPages((page) => store.audit.list({ ...page, subjectId: 'cus_walked' }), 4);

      expect(pages.map((items) => items.length)).toEqual([4, 2]);
      expect(pages.flat()).toEqual(ofSubject);
    });

    it('keeps the request id of an entry that has one, and gives none to an entry without', async () => {
      const store = getStore();
      const withRequest = anAuditEntry({ requestId: 'req_7f3a9c' });
      const without = anAuditEntry();
      await store.audit.append(withRequest);
      await store.audit.append(without);

      const { items } = await store.audit.list();

      expect(items).toEqual([withRequest, without]);
      expect(items[1]).not.toHaveProperty('requestId');
    });

    it('lists the entries of one actor and with `at` in [from, to), with the other filters', async () => {
      const store = getStore();
      const at = (iso: string) => new Date(iso);
      const early = anAuditEntry({ actor: 'admin:ops', at: at('2026-03-01T00:00:00.000Z') });
      const onFrom = anAuditEntry({ actor: 'stripe', at: at('2026-03-02T00:00:00.000Z') });
      const adminInside = anAuditEntry({ actor: 'admin:ops', at: at('2026-03-02T12:00:00.000Z') });
      const onTo = anAuditEntry({ actor: 'admin:ops', at: at('2026-03-03T00:00:00.000Z') });
      for (const entry of [early, onFrom, adminInside, onTo]) await store.audit.append(entry);
      const range = { from: at('2026-03-02T00:00:00.000Z'), to: at('2026-03-03T00:00:00.000Z') };

      expect((await store.audit.list({ actor: 'admin:ops' })).items).toEqual([early, adminInside, onTo]);
      expect((await store.audit.list(range)).items).toEqual([onFrom, adminInside]);
      expect((await store.audit.list({ ...range, actor: 'admin:ops' })).items).toEqual([adminInside]);
      expect((await store.audit.list({ actor: 'admin:ops', subjectId: early.subjectId })).items).toEqual([
        early,
      ]);
      expect((await store.audit.list({ actor: 'user:nobody' })).items).toEqual([]);
    });

    it('returns 100 entries a page when no limit is given', async () => {
      const store = getStore();
      for (let index = 0; index < 101; index++) await store.audit.append(anAuditEntry({ data: { index } }));

      const first = await store.audit.list();
      const second = await store.audit.list({ after: first.nextCursor });

      expect(first.items).toHaveLength(100);
      expect(first.nextCursor).not.toBeNull();
      expect(second.items.map((entry) => entry.data)).toEqual([{ index: 100 }]);
      expect(second.nextCursor).toBeNull();
    });

    it('keeps an appended entry as it was when the caller changes its object afterwards', async () => {
      const store = getStore();
      const entry = anAuditEntry({ data: { plan: 'pro' } });
      const expected = structuredClone(entry);
      await store.audit.append(entry);
      entry.data.plan = 'changed after append';
      entry.at.setUTCFullYear(1999);

      const { items } = await store.audit.list();
      items[0]!.data.plan = 'changed after read';

      expect((await store.audit.list()).items).toEqual([expected]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Invoices

function describeInvoices(getStore: GetStore): void {
  describe('invoices', () => {
    it('inserts an invoice on first upsert and finds it by Stripe id', async () => {
      const store = getStore();
      const invoice = anInvoice();

      expect(await store.invoices.upsert(invoice)).toBe('inserted');
      expect(await store.invoices.findByStripeId(invoice.stripeInvoiceId)).toEqual(invoice);
    });

    it('answers null for an invoice that is not stored', async () => {
      expect(await getStore().invoices.findByStripeId('in_nobody')).toBeNull();
    });

    it('keeps every field of a fully filled invoice exactly: lines in order with their dates, negative proration lines, amounts beyond 32 bits, unicode', async () => {
      const store = getStore();
      const invoice = anInvoice({
        number: 'BK-2025-000042',
        status: 'open',
        billingReason: 'subscription_update',
        currency: 'aud',
        subtotal: 9_000_000_550,
        tax: 818_181_868,
        total: 9_000_000_550,
        amountDue: 9_000_000_550,
        amountPaid: 550,
        amountRemaining: 9_000_000_000,
        attemptCount: 3,
        nextPaymentAttempt: new Date('2025-06-04T10:00:00.250Z'),
        hostedInvoiceUrl: 'https://invoice.stripe.com/i/acct_1/test_full?s=ap',
        invoicePdf: 'https://pay.stripe.com/invoice/acct_1/test_full/pdf?s=ap',
        periodStart: new Date('2025-05-01T00:00:00.001Z'),
        periodEnd: new Date('2025-06-01T00:00:00.999Z'),
        lines: [
          {
            stripeLineId: 'il_full_2',
            description: 'Unused time on Pro — "Zoë" 🚀',
            amount: -550,
            quantity: 1,
            proration: true,
            tax: -50,
            stripePriceId: 'price_pro_month',
            periodStart: new Date('2025-05-15T12:34:56.789Z'),
            periodEnd: new Date('2025-06-01T00:00:00.999Z'),
          },
          {
            stripeLineId: 'il_full_1',
            description: null,
            amount: 9_000_001_100,
            quantity: null,
            proration: false,
            tax: 818_181_918,
            stripePriceId: null,
            periodStart: new Date('2025-05-01T00:00:00.001Z'),
            periodEnd: new Date('2025-06-01T00:00:00.999Z'),
          },
          {
            stripeLineId: 'il_full_3',
            description: 'Seats',
            amount: 0,
            quantity: 0,
            proration: false,
            tax: 0,
            stripePriceId: 'price_seat_month',
            periodStart: new Date('2025-05-01T00:00:00.001Z'),
            periodEnd: new Date('2025-06-01T00:00:00.999Z'),
          },
        ],
        createdAt: new Date('2025-05-01T00:00:00.123Z'),
        finalizedAt: new Date('2025-05-01T01:00:00.456Z'),
        paidAt: new Date('2025-05-02T01:00:00.789Z'),
        voidedAt: new Date('2025-05-03T01:00:00.012Z'),
        watermark: 1_748_736_000,
      });
      await store.invoices.upsert(invoice);

      const found = await store.invoices.findByStripeId(invoice.stripeInvoiceId);
      expect(found).toEqual(invoice);
      expect(found?.lines.map((line) => line.stripeLineId)).toEqual(['il_full_2', 'il_full_1', 'il_full_3']);
      expect(found?.lines[0]?.periodStart).toBeInstanceOf(Date);
      expect(found?.nextPaymentAttempt).toBeInstanceOf(Date);
    });

    it('keeps null fields null, and an invoice without lines', async () => {
      const store = getStore();
      const invoice = anInvoice({
        userId: null,
        stripeSubscriptionId: null,
        number: null,
        status: 'draft',
        billingReason: null,
        nextPaymentAttempt: null,
        hostedInvoiceUrl: null,
        invoicePdf: null,
        lines: [],
        finalizedAt: null,
        paidAt: null,
        voidedAt: null,
      });
      await store.invoices.upsert(invoice);

      expect(await store.invoices.findByStripeId(invoice.stripeInvoiceId)).toEqual(invoice);
    });

    it('replaces the lines of an invoice with those of a newer state, dropping lines it no longer has', async () => {
      const store = getStore();
      const invoice = anInvoice({ watermark: 100 });
      const withThreeLines = {
        ...invoice,
        lines: [0, 1, 2].map((index) => ({ ...invoice.lines[0]!, stripeLineId: `il_replaced_${index}` })),
      };
      await store.invoices.upsert(withThreeLines);
      const withOneLine = {
        ...invoice,
        watermark: 101,
        lines: [{ ...invoice.lines[0]!, stripeLineId: 'il_replaced_new', amount: 2200 }],
      };

      expect(await store.invoices.upsert(withOneLine)).toBe('updated');
      expect(await store.invoices.findByStripeId(invoice.stripeInvoiceId)).toEqual(withOneLine);
    });

    it("lists a user's invoices newest first, the higher Stripe id first when created at the same moment, and no one else's", async () => {
      const store = getStore();
      const owner = aCustomer();
      const ofOwner = (stripeInvoiceId: string, createdAt: string) =>
        anInvoice({
          stripeInvoiceId,
          userId: owner.userId,
          stripeCustomerId: owner.stripeCustomerId,
          createdAt: new Date(createdAt),
        });
      await store.invoices.upsert(ofOwner('in_order_b', '2025-02-01T00:00:00.000Z'));
      await store.invoices.upsert(ofOwner('in_order_d', '2025-03-01T00:00:00.000Z'));
      await store.invoices.upsert(ofOwner('in_order_a', '2025-01-01T00:00:00.000Z'));
      await store.invoices.upsert(ofOwner('in_order_c', '2025-02-01T00:00:00.000Z'));
      await store.invoices.upsert(anInvoice({ createdAt: new Date('2025-04-01T00:00:00.000Z') }));
      await store.invoices.upsert(
        anInvoice({ userId: null, createdAt: new Date('2025-04-01T00:00:00.000Z') }),
      );

      const page = await store.invoices.listByUserId(owner.userId);

      expect(page.items.map((invoice) => invoice.stripeInvoiceId)).toEqual([
        'in_order_d',
        'in_order_c',
        'in_order_b',
        'in_order_a',
      ]);
      expect(page.nextCursor).toBeNull();
    });

    it('lists no invoices for a user who has none', async () => {
      expect(await getStore().invoices.listByUserId('user_nobody')).toEqual({ items: [], nextCursor: null });
    });

    it('gives callers copies: changing an invoice or its lines after writing or reading it leaves the store as it was', async () => {
      const store = getStore();
      const invoice = anInvoice();
      const expected = structuredClone(invoice);
      await store.invoices.upsert(invoice);
      invoice.lines[0]!.amount = 1;
      invoice.lines.push({ ...expected.lines[0]!, stripeLineId: 'il_pushed_after_upsert' });

      const read = await store.invoices.findByStripeId(expected.stripeInvoiceId);
      read!.lines[0]!.periodEnd.setUTCFullYear(1999);
      read!.lines.pop();
      const listed = await store.invoices.listByUserId(expected.userId!);
      listed.items[0]!.lines[0]!.description = 'changed after list';
      const all = await store.invoices.list();
      all.items[0]!.createdAt.setUTCFullYear(1999);

      expect(await store.invoices.findByStripeId(expected.stripeInvoiceId)).toEqual(expected);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Payments

function describePayments(getStore: GetStore): void {
  describe('payments', () => {
    it('inserts a payment on first upsert and finds it by Stripe charge id', async () => {
      const store = getStore();
      const payment = aPayment();

      expect(await store.payments.upsert(payment)).toBe('inserted');
      expect(await store.payments.findByStripeId(payment.stripeChargeId)).toEqual(payment);
    });

    it('answers null for a payment that is not stored', async () => {
      expect(await getStore().payments.findByStripeId('ch_nobody')).toBeNull();
    });

    it('keeps every field of a fully filled payment exactly, including an amount beyond 32 bits', async () => {
      const store = getStore();
      const payment = aPayment({
        status: 'succeeded',
        amount: 9_000_000_000,
        currency: 'aud',
        fee: 157_500_030,
        net: 8_842_499_970,
        amountRefunded: 1_000_000_000,
        refunded: true,
        disputed: true,
        failureCode: 'card_declined',
        failureMessage: 'Ihre Karte wurde abgelehnt — "insufficient_funds" 💳',
        brand: 'amex',
        last4: '0005',
        createdAt: new Date('2025-05-05T05:05:05.505Z'),
        watermark: 1_746_421_505,
      });
      await store.payments.upsert(payment);

      const found = await store.payments.findByStripeId(payment.stripeChargeId);
      expect(found).toEqual(payment);
      expect(found?.createdAt).toBeInstanceOf(Date);
    });

    it('keeps an unknown fee and net as null, and a zero fee as zero', async () => {
      const store = getStore();
      const pending = aPayment({
        status: 'pending',
        stripePaymentIntentId: null,
        stripeCustomerId: null,
        userId: null,
        stripeInvoiceId: null,
        fee: null,
        net: null,
        failureCode: null,
        failureMessage: null,
        brand: null,
        last4: null,
      });
      const free = aPayment({ amount: 0, fee: 0, net: 0 });
      const failed = aPayment({
        status: 'failed',
        fee: null,
        net: null,
        failureCode: 'card_declined',
        failureMessage: 'Your card was declined.',
      });
      for (const payment of [pending, free, failed]) await store.payments.upsert(payment);

      expect(await store.payments.findByStripeId(pending.stripeChargeId)).toEqual(pending);
      expect(await store.payments.findByStripeId(free.stripeChargeId)).toEqual(free);
      expect(await store.payments.findByStripeId(failed.stripeChargeId)).toEqual(failed);
    });

    it("lists a user's payments newest first, the higher Stripe id first when made at the same moment, and no one else's", async () => {
      const store = getStore();
      const owner = aCustomer();
      const ofOwner = (stripeChargeId: string, createdAt: string) =>
        aPayment({
          stripeChargeId,
          userId: owner.userId,
          stripeCustomerId: owner.stripeCustomerId,
          createdAt: new Date(createdAt),
        });
      await store.payments.upsert(ofOwner('ch_order_b', '2025-02-01T00:00:00.000Z'));
      await store.payments.upsert(ofOwner('ch_order_d', '2025-03-01T00:00:00.000Z'));
      await store.payments.upsert(ofOwner('ch_order_a', '2025-01-01T00:00:00.000Z'));
      await store.payments.upsert(ofOwner('ch_order_c', '2025-02-01T00:00:00.000Z'));
      await store.payments.upsert(aPayment({ createdAt: new Date('2025-04-01T00:00:00.000Z') }));
      await store.payments.upsert(
        aPayment({ userId: null, createdAt: new Date('2025-04-01T00:00:00.000Z') }),
      );

      const page = await store.payments.listByUserId(owner.userId);

      expect(page.items.map((payment) => payment.stripeChargeId)).toEqual([
        'ch_order_d',
        'ch_order_c',
        'ch_order_b',
        'ch_order_a',
      ]);
      expect(page.nextCursor).toBeNull();
    });

    it('lists no payments for a user who has none', async () => {
      expect(await getStore().payments.listByUserId('user_nobody')).toEqual({ items: [], nextCursor: null });
    });

    it("lists an invoice's charges oldest first, the lower Stripe id first when made at the same moment, and no other invoice's", async () => {
      const store = getStore();
      const invoice = anInvoice();
      const attempt = (stripeChargeId: string, createdAt: string, status: PaymentRecord['status']) =>
        aPayment({
          stripeChargeId,
          stripeInvoiceId: invoice.stripeInvoiceId,
          status,
          createdAt: new Date(createdAt),
        });
      const retried = attempt('ch_attempt_d', '2025-01-04T00:00:00.000Z', 'succeeded');
      await store.payments.upsert(retried);
      await store.payments.upsert(attempt('ch_attempt_a', '2025-01-01T00:00:00.000Z', 'failed'));
      await store.payments.upsert(attempt('ch_attempt_c', '2025-01-02T00:00:00.000Z', 'failed'));
      await store.payments.upsert(attempt('ch_attempt_b', '2025-01-02T00:00:00.000Z', 'failed'));
      await store.payments.upsert(aPayment({ createdAt: new Date('2024-12-01T00:00:00.000Z') }));
      await store.payments.upsert(aPayment({ stripeInvoiceId: null }));

      const listed = await store.payments.listByInvoice(invoice.stripeInvoiceId);

      expect(listed.map((payment) => payment.stripeChargeId)).toEqual([
        'ch_attempt_a',
        'ch_attempt_b',
        'ch_attempt_c',
        'ch_attempt_d',
      ]);
      expect(listed[3]).toEqual(retried);
    });

    it('lists no charges for an invoice that has none', async () => {
      expect(await getStore().payments.listByInvoice('in_nobody')).toEqual([]);
    });

    it('gives callers copies: changing a payment after writing or reading it leaves the store as it was', async () => {
      const store = getStore();
      const payment = aPayment();
      const expected = structuredClone(payment);
      await store.payments.upsert(payment);
      payment.fee = 1;
      payment.createdAt.setUTCFullYear(1999);

      const read = await store.payments.findByStripeId(expected.stripeChargeId);
      read!.net = 1;
      const listed = await store.payments.listByUserId(expected.userId!);
      listed.items[0]!.createdAt.setUTCFullYear(1999);

      expect(await store.payments.findByStripeId(expected.stripeChargeId)).toEqual(expected);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Refunds

function describeRefunds(getStore: GetStore): void {
  describe('refunds', () => {
    it('inserts a refund on first upsert and finds it by Stripe id', async () => {
      const store = getStore();
      const refund = aRefund();

      expect(await store.refunds.upsert(refund)).toBe('inserted');
      expect(await store.refunds.findByStripeId(refund.stripeRefundId)).toEqual(refund);
    });

    it('answers null for a refund that is not stored', async () => {
      expect(await getStore().refunds.findByStripeId('re_nobody')).toBeNull();
    });

    it('keeps every field of a refund exactly, and null fields null', async () => {
      const store = getStore();
      const full = aRefund({
        amount: 9_000_000_000,
        currency: 'aud',
        tax: 818_181_818,
        status: 'requires_action',
        reason: 'duplicate',
        actor: 'admin:42',
        note: 'Charged twice — "sorry" 🙏\nsecond line',
        createdAt: new Date('2025-05-05T05:05:05.505Z'),
        watermark: 1_746_421_505,
      });
      const bare = aRefund({
        stripeChargeId: null,
        stripeInvoiceId: null,
        stripeCustomerId: null,
        userId: null,
        tax: 0,
        reason: null,
        actor: null,
        note: null,
      });
      await store.refunds.upsert(full);
      await store.refunds.upsert(bare);

      expect(await store.refunds.findByStripeId(full.stripeRefundId)).toEqual(full);
      expect(await store.refunds.findByStripeId(bare.stripeRefundId)).toEqual(bare);
    });

    it("lists a charge's refunds oldest first, the lower Stripe id first when made at the same moment, and no other charge's", async () => {
      const store = getStore();
      const charge = aPayment();
      const ofCharge = (stripeRefundId: string, createdAt: string) =>
        aRefund({ stripeRefundId, stripeChargeId: charge.stripeChargeId, createdAt: new Date(createdAt) });
      await store.refunds.upsert(ofCharge('re_order_c', '2025-02-01T00:00:00.000Z'));
      await store.refunds.upsert(ofCharge('re_order_d', '2025-03-01T00:00:00.000Z'));
      await store.refunds.upsert(ofCharge('re_order_a', '2025-01-01T00:00:00.000Z'));
      await store.refunds.upsert(ofCharge('re_order_b', '2025-02-01T00:00:00.000Z'));
      await store.refunds.upsert(aRefund({ createdAt: new Date('2024-12-01T00:00:00.000Z') }));
      await store.refunds.upsert(aRefund({ stripeChargeId: null }));

      const listed = await store.refunds.listByCharge(charge.stripeChargeId);

      expect(listed.map((refund) => refund.stripeRefundId)).toEqual([
        're_order_a',
        're_order_b',
        're_order_c',
        're_order_d',
      ]);
    });

    it('lists no refunds for a charge that has none', async () => {
      expect(await getStore().refunds.listByCharge('ch_nobody')).toEqual([]);
    });

    it("lists an invoice's refunds oldest first, over its charges, the lower Stripe id first when made at the same moment, and no other invoice's", async () => {
      const store = getStore();
      const invoice = anInvoice();
      const ofInvoice = (stripeRefundId: string, stripeChargeId: string, createdAt: string) =>
        aRefund({
          stripeRefundId,
          stripeChargeId,
          stripeInvoiceId: invoice.stripeInvoiceId,
          createdAt: new Date(createdAt),
        });
      const byAdmin = {
        ...ofInvoice('re_inv_order_d', 'ch_second', '2025-03-01T00:00:00.000Z'),
        tax: 91,
        actor: 'admin:7',
        note: 'Goodwill',
      };
      await store.refunds.upsert(byAdmin);
      await store.refunds.upsert(ofInvoice('re_inv_order_c', 'ch_first', '2025-02-01T00:00:00.000Z'));
      await store.refunds.upsert(ofInvoice('re_inv_order_a', 'ch_second', '2025-01-01T00:00:00.000Z'));
      await store.refunds.upsert(ofInvoice('re_inv_order_b', 'ch_first', '2025-02-01T00:00:00.000Z'));
      await store.refunds.upsert(aRefund({ createdAt: new Date('2024-12-01T00:00:00.000Z') }));
      await store.refunds.upsert(aRefund({ stripeInvoiceId: null }));

      const listed = await store.refunds.listByInvoice(invoice.stripeInvoiceId);

      expect(listed.map((refund) => refund.stripeRefundId)).toEqual([
        're_inv_order_a',
        're_inv_order_b',
        're_inv_order_c',
        're_inv_order_d',
      ]);
      expect(listed[3]).toEqual(byAdmin);
    });

    it('lists no refunds for an invoice that has none', async () => {
      expect(await getStore().refunds.listByInvoice('in_nobody')).toEqual([]);
    });

    it('lists every refund by creation time, then by Stripe id when made at the same moment', async () => {
      const store = getStore();
      const sameMoment = new Date('2025-03-01T00:00:00.000Z');
      const rows = [
        aRefund({ stripeRefundId: 're_all_3', createdAt: new Date('2025-03-02T00:00:00.000Z') }),
        aRefund({ stripeRefundId: 're_all_2', createdAt: sameMoment, stripeChargeId: null }),
        aRefund({ stripeRefundId: 're_all_1', createdAt: sameMoment, stripeInvoiceId: null }),
        aRefund({ stripeRefundId: 're_all_0', createdAt: new Date('2025-02-28T00:00:00.000Z') }),
      ];
      for (const row of rows) await store.refunds.upsert(row);

      const page = await store.refunds.list();

      expect(page).toEqual({ items: [rows[3], rows[2], rows[1], rows[0]], nextCursor: null });
    });

    it('gives callers copies: changing a listed refund leaves the store as it was', async () => {
      const store = getStore();
      const refund = aRefund();
      const expected = structuredClone(refund);
      await store.refunds.upsert(refund);
      refund.amount = 1;

      const listed = await store.refunds.listByCharge(expected.stripeChargeId!);
      listed[0]!.createdAt.setUTCFullYear(1999);
      listed[0]!.status = 'failed';
      const ofInvoice = await store.refunds.listByInvoice(expected.stripeInvoiceId!);
      ofInvoice[0]!.note = 'changed after list';
      const all = await store.refunds.list();
      all.items[0]!.createdAt.setUTCFullYear(1999);

      expect(await store.refunds.findByStripeId(expected.stripeRefundId)).toEqual(expected);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Disputes

function describeDisputes(getStore: GetStore): void {
  describe('disputes', () => {
    it('inserts a dispute on first upsert and finds it by Stripe id', async () => {
      const store = getStore();
      const dispute = aDispute();

      expect(await store.disputes.upsert(dispute)).toBe('inserted');
      expect(await store.disputes.findByStripeId(dispute.stripeDisputeId)).toEqual(dispute);
    });

    it('answers null for a dispute that is not stored', async () => {
      expect(await getStore().disputes.findByStripeId('dp_nobody')).toBeNull();
    });

    it('keeps every field of a dispute exactly, and null fields null', async () => {
      const store = getStore();
      const full = aDispute({
        amount: 9_000_000_000,
        currency: 'aud',
        status: 'warning_under_review',
        reason: 'product_not_received',
        evidenceDueBy: new Date('2025-05-20T23:59:59.999Z'),
        evidenceSubmissionCount: 3,
        closedAt: new Date('2025-06-30T12:34:56.789Z'),
        createdAt: new Date('2025-05-05T05:05:05.505Z'),
        watermark: 1_746_421_505,
      });
      const bare = aDispute({
        userId: null,
        evidenceDueBy: null,
        evidenceSubmissionCount: 0,
        closedAt: null,
      });
      await store.disputes.upsert(full);
      await store.disputes.upsert(bare);

      const found = await store.disputes.findByStripeId(full.stripeDisputeId);
      expect(found).toEqual(full);
      expect(found?.evidenceDueBy).toBeInstanceOf(Date);
      expect(found?.closedAt).toBeInstanceOf(Date);
      expect(await store.disputes.findByStripeId(bare.stripeDisputeId)).toEqual(bare);
    });

    it("lists a charge's disputes oldest first, the lower Stripe id first when opened at the same moment, and no other charge's", async () => {
      const store = getStore();
      const charge = aPayment();
      const ofCharge = (stripeDisputeId: string, createdAt: string) =>
        aDispute({ stripeDisputeId, stripeChargeId: charge.stripeChargeId, createdAt: new Date(createdAt) });
      const lost = {
        ...ofCharge('dp_order_c', '2025-03-01T00:00:00.000Z'),
        status: 'lost',
        evidenceSubmissionCount: 1,
        closedAt: new Date('2025-04-01T00:00:00.000Z'),
      };
      await store.disputes.upsert(lost);
      await store.disputes.upsert(ofCharge('dp_order_b', '2025-02-01T00:00:00.000Z'));
      await store.disputes.upsert(ofCharge('dp_order_a', '2025-02-01T00:00:00.000Z'));
      await store.disputes.upsert(aDispute({ createdAt: new Date('2024-12-01T00:00:00.000Z') }));

      const listed = await store.disputes.listByCharge(charge.stripeChargeId);

      expect(listed.map((dispute) => dispute.stripeDisputeId)).toEqual([
        'dp_order_a',
        'dp_order_b',
        'dp_order_c',
      ]);
      expect(listed[2]).toEqual(lost);
    });

    it('lists no disputes for a charge that has none', async () => {
      expect(await getStore().disputes.listByCharge('ch_nobody')).toEqual([]);
    });

    it('gives callers copies: changing a read dispute leaves the store as it was', async () => {
      const store = getStore();
      const dispute = aDispute({ closedAt: new Date('2025-02-01T00:00:00.000Z') });
      const expected = structuredClone(dispute);
      await store.disputes.upsert(dispute);
      dispute.evidenceDueBy!.setUTCFullYear(1999);
      dispute.closedAt!.setUTCFullYear(1999);

      const { items } = await store.disputes.list();
      items[0]!.evidenceDueBy!.setUTCFullYear(1999);
      items[0]!.status = 'lost';
      const listed = await store.disputes.listByCharge(expected.stripeChargeId);
      listed[0]!.closedAt!.setUTCFullYear(1999);

      expect(await store.disputes.findByStripeId(expected.stripeDisputeId)).toEqual(expected);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The webhook inbox. Races on it are in `describeConcurrency`.

/** Claim times: `now`, and a lease of `seconds` from it. */
function claimAt(now: string, seconds = 30): { now: Date; leaseUntil: Date } {
  const start = new Date(now);
  return { now: start, leaseUntil: new Date(start.getTime() + seconds * 1000) };
}

function describeWebhookInbox(getStore: GetStore): void {
  describe('webhook inbox', () => {
    it('records a new event once and finds it by event id with every field as recorded', async () => {
      const store = getStore();
      const event = aWebhookEvent({
        type: 'invoice.payment_failed',
        stripeCreated: new Date('2025-05-05T05:05:05.000Z'),
        payload: JSON.stringify({ id: 'evt_x', note: 'Zoë — "quoted" 🚀\n', big: 9_000_000_000 }),
        receivedAt: new Date('2025-05-05T05:05:06.123Z'),
        updatedAt: new Date('2025-05-05T05:05:06.123Z'),
      });

      expect(await store.webhookEvents.record(event)).toBe('recorded');
      const found = await store.webhookEvents.get(event.eventId);
      expect(found).toEqual(event);
      expect(found?.receivedAt).toBeInstanceOf(Date);
      expect(found?.stripeCreated).toBeInstanceOf(Date);
    });

    it('keeps every field of an event recorded in a later state: error, note, lease, attempts', async () => {
      const store = getStore();
      const event = aWebhookEvent({
        status: 'processing',
        attempts: 3,
        lastError: 'Stripe answered 500 — "try again" 🔁',
        note: 'replayed by admin:42',
        updatedAt: new Date('2025-05-05T05:06:00.456Z'),
        leaseUntil: new Date('2025-05-05T05:06:30.456Z'),
      });

      await store.webhookEvents.record(event);

      const found = await store.webhookEvents.get(event.eventId);
      expect(found).toEqual(event);
      expect(found?.leaseUntil).toBeInstanceOf(Date);
    });

    it('answers null for an event that is not in the inbox', async () => {
      expect(await getStore().webhookEvents.get('evt_nobody')).toBeNull();
    });

    it('answers duplicate for an event id already recorded and changes nothing, even after a claim', async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      const claimed = await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z'));
      const copy = aWebhookEvent({
        eventId: event.eventId,
        payload: '{"changed":true}',
        receivedAt: new Date('2025-01-01T00:00:03.000Z'),
      });

      expect(await store.webhookEvents.record(copy)).toBe('duplicate');
      expect(await store.webhookEvents.get(event.eventId)).toEqual(claimed);
    });

    it('claims a received event: processing, leased until the given time, updated now, first attempt, nothing else changed', async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      const at = claimAt('2025-01-01T00:00:02.000Z');

      const claimed = await store.webhookEvents.claim(event.eventId, at);

      const expected = {
        ...event,
        status: 'processing',
        leaseUntil: at.leaseUntil,
        updatedAt: at.now,
        attempts: 1,
      };
      expect(claimed).toEqual(expected);
      expect(claimed?.leaseUntil).toBeInstanceOf(Date);
      expect(claimed?.updatedAt).toBeInstanceOf(Date);
      expect(await store.webhookEvents.get(event.eventId)).toEqual(expected);
    });

    it('answers null when claiming an event that is not in the inbox', async () => {
      const store = getStore();
      expect(await store.webhookEvents.claim('evt_nobody', claimAt('2025-01-01T00:00:02.000Z'))).toBeNull();
      expect(await store.webhookEvents.get('evt_nobody')).toBeNull();
    });

    it('refuses a claim while another holds the lease, up to and including the moment the lease ends', async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      const first = claimAt('2025-01-01T00:00:02.000Z', 30);
      const held = await store.webhookEvents.claim(event.eventId, first);

      const during = await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:31.999Z'));
      const atTheEnd = await store.webhookEvents.claim(event.eventId, {
        now: new Date(first.leaseUntil),
        leaseUntil: new Date(first.leaseUntil.getTime() + 30_000),
      });

      expect(during).toBeNull();
      expect(atTheEnd).toBeNull();
      expect(await store.webhookEvents.get(event.eventId)).toEqual(held);
    });

    it('lets another take over a processing event whose lease ended before now, as a second attempt', async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      const first = claimAt('2025-01-01T00:00:02.000Z', 30);
      const held = await store.webhookEvents.claim(event.eventId, first);
      const later = claimAt('2025-01-01T00:00:32.001Z', 30);

      const takenOver = await store.webhookEvents.claim(event.eventId, later);

      const expected = {
        ...held!,
        status: 'processing',
        leaseUntil: later.leaseUntil,
        updatedAt: later.now,
        attempts: 2,
      };
      expect(takenOver).toEqual(expected);
      expect(await store.webhookEvents.get(event.eventId)).toEqual(expected);
    });

    it('completes a claimed event as applied: releases the lease, keeps the attempts, leaves no note', async () => {
      const store = getStore();
      const event = aWebhookEvent({ note: 'replayed by admin:42' });
      await store.webhookEvents.record(event);
      const claimed = await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z'));
      const at = new Date('2025-01-01T00:00:03.250Z');

      const completed = await store.webhookEvents.complete(event.eventId, {
        status: 'applied',
        at,
        attempt: claimed!.attempts,
      });

      expect(completed).toBe(true);
      expect(await store.webhookEvents.get(event.eventId)).toEqual({
        ...claimed!,
        status: 'applied',
        updatedAt: at,
        note: null,
        leaseUntil: null,
      });
    });

    it('completes a claimed event as skipped with the note why', async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      const claimed = await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z'));
      const at = new Date('2025-01-01T00:00:03.250Z');
      const note = 'older than the mirrored row (watermark 1735689600 > 1735689599)';

      const completed = await store.webhookEvents.complete(event.eventId, {
        status: 'skipped',
        at,
        note,
        attempt: claimed!.attempts,
      });

      expect(completed).toBe(true);
      expect(await store.webhookEvents.get(event.eventId)).toEqual({
        ...claimed!,
        status: 'skipped',
        updatedAt: at,
        note,
        leaseUntil: null,
      });
    });

    it('never lets an applied or skipped event be claimed again, however late', async () => {
      const store = getStore();
      const applied = aWebhookEvent();
      const skipped = aWebhookEvent();
      for (const event of [applied, skipped]) {
        await store.webhookEvents.record(event);
        await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z'));
      }
      const at = new Date('2025-01-01T00:00:03.000Z');
      await store.webhookEvents.complete(applied.eventId, { status: 'applied', at, attempt: 1 });
      await store.webhookEvents.complete(skipped.eventId, {
        status: 'skipped',
        at,
        note: 'unhandled type',
        attempt: 1,
      });
      const appliedRow = await store.webhookEvents.get(applied.eventId);
      const skippedRow = await store.webhookEvents.get(skipped.eventId);

      const muchLater = claimAt('2030-01-01T00:00:00.000Z');
      expect(await store.webhookEvents.claim(applied.eventId, muchLater)).toBeNull();
      expect(await store.webhookEvents.claim(skipped.eventId, muchLater)).toBeNull();
      expect(await store.webhookEvents.get(applied.eventId)).toEqual(appliedRow);
      expect(await store.webhookEvents.get(skipped.eventId)).toEqual(skippedRow);
    });

    it('fails a claimed event: keeps the error, releases the lease, keeps the attempts', async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      const claimed = await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z'));
      const at = new Date('2025-01-01T00:00:03.250Z');

      const failed = await store.webhookEvents.fail(event.eventId, {
        error: 'Stripe answered 500 — "später" 🔁',
        at,
        attempt: claimed!.attempts,
      });

      expect(failed).toBe(true);
      expect(await store.webhookEvents.get(event.eventId)).toEqual({
        ...claimed!,
        status: 'failed',
        lastError: 'Stripe answered 500 — "später" 🔁',
        updatedAt: at,
        leaseUntil: null,
        attempts: 1,
      });
    });

    it("refuses a stale copy's complete and fail once another copy took the event over: false, nothing changed", async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      const stale = await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z', 30));
      const current = await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:32.001Z', 30));
      const late = new Date('2025-01-01T00:00:40.000Z');

      const completed = await store.webhookEvents.complete(event.eventId, {
        status: 'skipped',
        at: late,
        note: 'from the stale copy',
        attempt: stale!.attempts,
      });
      const failed = await store.webhookEvents.fail(event.eventId, {
        error: 'from the stale copy',
        at: late,
        attempt: stale!.attempts,
      });

      expect(stale?.attempts).toBe(1);
      expect(current?.attempts).toBe(2);
      expect(completed).toBe(false);
      expect(failed).toBe(false);
      expect(await store.webhookEvents.get(event.eventId)).toEqual(current);
      expect(await store.webhookEvents.listFailed()).toEqual({ items: [], nextCursor: null });
    });

    it("keeps the current holder's outcome: it completes after a stale copy was refused, and the stale copy cannot undo it", async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      const stale = await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z', 30));
      const current = await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:32.001Z', 30));
      const at = new Date('2025-01-01T00:00:40.000Z');
      await store.webhookEvents.fail(event.eventId, { error: 'stale', at, attempt: stale!.attempts });

      const completed = await store.webhookEvents.complete(event.eventId, {
        status: 'applied',
        at,
        attempt: current!.attempts,
      });
      const staleAfterwards = await store.webhookEvents.fail(event.eventId, {
        error: 'stale, later still',
        at: new Date('2025-01-01T00:00:41.000Z'),
        attempt: stale!.attempts,
      });

      const expected = { ...current!, status: 'applied', updatedAt: at, note: null, leaseUntil: null };
      expect(completed).toBe(true);
      expect(staleAfterwards).toBe(false);
      expect(await store.webhookEvents.get(event.eventId)).toEqual(expected);
    });

    it('lets a holder whose lease ran out still complete or fail while nobody has claimed the event again', async () => {
      const store = getStore();
      const toComplete = aWebhookEvent();
      const toFail = aWebhookEvent();
      const claims = [];
      for (const event of [toComplete, toFail]) {
        await store.webhookEvents.record(event);
        claims.push(await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z', 30)));
      }
      const afterTheLease = new Date('2025-01-01T00:05:00.000Z');

      const completed = await store.webhookEvents.complete(toComplete.eventId, {
        status: 'applied',
        at: afterTheLease,
        attempt: 1,
      });
      const failed = await store.webhookEvents.fail(toFail.eventId, {
        error: 'slow and broken',
        at: afterTheLease,
        attempt: 1,
      });

      expect(completed).toBe(true);
      expect(failed).toBe(true);
      expect(await store.webhookEvents.get(toComplete.eventId)).toEqual({
        ...claims[0]!,
        status: 'applied',
        updatedAt: afterTheLease,
        leaseUntil: null,
      });
      expect(await store.webhookEvents.get(toFail.eventId)).toEqual({
        ...claims[1]!,
        status: 'failed',
        lastError: 'slow and broken',
        updatedAt: afterTheLease,
        leaseUntil: null,
      });
    });

    it("refuses complete and fail on an event that is not processing, or with an attempt that is not the claim's", async () => {
      const store = getStore();
      const received = aWebhookEvent();
      const applied = aWebhookEvent();
      const skipped = aWebhookEvent();
      const failed = aWebhookEvent();
      const processing = aWebhookEvent();
      const at = new Date('2025-01-01T00:00:03.000Z');
      for (const event of [received, applied, skipped, failed, processing]) {
        await store.webhookEvents.record(event);
      }
      for (const event of [applied, skipped, failed, processing]) {
        await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z'));
      }
      await store.webhookEvents.complete(applied.eventId, { status: 'applied', at, attempt: 1 });
      await store.webhookEvents.complete(skipped.eventId, { status: 'skipped', at, note: 'old', attempt: 1 });
      await store.webhookEvents.fail(failed.eventId, { error: 'boom', at, attempt: 1 });
      const ids = [received, applied, skipped, failed, processing].map((event) => event.eventId);
      const before = await Promise.all(ids.map((eventId) => store.webhookEvents.get(eventId)));
      const later = new Date('2025-01-01T00:00:09.000Z');
      // Each row's own attempts where it is not processing; around the claim's where it is.
      const tries: Array<[eventId: string, attempt: number]> = [
        [received.eventId, 0],
        [applied.eventId, 1],
        [skipped.eventId, 1],
        [failed.eventId, 1],
        [processing.eventId, 0],
        [processing.eventId, 2],
        ['evt_nobody', 1],
      ];

      const answers = [];
      for (const [eventId, attempt] of tries) {
        answers.push(await store.webhookEvents.complete(eventId, { status: 'applied', at: later, attempt }));
        answers.push(await store.webhookEvents.fail(eventId, { error: 'late', at: later, attempt }));
      }

      expect(answers).toEqual(tries.flatMap(() => [false, false]));
      expect(await Promise.all(ids.map((eventId) => store.webhookEvents.get(eventId)))).toEqual(before);
      expect(await store.webhookEvents.get('evt_nobody')).toBeNull();
    });

    it('lets a failed event be claimed again at once, as a second attempt', async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z', 300));
      await store.webhookEvents.fail(event.eventId, {
        error: 'boom',
        at: new Date('2025-01-01T00:00:03.000Z'),
        attempt: 1,
      });
      const failed = await store.webhookEvents.get(event.eventId);
      // Well inside the first claim's lease: failing released it.
      const retry = claimAt('2025-01-01T00:00:04.000Z');

      const claimed = await store.webhookEvents.claim(event.eventId, retry);

      expect(claimed).toEqual({
        ...failed!,
        status: 'processing',
        leaseUntil: retry.leaseUntil,
        updatedAt: retry.now,
        attempts: 2,
      });
      expect(await store.webhookEvents.get(event.eventId)).toEqual(claimed);
    });

    it('lists failed events only, the earliest received first, then by event id', async () => {
      const store = getStore();
      const received = (eventId: string, receivedAt: string) =>
        aWebhookEvent({ eventId, receivedAt: new Date(receivedAt), updatedAt: new Date(receivedAt) });
      const failedLate = received('evt_failed_c', '2025-01-03T00:00:00.000Z');
      const failedEarlyB = received('evt_failed_b', '2025-01-01T00:00:00.000Z');
      const failedEarlyA = received('evt_failed_a', '2025-01-01T00:00:00.000Z');
      const retried = received('evt_retried', '2024-12-01T00:00:00.000Z');
      const applied = received('evt_applied', '2024-12-01T00:00:00.000Z');
      const processing = received('evt_processing', '2024-12-01T00:00:00.000Z');
      const waiting = received('evt_waiting', '2024-12-01T00:00:00.000Z');
      for (const event of [failedLate, failedEarlyB, failedEarlyA, retried, applied, processing, waiting]) {
        await store.webhookEvents.record(event);
      }
      const at = new Date('2025-01-04T00:00:00.000Z');
      for (const event of [failedLate, failedEarlyB, failedEarlyA, retried]) {
        await store.webhookEvents.claim(event.eventId, claimAt('2025-01-04T00:00:00.000Z'));
        await store.webhookEvents.fail(event.eventId, { error: `failed ${event.eventId}`, at, attempt: 1 });
      }
      await store.webhookEvents.claim(retried.eventId, claimAt('2025-01-05T00:00:00.000Z'));
      await store.webhookEvents.claim(applied.eventId, claimAt('2025-01-05T00:00:00.000Z'));
      await store.webhookEvents.complete(applied.eventId, { status: 'applied', at, attempt: 1 });
      await store.webhookEvents.claim(processing.eventId, claimAt('2025-01-05T00:00:00.000Z'));

      const page = await store.webhookEvents.listFailed();

      expect(page.items.map((event) => event.eventId)).toEqual([
        'evt_failed_a',
        'evt_failed_b',
        'evt_failed_c',
      ]);
      expect(page.items[0]).toEqual(await store.webhookEvents.get('evt_failed_a'));
      expect(page.items.map((event) => event.lastError)).toEqual([
        'failed evt_failed_a',
        'failed evt_failed_b',
        'failed evt_failed_c',
      ]);
      expect(page.nextCursor).toBeNull();
    });

    it('gives callers copies: changing an event, a claimed row or the claim times leaves the inbox as it was', async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      event.payload = 'changed after record';
      event.receivedAt.setUTCFullYear(1999);
      const at = claimAt('2025-01-01T00:00:02.000Z');
      const claimed = await store.webhookEvents.claim(event.eventId, at);
      const expected = structuredClone(claimed);
      at.leaseUntil.setUTCFullYear(2100);
      claimed!.leaseUntil!.setUTCFullYear(2100);
      claimed!.attempts = 99;

      const read = await store.webhookEvents.get(event.eventId);
      read!.stripeCreated.setUTCFullYear(1999);

      expect(await store.webhookEvents.get(event.eventId)).toEqual(expected);
      expect(expected?.payload).not.toBe('changed after record');
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Pages of the lists of money rows and of failed events: the same rules for each.

interface PagedList<T> {
  name: string;
  order: 'oldest first' | 'newest first';
  /** A row that belongs in the list, with this id and creation time (time received, for events). */
  build(id: string, createdAt: Date): T;
  /** A row the list must leave out, or undefined when the list holds every row. */
  buildOutsider?(id: string, createdAt: Date): T;
  idOf(row: T): string;
  /** Stores the row through the public API. */
  write(store: BillingStore, row: T): Promise<void>;
  list(store: BillingStore, page: PageRequest): Promise<Page<T>>;
}

const pagedUserId = 'user_paged';

const pagedLists = [
  {
    name: 'invoices.list',
    order: 'oldest first',
    build: (id, createdAt) => anInvoice({ stripeInvoiceId: `in_page_${id}`, createdAt }),
    idOf: (row) => row.stripeInvoiceId,
    write: async (store, row) => void (await store.invoices.upsert(row)),
    list: (store, page) => store.invoices.list(page),
  } satisfies PagedList<InvoiceRecord>,
  {
    name: 'invoices.listByUserId',
    order: 'newest first',
    build: (id, createdAt) => anInvoice({ stripeInvoiceId: `in_page_${id}`, userId: pagedUserId, createdAt }),
    buildOutsider: (id, createdAt) => anInvoice({ stripeInvoiceId: `in_else_${id}`, createdAt }),
    idOf: (row) => row.stripeInvoiceId,
    write: async (store, row) => void (await store.invoices.upsert(row)),
    list: (store, page) => store.invoices.listByUserId(pagedUserId, page),
  } satisfies PagedList<InvoiceRecord>,
  {
    name: 'payments.list',
    order: 'oldest first',
    build: (id, createdAt) => aPayment({ stripeChargeId: `ch_page_${id}`, createdAt }),
    idOf: (row) => row.stripeChargeId,
    write: async (store, row) => void (await store.payments.upsert(row)),
    list: (store, page) => store.payments.list(page),
  } satisfies PagedList<PaymentRecord>,
  {
    name: 'payments.listByUserId',
    order: 'newest first',
    build: (id, createdAt) => aPayment({ stripeChargeId: `ch_page_${id}`, userId: pagedUserId, createdAt }),
    buildOutsider: (id, createdAt) => aPayment({ stripeChargeId: `ch_else_${id}`, createdAt }),
    idOf: (row) => row.stripeChargeId,
    write: async (store, row) => void (await store.payments.upsert(row)),
    list: (store, page) => store.payments.listByUserId(pagedUserId, page),
  } satisfies PagedList<PaymentRecord>,
  {
    name: 'refunds.list',
    order: 'oldest first',
    build: (id, createdAt) => aRefund({ stripeRefundId: `re_page_${id}`, createdAt }),
    idOf: (row) => row.stripeRefundId,
    write: async (store, row) => void (await store.refunds.upsert(row)),
    list: (store, page) => store.refunds.list(page),
  } satisfies PagedList<RefundRecord>,
  {
    // The list's time is the expiry month: a row "created at" a time expires in that time's month.
    name: 'paymentMethods.listExpiring',
    order: 'oldest first',
    build: (id, expiresIn) =>
      aPaymentMethod({
        stripePaymentMethodId: `pm_page_${id}`,
        expYear: expiresIn.getUTCFullYear(),
        expMonth: expiresIn.getUTCMonth() + 1,
      }),
    buildOutsider: (id) =>
      aPaymentMethod({ stripePaymentMethodId: `pm_else_${id}`, expYear: 2100, expMonth: 1 }),
    idOf: (row) => row.stripePaymentMethodId,
    write: async (store, row) => void (await store.paymentMethods.upsert(row)),
    list: (store, page) => store.paymentMethods.listExpiring({ ...page, through: { year: 2099, month: 12 } }),
  } satisfies PagedList<PaymentMethodRecord>,
  {
    name: 'disputes.list',
    order: 'oldest first',
    build: (id, createdAt) => aDispute({ stripeDisputeId: `dp_page_${id}`, createdAt }),
    idOf: (row) => row.stripeDisputeId,
    write: async (store, row) => void (await store.disputes.upsert(row)),
    list: (store, page) => store.disputes.list(page),
  } satisfies PagedList<DisputeRecord>,
  {
    name: 'webhookEvents.listFailed',
    order: 'oldest first',
    build: (id, receivedAt) => aWebhookEvent({ eventId: `evt_page_${id}`, status: 'failed', receivedAt }),
    buildOutsider: (id, receivedAt) => aWebhookEvent({ eventId: `evt_else_${id}`, receivedAt }),
    idOf: (row) => row.eventId,
    write: async (store, row) => {
      await store.webhookEvents.record({ ...row, status: 'received' });
      if (row.status !== 'failed') return;
      await store.webhookEvents.claim(row.eventId, claimAt('2025-06-01T00:00:00.000Z'));
      await store.webhookEvents.fail(row.eventId, {
        error: 'boom',
        at: new Date('2025-06-01T00:00:01.000Z'),
        attempt: 1,
      });
    },
    list: (store, page) => store.webhookEvents.listFailed(page),
  } satisfies PagedList<WebhookEventRecord>,
  {
    name: 'credits.listByUserId',
    order: 'newest first',
    build: (id, createdAt) =>
      aCredit({ stripeBalanceTransactionId: `cbtxn_page_${id}`, userId: pagedUserId, createdAt }),
    buildOutsider: (id, createdAt) => aCredit({ stripeBalanceTransactionId: `cbtxn_else_${id}`, createdAt }),
    idOf: (row) => row.stripeBalanceTransactionId,
    write: async (store, row) => void (await store.credits.upsert(row)),
    list: (store, page) => store.credits.listByUserId(pagedUserId, page),
  } satisfies PagedList<CreditRecord>,
  {
    name: 'outbox.list',
    order: 'oldest first',
    build: (id, createdAt) => anOutboxMessage({ id: `msg_page_${id}`, createdAt }),
    idOf: (row) => row.id,
    write: async (store, row) => void (await store.outbox.enqueue(row)),
    list: (store, page) => store.outbox.list(page),
  } satisfies PagedList<OutboxMessageRecord>,
  {
    name: 'outbox.list by status',
    order: 'oldest first',
    build: (id, createdAt) => anOutboxMessage({ id: `msg_page_${id}`, status: 'failed', createdAt }),
    buildOutsider: (id, createdAt) => anOutboxMessage({ id: `msg_else_${id}`, createdAt }),
    idOf: (row) => row.id,
    write: async (store, row) => void (await store.outbox.enqueue(row)),
    list: (store, page) => store.outbox.list({ ...page, status: 'failed' }),
  } satisfies PagedList<OutboxMessageRecord>,
  {
    name: 'outbox.list by user',
    order: 'oldest first',
    build: (id, createdAt) => anOutboxMessage({ id: `msg_page_${id}`, userId: pagedUserId, createdAt }),
    buildOutsider: (id, createdAt) => anOutboxMessage({ id: `msg_else_${id}`, createdAt }),
    idOf: (row) => row.id,
    write: async (store, row) => void (await store.outbox.enqueue(row)),
    list: (store, page) => store.outbox.list({ ...page, userId: pagedUserId }),
  } satisfies PagedList<OutboxMessageRecord>,
  {
    name: 'customers.search',
    order: 'newest first',
    build: (id, createdAt) =>
      aCustomer({ stripeCustomerId: `cus_page_${id}`, name: 'Paged Person', createdAt }),
    buildOutsider: (id, createdAt) =>
      aCustomer({ stripeCustomerId: `cus_else_${id}`, name: 'Someone Else', createdAt }),
    idOf: (row) => row.stripeCustomerId,
    write: (store, row) => store.customers.insert(row),
    list: (store, page) => store.customers.search({ ...page, query: 'PAGED' }),
  } satisfies PagedList<CustomerRecord>,
  {
    // The ledger's time is the entry's `at`.
    name: 'mrr.list',
    order: 'oldest first',
    build: (id, at) => anMrrMovement({ id: `mrr_page_${id}`, at }),
    idOf: (row) => row.id,
    write: (store, row) => store.mrr.append(row),
    list: (store, page) => store.mrr.list(page),
  } satisfies PagedList<MrrMovementRecord>,
  {
    name: 'mrr.list by user',
    order: 'oldest first',
    build: (id, at) => anMrrMovement({ id: `mrr_page_${id}`, userId: pagedUserId, at }),
    buildOutsider: (id, at) => anMrrMovement({ id: `mrr_else_${id}`, at }),
    idOf: (row) => row.id,
    write: (store, row) => store.mrr.append(row),
    list: (store, page) => store.mrr.list({ ...page, userId: pagedUserId }),
  } satisfies PagedList<MrrMovementRecord>,
];

function describePages(getStore: GetStore): void {
  describe('pages', () => {
    for (const list of pagedLists) describePagesOf(getStore, list as PagedList<unknown>);
  });
}

function describePagesOf<T>(getStore: GetStore, list: PagedList<T>): void {
  describe(list.name, () => {
    it(`walks every row exactly once, ${list.order}, a page at a time`, async () => {
      const store = getStore();
      const expectedOrder = await writeScrambled(store, list, 7);

      const pages = await walkPages((page) => list.list(store, page), 3);

      expect(pages.map((items) => items.length)).toEqual([3, 3, 1]);
      expect(pages.flat().map(list.idOf)).toEqual(expectedOrder);
    });

    it('ends with a null cursor on a last page that is exactly full', async () => {
      const store = getStore();
      const expectedOrder = await writeScrambled(store, list, 6);

      const pages = await walkPages((page) => list.list(store, page), 3);

      expect(pages.map((items) => items.length)).toEqual([3, 3]);
      expect(pages.flat().map(list.idOf)).toEqual(expectedOrder);
    });

    it('continues after the last row of a page even when a row that sorts first is added between pages', async () => {
      const store = getStore();
      const expectedOrder = await writeScrambled(store, list, 4);

      const first = await list.list(store, { limit: 2 });
      const sortsFirst =
        list.order === 'oldest first' ? '2000-01-01T00:00:00.000Z' : '2100-01-01T00:00:00.000Z';
      await list.write(store, list.build('early', new Date(sortsFirst)));
      const second = await list.list(store, { limit: 2, after: first.nextCursor });

      expect(first.items.map(list.idOf)).toEqual(expectedOrder.slice(0, 2));
      expect(second.items.map(list.idOf)).toEqual(expectedOrder.slice(2));
      expect(second.nextCursor).toBeNull();
    });

    it('returns 100 rows a page when no limit is given', async () => {
      const store = getStore();
      const start = Date.parse('2025-01-01T00:00:00.000Z');
      for (let index = 0; index < 101; index++) {
        await list.write(store, list.build(String(index).padStart(3, '0'), new Date(start + index * 1000)));
      }

      const first = await list.list(store, {});
      const second = await list.list(store, { after: first.nextCursor });

      expect(first.items).toHaveLength(100);
      expect(first.nextCursor).not.toBeNull();
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
    });
  });
}

/**
 * Writes `count` rows of the list out of order, two of them created at the same moment, with rows
 * the list must leave out in between; returns the ids of the list's rows in the order it must give
 * them.
 */
async function writeScrambled<T>(store: BillingStore, list: PagedList<T>, count: number): Promise<string[]> {
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  const ordered = Array.from({ length: count }, (_, position) => position);
  const scrambled = [...ordered.filter((p) => p % 2 === 1).reverse(), ...ordered.filter((p) => p % 2 === 0)];
  const idsOldestFirst: string[] = [];
  for (const position of scrambled) {
    // Positions 0 and 1 share a creation time: the Stripe id decides their order.
    const createdAt = new Date(start + Math.max(position, 1) * 60_000);
    const row = list.build(String(position), createdAt);
    idsOldestFirst[position] = list.idOf(row);
    await list.write(store, row);
    if (list.buildOutsider !== undefined)
      await list.write(store, list.buildOutsider(String(position), createdAt));
  }
  return list.order === 'oldest first' ? idsOldestFirst : idsOldestFirst.reverse();
}

// ---------------------------------------------------------------------------------------------
// Watermarks: the same rule for every mirrored row.

interface MirroredRow<T extends { watermark: number }> {
  entity: string;
  /** A new row with this watermark. */
  build(watermark: number): T;
  /** The same row in a later state: the same Stripe id, one visible field changed. */
  changed(row: T, watermark: number): T;
  upsert(session: StoreSession, row: T): Promise<UpsertResult>;
  find(session: StoreSession, row: T): Promise<T | null>;
}

const customerRows: MirroredRow<CustomerRecord> = {
  entity: 'customers',
  build: (watermark) => aCustomer({ watermark, name: 'Before' }),
  changed: (row, watermark) => ({
    ...row,
    watermark,
    name: `After at ${watermark}`,
    version: row.version + 1,
  }),
  upsert: (session, row) => session.customers.upsert(row),
  find: (session, row) => session.customers.findByStripeId(row.stripeCustomerId),
};

const subscriptionRows: MirroredRow<SubscriptionRecord> = {
  entity: 'subscriptions',
  build: (watermark) => aSubscription({ watermark, status: 'active' }),
  changed: (row, watermark) => ({
    ...row,
    watermark,
    status: 'past_due',
    latestInvoiceId: `in_${watermark}`,
  }),
  upsert: (session, row) => session.subscriptions.upsert(row),
  find: (session, row) => session.subscriptions.findByStripeId(row.stripeSubscriptionId),
};

const paymentMethodRows: MirroredRow<PaymentMethodRecord> = {
  entity: 'payment methods',
  build: (watermark) => aPaymentMethod({ watermark, isDefault: false }),
  changed: (row, watermark) => ({ ...row, watermark, isDefault: true, expYear: 2040 }),
  upsert: (session, row) => session.paymentMethods.upsert(row),
  find: (session, row) => session.paymentMethods.findByStripeId(row.stripePaymentMethodId),
};

const invoiceRows: MirroredRow<InvoiceRecord> = {
  entity: 'invoices',
  build: (watermark) => anInvoice({ watermark, status: 'open', amountPaid: 0, amountRemaining: 1100 }),
  changed: (row, watermark) => ({
    ...row,
    watermark,
    status: 'paid',
    amountPaid: row.amountDue,
    amountRemaining: 0,
    lines: [...row.lines, { ...row.lines[0]!, stripeLineId: `il_added_at_${watermark}`, proration: true }],
  }),
  upsert: (session, row) => session.invoices.upsert(row),
  find: (session, row) => session.invoices.findByStripeId(row.stripeInvoiceId),
};

const paymentRows: MirroredRow<PaymentRecord> = {
  entity: 'payments',
  build: (watermark) => aPayment({ watermark, status: 'pending', fee: null, net: null }),
  changed: (row, watermark) => ({ ...row, watermark, status: 'succeeded', fee: 49, net: row.amount - 49 }),
  upsert: (session, row) => session.payments.upsert(row),
  find: (session, row) => session.payments.findByStripeId(row.stripeChargeId),
};

const refundRows: MirroredRow<RefundRecord> = {
  entity: 'refunds',
  build: (watermark) => aRefund({ watermark, status: 'pending' }),
  changed: (row, watermark) => ({
    ...row,
    watermark,
    status: 'succeeded',
    tax: 45,
    actor: 'admin:7',
    note: `Approved at ${watermark}`,
  }),
  upsert: (session, row) => session.refunds.upsert(row),
  find: (session, row) => session.refunds.findByStripeId(row.stripeRefundId),
};

const creditRows: MirroredRow<CreditRecord> = {
  entity: 'credits',
  build: (watermark) => aCredit({ watermark, description: 'Before' }),
  changed: (row, watermark) => ({
    ...row,
    watermark,
    description: `After at ${watermark}`,
    endingBalance: -watermark,
  }),
  upsert: (session, row) => session.credits.upsert(row),
  find: (session, row) => session.credits.findByStripeId(row.stripeBalanceTransactionId),
};

const disputeRows: MirroredRow<DisputeRecord> = {
  entity: 'disputes',
  build: (watermark) => aDispute({ watermark, status: 'needs_response' }),
  changed: (row, watermark) => ({
    ...row,
    watermark,
    status: 'won',
    evidenceDueBy: null,
    evidenceSubmissionCount: watermark,
    closedAt: new Date(watermark * 1000),
  }),
  upsert: (session, row) => session.disputes.upsert(row),
  find: (session, row) => session.disputes.findByStripeId(row.stripeDisputeId),
};

function describeWatermarks(getStore: GetStore): void {
  describe('watermarks', () => {
    describeWatermarksOf(getStore, customerRows);
    describeWatermarksOf(getStore, subscriptionRows);
    describeWatermarksOf(getStore, paymentMethodRows);
    describeWatermarksOf(getStore, invoiceRows);
    describeWatermarksOf(getStore, paymentRows);
    describeWatermarksOf(getStore, refundRows);
    describeWatermarksOf(getStore, disputeRows);
    describeWatermarksOf(getStore, creditRows);
  });
}

function describeWatermarksOf<T extends { watermark: number }>(
  getStore: GetStore,
  rows: MirroredRow<T>,
): void {
  describe(rows.entity, () => {
    it('ignores a state older than the stored one and answers stale', async () => {
      const store = getStore();
      const stored = rows.build(200);
      await rows.upsert(store, stored);

      expect(await rows.upsert(store, rows.changed(stored, 199))).toBe('stale');
      expect(await rows.find(store, stored)).toEqual(stored);
    });

    it('applies a state newer than the stored one and answers updated', async () => {
      const store = getStore();
      const stored = rows.build(200);
      await rows.upsert(store, stored);
      const newer = rows.changed(stored, 201);

      expect(await rows.upsert(store, newer)).toBe('updated');
      expect(await rows.find(store, stored)).toEqual(newer);
    });

    it('applies a state with the same watermark as the stored one and answers updated', async () => {
      const store = getStore();
      const stored = rows.build(200);
      await rows.upsert(store, stored);
      const same = rows.changed(stored, 200);

      expect(await rows.upsert(store, same)).toBe('updated');
      expect(await rows.find(store, stored)).toEqual(same);
    });

    it('ends with the newest state whatever order 20 concurrent upserts of one row arrive in', async () => {
      const store = getStore();
      const first = rows.build(0);
      const watermarks = [7, 19, 3, 12, 0, 15, 1, 18, 9, 5, 14, 2, 11, 17, 6, 10, 4, 16, 8, 13];
      const states = watermarks.map((watermark) => rows.changed(first, 1000 + watermark));

      const results = await Promise.all(states.map((state) => rows.upsert(store, state)));

      expect(results.filter((result) => result === 'inserted')).toHaveLength(1);
      expect(await rows.find(store, first)).toEqual(rows.changed(first, 1019));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Transactions

function describeTransactions(getStore: GetStore): void {
  describe('transactions', () => {
    it('commits every write of a transaction when its function resolves, and returns its value', async () => {
      const store = getStore();
      const { customer, subscription, paymentMethod, entry } = aSubscriberWithHistory();

      const value = await store.transaction(async (tx) => {
        await tx.customers.insert(customer);
        await tx.subscriptions.upsert(subscription);
        await tx.paymentMethods.upsert(paymentMethod);
        await tx.audit.append(entry);
        return 'committed';
      });

      expect(value).toBe('committed');
      expect(await store.customers.findByUserId(customer.userId)).toEqual(customer);
      expect(await store.subscriptions.findByStripeId(subscription.stripeSubscriptionId)).toEqual(
        subscription,
      );
      expect(await store.paymentMethods.findByStripeId(paymentMethod.stripePaymentMethodId)).toEqual(
        paymentMethod,
      );
      expect((await store.audit.list()).items).toEqual([entry]);
    });

    it('leaves none of its writes behind when its function throws, and rethrows the same error', async () => {
      const store = getStore();
      const { customer, subscription, paymentMethod, entry } = aSubscriberWithHistory();
      const failure = new Error('the Stripe call after the writes failed');

      const transaction = store.transaction(async (tx) => {
        await tx.customers.insert(customer);
        await tx.subscriptions.upsert(subscription);
        await tx.paymentMethods.upsert(paymentMethod);
        await tx.audit.append(entry);
        throw failure;
      });

      await expect(transaction).rejects.toBe(failure);
      expect(await store.customers.findByUserId(customer.userId)).toBeNull();
      expect(await store.customers.findByStripeId(customer.stripeCustomerId)).toBeNull();
      expect(await store.subscriptions.findByStripeId(subscription.stripeSubscriptionId)).toBeNull();
      expect(await store.subscriptions.listByUserId(customer.userId)).toEqual([]);
      expect(await store.paymentMethods.findByStripeId(paymentMethod.stripePaymentMethodId)).toBeNull();
      expect(await store.audit.list()).toEqual({ items: [], nextCursor: null });
    });

    it('restores updated and deleted rows when its function throws', async () => {
      const store = getStore();
      const { customer, subscription, paymentMethod } = aSubscriberWithHistory();
      await store.customers.insert(customer);
      await store.subscriptions.upsert(subscription);
      await store.paymentMethods.upsert(paymentMethod);

      const transaction = store.transaction(async (tx) => {
        await tx.customers.upsert({ ...customer, name: 'Renamed', watermark: customer.watermark + 1 });
        await tx.subscriptions.upsert({
          ...subscription,
          status: 'canceled',
          watermark: subscription.watermark + 1,
        });
        await tx.paymentMethods.delete(paymentMethod.stripePaymentMethodId);
        throw new Error('roll back');
      });

      await expect(transaction).rejects.toThrow('roll back');
      expect(await store.customers.findByUserId(customer.userId)).toEqual(customer);
      expect(await store.subscriptions.findByStripeId(subscription.stripeSubscriptionId)).toEqual(
        subscription,
      );
      expect(await store.paymentMethods.listByCustomer(customer.stripeCustomerId)).toEqual([paymentMethod]);
    });

    it('rolls back the whole transaction when a unique constraint fails inside it', async () => {
      const store = getStore();
      const existing = aCustomer();
      await store.customers.insert(existing);
      const subscription = aSubscription({ userId: existing.userId });
      const entry = anAuditEntry({ userId: existing.userId });

      const transaction = store.transaction(async (tx) => {
        await tx.subscriptions.upsert(subscription);
        await tx.audit.append(entry);
        await tx.customers.insert(aCustomer({ userId: existing.userId }));
      });

      await expect(transaction).rejects.toBeInstanceOf(UniqueViolationError);
      expect(await store.subscriptions.findByStripeId(subscription.stripeSubscriptionId)).toBeNull();
      expect((await store.audit.list()).items).toEqual([]);
      expect((await store.customers.list()).items).toEqual([existing]);
    });

    it('commits writes to invoices, payments, refunds, disputes and the webhook inbox together', async () => {
      const store = getStore();
      const rows = aPaidInvoiceWithHistory();
      const at = claimAt('2025-01-01T00:00:02.000Z');

      await store.transaction(async (tx) => {
        await tx.invoices.upsert(rows.invoice);
        await tx.payments.upsert(rows.payment);
        await tx.refunds.upsert(rows.refund);
        await tx.disputes.upsert(rows.dispute);
        await tx.webhookEvents.record(rows.event);
        await tx.webhookEvents.claim(rows.event.eventId, at);
      });

      expect(await store.invoices.findByStripeId(rows.invoice.stripeInvoiceId)).toEqual(rows.invoice);
      expect(await store.payments.findByStripeId(rows.payment.stripeChargeId)).toEqual(rows.payment);
      expect(await store.refunds.listByCharge(rows.payment.stripeChargeId)).toEqual([rows.refund]);
      expect(await store.payments.listByInvoice(rows.invoice.stripeInvoiceId)).toEqual([rows.payment]);
      expect(await store.refunds.listByInvoice(rows.invoice.stripeInvoiceId)).toEqual([rows.refund]);
      expect((await store.refunds.list()).items).toEqual([rows.refund]);
      expect((await store.disputes.list()).items).toEqual([rows.dispute]);
      expect(await store.disputes.listByCharge(rows.payment.stripeChargeId)).toEqual([rows.dispute]);
      expect(await store.webhookEvents.get(rows.event.eventId)).toEqual({
        ...rows.event,
        status: 'processing',
        leaseUntil: at.leaseUntil,
        updatedAt: at.now,
        attempts: 1,
      });
    });

    it('leaves none of its writes to invoices, payments, refunds, disputes or the webhook inbox behind when it throws', async () => {
      const store = getStore();
      const stored = aPaidInvoiceWithHistory();
      const toClaim = aWebhookEvent();
      const toComplete = aWebhookEvent();
      const toFail = aWebhookEvent();
      await store.invoices.upsert(stored.invoice);
      await store.payments.upsert(stored.payment);
      await store.refunds.upsert(stored.refund);
      await store.disputes.upsert(stored.dispute);
      for (const event of [toClaim, toComplete, toFail]) await store.webhookEvents.record(event);
      for (const event of [toComplete, toFail]) {
        await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z'));
      }
      const before = {
        toClaim: await store.webhookEvents.get(toClaim.eventId),
        toComplete: await store.webhookEvents.get(toComplete.eventId),
        toFail: await store.webhookEvents.get(toFail.eventId),
      };
      const fresh = aPaidInvoiceWithHistory();
      const watermark = stored.invoice.watermark + 1;
      const at = new Date('2025-01-01T00:00:03.000Z');

      const transaction = store.transaction(async (tx) => {
        await tx.invoices.upsert({ ...stored.invoice, status: 'void', lines: [], watermark });
        await tx.payments.upsert({ ...stored.payment, refunded: true, fee: null, watermark });
        await tx.refunds.upsert({ ...stored.refund, status: 'canceled', watermark });
        await tx.disputes.upsert({ ...stored.dispute, status: 'lost', watermark });
        await tx.invoices.upsert(fresh.invoice);
        await tx.payments.upsert(fresh.payment);
        await tx.refunds.upsert(fresh.refund);
        await tx.disputes.upsert(fresh.dispute);
        await tx.webhookEvents.record(fresh.event);
        await tx.webhookEvents.claim(toClaim.eventId, claimAt('2025-01-01T00:00:02.000Z'));
        expect(
          await tx.webhookEvents.complete(toComplete.eventId, { status: 'applied', at, attempt: 1 }),
        ).toBe(true);
        expect(await tx.webhookEvents.fail(toFail.eventId, { error: 'boom', at, attempt: 1 })).toBe(true);
        throw new Error('roll back');
      });

      await expect(transaction).rejects.toThrow('roll back');
      expect(await store.invoices.findByStripeId(stored.invoice.stripeInvoiceId)).toEqual(stored.invoice);
      expect(await store.payments.findByStripeId(stored.payment.stripeChargeId)).toEqual(stored.payment);
      expect(await store.refunds.findByStripeId(stored.refund.stripeRefundId)).toEqual(stored.refund);
      expect(await store.disputes.findByStripeId(stored.dispute.stripeDisputeId)).toEqual(stored.dispute);
      expect((await store.invoices.list()).items).toEqual([stored.invoice]);
      expect((await store.invoices.listByUserId(fresh.invoice.userId!)).items).toEqual([]);
      expect((await store.payments.list()).items).toEqual([stored.payment]);
      expect((await store.payments.listByUserId(fresh.payment.userId!)).items).toEqual([]);
      expect(await store.refunds.listByCharge(fresh.payment.stripeChargeId)).toEqual([]);
      expect(await store.payments.listByInvoice(fresh.invoice.stripeInvoiceId)).toEqual([]);
      expect(await store.refunds.listByInvoice(fresh.invoice.stripeInvoiceId)).toEqual([]);
      expect((await store.refunds.list()).items).toEqual([stored.refund]);
      expect((await store.disputes.list()).items).toEqual([stored.dispute]);
      expect(await store.disputes.listByCharge(fresh.payment.stripeChargeId)).toEqual([]);
      expect(await store.webhookEvents.get(fresh.event.eventId)).toBeNull();
      expect(await store.webhookEvents.get(toClaim.eventId)).toEqual(before.toClaim);
      expect(await store.webhookEvents.get(toComplete.eventId)).toEqual(before.toComplete);
      expect(await store.webhookEvents.get(toFail.eventId)).toEqual(before.toFail);
      expect(await store.webhookEvents.listFailed()).toEqual({ items: [], nextCursor: null });
    });

    it('reads its own invoice, payment and inbox writes inside the transaction', async () => {
      const store = getStore();
      const rows = aPaidInvoiceWithHistory();
      const at = claimAt('2025-01-01T00:00:02.000Z');

      const seen = await store.transaction(async (tx) => {
        await tx.invoices.upsert(rows.invoice);
        await tx.payments.upsert(rows.payment);
        await tx.refunds.upsert(rows.refund);
        await tx.webhookEvents.record(rows.event);
        const claimed = await tx.webhookEvents.claim(rows.event.eventId, at);
        return {
          invoices: (await tx.invoices.listByUserId(rows.invoice.userId!)).items,
          payments: (await tx.payments.listByUserId(rows.payment.userId!)).items,
          refunds: await tx.refunds.listByCharge(rows.payment.stripeChargeId),
          invoicePayments: await tx.payments.listByInvoice(rows.invoice.stripeInvoiceId),
          invoiceRefunds: await tx.refunds.listByInvoice(rows.invoice.stripeInvoiceId),
          duplicate: await tx.webhookEvents.record(rows.event),
          claimed,
          claimedAgain: await tx.webhookEvents.claim(rows.event.eventId, at),
        };
      });

      expect(seen).toEqual({
        invoices: [rows.invoice],
        payments: [rows.payment],
        refunds: [rows.refund],
        invoicePayments: [rows.payment],
        invoiceRefunds: [rows.refund],
        duplicate: 'duplicate',
        claimed: {
          ...rows.event,
          status: 'processing',
          leaseUntil: at.leaseUntil,
          updatedAt: at.now,
          attempts: 1,
        },
        claimedAgain: null,
      });
    });

    it('reads its own writes inside the transaction', async () => {
      const store = getStore();
      const { customer, subscription, entry } = aSubscriberWithHistory();

      const seen = await store.transaction(async (tx) => {
        await tx.customers.insert(customer);
        await tx.subscriptions.upsert(subscription);
        await tx.audit.append(entry);
        return {
          customer: await tx.customers.findByUserId(customer.userId),
          subscriptions: await tx.subscriptions.listByUserId(customer.userId),
          audit: (await tx.audit.list({ userId: customer.userId })).items,
        };
      });

      expect(seen).toEqual({ customer, subscriptions: [subscription], audit: [entry] });
    });

    it('never shows its writes to readers outside it while it runs, nor after it rolls back', async () => {
      const store = getStore();
      const customer = aCustomer();
      const written = deferred();
      const release = deferred();
      const failure = new Error('roll back');

      const transaction = store.transaction(async (tx) => {
        await tx.customers.insert(customer);
        written.resolve();
        await release.promise;
        throw failure;
      });
      await Promise.race([written.promise, transaction]);
      const outsideRead = store.customers.findByUserId(customer.userId);
      const otherTransactionRead = store.transaction((tx) => tx.customers.findByUserId(customer.userId));
      await aTurnOfTheEventLoop();
      release.resolve();

      await expect(transaction).rejects.toBe(failure);
      expect(await outsideRead).toBeNull();
      expect(await otherTransactionRead).toBeNull();
    });

    it('keeps a write made outside a transaction while that transaction rolls back', async () => {
      const store = getStore();
      const inside = aCustomer();
      const outside = aCustomer();
      const written = deferred();
      const release = deferred();

      const transaction = store.transaction(async (tx) => {
        await tx.customers.insert(inside);
        written.resolve();
        await release.promise;
        throw new Error('roll back');
      });
      await Promise.race([written.promise, transaction]);
      const outsideWrite = store.customers.insert(outside);
      await aTurnOfTheEventLoop();
      release.resolve();

      await expect(transaction).rejects.toThrow('roll back');
      await outsideWrite;
      expect(await store.customers.findByUserId(inside.userId)).toBeNull();
      expect(await store.customers.findByUserId(outside.userId)).toEqual(outside);
    });

    it('keeps a write made outside a transaction while that transaction commits', async () => {
      const store = getStore();
      const inside = aCustomer();
      const outside = aCustomer();
      const written = deferred();
      const release = deferred();

      const transaction = store.transaction(async (tx) => {
        await tx.customers.insert(inside);
        written.resolve();
        await release.promise;
      });
      await Promise.race([written.promise, transaction]);
      const outsideWrite = store.customers.insert(outside);
      await aTurnOfTheEventLoop();
      release.resolve();

      await transaction;
      await outsideWrite;
      expect(await store.customers.findByUserId(inside.userId)).toEqual(inside);
      expect(await store.customers.findByUserId(outside.userId)).toEqual(outside);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Races between callers

function describeConcurrency(getStore: GetStore): void {
  describe('concurrency', () => {
    it('stores exactly one customer when 20 inserts for one user run at once; the others fail on user_id', async () => {
      const store = getStore();
      const userId = aCustomer().userId;
      const candidates = Array.from({ length: 20 }, () => aCustomer({ userId }));

      const outcomes = await Promise.allSettled(
        candidates.map((candidate) => store.customers.insert(candidate)),
      );

      const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const losers = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(19);
      for (const loser of losers) {
        expect(loser.reason).toBeInstanceOf(UniqueViolationError);
        expect((loser.reason as UniqueViolationError).field).toBe('user_id');
      }
      const winner = candidates[outcomes.findIndex((outcome) => outcome.status === 'fulfilled')];
      expect(await store.customers.findByUserId(userId)).toEqual(winner);
      expect((await store.customers.list()).items).toEqual([winner]);
    });

    it('keeps exactly one customer and one audit entry when 20 transactions create the same user at once', async () => {
      const store = getStore();
      const userId = aCustomer().userId;
      const candidates = Array.from({ length: 20 }, () => aCustomer({ userId }));

      const outcomes = await Promise.allSettled(
        candidates.map((candidate) =>
          store.transaction(async (tx) => {
            await tx.audit.append(anAuditEntry({ subjectId: candidate.stripeCustomerId, userId }));
            await tx.customers.insert(candidate);
          }),
        ),
      );

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(UniqueViolationError);
      }
      const stored = await store.customers.findByUserId(userId);
      const { items: entries } = await store.audit.list({ userId });
      expect((await store.customers.list()).items).toEqual([stored]);
      expect(entries).toHaveLength(1);
      expect(entries[0]?.subjectId).toBe(stored?.stripeCustomerId);
    });

    it('stores one customer when a transaction and a write outside it insert the same user at once', async () => {
      const store = getStore();
      const inside = aCustomer();
      const outside = aCustomer({ userId: inside.userId });
      const written = deferred();
      const release = deferred();

      const transaction = store.transaction(async (tx) => {
        await tx.customers.insert(inside);
        written.resolve();
        await release.promise;
      });
      await Promise.race([written.promise, transaction]);
      const outsideWrite = store.customers.insert(outside);
      await aTurnOfTheEventLoop();
      release.resolve();

      const [insideOutcome, outsideOutcome] = await Promise.allSettled([transaction, outsideWrite]);
      const outcomes = [insideOutcome, outsideOutcome];
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const loser = outcomes.find((outcome) => outcome.status === 'rejected');
      expect(loser?.reason).toBeInstanceOf(UniqueViolationError);
      const winner = insideOutcome.status === 'fulfilled' ? inside : outside;
      expect((await store.customers.list()).items).toEqual([winner]);
    });

    it('records an event id once when 20 copies of the event arrive at once; the others are duplicates', async () => {
      const store = getStore();
      const eventId = aWebhookEvent().eventId;
      const copies = Array.from({ length: 20 }, (_, index) =>
        aWebhookEvent({ eventId, receivedAt: new Date(Date.parse('2025-01-01T00:00:01.000Z') + index) }),
      );

      const results = await Promise.all(copies.map((copy) => store.webhookEvents.record(copy)));

      expect(results.filter((result) => result === 'recorded')).toHaveLength(1);
      expect(results.filter((result) => result === 'duplicate')).toHaveLength(19);
      expect(await store.webhookEvents.get(eventId)).toEqual(copies[results.indexOf('recorded')]);
    });

    it('lets exactly one of 20 concurrent claims take a received event', async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);

      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z', 30 + index)),
        ),
      );

      const winners = claims.filter((claimed) => claimed !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.attempts).toBe(1);
      expect(await store.webhookEvents.get(event.eventId)).toEqual(winners[0]);
    });

    it('lets exactly one of 20 concurrent claims take over a failed event, or one whose lease ended', async () => {
      const store = getStore();
      const failed = aWebhookEvent();
      const abandoned = aWebhookEvent();
      for (const event of [failed, abandoned]) {
        await store.webhookEvents.record(event);
        await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z', 30));
      }
      await store.webhookEvents.fail(failed.eventId, {
        error: 'boom',
        at: new Date('2025-01-01T00:00:03.000Z'),
        attempt: 1,
      });

      for (const event of [failed, abandoned]) {
        const claims = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:01:00.000Z')),
          ),
        );

        const winners = claims.filter((claimed) => claimed !== null);
        expect(winners).toHaveLength(1);
        expect(winners[0]?.attempts).toBe(2);
        expect(await store.webhookEvents.get(event.eventId)).toEqual(winners[0]);
      }
    });

    it("keeps one of a late holder's complete and another copy's claim of its expired lease, never both", async () => {
      const store = getStore();
      const events = Array.from({ length: 10 }, () => aWebhookEvent());
      const late = claimAt('2025-01-01T00:01:00.000Z');
      for (const event of events) {
        await store.webhookEvents.record(event);
        await store.webhookEvents.claim(event.eventId, claimAt('2025-01-01T00:00:02.000Z', 30));
      }

      const races = await Promise.all(
        events.map(async (event, index) => {
          // Half start with the claim, half with the complete; neither waits for the other.
          const claimFirst = index % 2 === 0 ? store.webhookEvents.claim(event.eventId, late) : null;
          const completing = store.webhookEvents.complete(event.eventId, {
            status: 'applied',
            at: late.now,
            attempt: 1,
          });
          const claiming = claimFirst ?? store.webhookEvents.claim(event.eventId, late);
          const [completed, takenOver] = await Promise.all([completing, claiming]);
          return { completed, takenOver, row: await store.webhookEvents.get(event.eventId) };
        }),
      );

      for (const { completed, takenOver, row } of races) {
        expect(completed).toBe(takenOver === null);
        expect(row).toEqual(
          completed
            ? expect.objectContaining({ status: 'applied', attempts: 1, leaseUntil: null })
            : takenOver,
        );
      }
    });

    it('lets one claim win when a transaction and a caller outside it claim the same event at once', async () => {
      const store = getStore();
      const event = aWebhookEvent();
      await store.webhookEvents.record(event);
      const claimed = deferred();
      const release = deferred();
      const at = claimAt('2025-01-01T00:00:02.000Z');

      const transaction = store.transaction(async (tx) => {
        const mine = await tx.webhookEvents.claim(event.eventId, at);
        claimed.resolve();
        await release.promise;
        return mine;
      });
      await Promise.race([claimed.promise, transaction]);
      const outsideClaim = store.webhookEvents.claim(event.eventId, at);
      await aTurnOfTheEventLoop();
      release.resolve();

      const claims = [await transaction, await outsideClaim];
      expect(claims.filter((row) => row !== null)).toHaveLength(1);
      expect((await store.webhookEvents.get(event.eventId))?.attempts).toBe(1);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Suite helpers

/** A customer with a subscription, a card and the audit entry of the signup. */
function aSubscriberWithHistory() {
  const customer = aCustomer();
  const owner = { userId: customer.userId, stripeCustomerId: customer.stripeCustomerId };
  const subscription = aSubscription(owner);
  return {
    customer,
    subscription,
    paymentMethod: aPaymentMethod(owner),
    entry: anAuditEntry({
      action: 'subscription.started',
      subjectType: 'subscription',
      subjectId: subscription.stripeSubscriptionId,
      userId: customer.userId,
    }),
  };
}

/** An invoice of one user's customer, its payment, a partial refund and a dispute of it, and an event. */
function aPaidInvoiceWithHistory() {
  const customer = aCustomer();
  const owner = { userId: customer.userId, stripeCustomerId: customer.stripeCustomerId };
  const invoice = anInvoice(owner);
  const payment = aPayment({ ...owner, stripeInvoiceId: invoice.stripeInvoiceId });
  return {
    invoice,
    payment,
    refund: aRefund({
      ...owner,
      stripeChargeId: payment.stripeChargeId,
      stripeInvoiceId: invoice.stripeInvoiceId,
    }),
    dispute: aDispute({ userId: owner.userId, stripeChargeId: payment.stripeChargeId }),
    event: aWebhookEvent({ type: 'invoice.paid' }),
  };
}

/**
 * Inserts `count` customers out of order, with two of them created at the same moment, and returns
 * their Stripe ids in the order a list must give them. Ids have equal length and one case, so any
 * database collation sorts them as JavaScript does.
 */
async function insertScrambledCustomers(store: BillingStore, count: number): Promise<string[]> {
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  const ordered = Array.from({ length: count }, (_, position) => position);
  const scrambled = [...ordered.filter((p) => p % 2 === 1).reverse(), ...ordered.filter((p) => p % 2 === 0)];
  for (const position of scrambled) {
    // Positions 0 and 1 share a creation time: the Stripe id decides their order.
    const createdAt = new Date(start + Math.max(position, 1) * 60_000);
    await store.customers.insert(aCustomer({ stripeCustomerId: `cus_page_${position}`, createdAt }));
  }
  return ordered.map((position) => `cus_page_${position}`);
}

/** Follows `nextCursor` from the first page to the last, and returns each page's items. */
async function walkPages<T>(
  listPage: (page: PageRequest) => Promise<Page<T>>,
  limit: number,
): Promise<T[][]> {
  const pages: T[][] = [];
  let after: string | null = null;
  do {
    const page = await listPage({ limit, after });
    pages.push(page.items);
    after = page.nextCursor;
    if (pages.length > 1000) throw new Error('The pages never ended: the cursor does not move forward.');
  } while (after !== null);
  return pages;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Lets work that another caller has started run: a turn of the event loop, not a sleep. */
function aTurnOfTheEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// ---------------------------------------------------------------------------------------------
// Credits (customer balance transactions)

function describeCredits(getStore: GetStore): void {
  describe('credits', () => {
    it('inserts a credit on first upsert and finds it by Stripe balance transaction id', async () => {
      const store = getStore();
      const credit = aCredit();

      expect(await store.credits.upsert(credit)).toBe('inserted');
      expect(await store.credits.findByStripeId(credit.stripeBalanceTransactionId)).toEqual(credit);
    });

    it('answers null for a credit that is not stored', async () => {
      const store = getStore();
      expect(await store.credits.findByStripeId('cbtxn_nobody')).toBeNull();
    });

    it('keeps every field exactly: a credit applied to an invoice, amounts beyond 32 bits, unicode', async () => {
      const store = getStore();
      const credit = aCredit({
        amount: 9_007_199_254,
        endingBalance: -12_345_678_901,
        type: 'applied_to_invoice',
        description: 'Crédit appliqué — 🎁',
        stripeInvoiceId: 'in_applied',
        createdAt: new Date('2025-03-04T05:06:07.089Z'),
      });
      await store.credits.upsert(credit);

      expect(await store.credits.findByStripeId(credit.stripeBalanceTransactionId)).toEqual(credit);
    });

    it('keeps null fields null', async () => {
      const store = getStore();
      const credit = aCredit({ userId: null, description: null, stripeInvoiceId: null });
      await store.credits.upsert(credit);

      expect(await store.credits.findByStripeId(credit.stripeBalanceTransactionId)).toEqual(credit);
    });

    it("lists a user's credits newest first, the higher Stripe id first when made at the same moment, and no one else's", async () => {
      const store = getStore();
      const userId = 'user_credits';
      const at = (iso: string) => new Date(iso);
      const oldest = aCredit({
        userId,
        stripeBalanceTransactionId: 'cbtxn_a',
        createdAt: at('2025-01-01T00:00:00.000Z'),
      });
      const tiedLow = aCredit({
        userId,
        stripeBalanceTransactionId: 'cbtxn_b',
        createdAt: at('2025-02-01T00:00:00.000Z'),
      });
      const tiedHigh = aCredit({
        userId,
        stripeBalanceTransactionId: 'cbtxn_c',
        createdAt: at('2025-02-01T00:00:00.000Z'),
      });
      const newest = aCredit({
        userId,
        stripeBalanceTransactionId: 'cbtxn_d',
        createdAt: at('2025-03-01T00:00:00.000Z'),
      });
      const someoneElse = aCredit({ createdAt: at('2025-02-15T00:00:00.000Z') });
      for (const credit of [tiedLow, newest, someoneElse, oldest, tiedHigh])
        await store.credits.upsert(credit);

      expect(await store.credits.listByUserId(userId)).toEqual({
        items: [newest, tiedHigh, tiedLow, oldest],
        nextCursor: null,
      });
      expect(await store.credits.listByUserId('user_nobody')).toEqual({ items: [], nextCursor: null });
    });

    it('gives callers copies: changing a credit after writing or reading it leaves the store as it was', async () => {
      const store = getStore();
      const credit = aCredit();
      const expected = structuredClone(credit);
      await store.credits.upsert(credit);
      credit.amount = 1;
      credit.createdAt.setUTCFullYear(1999);
      const read = await store.credits.findByStripeId(expected.stripeBalanceTransactionId);
      read!.description = 'changed';

      expect(await store.credits.findByStripeId(expected.stripeBalanceTransactionId)).toEqual(expected);
    });

    it('commits credits written in a transaction, and leaves none behind when it throws', async () => {
      const store = getStore();
      const stored = aCredit({ watermark: 100 });
      await store.credits.upsert(stored);
      const committed = aCredit();
      const rolledBack = aCredit();

      await store.transaction(async (tx) => {
        await tx.credits.upsert(committed);
        expect(await tx.credits.findByStripeId(committed.stripeBalanceTransactionId)).toEqual(committed);
      });
      const failing = store.transaction(async (tx) => {
        await tx.credits.upsert(rolledBack);
        await tx.credits.upsert({ ...stored, amount: -1, watermark: 101 });
        throw new Error('roll back');
      });

      await expect(failing).rejects.toThrow('roll back');
      expect(await store.credits.findByStripeId(committed.stripeBalanceTransactionId)).toEqual(committed);
      expect(await store.credits.findByStripeId(rolledBack.stripeBalanceTransactionId)).toBeNull();
      expect(await store.credits.findByStripeId(stored.stripeBalanceTransactionId)).toEqual(stored);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Notification outbox

async function outboxMessage(store: StoreSession, id: string): Promise<OutboxMessageRecord | undefined> {
  const all: OutboxMessageRecord[] = [];
  let after: string | null = null;
  do {
    const page: Page<OutboxMessageRecord> = await store.outbox.list({ after });
    all.push(...page.items);
    after = page.nextCursor;
  } while (after !== null);
  return all.find((message) => message.id === id);
}

function claimDueAt(now: string, limit = 100, seconds = 30): { now: Date; leaseUntil: Date; limit: number } {
  return { ...claimAt(now, seconds), limit };
}

function describeOutbox(getStore: GetStore): void {
  describe('notification outbox', () => {
    it('enqueues a message once and lists it with every field as enqueued: nested data with dates, unicode', async () => {
      const store = getStore();
      const message = anOutboxMessage({
        data: {
          invoice: { id: 'in_1', amountDue: 12_345_678_901, lines: ['Pro — 月額', '🎁'] },
          dueAt: new Date('2025-02-03T04:05:06.789Z'),
          none: null,
        },
        createdAt: new Date('2025-01-01T00:00:00.123Z'),
        availableAt: new Date('2025-01-01T00:05:00.456Z'),
      });

      expect(await store.outbox.enqueue(message)).toBe('enqueued');
      expect(await store.outbox.list()).toEqual({ items: [message], nextCursor: null });
    });

    it('keeps a message in a later state: sent, with an error from an earlier attempt and a lease', async () => {
      const store = getStore();
      const message = anOutboxMessage({
        email: null,
        status: 'sent',
        attempts: 3,
        lastError: 'SMTP 451',
        sentAt: new Date('2025-01-02T00:00:00.001Z'),
        leaseUntil: new Date('2025-01-02T00:00:30.000Z'),
      });
      await store.outbox.enqueue(message);

      expect(await outboxMessage(store, message.id)).toEqual(message);
    });

    it('answers duplicate for a key already enqueued, or an id already stored, and changes nothing', async () => {
      const store = getStore();
      const message = anOutboxMessage();
      await store.outbox.enqueue(message);

      expect(await store.outbox.enqueue(anOutboxMessage({ key: message.key, kind: 'other' }))).toBe(
        'duplicate',
      );
      expect(await store.outbox.enqueue(anOutboxMessage({ id: message.id }))).toBe('duplicate');
      expect(await store.outbox.list()).toEqual({ items: [message], nextCursor: null });
    });

    it('lists messages oldest first, then by id, optionally only those with one status', async () => {
      const store = getStore();
      const at = (iso: string) => new Date(iso);
      const first = anOutboxMessage({ id: 'msg_a', createdAt: at('2025-01-01T00:00:00.000Z') });
      const tiedLow = anOutboxMessage({
        id: 'msg_b',
        createdAt: at('2025-01-02T00:00:00.000Z'),
        status: 'sent',
      });
      const tiedHigh = anOutboxMessage({ id: 'msg_c', createdAt: at('2025-01-02T00:00:00.000Z') });
      const last = anOutboxMessage({
        id: 'msg_d',
        createdAt: at('2025-01-03T00:00:00.000Z'),
        status: 'failed',
      });
      for (const message of [last, tiedHigh, first, tiedLow]) await store.outbox.enqueue(message);

      expect((await store.outbox.list()).items).toEqual([first, tiedLow, tiedHigh, last]);
      expect((await store.outbox.list({ status: 'pending' })).items).toEqual([first, tiedHigh]);
      expect((await store.outbox.list({ status: 'failed' })).items).toEqual([last]);
      expect((await store.outbox.list({ status: 'sending' })).items).toEqual([]);
    });

    it("lists only one user's messages when asked, with or without a status", async () => {
      const store = getStore();
      const userId = 'user_outbox';
      const first = anOutboxMessage({ id: 'msg_a', userId, createdAt: new Date('2025-01-01T00:00:00.000Z') });
      const someoneElses = anOutboxMessage({ id: 'msg_b', createdAt: new Date('2025-01-02T00:00:00.000Z') });
      const sent = anOutboxMessage({
        id: 'msg_c',
        userId,
        status: 'sent',
        createdAt: new Date('2025-01-03T00:00:00.000Z'),
      });
      for (const message of [sent, someoneElses, first]) await store.outbox.enqueue(message);

      expect((await store.outbox.list({ userId })).items).toEqual([first, sent]);
      expect((await store.outbox.list({ userId, status: 'sent' })).items).toEqual([sent]);
      expect((await store.outbox.list({ userId: someoneElses.userId, status: 'sent' })).items).toEqual([]);
      expect(await store.outbox.list({ userId: 'user_nobody' })).toEqual({ items: [], nextCursor: null });
    });

    it('claims due messages: sending, leased until the given time, one more attempt, nothing else changed', async () => {
      const store = getStore();
      const message = anOutboxMessage({ attempts: 2, status: 'failed', lastError: 'earlier' });
      await store.outbox.enqueue(message);
      const at = claimDueAt('2025-01-01T00:00:02.000Z');

      const claimed = await store.outbox.claimDue(at);

      const expected = { ...message, status: 'sending', leaseUntil: at.leaseUntil, attempts: 3 };
      expect(claimed).toEqual([expected]);
      expect(await outboxMessage(store, message.id)).toEqual(expected);
    });

    it('claims only what is due: not before availableAt (due exactly at it), never sent messages, never held leases', async () => {
      const store = getStore();
      const now = '2025-01-01T00:10:00.000Z';
      const at = (iso: string) => new Date(iso);
      const dueEarlier = anOutboxMessage({ availableAt: at('2025-01-01T00:00:00.000Z') });
      const dueNow = anOutboxMessage({ availableAt: at(now) });
      const notYet = anOutboxMessage({ availableAt: at('2025-01-01T00:10:00.001Z') });
      const failedNotYet = anOutboxMessage({ status: 'failed', availableAt: at('2025-01-01T00:20:00.000Z') });
      const sent = anOutboxMessage({ status: 'sent', sentAt: at('2025-01-01T00:01:00.000Z') });
      const leaseEndsNow = anOutboxMessage({ status: 'sending', attempts: 1, leaseUntil: at(now) });
      const leaseEnded = anOutboxMessage({
        status: 'sending',
        attempts: 1,
        leaseUntil: at('2025-01-01T00:09:59.999Z'),
      });
      for (const message of [dueEarlier, dueNow, notYet, failedNotYet, sent, leaseEndsNow, leaseEnded]) {
        await store.outbox.enqueue(message);
      }

      const claimed = await store.outbox.claimDue(claimDueAt(now));

      expect(claimed.map((message) => message.id).sort()).toEqual(
        [dueEarlier.id, dueNow.id, leaseEnded.id].sort(),
      );
      expect(claimed.find((message) => message.id === leaseEnded.id)?.attempts).toBe(2);
      expect(await outboxMessage(store, notYet.id)).toEqual(notYet);
      expect(await outboxMessage(store, failedNotYet.id)).toEqual(failedNotYet);
      expect(await outboxMessage(store, sent.id)).toEqual(sent);
      expect(await outboxMessage(store, leaseEndsNow.id)).toEqual(leaseEndsNow);
      expect(await store.outbox.claimDue(claimDueAt(now))).toEqual([]);
    });

    it('claims at most limit messages, the oldest first', async () => {
      const store = getStore();
      const start = Date.parse('2025-01-01T00:00:00.000Z');
      const messages = [3, 0, 4, 1, 2].map((position) =>
        anOutboxMessage({ id: `msg_${position}`, createdAt: new Date(start + position * 1000) }),
      );
      for (const message of messages) await store.outbox.enqueue(message);

      const first = await store.outbox.claimDue(claimDueAt('2025-01-01T01:00:00.000Z', 2));
      const second = await store.outbox.claimDue(claimDueAt('2025-01-01T01:00:00.000Z', 2));
      const third = await store.outbox.claimDue(claimDueAt('2025-01-01T01:00:00.000Z', 2));

      expect(first.map((message) => message.id)).toEqual(['msg_0', 'msg_1']);
      expect(second.map((message) => message.id)).toEqual(['msg_2', 'msg_3']);
      expect(third.map((message) => message.id)).toEqual(['msg_4']);
    });

    it('lets another sender take over a message whose lease ended before now, as a second attempt', async () => {
      const store = getStore();
      const message = anOutboxMessage();
      await store.outbox.enqueue(message);
      await store.outbox.claimDue(claimDueAt('2025-01-01T00:00:00.000Z', 10, 30));

      expect(await store.outbox.claimDue(claimDueAt('2025-01-01T00:00:30.000Z'))).toEqual([]);
      const later = claimDueAt('2025-01-01T00:00:30.001Z');
      const taken = await store.outbox.claimDue(later);

      expect(taken).toEqual([{ ...message, status: 'sending', attempts: 2, leaseUntil: later.leaseUntil }]);
    });

    it('marks a claimed message sent: releases the lease, keeps the attempts, never claims it again', async () => {
      const store = getStore();
      const message = anOutboxMessage();
      await store.outbox.enqueue(message);
      const [claimed] = await store.outbox.claimDue(claimDueAt('2025-01-01T00:00:01.000Z'));
      const sentAt = new Date('2025-01-01T00:00:02.000Z');

      expect(await store.outbox.markSent(message.id, { at: sentAt, attempt: claimed!.attempts })).toBe(true);

      const expected = { ...message, status: 'sent', attempts: 1, sentAt, leaseUntil: null };
      expect(await outboxMessage(store, message.id)).toEqual(expected);
      expect(await store.outbox.claimDue(claimDueAt('2030-01-01T00:00:00.000Z'))).toEqual([]);
      expect(await store.outbox.markSent(message.id, { at: sentAt, attempt: 1 })).toBe(false);
    });

    it('marks a claimed message failed: keeps the error, releases the lease, due again only at retryAt', async () => {
      const store = getStore();
      const message = anOutboxMessage();
      await store.outbox.enqueue(message);
      await store.outbox.claimDue(claimDueAt('2025-01-01T00:00:01.000Z'));
      const retryAt = new Date('2025-01-01T00:05:00.000Z');

      expect(
        await store.outbox.markFailed(message.id, {
          error: 'SMTP 451 — try later',
          at: new Date('2025-01-01T00:00:02.000Z'),
          retryAt,
          attempt: 1,
        }),
      ).toBe(true);

      const failed = {
        ...message,
        status: 'failed',
        attempts: 1,
        lastError: 'SMTP 451 — try later',
        availableAt: retryAt,
        leaseUntil: null,
      };
      expect(await outboxMessage(store, message.id)).toEqual(failed);
      expect(await store.outbox.claimDue(claimDueAt('2025-01-01T00:04:59.999Z'))).toEqual([]);
      const retry = claimDueAt('2025-01-01T00:05:00.000Z');
      expect(await store.outbox.claimDue(retry)).toEqual([
        { ...failed, status: 'sending', attempts: 2, leaseUntil: retry.leaseUntil },
      ]);
    });

    it("refuses a stale sender's markSent and markFailed once another took the message over, and keeps the holder's outcome", async () => {
      const store = getStore();
      const message = anOutboxMessage();
      await store.outbox.enqueue(message);
      await store.outbox.claimDue(claimDueAt('2025-01-01T00:00:00.000Z', 10, 30));
      const [current] = await store.outbox.claimDue(claimDueAt('2025-01-01T00:01:00.000Z'));
      const at = new Date('2025-01-01T00:01:01.000Z');
      const before = await outboxMessage(store, message.id);

      expect(await store.outbox.markSent(message.id, { at, attempt: 1 })).toBe(false);
      expect(await store.outbox.markFailed(message.id, { error: 'x', at, retryAt: at, attempt: 1 })).toBe(
        false,
      );
      expect(await outboxMessage(store, message.id)).toEqual(before);

      expect(await store.outbox.markSent(message.id, { at, attempt: current!.attempts })).toBe(true);
      expect(await store.outbox.markFailed(message.id, { error: 'x', at, retryAt: at, attempt: 1 })).toBe(
        false,
      );
      expect((await outboxMessage(store, message.id))?.status).toBe('sent');
    });

    it('refuses markSent and markFailed on a message that is not sending, or that is not stored', async () => {
      const store = getStore();
      const pending = anOutboxMessage();
      await store.outbox.enqueue(pending);
      const at = new Date('2025-01-01T00:00:01.000Z');

      expect(await store.outbox.markSent(pending.id, { at, attempt: 0 })).toBe(false);
      expect(await store.outbox.markFailed(pending.id, { error: 'x', at, retryAt: at, attempt: 0 })).toBe(
        false,
      );
      expect(await store.outbox.markSent('msg_nobody', { at, attempt: 1 })).toBe(false);
      expect(await store.outbox.markFailed('msg_nobody', { error: 'x', at, retryAt: at, attempt: 1 })).toBe(
        false,
      );
      expect(await outboxMessage(store, pending.id)).toEqual(pending);
    });

    it('gives callers copies: changing a message or a claimed row leaves the outbox as it was', async () => {
      const store = getStore();
      const message = anOutboxMessage();
      const expected = structuredClone(message);
      await store.outbox.enqueue(message);
      message.data.changed = true;
      message.availableAt.setUTCFullYear(1999);
      const [listed] = (await store.outbox.list()).items;
      listed!.data.changed = true;

      expect(await outboxMessage(store, expected.id)).toEqual(expected);
    });

    it('commits outbox writes in a transaction, and leaves none of them behind when it throws', async () => {
      const store = getStore();
      const toClaim = anOutboxMessage({ id: 'msg_1' });
      const toSend = anOutboxMessage({ id: 'msg_2' });
      await store.outbox.enqueue(toClaim);
      await store.outbox.enqueue(toSend);
      await store.outbox.claimDue({ ...claimDueAt('2025-01-01T00:00:01.000Z'), limit: 1 });
      const before = (await store.outbox.list()).items;
      const committed = anOutboxMessage({ id: 'msg_3' });
      const at = new Date('2025-01-01T00:00:02.000Z');

      const failing = store.transaction(async (tx) => {
        expect(await tx.outbox.enqueue(anOutboxMessage({ id: 'msg_4' }))).toBe('enqueued');
        expect(await tx.outbox.markSent(toClaim.id, { at, attempt: 1 })).toBe(true);
        expect((await tx.outbox.claimDue(claimDueAt('2025-01-01T00:00:02.000Z'))).map((m) => m.id)).toEqual([
          toSend.id,
          'msg_4',
        ]);
        throw new Error('roll back');
      });
      await expect(failing).rejects.toThrow('roll back');
      expect((await store.outbox.list()).items).toEqual(before);

      await store.transaction(async (tx) => {
        await tx.outbox.enqueue(committed);
      });
      expect((await store.outbox.list()).items).toEqual([...before, committed]);
    });
  });
}

function describeOutboxConcurrency(getStore: GetStore): void {
  describe('outbox concurrency', () => {
    it('enqueues a key once when 20 callers enqueue it at once; the others are duplicates', async () => {
      const store = getStore();
      const key = anOutboxMessage().key;
      const copies = Array.from({ length: 20 }, () => anOutboxMessage({ key }));

      const results = await Promise.all(copies.map((copy) => store.outbox.enqueue(copy)));

      expect(results.filter((result) => result === 'enqueued')).toHaveLength(1);
      expect(results.filter((result) => result === 'duplicate')).toHaveLength(19);
      expect((await store.outbox.list()).items).toEqual([copies[results.indexOf('enqueued')]]);
    });

    it('never gives one message to two concurrent claimDue callers: disjoint sets covering all 10', async () => {
      const store = getStore();
      const messages = Array.from({ length: 10 }, () => anOutboxMessage());
      for (const message of messages) await store.outbox.enqueue(message);

      const [first, second] = await Promise.all([
        store.outbox.claimDue(claimDueAt('2025-01-01T00:00:01.000Z', 10)),
        store.outbox.claimDue(claimDueAt('2025-01-01T00:00:01.000Z', 10)),
      ]);

      const ids = [...first!, ...second!].map((message) => message.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(messages.map((message) => message.id).sort());
      expect([...first!, ...second!].every((message) => message.attempts === 1)).toBe(true);
    });

    it('never gives one message to two of 4 concurrent claimDue callers taking 3 each', async () => {
      const store = getStore();
      const messages = Array.from({ length: 10 }, () => anOutboxMessage());
      for (const message of messages) await store.outbox.enqueue(message);

      const claims = await Promise.all(
        Array.from({ length: 4 }, () => store.outbox.claimDue(claimDueAt('2025-01-01T00:00:01.000Z', 3))),
      );

      const ids = claims.flat().map((message) => message.id);
      expect(claims.every((claimed) => claimed.length <= 3)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect(claims.flat().every((message) => message.attempts === 1)).toBe(true);
    });
  });
}
