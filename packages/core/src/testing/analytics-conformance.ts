// The conformance tests of the storage port's analytics part: the MRR ledger, the admin's customer
// search and every aggregate of `AnalyticsQueries`, each against fixtures whose figures are worked
// out by hand, so every store computes the definitions in `store/analytics.ts` the same way.

import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/billing-error.js';
import type { MrrMovementKind, MrrMovementRecord } from '../store/analytics.js';
import type { BillingStore, StoreSession } from '../store/billing-store.js';
import type {
  CustomerRecord,
  DisputeRecord,
  InvoiceLineRecord,
  InvoiceRecord,
  PaymentRecord,
  RefundRecord,
  SubscriptionRecord,
} from '../store/records.js';
import { aCustomer, aDispute, anInvoice, aPayment, aRefund, aSubscription } from './builders.js';

type GetStore = () => BillingStore;

/** A `new` movement of A$10 MRR for a subscription and user of its own unless overridden. */
export function anMrrMovement(overrides: Partial<MrrMovementRecord> = {}): MrrMovementRecord {
  const suffix = crypto.randomUUID().replaceAll('-', '');
  return {
    id: `mrr_${suffix}`,
    at: new Date('2025-01-01T00:00:00.000Z'),
    stripeSubscriptionId: `sub_${suffix}`,
    userId: `user_${suffix}`,
    currency: 'aud',
    mrr: 1000,
    delta: 1000,
    kind: 'new',
    customerMrr: 1000,
    planId: 'pro',
    ...overrides,
  };
}

/** Registers the analytics part of the conformance suite. */
export function describeAnalyticsConformance(getStore: GetStore): void {
  describeMrrLedger(getStore);
  describeCustomerSearch(getStore);
  describe('analytics', () => {
    it('answers zeros and empty lists on an empty store', async () => {
      const { analytics } = getStore();
      const january = { from: at('2025-01-01T00:00:00.000Z'), to: at('2025-02-01T00:00:00.000Z') };

      expect(await analytics.mrrAt({ currency: 'aud', at: [january.to] })).toEqual([
        { mrr: 0, customers: 0 },
      ]);
      expect(await analytics.mrrMovements({ currency: 'aud', ranges: [january] })).toEqual([noMovements()]);
      expect(await analytics.subscriptionStatusCounts()).toEqual({});
      expect(await analytics.trials(january)).toEqual({ ended: 0, converted: 0 });
      expect(await analytics.payments({ ...january, currency: 'aud' })).toEqual({
        succeeded: 0,
        failed: 0,
        amount: 0,
        fees: 0,
      });
      expect(await analytics.recoveries({ ...january, currency: 'aud' })).toEqual({
        failedInvoices: 0,
        recovered: 0,
        recoverySeconds: 0,
      });
      expect(await analytics.refunds({ ...january, currency: 'aud' })).toEqual({
        count: 0,
        amount: 0,
        tax: 0,
      });
      expect(await analytics.disputes({ ...january, currency: 'aud' })).toEqual({
        count: 0,
        amount: 0,
        lost: 0,
        lostAmount: 0,
      });
      expect(await analytics.sales({ ...january, currency: 'aud' })).toEqual({
        invoices: 0,
        amountPaid: 0,
        tax: 0,
        gstFree: 0,
      });
      expect(await analytics.recognition({ currency: 'aud', at: [january.to] })).toEqual([
        { billed: 0, refunded: 0, recognized: 0, deferred: 0 },
      ]);
      expect(await analytics.customerRevenue({ ...january, currency: 'aud' })).toEqual([]);
      expect(await analytics.upcoming({ currency: 'aud', ranges: [january] })).toEqual({
        yearlyMrr: 0,
        ranges: [
          { scheduledChurn: { count: 0, mrr: 0 }, trialsEnding: 0, yearlyRenewals: { count: 0, mrr: 0 } },
        ],
      });
    });

    describeMrrAt(getStore);
    describeMrrMovements(getStore);
    describeSubscriptionStatusCounts(getStore);
    describeTrials(getStore);
    describePaymentTotals(getStore);
    describeRecoveries(getStore);
    describeRefundTotals(getStore);
    describeDisputeTotals(getStore);
    describeSales(getStore);
    describeRecognition(getStore);
    describeCustomerRevenue(getStore);
    describeUpcoming(getStore);
  });
}

// ---------------------------------------------------------------------------------------------
// Fixtures

function at(iso: string): Date {
  return new Date(iso);
}

const january = { from: at('2025-01-01T00:00:00.000Z'), to: at('2025-02-01T00:00:00.000Z') };
const february = { from: at('2025-02-01T00:00:00.000Z'), to: at('2025-03-01T00:00:00.000Z') };

/** Rows written through the store's repositories, in this order. */
interface Fixture {
  subscriptions?: SubscriptionRecord[];
  invoices?: InvoiceRecord[];
  payments?: PaymentRecord[];
  refunds?: RefundRecord[];
  disputes?: DisputeRecord[];
  mrr?: MrrMovementRecord[];
}

async function write(store: StoreSession, fixture: Fixture): Promise<void> {
  for (const row of fixture.subscriptions ?? []) await store.subscriptions.upsert(row);
  for (const row of fixture.invoices ?? []) await store.invoices.upsert(row);
  for (const row of fixture.payments ?? []) await store.payments.upsert(row);
  for (const row of fixture.refunds ?? []) await store.refunds.upsert(row);
  for (const row of fixture.disputes ?? []) await store.disputes.upsert(row);
  for (const row of fixture.mrr ?? []) await store.mrr.append(row);
}

function noMovements(): Record<MrrMovementKind, { amount: number; count: number }> {
  return {
    new: { amount: 0, count: 0 },
    expansion: { amount: 0, count: 0 },
    contraction: { amount: 0, count: 0 },
    churn: { amount: 0, count: 0 },
    reactivation: { amount: 0, count: 0 },
  };
}

/** An invoice line over a service period, in whole days from its ISO start and end. */
function aLine(
  stripeLineId: string,
  periodStart: string,
  periodEnd: string,
  amount: number,
): InvoiceLineRecord {
  return {
    stripeLineId,
    description: null,
    amount,
    quantity: 1,
    proration: false,
    tax: 0,
    stripePriceId: null,
    periodStart: at(periodStart),
    periodEnd: at(periodEnd),
  };
}

/** A paid invoice of `amountPaid` (its total), `tax` of it GST, paid at `paidAt`. */
function aPaidInvoice(
  overrides: Partial<InvoiceRecord> & { amountPaid: number; paidAt: Date },
): InvoiceRecord {
  return anInvoice({
    status: 'paid',
    subtotal: overrides.amountPaid,
    total: overrides.amountPaid,
    amountDue: overrides.amountPaid,
    amountRemaining: 0,
    tax: 0,
    ...overrides,
  });
}

// ---------------------------------------------------------------------------------------------
// MRR ledger

