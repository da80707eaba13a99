// The conformance suite every BillingStore adapter runs: it states, as tests, what the storage
// port promises (round-trips, watermarks, unique constraints, transactions, races, pages, order).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BillingStore,
  type StoreSession,
  UniqueViolationError,
  type UpsertResult,
} from '../store/billing-store.js';
import type {
  AuditEntry,
  CustomerRecord,
  Page,
  PageRequest,
  PaymentMethodRecord,
  SubscriptionRecord,
} from '../store/records.js';
import { aCustomer, anAuditEntry, aPaymentMethod, aSubscription } from './builders.js';

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
  });

  describeCustomers(getStore);
  describeSubscriptions(getStore);
  describePaymentMethods(getStore);
  describeAuditLog(getStore);
  describeWatermarks(getStore);
  describeTransactions(getStore);
  describeConcurrency(getStore);
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
  });
}

// ---------------------------------------------------------------------------------------------
// Audit log

function describeAuditLog(getStore: GetStore): void {
  describe('audit log', () => {
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

function describeWatermarks(getStore: GetStore): void {
  describe('watermarks', () => {
    describeWatermarksOf(getStore, customerRows);
    describeWatermarksOf(getStore, subscriptionRows);
    describeWatermarksOf(getStore, paymentMethodRows);
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