function describeMrrLedger(getStore: GetStore): void {
  describe('mrr ledger', () => {
    it('starts empty', async () => {
      const store = getStore();
      expect(await store.mrr.list()).toEqual({ items: [], nextCursor: null });
      expect(await store.mrr.stateOf('user_nobody', 'aud')).toEqual({
        bySubscription: {},
        everPaying: false,
      });
    });

    it('keeps every field of an entry exactly: a negative delta, no plan, amounts beyond 32 bits, milliseconds', async () => {
      const store = getStore();
      const entry = anMrrMovement({
        at: at('2025-03-04T05:06:07.089Z'),
        mrr: 0,
        delta: -9_000_000_000,
        kind: 'churn',
        customerMrr: 12_000_000_000,
        planId: null,
      });

      await store.mrr.append(entry);

      expect(await store.mrr.list()).toEqual({ items: [entry], nextCursor: null });
    });

    it('lists entries oldest first, entries at the same moment by id', async () => {
      const store = getStore();
      const second = anMrrMovement({ id: 'mrr_c', at: at('2025-01-02T00:00:00.000Z') });
      const first = anMrrMovement({ id: 'mrr_z', at: at('2025-01-01T00:00:00.000Z') });
      const tiedLow = anMrrMovement({ id: 'mrr_a', at: at('2025-01-02T00:00:00.000Z') });
      const last = anMrrMovement({ id: 'mrr_b', at: at('2025-01-03T00:00:00.000Z') });
      for (const entry of [last, second, first, tiedLow]) await store.mrr.append(entry);

      expect((await store.mrr.list()).items).toEqual([first, tiedLow, second, last]);
    });

    it('ignores a second entry with an id already stored, keeping the first as it was', async () => {
      const store = getStore();
      const entry = anMrrMovement({ id: 'mrr_once' });
      await store.mrr.append(entry);

      await store.mrr.append({
        ...entry,
        at: at('2025-06-01T00:00:00.000Z'),
        mrr: 5,
        delta: 5,
        customerMrr: 5,
      });

      expect((await store.mrr.list()).items).toEqual([entry]);
      expect(await store.analytics.mrrAt({ currency: 'aud', at: [at('2026-01-01T00:00:00.000Z')] })).toEqual([
        { mrr: 1000, customers: 1 },
      ]);
    });

    it("lists only one user's entries when asked, a page at a time", async () => {
      const store = getStore();
      const userId = 'user_ledger';
      const own = [1, 2, 3].map((day) =>
        anMrrMovement({ id: `mrr_own_${day}`, userId, at: at(`2025-01-0${day}T00:00:00.000Z`) }),
      );
      for (const entry of own) {
        await store.mrr.append(entry);
        await store.mrr.append(anMrrMovement({ at: entry.at }));
      }

      const first = await store.mrr.list({ userId, limit: 2 });
      const second = await store.mrr.list({ userId, limit: 2, after: first.nextCursor });

      expect(first.items).toEqual(own.slice(0, 2));
      expect(second).toEqual({ items: own.slice(2), nextCursor: null });
      expect((await store.mrr.list()).items).toHaveLength(6);
    });

    it("gives a user's state in one currency: each subscription's newest MRR, and whether they ever paid", async () => {
      const store = getStore();
      const userId = 'user_state';
      const ofUser = (overrides: Partial<MrrMovementRecord>) => anMrrMovement({ userId, ...overrides });
      await write(store, {
        mrr: [
          ofUser({
            stripeSubscriptionId: 'sub_a',
            at: at('2025-02-01T00:00:00.000Z'),
            mrr: 2000,
            delta: 1000,
          }),
          ofUser({
            stripeSubscriptionId: 'sub_a',
            at: at('2025-01-01T00:00:00.000Z'),
            mrr: 1000,
            delta: 1000,
          }),
          // Two entries at one moment: the higher id is the newer.
          ofUser({
            id: 'mrr_b_2',
            stripeSubscriptionId: 'sub_b',
            at: at('2025-03-01T00:00:00.000Z'),
            mrr: 0,
          }),
          ofUser({
            id: 'mrr_b_1',
            stripeSubscriptionId: 'sub_b',
            at: at('2025-03-01T00:00:00.000Z'),
            mrr: 700,
          }),
          // Another currency and another user are not this state.
          ofUser({ stripeSubscriptionId: 'sub_usd', currency: 'usd', mrr: 900 }),
          anMrrMovement({ stripeSubscriptionId: 'sub_someone_else', mrr: 300 }),
        ],
      });

      expect(await store.mrr.stateOf(userId, 'aud')).toEqual({
        bySubscription: { sub_a: 2000, sub_b: 0 },
        everPaying: true,
      });
    });

    it('says a user was never paying when none of their entries in the currency had customer MRR above 0', async () => {
      const store = getStore();
      const userId = 'user_never_paying';
      await write(store, {
        mrr: [
          anMrrMovement({ userId, stripeSubscriptionId: 'sub_free', mrr: 0, delta: -1, customerMrr: 0 }),
          anMrrMovement({ userId, stripeSubscriptionId: 'sub_usd', currency: 'usd', customerMrr: 1000 }),
        ],
      });

      expect(await store.mrr.stateOf(userId, 'aud')).toEqual({
        bySubscription: { sub_free: 0 },
        everPaying: false,
      });
      expect((await store.mrr.stateOf(userId, 'usd')).everPaying).toBe(true);
    });

    it('appends inside a transaction: seen by the transaction, kept when it commits', async () => {
      const store = getStore();
      const entry = anMrrMovement({ userId: 'user_tx', stripeSubscriptionId: 'sub_tx', mrr: 1500 });

      const seenInside = await store.transaction(async (tx) => {
        await tx.mrr.append(entry);
        return tx.mrr.stateOf('user_tx', 'aud');
      });

      expect(seenInside).toEqual({ bySubscription: { sub_tx: 1500 }, everPaying: true });
      expect((await store.mrr.list()).items).toEqual([entry]);
    });

    it('leaves no entry behind when the transaction that appended it throws', async () => {
      const store = getStore();
      const kept = anMrrMovement({ userId: 'user_tx' });
      await store.mrr.append(kept);
      const rolledBack = anMrrMovement({ userId: 'user_tx', stripeSubscriptionId: 'sub_rolled_back' });

      const transaction = store.transaction(async (tx) => {
        await tx.mrr.append(rolledBack);
        await tx.mrr.append({ ...kept, mrr: 1, delta: 1 });
        throw new Error('roll back');
      });

      await expect(transaction).rejects.toThrow('roll back');
      expect((await store.mrr.list()).items).toEqual([kept]);
      expect((await store.mrr.stateOf('user_tx', 'aud')).bySubscription).toEqual({
        [kept.stripeSubscriptionId]: 1000,
      });
      expect(await store.analytics.mrrAt({ currency: 'aud', at: [at('2026-01-01T00:00:00.000Z')] })).toEqual([
        { mrr: 1000, customers: 1 },
      ]);
    });

    it('ignores, inside a transaction, an entry whose id is already committed or already appended in it', async () => {
      const store = getStore();
      const committed = anMrrMovement({ id: 'mrr_committed' });
      await store.mrr.append(committed);
      const appended = anMrrMovement({ id: 'mrr_appended' });

      await store.transaction(async (tx) => {
        await tx.mrr.append({ ...committed, mrr: 1 });
        await tx.mrr.append(appended);
        await tx.mrr.append({ ...appended, mrr: 2 });
      });

      // Both at one moment: listed by id.
      expect((await store.mrr.list()).items).toEqual([appended, committed]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The admin's customer search

/** Five customers, created a day apart (Alice first), with the subscriptions their statuses come from. */
async function writeSearchableCustomers(store: BillingStore) {
  const customer = (name: string, day: number, overrides: Partial<CustomerRecord>) =>
    aCustomer({
      userId: `user_${name}`,
      stripeCustomerId: `cus_${name}`,
      createdAt: at(`2025-01-0${day}T00:00:00.000Z`),
      ...overrides,
    });
  const alice = customer('alice', 1, { email: 'Alice.Smith@Example.COM', name: 'Alice Smith' });
  const bob = customer('bob', 2, { email: 'bob@builders.example', name: 'Robert Smithers' });
  const carol = customer('carol', 3, { email: null, name: 'Carol Ng' });
  const dan = customer('dan', 4, { email: 'dan_the_man@example.com', name: null });
  const erin = customer('erin', 5, { email: 'erin@example.com', name: 'Erin 100% Real' });
  for (const row of [carol, erin, alice, dan, bob]) await store.customers.insert(row);

  const subscription = (
    owner: CustomerRecord,
    stripeSubscriptionId: string,
    createdAt: string,
    overrides: Partial<SubscriptionRecord>,
  ) =>
    aSubscription({
      stripeSubscriptionId,
      userId: owner.userId,
      stripeCustomerId: owner.stripeCustomerId,
      createdAt: at(createdAt),
      ...overrides,
    });
  await write(store, {
    subscriptions: [
      // Alice: active, her canceled subscription is older.
      subscription(alice, 'sub_alice_new', '2025-02-01T00:00:00.000Z', { status: 'active' }),
      subscription(alice, 'sub_alice_old', '2025-01-01T00:00:00.000Z', { status: 'canceled' }),
      // Bob: two created at one moment; the higher Stripe id is the newer.
      subscription(bob, 'sub_bob_1', '2025-03-01T00:00:00.000Z', { status: 'past_due' }),
      subscription(bob, 'sub_bob_2', '2025-03-01T00:00:00.000Z', { status: 'trialing' }),
      // Carol: her newest never started; without it, her older canceled one is her newest.
      subscription(carol, 'sub_carol_old', '2025-01-01T00:00:00.000Z', {
        status: 'canceled',
        cancellationReason: 'too_expensive',
      }),
      subscription(carol, 'sub_carol_new', '2025-02-01T00:00:00.000Z', {
        status: 'incomplete_expired',
        cancellationReason: 'never_started',
      }),
      // Dan: only one that never started. Erin has none.
      subscription(dan, 'sub_dan', '2025-02-01T00:00:00.000Z', {
        status: 'incomplete_expired',
        cancellationReason: 'never_started',
      }),
    ],
  });
  return { alice, bob, carol, dan, erin };
}

function describeCustomerSearch(getStore: GetStore): void {
  describe('customer search', () => {
    const idsOf = (page: { items: CustomerRecord[] }) => page.items.map((customer) => customer.userId);

    it('finds everyone, newest first, for an empty or blank query, each with their newest subscription status', async () => {
      const store = getStore();
      const { alice, bob, carol, dan, erin } = await writeSearchableCustomers(store);

      const everyone = await store.customers.search({});

      expect(everyone).toEqual({
        items: [
          { ...erin, subscriptionStatus: null },
          { ...dan, subscriptionStatus: 'incomplete_expired' },
          { ...carol, subscriptionStatus: 'incomplete_expired' },
          { ...bob, subscriptionStatus: 'trialing' },
          { ...alice, subscriptionStatus: 'active' },
        ],
        nextCursor: null,
      });
      expect(await store.customers.search({ query: '' })).toEqual(everyone);
      expect(await store.customers.search({ query: '   ' })).toEqual(everyone);
    });

    it('finds customers whose email or name contains the text, ignoring case and surrounding spaces', async () => {
      const store = getStore();
      await writeSearchableCustomers(store);

      // Alice by her email and her name, Bob by his name (Smithers).
      expect(idsOf(await store.customers.search({ query: 'smith' }))).toEqual(['user_bob', 'user_alice']);
      expect(idsOf(await store.customers.search({ query: 'EXAMPLE.com' }))).toEqual([
        'user_erin',
        'user_dan',
        'user_alice',
      ]);
      expect(idsOf(await store.customers.search({ query: '  carol NG ' }))).toEqual(['user_carol']);
      expect(idsOf(await store.customers.search({ query: 'nobody at all' }))).toEqual([]);
    });

    it('treats % and _ in the text as themselves, not as wildcards', async () => {
      const store = getStore();
      await writeSearchableCustomers(store);

      expect(idsOf(await store.customers.search({ query: '_' }))).toEqual(['user_dan']);
      expect(idsOf(await store.customers.search({ query: '%' }))).toEqual(['user_erin']);
      // As a wildcard, _ would find Alice here ("ali").
      expect(idsOf(await store.customers.search({ query: 'a_i' }))).toEqual([]);
    });

    it('finds a customer by exactly their user id or Stripe customer id, never by part of one', async () => {
      const store = getStore();
      await writeSearchableCustomers(store);

      expect(idsOf(await store.customers.search({ query: 'user_bob' }))).toEqual(['user_bob']);
      expect(idsOf(await store.customers.search({ query: ' cus_carol ' }))).toEqual(['user_carol']);
      expect(idsOf(await store.customers.search({ query: 'user_' }))).toEqual([]);
      expect(idsOf(await store.customers.search({ query: 'cus_car' }))).toEqual([]);
      expect(idsOf(await store.customers.search({ query: 'USER_BOB' }))).toEqual([]);
    });

    it('leaves out subscriptions with the excluded cancellation reason when giving each status', async () => {
      const store = getStore();
      await writeSearchableCustomers(store);

      const found = await store.customers.search({ excludeCancellationReason: 'never_started' });

      expect(found.items.map(({ userId, subscriptionStatus }) => [userId, subscriptionStatus])).toEqual([
        ['user_erin', null],
        ['user_dan', null],
        ['user_carol', 'canceled'],
        ['user_bob', 'trialing'],
        ['user_alice', 'active'],
      ]);
    });

    it("keeps only customers with the status asked for, 'none' for those without a subscription", async () => {
      const store = getStore();
      await writeSearchableCustomers(store);
      const exclude = 'never_started';

      expect(idsOf(await store.customers.search({ status: 'none' }))).toEqual(['user_erin']);
      expect(
        idsOf(await store.customers.search({ status: 'none', excludeCancellationReason: exclude })),
      ).toEqual(['user_erin', 'user_dan']);
      // Alice's canceled subscription is not her newest.
      expect(idsOf(await store.customers.search({ status: 'canceled' }))).toEqual([]);
      expect(
        idsOf(await store.customers.search({ status: 'canceled', excludeCancellationReason: exclude })),
      ).toEqual(['user_carol']);
      expect(idsOf(await store.customers.search({ status: 'incomplete_expired' }))).toEqual([
        'user_dan',
        'user_carol',
      ]);
      expect(idsOf(await store.customers.search({ status: 'active', query: 'SMITH' }))).toEqual([
        'user_alice',
      ]);
      expect(idsOf(await store.customers.search({ status: 'past_due' }))).toEqual([]);
    });

    it('pages a filtered search, newest first, with cursors', async () => {
      const store = getStore();
      await writeSearchableCustomers(store);
      const query = { status: 'none', excludeCancellationReason: 'never_started' } as const;

      const first = await store.customers.search({ ...query, limit: 1 });
      const second = await store.customers.search({ ...query, limit: 1, after: first.nextCursor });

      expect(idsOf(first)).toEqual(['user_erin']);
      expect(first.nextCursor).not.toBeNull();
      expect(idsOf(second)).toEqual(['user_dan']);
      expect(second.nextCursor).toBeNull();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// MRR over time

function describeMrrAt(getStore: GetStore): void {
  describe('mrrAt', () => {
    it('sums the deltas strictly before each instant, and counts the users whose own sum is above 0', async () => {
      const store = getStore();
      await write(store, {
        mrr: [
          anMrrMovement({
            userId: 'user_1',
            stripeSubscriptionId: 'sub_1',
            at: at('2025-01-01T00:00:00.000Z'),
          }),
          anMrrMovement({
            userId: 'user_2',
            stripeSubscriptionId: 'sub_2',
            at: at('2025-01-10T00:00:00.000Z'),
            mrr: 2000,
            delta: 2000,
          }),
          anMrrMovement({
            userId: 'user_1',
            stripeSubscriptionId: 'sub_1',
            at: at('2025-02-01T00:00:00.000Z'),
            mrr: 1500,
            delta: 500,
            kind: 'expansion',
          }),
          anMrrMovement({
            userId: 'user_2',
            stripeSubscriptionId: 'sub_2',
            at: at('2025-02-01T00:00:00.000Z'),
            mrr: 0,
            delta: -2000,
            kind: 'churn',
          }),
          // Another currency is left out.
          anMrrMovement({ currency: 'usd', at: at('2025-01-05T00:00:00.000Z'), mrr: 9999, delta: 9999 }),
        ],
      });

      const points = await store.analytics.mrrAt({
        currency: 'aud',
        at: [
          at('2025-02-01T00:00:00.001Z'), // 1000 + 2000 + 500 − 2000 = 1500; user_2 is at 0
          at('2025-01-01T00:00:00.000Z'), // nothing is strictly before
          at('2025-01-01T00:00:00.001Z'), // 1000, user_1
          at('2025-02-01T00:00:00.000Z'), // 1000 + 2000 = 3000; the February entries are not before it
        ],
      });

      expect(points).toEqual([
        { mrr: 1500, customers: 1 },
        { mrr: 0, customers: 0 },
        { mrr: 1000, customers: 1 },
        { mrr: 3000, customers: 2 },
      ]);
      expect(await store.analytics.mrrAt({ currency: 'aud', at: [] })).toEqual([]);
    });

    it("counts a user once however many subscriptions they pay for, by their MRR's sum", async () => {
      const store = getStore();
      await write(store, {
        mrr: [
          anMrrMovement({ userId: 'user_1', stripeSubscriptionId: 'sub_1', delta: 1000 }),
          anMrrMovement({ userId: 'user_1', stripeSubscriptionId: 'sub_2', delta: 500 }),
          // user_2 went up and back down to 0: not a customer.
          anMrrMovement({ userId: 'user_2', stripeSubscriptionId: 'sub_3', delta: 800 }),
          anMrrMovement({ userId: 'user_2', stripeSubscriptionId: 'sub_3', delta: -800, kind: 'churn' }),
        ],
      });

      expect(await store.analytics.mrrAt({ currency: 'aud', at: [at('2025-06-01T00:00:00.000Z')] })).toEqual([
        { mrr: 1500, customers: 1 },
      ]);
    });
  });
}

function describeMrrMovements(getStore: GetStore): void {
  describe('mrrMovements', () => {
    it('totals the entries of each kind with their time in each range, from included, to excluded', async () => {
      const store = getStore();
      const movement = (iso: string, kind: MrrMovementKind, delta: number, currency = 'aud') =>
        anMrrMovement({ at: at(iso), kind, delta, mrr: Math.max(delta, 0), currency });
      await write(store, {
        mrr: [
          movement('2025-01-01T00:00:00.000Z', 'new', 1000),
          movement('2025-01-10T00:00:00.000Z', 'new', 2000),
          movement('2025-02-01T00:00:00.000Z', 'expansion', 500),
          movement('2025-02-01T00:00:00.000Z', 'churn', -2000),
          movement('2025-02-15T00:00:00.000Z', 'contraction', -300),
          movement('2025-02-28T23:59:59.999Z', 'reactivation', 2000),
          movement('2025-03-01T00:00:00.000Z', 'new', 4000),
          movement('2025-01-15T00:00:00.000Z', 'expansion', 700, 'usd'),
        ],
      });

      const totals = await store.analytics.mrrMovements({
        currency: 'aud',
        ranges: [
          january,
          february,
          { from: at('2024-01-01T00:00:00.000Z'), to: at('2024-02-01T00:00:00.000Z') },
        ],
      });

      expect(totals).toEqual([
        // January: the two new ones (1000 + 2000); the usd expansion is left out.
        { ...noMovements(), new: { amount: 3000, count: 2 } },
        // February: the Feb 1 entries are in it, the Mar 1 one is not.
        {
          ...noMovements(),
          expansion: { amount: 500, count: 1 },
          churn: { amount: -2000, count: 1 },
          contraction: { amount: -300, count: 1 },
          reactivation: { amount: 2000, count: 1 },
        },
        noMovements(),
      ]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Subscriptions and trials

function describeSubscriptionStatusCounts(getStore: GetStore): void {
  describe('subscriptionStatusCounts', () => {
    it('counts subscriptions by status, optionally leaving out those with one cancellation reason', async () => {
      const store = getStore();
      await write(store, {
        subscriptions: [
          aSubscription({ status: 'active' }),
          aSubscription({ status: 'active', currency: 'usd' }),
          aSubscription({ status: 'past_due' }),
          aSubscription({ status: 'canceled', cancellationReason: 'too_expensive' }),
          aSubscription({ status: 'canceled', cancellationReason: 'never_started' }),
          aSubscription({ status: 'incomplete_expired', cancellationReason: 'never_started' }),
        ],
      });

      expect(await store.analytics.subscriptionStatusCounts()).toEqual({
        active: 2,
        past_due: 1,
        canceled: 2,
        incomplete_expired: 1,
      });
      expect(
        await store.analytics.subscriptionStatusCounts({ excludeCancellationReason: 'never_started' }),
      ).toEqual({
        active: 2,
        past_due: 1,
        canceled: 1,
      });
    });
  });
}

function describeTrials(getStore: GetStore): void {
  describe('trials', () => {
    it('counts the trials that ended in the range, and those with an MRR rise at or after their start', async () => {
      const store = getStore();
      const trial = (stripeSubscriptionId: string, trialStart: string | null, trialEnd: string) =>
        aSubscription({
          stripeSubscriptionId,
          status: 'trialing',
          trialStart: trialStart === null ? null : at(trialStart),
          trialEnd: at(trialEnd),
        });
      const rise = (stripeSubscriptionId: string, iso: string, delta: number, currency = 'aud') =>
        anMrrMovement({ stripeSubscriptionId, at: at(iso), delta, mrr: Math.max(delta, 0), currency });
      await write(store, {
        subscriptions: [
          // Ends as February starts; paid the moment it ended: converted.
          trial('sub_t1', '2025-01-18T00:00:00.000Z', '2025-02-01T00:00:00.000Z'),
          // Ended, nothing paid.
          trial('sub_t2', '2025-01-31T00:00:00.000Z', '2025-02-14T00:00:00.000Z'),
          // Ended; its only rise came before the trial started, then a fall: not converted.
          trial('sub_t3', '2025-02-06T00:00:00.000Z', '2025-02-20T00:00:00.000Z'),
          // Ended; a rise exactly at the trial's start, in another currency: converted.
          trial('sub_t4', '2025-02-11T00:00:00.000Z', '2025-02-25T00:00:00.000Z'),
          // Outside the range: ends as March starts, or just before February.
          trial('sub_t5', '2025-02-15T00:00:00.000Z', '2025-03-01T00:00:00.000Z'),
          trial('sub_t6', '2025-01-17T00:00:00.000Z', '2025-01-31T23:59:59.999Z'),
          // No trial start: not a trial.
          trial('sub_t7', null, '2025-02-10T00:00:00.000Z'),
          aSubscription({ stripeSubscriptionId: 'sub_no_trial' }),
        ],
        mrr: [
          rise('sub_t1', '2025-02-01T00:00:00.000Z', 1000),
          rise('sub_t3', '2025-01-01T00:00:00.000Z', 1000),
          rise('sub_t3', '2025-02-20T00:00:00.000Z', -1000),
          rise('sub_t4', '2025-02-11T00:00:00.000Z', 500, 'usd'),
          rise('sub_t5', '2025-03-01T00:00:00.000Z', 1000),
          rise('sub_t6', '2025-01-31T23:59:59.999Z', 1000),
          rise('sub_t7', '2025-02-10T00:00:00.000Z', 1000),
        ],
      });

      // Ended: t1, t2, t3, t4; converted: t1, t4.
      expect(await store.analytics.trials(february)).toEqual({ ended: 4, converted: 2 });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Money: payments, recoveries, refunds, disputes, sales

function describePaymentTotals(getStore: GetStore): void {
  describe('payments', () => {
    it('counts succeeded and failed charges created in the range, and sums the amount and fees of the succeeded', async () => {
      const store = getStore();
      const charge = (iso: string, overrides: Partial<PaymentRecord>) =>
        aPayment({ createdAt: at(iso), ...overrides });
      await write(store, {
        payments: [
          charge('2025-01-01T00:00:00.000Z', { amount: 1100, fee: 49 }),
          charge('2025-01-15T00:00:00.000Z', { amount: 2200, fee: null }),
          charge('2025-01-31T23:59:59.999Z', { amount: 5000, fee: 150 }),
          charge('2025-01-10T00:00:00.000Z', { status: 'failed', amount: 1100, fee: null }),
          // A failed charge's amount and fee are not summed.
          charge('2025-01-20T00:00:00.000Z', { status: 'failed', amount: 900, fee: 30 }),
          charge('2025-01-12T00:00:00.000Z', { status: 'pending', amount: 900, fee: null }),
          charge('2025-02-01T00:00:00.000Z', { amount: 1100, fee: 49 }),
          charge('2025-01-05T00:00:00.000Z', { amount: 1100, fee: 49, currency: 'usd' }),
          charge('2025-01-05T00:00:00.000Z', { status: 'failed', currency: 'usd' }),
        ],
      });

      // Succeeded: 1100 + 2200 + 5000 = 8300; fees 49 + 0 (unknown) + 150 = 199.
      expect(await store.analytics.payments({ ...january, currency: 'aud' })).toEqual({
        succeeded: 3,
        failed: 2,
        amount: 8300,
        fees: 199,
      });
    });
  });
}

function describeRecoveries(getStore: GetStore): void {
  describe('recoveries', () => {
    it('counts invoices whose first failed charge was in the range, those paid since, and the seconds it took', async () => {
      const store = getStore();
      const invoice = (stripeInvoiceId: string, overrides: Partial<InvoiceRecord>) =>
        anInvoice({ stripeInvoiceId, status: 'open', paidAt: null, ...overrides });
      const charge = (stripeInvoiceId: string, iso: string, status: PaymentRecord['status'] = 'failed') =>
        aPayment({ stripeInvoiceId, createdAt: at(iso), status });
      await write(store, {
        invoices: [
          invoice('in_r1', { status: 'paid', paidAt: at('2025-01-12T01:00:30.000Z') }),
          invoice('in_r2', {}),
          invoice('in_r3', { status: 'paid', paidAt: at('2025-01-06T00:00:00.000Z') }),
          invoice('in_r4', { status: 'paid', paidAt: at('2025-02-02T12:00:00.999Z') }),
          invoice('in_r5', { status: 'paid', paidAt: at('2025-01-02T00:00:00.000Z') }),
          invoice('in_r6', { status: 'paid', paidAt: at('2025-01-04T00:00:00.000Z'), currency: 'usd' }),
          invoice('in_r7', { status: 'paid', paidAt: at('2025-02-02T00:00:00.000Z') }),
          invoice('in_r8', { status: 'uncollectible' }),
        ],
        payments: [
          // r1: first failure Jan 10, a second Jan 12, paid Jan 12 01:00:30.
          charge('in_r1', '2025-01-12T00:00:00.000Z'),
          charge('in_r1', '2025-01-10T00:00:00.000Z'),
          charge('in_r1', '2025-01-12T01:00:30.000Z', 'succeeded'),
          // r2: failed, still open.
          charge('in_r2', '2025-01-20T00:00:00.000Z'),
          // r3: its first failure was in December: outside the range though a later one is in it.
          charge('in_r3', '2024-12-31T23:59:59.000Z'),
          charge('in_r3', '2025-01-05T00:00:00.000Z'),
          // r4: failed on the last day of the range, paid 2 days and 0.999 s later.
          charge('in_r4', '2025-01-31T12:00:00.000Z'),
          // r5: never failed.
          charge('in_r5', '2025-01-02T00:00:00.000Z', 'succeeded'),
          // r6: another currency. r7: failed as February began.
          charge('in_r6', '2025-01-03T00:00:00.000Z'),
          charge('in_r7', '2025-02-01T00:00:00.000Z'),
          // r8: failed, written off: not recovered.
          charge('in_r8', '2025-01-25T00:00:00.000Z'),
        ],
      });

      // Failed in January: r1, r2, r4, r8; recovered: r1 and r4.
      // r1: Jan 10 00:00:00 → Jan 12 01:00:30 = 2 × 86 400 + 3 600 + 30 = 176 430 s.
      // r4: Jan 31 12:00:00 → Feb 2 12:00:00.999 = 172 800 whole seconds.
      expect(await store.analytics.recoveries({ ...january, currency: 'aud' })).toEqual({
        failedInvoices: 4,
        recovered: 2,
        recoverySeconds: 176_430 + 172_800,
      });
    });
  });
}

function describeRefundTotals(getStore: GetStore): void {
  describe('refunds', () => {
    it('totals refunds created in the range, leaving out failed and canceled ones', async () => {
      const store = getStore();
      const refund = (iso: string, overrides: Partial<RefundRecord>) =>
        aRefund({ createdAt: at(iso), ...overrides });
      await write(store, {
        refunds: [
          refund('2025-01-01T00:00:00.000Z', { amount: 500, tax: 45 }),
          refund('2025-01-15T00:00:00.000Z', { status: 'pending', amount: 1100, tax: 100 }),
          refund('2025-01-20T00:00:00.000Z', { status: 'requires_action', amount: 200, tax: 0 }),
          refund('2025-01-21T00:00:00.000Z', { status: 'failed', amount: 300, tax: 27 }),
          refund('2025-01-22T00:00:00.000Z', { status: 'canceled', amount: 400, tax: 36 }),
          refund('2025-02-01T00:00:00.000Z', { amount: 600, tax: 55 }),
          refund('2025-01-10T00:00:00.000Z', { amount: 700, tax: 64, currency: 'usd' }),
        ],
      });

      // 500 + 1100 + 200 = 1800; tax 45 + 100 + 0 = 145.
      expect(await store.analytics.refunds({ ...january, currency: 'aud' })).toEqual({
        count: 3,
        amount: 1800,
        tax: 145,
      });
    });
  });
}

function describeDisputeTotals(getStore: GetStore): void {
  describe('disputes', () => {
    it('totals disputes created in the range, and those of them lost', async () => {
      const store = getStore();
      const dispute = (iso: string, status: string, amount: number, currency = 'aud') =>
        aDispute({ createdAt: at(iso), status, amount, currency });
      await write(store, {
        disputes: [
          dispute('2025-01-01T00:00:00.000Z', 'needs_response', 1100),
          dispute('2025-01-15T00:00:00.000Z', 'lost', 2200),
          dispute('2025-01-31T23:59:59.999Z', 'won', 3300),
          dispute('2025-02-01T00:00:00.000Z', 'lost', 5000),
          dispute('2024-12-31T23:59:59.999Z', 'lost', 700),
          dispute('2025-01-10T00:00:00.000Z', 'lost', 900, 'usd'),
        ],
      });

      // 1100 + 2200 + 3300 = 6600; lost: the 2200 one.
      expect(await store.analytics.disputes({ ...january, currency: 'aud' })).toEqual({
        count: 3,
        amount: 6600,
        lost: 1,
        lostAmount: 2200,
      });
    });
  });
}

function describeSales(getStore: GetStore): void {
  describe('sales', () => {
    it('totals invoices paid in the range for more than nothing, their GST share, and the GST-free ones', async () => {
      const store = getStore();
      await write(store, {
        invoices: [
          // GST 100 of 1100, paid in full: share 100.
          aPaidInvoice({ amountPaid: 1100, tax: 100, paidAt: at('2025-01-01T00:00:00.000Z') }),
          // Half of 1100 paid (the rest from credit): share round(100 × 550 / 1100) = 50.
          aPaidInvoice({ total: 1100, amountPaid: 550, tax: 100, paidAt: at('2025-01-10T00:00:00.000Z') }),
          // An export without GST: share 0, GST-free 2000.
          aPaidInvoice({ amountPaid: 2000, tax: 0, paidAt: at('2025-01-20T00:00:00.000Z') }),
          // round(15 × 100 / 1000) = round(1.5) = 2, half up.
          aPaidInvoice({ total: 1000, amountPaid: 100, tax: 15, paidAt: at('2025-01-31T23:59:59.999Z') }),
          // Left out: nothing paid (though GST-free), not paid, paid as February began, another currency.
          aPaidInvoice({ amountPaid: 0, tax: 0, paidAt: at('2025-01-05T00:00:00.000Z') }),
          aPaidInvoice({
            amountPaid: 1100,
            tax: 100,
            status: 'void',
            paidAt: at('2025-01-05T00:00:00.000Z'),
          }),
          aPaidInvoice({ amountPaid: 1100, tax: 100, paidAt: at('2025-02-01T00:00:00.000Z') }),
          aPaidInvoice({
            amountPaid: 1100,
            tax: 100,
            paidAt: at('2025-01-05T00:00:00.000Z'),
            currency: 'usd',
          }),
        ],
      });

      // 1100 + 550 + 2000 + 100 = 3750; GST 100 + 50 + 0 + 2 = 152.
      expect(await store.analytics.sales({ ...january, currency: 'aud' })).toEqual({
        invoices: 4,
        amountPaid: 3750,
        tax: 152,
        gstFree: 2000,
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Revenue recognition

/**
 * Five paid invoices and their refunds:
 * - P1: A$34.10 with A$3.10 GST for Jan 1 → Feb 1 (31 days): net 3100; refunded 1100 (tax 100, net
 *   1000) on Jan 11; a failed refund of 500 that does not count.
 * - P2: 1000, no GST, no lines, its own period Jan 15 → Jan 25 (10 days), paid Jan 14; a pending
 *   refund of 300 on Jan 20.
 * - P3: 4000, lines Feb 1 → Mar 1 and Jan 20 → Feb 1: Jan 20 → Mar 1 (40 days); its own period is a
 *   single instant, which the lines override.
 * - P4: 700 for a single instant (0 days), paid Jan 5: earned at once.
 * - P6: 3000 for Feb 10 → Mar 12 (30 days), paid Feb 10.
 * Left out: one in another currency, one open.
 */
async function writeRecognitionFixture(store: BillingStore): Promise<void> {
  const p1 = aPaidInvoice({
    stripeInvoiceId: 'in_p1',
    amountPaid: 3410,
    tax: 310,
    paidAt: at('2025-01-01T00:00:02.000Z'),
    lines: [aLine('il_p1', '2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z', 3410)],
  });
  const p2 = aPaidInvoice({
    stripeInvoiceId: 'in_p2',
    amountPaid: 1000,
    paidAt: at('2025-01-14T00:00:00.000Z'),
    periodStart: at('2025-01-15T00:00:00.000Z'),
    periodEnd: at('2025-01-25T00:00:00.000Z'),
    lines: [],
  });
  const p3 = aPaidInvoice({
    stripeInvoiceId: 'in_p3',
    amountPaid: 4000,
    paidAt: at('2025-01-20T00:00:00.000Z'),
    periodStart: at('2025-01-20T00:00:00.000Z'),
    periodEnd: at('2025-01-20T00:00:00.000Z'),
    lines: [
      aLine('il_p3_next', '2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z', 3000),
      aLine('il_p3_proration', '2025-01-20T00:00:00.000Z', '2025-02-01T00:00:00.000Z', 1000),
    ],
  });
  const p4 = aPaidInvoice({
    stripeInvoiceId: 'in_p4',
    amountPaid: 700,
    paidAt: at('2025-01-05T00:00:00.000Z'),
    periodStart: at('2025-01-05T00:00:00.000Z'),
    periodEnd: at('2025-01-05T00:00:00.000Z'),
    lines: [],
  });
  const p6 = aPaidInvoice({
    stripeInvoiceId: 'in_p6',
    amountPaid: 3000,
    paidAt: at('2025-02-10T00:00:00.000Z'),
    lines: [aLine('il_p6', '2025-02-10T00:00:00.000Z', '2025-03-12T00:00:00.000Z', 3000)],
  });
  const inUsd = aPaidInvoice({ amountPaid: 5000, currency: 'usd', paidAt: at('2025-01-02T00:00:00.000Z') });
  const open = anInvoice({ status: 'open', paidAt: null, amountPaid: 0 });
  const refundOf = (stripeInvoiceId: string, iso: string, overrides: Partial<RefundRecord>) =>
    aRefund({ stripeInvoiceId, createdAt: at(iso), ...overrides });
  await write(store, {
    invoices: [p1, p2, p3, p4, p6, inUsd, open],
    refunds: [
      refundOf('in_p1', '2025-01-11T00:00:00.000Z', { amount: 1100, tax: 100 }),
      refundOf('in_p1', '2025-01-12T00:00:00.000Z', { amount: 500, tax: 0, status: 'failed' }),
      refundOf('in_p2', '2025-01-20T00:00:00.000Z', { amount: 300, tax: 0, status: 'pending' }),
      refundOf(inUsd.stripeInvoiceId, '2025-01-03T00:00:00.000Z', { amount: 5000, currency: 'usd' }),
    ],
  });
}

function describeRecognition(getStore: GetStore): void {
  describe('recognition', () => {
    it('earns each paid invoice evenly per whole day of its service period, less its refunds so far', async () => {
      const store = getStore();
      await writeRecognitionFixture(store);

      const points = await store.analytics.recognition({
        currency: 'aud',
        at: [
          // P1 was paid at this very instant: nothing was paid strictly before it.
          at('2025-01-01T00:00:02.000Z'),
          // P1: 10 of 31 days → floor(3100 × 10 / 31) = 1000; the refund at this instant is not before it.
          // P4: 0 days → all 700.
          at('2025-01-11T00:00:00.000Z'),
          // P1: base 3100 − 1000 = 2100, 13 days → floor(27 300 / 31) = 880.
          // P2: paid but its period has not started: 0 of 1000. P4: 700.
          at('2025-01-14T12:00:00.000Z'),
          // P1: 19 days → floor(2100 × 19 / 31) = 1287. P2: base 1000 − 300 = 700, 5 of 10 days → 350.
          // P3: 0 of 40 days → 0 of 4000. P4: 700.
          at('2025-01-20T12:00:00.000Z'),
          // Every period has ended but P6's: 28 of 30 days → floor(3000 × 28 / 30) = 2800.
          at('2025-03-10T00:00:00.000Z'),
        ],
      });

      expect(points).toEqual([
        { billed: 0, refunded: 0, recognized: 0, deferred: 0 },
        { billed: 3100 + 700, refunded: 0, recognized: 1000 + 700, deferred: 2100 },
        { billed: 3100 + 1000 + 700, refunded: 1000, recognized: 880 + 0 + 700, deferred: 1220 + 1000 },
        {
          billed: 3100 + 1000 + 4000 + 700,
          refunded: 1000 + 300,
          recognized: 1287 + 350 + 0 + 700,
          deferred: 813 + 350 + 4000,
        },
        {
          billed: 3100 + 1000 + 4000 + 700 + 3000,
          refunded: 1300,
          recognized: 2100 + 700 + 4000 + 700 + 2800,
          deferred: 200,
        },
      ]);
    });

    it('keeps recognized + deferred equal to billed − refunded at every instant', async () => {
      const store = getStore();
      await writeRecognitionFixture(store);
      const instants = Array.from(
        { length: 12 },
        (_, week) => new Date(Date.UTC(2024, 11, 25) + week * 7 * 86_400_000),
      );

      const points = await store.analytics.recognition({ currency: 'aud', at: instants });

      expect(points).toHaveLength(instants.length);
      for (const point of points)
        expect(point.recognized + point.deferred).toBe(point.billed - point.refunded);
      // The last instant, Mar 12 2025, is past every period: nothing is deferred.
      expect(points.at(-1)).toEqual({ billed: 11_800, refunded: 1300, recognized: 10_500, deferred: 0 });
    });

    it('never takes an invoice below nothing when its refunds exceed what it earned net', async () => {
      const store = getStore();
      const invoice = aPaidInvoice({
        amountPaid: 1100,
        tax: 100,
        paidAt: at('2025-01-01T00:00:00.000Z'),
        lines: [aLine('il_over', '2025-01-01T00:00:00.000Z', '2025-01-11T00:00:00.000Z', 1100)],
      });
      await write(store, {
        invoices: [invoice],
        // Net 1000 paid; 1100 refunded with no GST recorded on it: 1100 net refunded.
        refunds: [
          aRefund({
            stripeInvoiceId: invoice.stripeInvoiceId,
            amount: 1100,
            tax: 0,
            createdAt: at('2025-01-02T00:00:00.000Z'),
          }),
        ],
      });

      expect(
        await store.analytics.recognition({ currency: 'aud', at: [at('2025-01-06T00:00:00.000Z')] }),
      ).toEqual([{ billed: 1000, refunded: 1100, recognized: 0, deferred: 0 }]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Revenue per customer

/**
 * In January, in aud:
 * - user_a: paid 1100 (GST 100: net 1000), fee 49, refunded 550 (GST 50: net 500) → 451.
 * - user_b: paid 2200 (GST 200: net 2000), fee 79 → 1921.
 * - user_c: paid 2000 GST-free, fee 79 → 1921, a tie with user_b, who comes first by id.
 * - user_d: only a refund of 1100 (GST 100) of a December invoice → −1000.
 * - user_e: only a fee of 25 (the invoice was paid as February began) → −25.
 * Left out: user_f (usd only), user_g (a failed refund and a charge without a fee: all zero), rows
 * without a user.
 */
async function writeCustomerRevenueFixture(store: BillingStore): Promise<void> {
  const sale = (userId: string, amountPaid: number, tax: number, iso: string, currency = 'aud') =>
    aPaidInvoice({ userId, amountPaid, tax, paidAt: at(iso), currency });
  const charge = (userId: string | null, fee: number | null, iso: string, currency = 'aud') =>
    aPayment({ userId, fee, createdAt: at(iso), currency });
  const refund = (userId: string | null, amount: number, tax: number, iso: string, status = 'succeeded') =>
    aRefund({ userId, amount, tax, createdAt: at(iso), status });
  await write(store, {
    invoices: [
      sale('user_a', 1100, 100, '2025-01-05T00:00:00.000Z'),
      sale('user_a', 1100, 100, '2025-02-01T00:00:00.000Z'),
      sale('user_b', 2200, 200, '2025-01-10T00:00:00.000Z'),
      sale('user_c', 2000, 0, '2025-01-15T00:00:00.000Z'),
      sale('user_d', 1100, 100, '2024-12-20T00:00:00.000Z'),
      sale('user_e', 1100, 100, '2025-02-01T00:00:00.000Z'),
      sale('user_f', 1100, 100, '2025-01-05T00:00:00.000Z', 'usd'),
      aPaidInvoice({ userId: null, amountPaid: 9900, paidAt: at('2025-01-05T00:00:00.000Z') }),
    ],
    payments: [
      charge('user_a', 49, '2025-01-05T00:00:00.000Z'),
      charge('user_b', 79, '2025-01-10T00:00:00.000Z'),
      charge('user_c', 79, '2025-01-15T00:00:00.000Z'),
      charge('user_e', 25, '2025-01-31T23:59:59.999Z'),
      charge('user_f', 49, '2025-01-05T00:00:00.000Z', 'usd'),
      charge('user_g', null, '2025-01-05T00:00:00.000Z'),
      charge(null, 500, '2025-01-05T00:00:00.000Z'),
    ],
    refunds: [
      refund('user_a', 550, 50, '2025-01-20T00:00:00.000Z'),
      refund('user_d', 1100, 100, '2025-01-01T00:00:00.000Z'),
      refund('user_g', 1100, 100, '2025-01-06T00:00:00.000Z', 'failed'),
      refund('user_e', 1100, 100, '2025-02-01T00:00:00.000Z'),
      refund(null, 1100, 100, '2025-01-06T00:00:00.000Z'),
    ],
  });
}

function describeCustomerRevenue(getStore: GetStore): void {
  describe('customerRevenue', () => {
    it('gives each user net revenue, net refunds and fees in the range, best contributor first', async () => {
      const store = getStore();
      await writeCustomerRevenueFixture(store);

      expect(await store.analytics.customerRevenue({ ...january, currency: 'aud' })).toEqual([
        { userId: 'user_b', revenue: 2000, refunds: 0, fees: 79 },
        { userId: 'user_c', revenue: 2000, refunds: 0, fees: 79 },
        { userId: 'user_a', revenue: 1000, refunds: 500, fees: 49 },
        { userId: 'user_e', revenue: 0, refunds: 0, fees: 25 },
        { userId: 'user_d', revenue: 0, refunds: 1000, fees: 0 },
      ]);
    });

    it('gives at most the limit, or only the users named, in the same order', async () => {
      const store = getStore();
      await writeCustomerRevenueFixture(store);
      const query = { ...january, currency: 'aud' };

      expect(
        (await store.analytics.customerRevenue({ ...query, limit: 2 })).map((row) => row.userId),
      ).toEqual(['user_b', 'user_c']);
      const named = await store.analytics.customerRevenue({
        ...query,
        userIds: ['user_d', 'user_a', 'user_g', 'user_nobody'],
      });
      expect(named).toEqual([
        { userId: 'user_a', revenue: 1000, refunds: 500, fees: 49 },
        { userId: 'user_d', revenue: 0, refunds: 1000, fees: 0 },
      ]);
      expect(await store.analytics.customerRevenue({ ...query, userIds: [] })).toEqual([]);
      expect(
        (
          await store.analytics.customerRevenue({
            ...query,
            userIds: ['user_a', 'user_b', 'user_c'],
            limit: 1,
          })
        ).map((row) => row.userId),
      ).toEqual(['user_b']);
    });

    it('gives 100 users when no limit is given, and every named user when users are named', async () => {
      const store = getStore();
      const userIds = Array.from({ length: 101 }, (_, index) => `user_${String(index).padStart(3, '0')}`);
      for (const userId of userIds)
        await store.payments.upsert(aPayment({ userId, fee: 10, createdAt: at('2025-01-10T00:00:00.000Z') }));
      const query = { ...january, currency: 'aud' };

      const top = await store.analytics.customerRevenue(query);
      const named = await store.analytics.customerRevenue({ ...query, userIds });

      // Every user contributes −10: the user id decides the order.
      expect(top.map((row) => row.userId)).toEqual(userIds.slice(0, 100));
      expect(named.map((row) => row.userId)).toEqual(userIds);
    });

    it('refuses a limit below 1 or not a whole number as invalid input', async () => {
      const { analytics } = getStore();
      await expect(
        analytics.customerRevenue({ ...january, currency: 'aud', limit: 0 }),
      ).rejects.toBeInstanceOf(InvalidInputError);
      await expect(
        analytics.customerRevenue({ ...january, currency: 'aud', limit: 1.5 }),
      ).rejects.toBeInstanceOf(InvalidInputError);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// What is known about the months ahead

function describeUpcoming(getStore: GetStore): void {
  describe('upcoming', () => {
    it('gives scheduled churn, ending trials and yearly renewals per range, with their MRR now', async () => {
      const store = getStore();
      const subscription = (stripeSubscriptionId: string, overrides: Partial<SubscriptionRecord>) =>
        aSubscription({ stripeSubscriptionId, ...overrides });
      const mrrOf = (
        stripeSubscriptionId: string,
        mrr: number,
        iso = '2025-01-01T00:00:00.000Z',
        id?: string,
      ) =>
        anMrrMovement({
          stripeSubscriptionId,
          mrr,
          delta: mrr,
          at: at(iso),
          ...(id === undefined ? {} : { id }),
        });
      const yearly = { interval: 'year', stripePriceId: 'price_pro_year' } as const;
      await write(store, {
        subscriptions: [
          // Cancels at its period end, Feb 15: February's churn, at its newest MRR (1500).
          subscription('sub_u1', {
            cancelAtPeriodEnd: true,
            currentPeriodEnd: at('2025-02-15T00:00:00.000Z'),
          }),
          // Past due, cancelled for Mar 1 exactly: March's churn (2000), once though its period ends then too.
          subscription('sub_u2', {
            status: 'past_due',
            cancelAt: at('2025-03-01T00:00:00.000Z'),
            currentPeriodEnd: at('2025-03-01T00:00:00.000Z'),
          }),
          // Already canceled: not paying, so no churn to come.
          subscription('sub_u3', {
            status: 'canceled',
            cancelAtPeriodEnd: true,
            currentPeriodEnd: at('2025-02-20T00:00:00.000Z'),
          }),
          // Yearly, renewing Mar 10 at 1000 a month.
          subscription('sub_u4', { ...yearly, currentPeriodEnd: at('2025-03-10T00:00:00.000Z') }),
          // Yearly, ending at its period's end on the last instant of February (2500): churn, not a renewal.
          subscription('sub_u5', {
            ...yearly,
            cancelAtPeriodEnd: true,
            currentPeriodEnd: at('2025-02-28T23:59:59.999Z'),
          }),
          // Yearly, past due, set to end in April: neither a renewal nor churn in these ranges (800).
          subscription('sub_u6', {
            ...yearly,
            status: 'past_due',
            cancelAt: at('2025-04-01T00:00:00.000Z'),
            currentPeriodEnd: at('2025-02-05T00:00:00.000Z'),
          }),
          // Yearly, renewing Feb 10, no ledger entry: MRR 0.
          subscription('sub_u7', { ...yearly, currentPeriodEnd: at('2025-02-10T00:00:00.000Z') }),
          // Trials: one ends as February starts, one as March starts; one is over already (active).
          subscription('sub_u8', { status: 'trialing', trialEnd: at('2025-02-01T00:00:00.000Z') }),
          subscription('sub_u9', { status: 'trialing', trialEnd: at('2025-03-01T00:00:00.000Z') }),
          subscription('sub_u10', { status: 'active', trialEnd: at('2025-02-05T00:00:00.000Z') }),
          // Another currency: left out everywhere.
          subscription('sub_u11', {
            status: 'trialing',
            currency: 'usd',
            trialEnd: at('2025-02-05T00:00:00.000Z'),
          }),
          subscription('sub_u12', {
            ...yearly,
            currency: 'usd',
            currentPeriodEnd: at('2025-02-10T00:00:00.000Z'),
          }),
        ],
        mrr: [
          mrrOf('sub_u1', 1000, '2025-01-01T00:00:00.000Z'),
          mrrOf('sub_u1', 1500, '2025-01-10T00:00:00.000Z'),
          mrrOf('sub_u2', 2000),
          mrrOf('sub_u3', 3000),
          mrrOf('sub_u4', 1000),
          // Two entries at one moment, written newer first: the higher id is the newer.
          mrrOf('sub_u5', 2500, '2025-01-05T00:00:00.000Z', 'mrr_u5_b'),
          mrrOf('sub_u5', 9999, '2025-01-05T00:00:00.000Z', 'mrr_u5_a'),
          mrrOf('sub_u6', 800),
          { ...mrrOf('sub_u12', 5000), currency: 'usd' },
        ],
      });

      const upcoming = await store.analytics.upcoming({
        currency: 'aud',
        ranges: [february, { from: february.to, to: at('2025-04-01T00:00:00.000Z') }],
      });

      expect(upcoming).toEqual({
        // Paying yearly: u4 1000 + u5 2500 + u6 800 + u7 0.
        yearlyMrr: 4300,
        ranges: [
          {
            scheduledChurn: { count: 2, mrr: 1500 + 2500 },
            trialsEnding: 1,
            yearlyRenewals: { count: 1, mrr: 0 },
          },
          {
            scheduledChurn: { count: 1, mrr: 2000 },
            trialsEnding: 1,
            yearlyRenewals: { count: 1, mrr: 1000 },
          },
        ],
      });
      expect(await store.analytics.upcoming({ currency: 'aud', ranges: [] })).toEqual({
        yearlyMrr: 4300,
        ranges: [],
      });
    });
  });
}
