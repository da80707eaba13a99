// The in-process BillingStore: Maps in memory, for tests, simulations and hosts that keep nothing.
// Writes (inside a transaction or not) run one at a time; a transaction writes to a draft layered
// over the committed rows and publishes it only when its function resolves.

import type { MrrLedger, MrrMovementRecord } from './analytics.js';
import {
  type AuditChain,
  type AuditLog,
  type BillingStore,
  type Checkpoints,
  type CreditRepository,
  type CustomerRepository,
  type CustomerSearchResult,
  type DisputeRepository,
  GENESIS_HASH,
  type InvoiceRepository,
  type NotificationOutbox,
  type PaymentMethodRepository,
  type PaymentRepository,
  type RefundRepository,
  type StoreSession,
  type SubscriptionRepository,
  UniqueViolationError,
  type UpsertResult,
  type WebhookEventRepository,
} from './billing-store.js';
import { memoryAnalytics } from './memory-analytics.js';
import { memoryMetering } from './memory-metering.js';
import {
  checkExpiryMonth,
  decodeAuditCursor,
  decodeKeyCursor,
  encodeCursor,
  expiryMonthStart,
  pageLimit,
} from './page-cursor.js';
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
  SubscriptionStatus,
  WebhookEventRecord,
} from './records.js';

/**
 * A `BillingStore` that keeps everything in this process's memory; each call makes a new, empty store.
 *
 * Use the `session` a transaction hands you for the writes inside it: a write on the store itself
 * waits for the running transaction, so one made from inside `fn` would never run.
 *
 * @example
 * const billing = createBilling({ store: memoryStore(), ... });
 */
export function memoryStore(): BillingStore {
  const committed = emptyTables();
  const writeQueue = new WriteQueue();

  const direct: TableAccess = {
    read: async (fn) => fn(committed),
    write: (fn) => writeQueue.run(async () => fn(committed)),
  };
  const repositories = createSession(direct);

  return {
    name: 'memory',
    capabilities: { supportsTransactions: true, supportsAdvisoryLocks: false },
    ...repositories,
    analytics: memoryAnalytics(() => ({
      mrr: [...committed.mrr.values()],
      subscriptions: [...committed.subscriptions.values()],
      invoices: [...committed.invoices.values()],
      payments: [...committed.payments.values()],
      refunds: [...committed.refunds.values()],
      disputes: [...committed.disputes.values()],
    })),
    metering: memoryMetering(),
    auditChain: memoryAuditChain(committed.audit.entries, writeQueue),
    checkpoints: memoryCheckpoints(),
    transaction: (fn) =>
      writeQueue.run(async () => {
        const draft = draftOver(committed);
        let open = true;
        const inDraft = async <T>(operation: (tables: Tables) => T): Promise<T> => {
          if (!open) throw new Error('This transaction has ended; its session can no longer be used.');
          return operation(draft.tables);
        };
        try {
          const value = await fn(createSession({ read: inDraft, write: inDraft }));
          draft.commit();
          return value;
        } finally {
          open = false;
        }
      }),
    migrate: async () => {},
    close: async () => {},
  };
}

// ---------------------------------------------------------------------------------------------
// Tables: the committed rows, and a transaction's draft over them.

interface RowMap<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
  values(): Iterable<V>;
}

interface AuditRows {
  /** Entries in append order; an entry's index is its position in the log. */
  readonly entries: readonly AuditEntry[];
  append(entry: AuditEntry): void;
}

/** What each keyed table holds. Every table but the user-id index is keyed by the row's Stripe id. */
interface RowsOf {
  customers: CustomerRecord;
  /** The unique index on user id: user id → Stripe customer id. */
  customerIdByUserId: string;
  subscriptions: SubscriptionRecord;
  paymentMethods: PaymentMethodRecord;
  /** Lines are kept inside their invoice, so an invoice and its lines are written as one row. */
  invoices: InvoiceRecord;
  /** By Stripe charge id. */
  payments: PaymentRecord;
  refunds: RefundRecord;
  disputes: DisputeRecord;
  /** By Stripe event id. */
  webhookEvents: WebhookEventRecord;
  /** By Stripe balance transaction id. */
  credits: CreditRecord;
  /** By message id. */
  outbox: OutboxMessageRecord;
  /** The unique index on the outbox's dedupe key: key → message id. */
  outboxIdByKey: string;
  /** The MRR ledger, by entry id. */
  mrr: MrrMovementRecord;
}

type Tables = { [Name in keyof RowsOf]: RowMap<string, RowsOf[Name]> } & { audit: AuditRows };

type CommittedTables = { [Name in keyof RowsOf]: Map<string, RowsOf[Name]> } & {
  audit: AuditRows & { entries: AuditEntry[] };
};

function emptyTables(): CommittedTables {
  const entries: AuditEntry[] = [];
  return {
    customers: new Map(),
    customerIdByUserId: new Map(),
    subscriptions: new Map(),
    paymentMethods: new Map(),
    invoices: new Map(),
    payments: new Map(),
    refunds: new Map(),
    disputes: new Map(),
    webhookEvents: new Map(),
    credits: new Map(),
    outbox: new Map(),
    outboxIdByKey: new Map(),
    mrr: new Map(),
    audit: { entries, append: (entry) => entries.push(entry) },
  };
}

/** Pending changes over a committed map: a value to set, or `deleted`. */
class DraftMap<K, V> implements RowMap<K, V> {
  readonly #base: Map<K, V>;
  readonly #changes = new Map<K, { value: V } | 'deleted'>();

  constructor(base: Map<K, V>) {
    this.#base = base;
  }

  get(key: K): V | undefined {
    const change = this.#changes.get(key);
    if (change === 'deleted') return undefined;
    if (change !== undefined) return change.value;
    return this.#base.get(key);
  }

  set(key: K, value: V): void {
    this.#changes.set(key, { value });
  }

  delete(key: K): void {
    this.#changes.set(key, 'deleted');
  }

  *values(): Iterable<V> {
    for (const [key, value] of this.#base) {
      if (!this.#changes.has(key)) yield value;
    }
    for (const change of this.#changes.values()) {
      if (change !== 'deleted') yield change.value;
    }
  }

  commit(): void {
    for (const [key, change] of this.#changes) {
      if (change === 'deleted') this.#base.delete(key);
      else this.#base.set(key, change.value);
    }
  }
}

function draftOver(base: CommittedTables): { tables: Tables; commit(): void } {
  const drafts: { [Name in keyof RowsOf]: DraftMap<string, RowsOf[Name]> } = {
    customers: new DraftMap(base.customers),
    customerIdByUserId: new DraftMap(base.customerIdByUserId),
    subscriptions: new DraftMap(base.subscriptions),
    paymentMethods: new DraftMap(base.paymentMethods),
    invoices: new DraftMap(base.invoices),
    payments: new DraftMap(base.payments),
    refunds: new DraftMap(base.refunds),
    disputes: new DraftMap(base.disputes),
    webhookEvents: new DraftMap(base.webhookEvents),
    credits: new DraftMap(base.credits),
    outbox: new DraftMap(base.outbox),
    outboxIdByKey: new DraftMap(base.outboxIdByKey),
    mrr: new DraftMap(base.mrr),
  };
  const pendingAudit: AuditEntry[] = [];
  const audit: AuditRows = {
    get entries() {
      return [...base.audit.entries, ...pendingAudit];
    },
    append: (entry) => pendingAudit.push(entry),
  };
  return {
    tables: { ...drafts, audit },
    // Synchronous, and Map writes cannot fail: a commit is never half-applied.
    commit() {
      for (const draft of Object.values(drafts)) draft.commit();
      base.audit.entries.push(...pendingAudit);
    },
  };
}

/** Runs writes one at a time, in the order they were asked for. */
class WriteQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

// ---------------------------------------------------------------------------------------------
// Repositories. Each write checks everything before it changes anything, so a write that throws
// leaves the tables as they were. Records are copied in and out: callers never share our objects.

interface TableAccess {
  read<T>(fn: (tables: Tables) => T): Promise<T>;
  write<T>(fn: (tables: Tables) => T): Promise<T>;
}

function createSession(access: TableAccess): StoreSession {
  return {
    customers: customerRepository(access),
    subscriptions: subscriptionRepository(access),
    paymentMethods: paymentMethodRepository(access),
    invoices: invoiceRepository(access),
    payments: paymentRepository(access),
    refunds: refundRepository(access),
    disputes: disputeRepository(access),
    webhookEvents: webhookEventRepository(access),
    audit: auditLog(access),
    credits: creditRepository(access),
    outbox: notificationOutbox(access),
    mrr: mrrLedger(access),
  };
}

function customerRepository({ read, write }: TableAccess): CustomerRepository {
  const sortKey = (customer: CustomerRecord): SortKey => ({
    createdAt: customer.createdAt,
    id: customer.stripeCustomerId,
  });
  return {
    findByUserId: (userId) =>
      read((tables) => {
        const stripeCustomerId = tables.customerIdByUserId.get(userId);
        return copyOrNull(
          stripeCustomerId === undefined ? undefined : tables.customers.get(stripeCustomerId),
        );
      }),
    findByStripeId: (stripeCustomerId) =>
      read((tables) => copyOrNull(tables.customers.get(stripeCustomerId))),
    insert: (record) => {
      const row = structuredClone(record);
      return write((tables) => {
        if (tables.customerIdByUserId.get(row.userId) !== undefined)
          throw new UniqueViolationError('user_id');
        if (tables.customers.get(row.stripeCustomerId) !== undefined) {
          throw new UniqueViolationError('stripe_customer_id');
        }
        tables.customers.set(row.stripeCustomerId, row);
        tables.customerIdByUserId.set(row.userId, row.stripeCustomerId);
      });
    },
    upsert: (record) => {
      const row = structuredClone(record);
      return write((tables): UpsertResult => {
        const stored = tables.customers.get(row.stripeCustomerId);
        if (stored !== undefined && stored.watermark > row.watermark) return 'stale';
        const holder = tables.customerIdByUserId.get(row.userId);
        if (holder !== undefined && holder !== row.stripeCustomerId)
          throw new UniqueViolationError('user_id');
        if (stored !== undefined && stored.userId !== row.userId)
          tables.customerIdByUserId.delete(stored.userId);
        tables.customers.set(row.stripeCustomerId, row);
        tables.customerIdByUserId.set(row.userId, row.stripeCustomerId);
        return stored === undefined ? 'inserted' : 'updated';
      });
    },
    list: (page) => read((tables) => pageOf('customers', [...tables.customers.values()], page, sortKey)),
    search: ({ query, status, excludeCancellationReason, ...page }) =>
      read((tables) => {
        const text = (query ?? '').trim();
        const statusOf = newestSubscriptionStatuses(tables.subscriptions.values(), excludeCancellationReason);
        const found = [...tables.customers.values()]
          .filter((customer) => text === '' || customerMatches(customer, text))
          .map(
            (customer): CustomerSearchResult => ({
              ...customer,
              subscriptionStatus: statusOf.get(customer.userId) ?? null,
            }),
          )
          .filter((customer) => status === undefined || (customer.subscriptionStatus ?? 'none') === status);
        return pageOf('customerSearch', found, page, sortKey, 'newestFirst');
      }),
  };
}

/** Whether the admin's search text (trimmed, not empty) finds the customer. */
function customerMatches(customer: CustomerRecord, text: string): boolean {
  const needle = text.toLowerCase();
  return (
    customer.userId === text ||
    customer.stripeCustomerId === text ||
    (customer.email?.toLowerCase().includes(needle) ?? false) ||
    (customer.name?.toLowerCase().includes(needle) ?? false)
  );
}

/**
 * Each user's newest subscription's status (by creation, then Stripe id), leaving out those whose
 * cancellation reason is `excludeCancellationReason`. Subscriptions belong to a customer by user id.
 */
function newestSubscriptionStatuses(
  subscriptions: Iterable<SubscriptionRecord>,
  excludeCancellationReason: string | undefined,
): Map<string, SubscriptionStatus> {
  const newest = new Map<string, SubscriptionRecord>();
  for (const subscription of subscriptions) {
    if (
      excludeCancellationReason !== undefined &&
      subscription.cancellationReason === excludeCancellationReason
    )
      continue;
    const current = newest.get(subscription.userId);
    if (
      current === undefined ||
      compareSortKeys(subscriptionSortKey(subscription), subscriptionSortKey(current)) > 0
    )
      newest.set(subscription.userId, subscription);
  }
  return new Map([...newest].map(([userId, subscription]) => [userId, subscription.status]));
}

function subscriptionSortKey(subscription: SubscriptionRecord): SortKey {
  return { createdAt: subscription.createdAt, id: subscription.stripeSubscriptionId };
}

function subscriptionRepository({ read, write }: TableAccess): SubscriptionRepository {
  const sortKey = subscriptionSortKey;
  return {
    findByStripeId: (stripeSubscriptionId) =>
      read((tables) => copyOrNull(tables.subscriptions.get(stripeSubscriptionId))),
    listByUserId: (userId) =>
      read((tables) =>
        [...tables.subscriptions.values()]
          .filter((subscription) => subscription.userId === userId)
          .sort((a, b) => compareSortKeys(sortKey(b), sortKey(a)))
          .map((subscription) => structuredClone(subscription)),
      ),
    upsert: (record) => {
      const row = structuredClone(record);
      return write((tables) => upsertByWatermark(tables.subscriptions, row.stripeSubscriptionId, row));
    },
    list: (page) =>
      read((tables) => pageOf('subscriptions', [...tables.subscriptions.values()], page, sortKey)),
  };
}

function paymentMethodRepository({ read, write }: TableAccess): PaymentMethodRepository {
  const sortKey = (method: PaymentMethodRecord): SortKey => ({
    createdAt: method.createdAt,
    id: method.stripePaymentMethodId,
  });
  return {
    findByStripeId: (stripePaymentMethodId) =>
      read((tables) => copyOrNull(tables.paymentMethods.get(stripePaymentMethodId))),
    listByCustomer: (stripeCustomerId) =>
      read((tables) =>
        [...tables.paymentMethods.values()]
          .filter((method) => method.stripeCustomerId === stripeCustomerId)
          .sort((a, b) => compareSortKeys(sortKey(a), sortKey(b)))
          .map((method) => structuredClone(method)),
      ),
    upsert: (record) => {
      const row = structuredClone(record);
      return write((tables) => upsertByWatermark(tables.paymentMethods, row.stripePaymentMethodId, row));
    },
    delete: (stripePaymentMethodId) =>
      write((tables) => {
        tables.paymentMethods.delete(stripePaymentMethodId);
      }),
    listExpiring: ({ through, ...page }) =>
      read((tables) => {
        const { year, month } = checkExpiryMonth(through);
        const expiring = [...tables.paymentMethods.values()].filter(
          (method) =>
            method.type === 'card' &&
            method.expYear !== null &&
            method.expMonth !== null &&
            (method.expYear < year || (method.expYear === year && method.expMonth <= month)),
        );
        return pageOf('paymentMethodsExpiring', expiring, page, (method) => ({
          createdAt: expiryMonthStart(method.expYear!, method.expMonth!),
          id: method.stripePaymentMethodId,
        }));
      }),
  };
}

function invoiceRepository({ read, write }: TableAccess): InvoiceRepository {
  const sortKey = (invoice: InvoiceRecord): SortKey => ({
    createdAt: invoice.createdAt,
    id: invoice.stripeInvoiceId,
  });
  return {
    findByStripeId: (stripeInvoiceId) => read((tables) => copyOrNull(tables.invoices.get(stripeInvoiceId))),
    upsert: (record) => {
      const row = structuredClone(record);
      return write((tables) => upsertByWatermark(tables.invoices, row.stripeInvoiceId, row));
    },
    listByUserId: (userId, page) =>
      read((tables) =>
        pageOf(
          'invoicesOfUser',
          [...tables.invoices.values()].filter((invoice) => invoice.userId === userId),
          page,
          sortKey,
          'newestFirst',
        ),
      ),
    list: (page) => read((tables) => pageOf('invoices', [...tables.invoices.values()], page, sortKey)),
  };
}

function paymentRepository({ read, write }: TableAccess): PaymentRepository {
  const sortKey = (payment: PaymentRecord): SortKey => ({
    createdAt: payment.createdAt,
    id: payment.stripeChargeId,
  });
  return {
    findByStripeId: (stripeChargeId) => read((tables) => copyOrNull(tables.payments.get(stripeChargeId))),
    upsert: (record) => {
      const row = structuredClone(record);
      return write((tables) => upsertByWatermark(tables.payments, row.stripeChargeId, row));
    },
    listByUserId: (userId, page) =>
      read((tables) =>
        pageOf(
          'paymentsOfUser',
          [...tables.payments.values()].filter((payment) => payment.userId === userId),
          page,
          sortKey,
          'newestFirst',
        ),
      ),
    list: (page) => read((tables) => pageOf('payments', [...tables.payments.values()], page, sortKey)),
    listByInvoice: (stripeInvoiceId) =>
      read((tables) =>
        [...tables.payments.values()]
          .filter((payment) => payment.stripeInvoiceId === stripeInvoiceId)
          .sort((a, b) => compareSortKeys(sortKey(a), sortKey(b)))
          .map((payment) => structuredClone(payment)),
      ),
  };
}

function refundRepository({ read, write }: TableAccess): RefundRepository {
  const sortKey = (refund: RefundRecord): SortKey => ({
    createdAt: refund.createdAt,
    id: refund.stripeRefundId,
  });
  return {
    findByStripeId: (stripeRefundId) => read((tables) => copyOrNull(tables.refunds.get(stripeRefundId))),
    upsert: (record) => {
      const row = structuredClone(record);
      return write((tables) => upsertByWatermark(tables.refunds, row.stripeRefundId, row));
    },
    listByCharge: (stripeChargeId) =>
      read((tables) =>
        [...tables.refunds.values()]
          .filter((refund) => refund.stripeChargeId === stripeChargeId)
          .sort((a, b) => compareSortKeys(sortKey(a), sortKey(b)))
          .map((refund) => structuredClone(refund)),
      ),
    listByInvoice: (stripeInvoiceId) =>
      read((tables) =>
        [...tables.refunds.values()]
          .filter((refund) => refund.stripeInvoiceId === stripeInvoiceId)
          .sort((a, b) => compareSortKeys(sortKey(a), sortKey(b)))
          .map((refund) => structuredClone(refund)),
      ),
    list: (page) => read((tables) => pageOf('refunds', [...tables.refunds.values()], page, sortKey)),
  };
}

function disputeRepository({ read, write }: TableAccess): DisputeRepository {
  const sortKey = (dispute: DisputeRecord): SortKey => ({
    createdAt: dispute.createdAt,
    id: dispute.stripeDisputeId,
  });
  return {
    findByStripeId: (stripeDisputeId) => read((tables) => copyOrNull(tables.disputes.get(stripeDisputeId))),
    upsert: (record) => {
      const row = structuredClone(record);
      return write((tables) => upsertByWatermark(tables.disputes, row.stripeDisputeId, row));
    },
    list: (page) => read((tables) => pageOf('disputes', [...tables.disputes.values()], page, sortKey)),
    listByCharge: (stripeChargeId) =>
      read((tables) =>
        [...tables.disputes.values()]
          .filter((dispute) => dispute.stripeChargeId === stripeChargeId)
          .sort((a, b) => compareSortKeys(sortKey(a), sortKey(b)))
          .map((dispute) => structuredClone(dispute)),
      ),
  };
}

// The inbox's guarantees (one record per event id, one holder per claim, only the holder's outcome
// kept) come from the write queue: each check-then-write below runs whole before the next write starts.
function webhookEventRepository({ read, write }: TableAccess): WebhookEventRepository {
  const sortKey = (event: WebhookEventRecord): SortKey => ({
    createdAt: event.receivedAt,
    id: event.eventId,
  });
  return {
    record: (event) => {
      const row = structuredClone(event);
      return write((tables) => {
        if (tables.webhookEvents.get(row.eventId) !== undefined) return 'duplicate';
        tables.webhookEvents.set(row.eventId, row);
        return 'recorded';
      });
    },
    get: (eventId) => read((tables) => copyOrNull(tables.webhookEvents.get(eventId))),
    claim: (eventId, at) => {
      const { now, leaseUntil } = structuredClone(at);
      return write((tables) => {
        const stored = tables.webhookEvents.get(eventId);
        if (stored === undefined || !isClaimable(stored, now)) return null;
        const claimed: WebhookEventRecord = {
          ...stored,
          status: 'processing',
          leaseUntil,
          updatedAt: now,
          attempts: stored.attempts + 1,
        };
        tables.webhookEvents.set(eventId, claimed);
        return structuredClone(claimed);
      });
    },
    complete: (eventId, outcome) => {
      const { status, at, note, attempt } = structuredClone(outcome);
      return write((tables) => {
        const stored = tables.webhookEvents.get(eventId);
        if (stored === undefined || !isHeldBy(stored, attempt)) return false;
        tables.webhookEvents.set(eventId, {
          ...stored,
          status,
          updatedAt: at,
          note: note ?? null,
          leaseUntil: null,
        });
        return true;
      });
    },
    fail: (eventId, failure) => {
      const { error, at, attempt } = structuredClone(failure);
      return write((tables) => {
        const stored = tables.webhookEvents.get(eventId);
        if (stored === undefined || !isHeldBy(stored, attempt)) return false;
        tables.webhookEvents.set(eventId, {
          ...stored,
          status: 'failed',
          lastError: error,
          updatedAt: at,
          leaseUntil: null,
        });
        return true;
      });
    },
    listFailed: (page) =>
      read((tables) =>
        pageOf(
          'failedWebhookEvents',
          [...tables.webhookEvents.values()].filter((event) => event.status === 'failed'),
          page,
          sortKey,
        ),
      ),
  };
}

/** Whether the claim that returned `attempt` attempts is still the event's latest, unfinished one. */
function isHeldBy(event: WebhookEventRecord, attempt: number): boolean {
  return event.status === 'processing' && event.attempts === attempt;
}

/**
 * Whether a claim at `now` may take the event: nobody holds it, and it is not done. A lease is held
 * up to and including `leaseUntil`.
 */
function isClaimable(event: WebhookEventRecord, now: Date): boolean {
  switch (event.status) {
    case 'received':
    case 'failed':
      return true;
    case 'processing':
      // A processing row without a lease has no holder to wait for.
      return event.leaseUntil === null || event.leaseUntil.getTime() < now.getTime();
    case 'applied':
    case 'skipped':
      return false;
  }
}

function creditRepository({ read, write }: TableAccess): CreditRepository {
  const sortKey = (credit: CreditRecord): SortKey => ({
    createdAt: credit.createdAt,
    id: credit.stripeBalanceTransactionId,
  });
  return {
    findByStripeId: (stripeBalanceTransactionId) =>
      read((tables) => copyOrNull(tables.credits.get(stripeBalanceTransactionId))),
    upsert: (record) => {
      const row = structuredClone(record);
      return write((tables) => upsertByWatermark(tables.credits, row.stripeBalanceTransactionId, row));
    },
    listByUserId: (userId, page) =>
      read((tables) =>
        pageOf(
          'creditsOfUser',
          [...tables.credits.values()].filter((credit) => credit.userId === userId),
          page,
          sortKey,
          'newestFirst',
        ),
      ),
  };
}

// The outbox's guarantees (one message per key, one holder per claim, only the holder's outcome
// kept) come from the write queue, as the inbox's do.
function notificationOutbox({ read, write }: TableAccess): NotificationOutbox {
  const sortKey = (message: OutboxMessageRecord): SortKey => ({
    createdAt: message.createdAt,
    id: message.id,
  });
  /** Ends a claim, only while it is still the latest one. */
  const finishClaim = (id: string, attempt: number, changes: Partial<OutboxMessageRecord>) =>
    write((tables) => {
      const stored = tables.outbox.get(id);
      if (stored === undefined || stored.status !== 'sending' || stored.attempts !== attempt) return false;
      tables.outbox.set(id, { ...stored, ...changes, leaseUntil: null });
      return true;
    });
  return {
    enqueue: (message) => {
      const row = structuredClone(message);
      return write((tables) => {
        if (tables.outboxIdByKey.get(row.key) !== undefined || tables.outbox.get(row.id) !== undefined)
          return 'duplicate';
        tables.outbox.set(row.id, row);
        tables.outboxIdByKey.set(row.key, row.id);
        return 'enqueued';
      });
    },
    claimDue: (at) => {
      const { now, leaseUntil, limit } = structuredClone(at);
      const count = pageLimit(limit);
      return write((tables) =>
        [...tables.outbox.values()]
          .filter((message) => isDue(message, now))
          .sort((a, b) => compareSortKeys(sortKey(a), sortKey(b)))
          .slice(0, count)
          .map((message) => {
            const claimed: OutboxMessageRecord = {
              ...message,
              status: 'sending',
              leaseUntil,
              attempts: message.attempts + 1,
            };
            tables.outbox.set(message.id, claimed);
            return structuredClone(claimed);
          }),
      );
    },
    markSent: (id, outcome) => {
      const { at, attempt } = structuredClone(outcome);
      return finishClaim(id, attempt, { status: 'sent', sentAt: at });
    },
    markFailed: (id, failure) => {
      const { error, retryAt, attempt } = structuredClone(failure);
      return finishClaim(id, attempt, { status: 'failed', lastError: error, availableAt: retryAt });
    },
    list: (query = {}) =>
      read((tables) =>
        pageOf(
          'outbox',
          [...tables.outbox.values()].filter(
            (message) =>
              (query.status === undefined || message.status === query.status) &&
              (query.userId === undefined || message.userId === query.userId),
          ),
          query,
          sortKey,
        ),
      ),
  };
}

/**
 * Whether a claim at `now` may take the message: pending or failed and due, or sending with a lease
 * that ended strictly before `now` (or none).
 */
function isDue(message: OutboxMessageRecord, now: Date): boolean {
  switch (message.status) {
    case 'pending':
    case 'failed':
      return message.availableAt.getTime() <= now.getTime();
    case 'sending':
      return message.leaseUntil === null || message.leaseUntil.getTime() < now.getTime();
    case 'sent':
      return false;
  }
}

function mrrLedger({ read, write }: TableAccess): MrrLedger {
  const sortKey = (entry: MrrMovementRecord): SortKey => ({ createdAt: entry.at, id: entry.id });
  return {
    append: (entry) => {
      const row = structuredClone(entry);
      return write((tables) => {
        // Entries are never changed: a second append of one id (a retried write) is a no-op.
        if (tables.mrr.get(row.id) === undefined) tables.mrr.set(row.id, row);
      });
    },
    stateOf: (userId, currency) =>
      read((tables) => {
        const newest = new Map<string, MrrMovementRecord>();
        let everPaying = false;
        for (const entry of tables.mrr.values()) {
          if (entry.userId !== userId || entry.currency !== currency) continue;
          if (entry.customerMrr > 0) everPaying = true;
          const current = newest.get(entry.stripeSubscriptionId);
          if (current === undefined || compareSortKeys(sortKey(entry), sortKey(current)) > 0)
            newest.set(entry.stripeSubscriptionId, entry);
        }
        const bySubscription: Record<string, number> = {};
        for (const [stripeSubscriptionId, entry] of newest) bySubscription[stripeSubscriptionId] = entry.mrr;
        return { bySubscription, everPaying };
      }),
    list: (query = {}) =>
      read((tables) =>
        pageOf(
          'mrrLedger',
          [...tables.mrr.values()].filter(
            (entry) => query.userId === undefined || entry.userId === query.userId,
          ),
          query,
          sortKey,
        ),
      ),
  };
}

/**
 * The chain over committed entries: they commit in order, so entry i is link i + 1. Hashes are
 * kept beside the entries, as the SQL stores keep them in their own columns.
 */
function memoryAuditChain(entries: readonly AuditEntry[], writeQueue: WriteQueue): AuditChain {
  const hashes: string[] = [];
  return {
    seal: (hash) =>
      writeQueue.run(async () => {
        const before = hashes.length;
        for (let index = before; index < entries.length; index++)
          hashes.push(hash(hashes[index - 1] ?? GENESIS_HASH, structuredClone(entries[index]!)));
        return hashes.length - before;
      }),
    links: async ({ after, limit }) => ({
      links: hashes.slice(after, after + pageLimit(limit)).map((hash, offset) => ({
        position: after + offset + 1,
        hash,
        entry: structuredClone(entries[after + offset]!),
      })),
      head: { position: hashes.length, hash: hashes.at(-1) ?? GENESIS_HASH },
    }),
  };
}

function auditLog({ read, write }: TableAccess): AuditLog {
  return {
    append: (entry) => {
      const row = structuredClone(entry);
      return write((tables) => tables.audit.append(row));
    },
    list: (query = {}) =>
      read((tables) => {
        const limit = pageLimit(query.limit);
        const start = query.after == null ? 0 : decodeAuditCursor(query.after) + 1;
        const entries = tables.audit.entries;
        const items: AuditEntry[] = [];
        let lastIndex = -1;
        let hasMore = false;
        for (let index = start; index < entries.length; index++) {
          const entry = entries[index]!;
          if (query.subjectId !== undefined && entry.subjectId !== query.subjectId) continue;
          if (query.userId !== undefined && entry.userId !== query.userId) continue;
          if (query.actor !== undefined && entry.actor !== query.actor) continue;
          if (query.from !== undefined && entry.at < query.from) continue;
          if (query.to !== undefined && entry.at >= query.to) continue;
          if (items.length === limit) {
            hasMore = true;
            break;
          }
          items.push(structuredClone(entry));
          lastIndex = index;
        }
        return { items, nextCursor: hasMore ? encodeCursor(['audit', lastIndex]) : null };
      }),
  };
}

function upsertByWatermark<T extends { watermark: number }>(
  rows: RowMap<string, T>,
  key: string,
  row: T,
): UpsertResult {
  const stored = rows.get(key);
  if (stored !== undefined && stored.watermark > row.watermark) return 'stale';
  rows.set(key, row);
  return stored === undefined ? 'inserted' : 'updated';
}

function copyOrNull<T>(row: T | undefined): T | null {
  return row === undefined ? null : structuredClone(row);
}

// ---------------------------------------------------------------------------------------------
// Pages. Lists are ordered by (createdAt, Stripe id), oldest first unless the port says newest
// first; a cursor holds the key of a page's last row, so the next page starts right after it even
// when rows were added in between.

/** The keyed lists; a cursor names the list that issued it, and no other list takes it. */
type KeyedList =
  | 'customers'
  | 'subscriptions'
  | 'invoices'
  | 'invoicesOfUser'
  | 'payments'
  | 'paymentsOfUser'
  | 'refunds'
  | 'disputes'
  | 'failedWebhookEvents'
  | 'creditsOfUser'
  | 'outbox'
  /** The admin's customer search, newest first. */
  | 'customerSearch'
  | 'mrrLedger'
  /** Ordered by expiry month, whose first instant stands in for the creation time. */
  | 'paymentMethodsExpiring';

interface SortKey {
  createdAt: Date;
  id: string;
}

function compareSortKeys(a: SortKey, b: SortKey): number {
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  if (byTime !== 0) return byTime;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

function pageOf<T>(
  list: KeyedList,
  rows: T[],
  page: PageRequest = {},
  sortKey: (row: T) => SortKey,
  order: 'oldestFirst' | 'newestFirst' = 'oldestFirst',
): Page<T> {
  const limit = pageLimit(page.limit);
  const after = page.after == null ? null : decodeKeyCursor(list, page.after);
  const direction = order === 'oldestFirst' ? 1 : -1;
  const following = rows
    .map((row) => ({ row, key: sortKey(row) }))
    .filter(({ key }) => after === null || direction * compareSortKeys(key, after) > 0)
    .sort((a, b) => direction * compareSortKeys(a.key, b.key));
  const taken = following.slice(0, limit);
  const last = taken.at(-1);
  const nextCursor =
    following.length > limit && last !== undefined
      ? encodeCursor([list, last.key.createdAt.getTime(), last.key.id])
      : null;
  return { items: taken.map(({ row }) => structuredClone(row)), nextCursor };
}

function memoryCheckpoints(): Checkpoints {
  const values = new Map<string, string>();
  return {
    get: async (name) => values.get(name) ?? null,
    put: async (name, value) => {
      values.set(name, value);
    },
    delete: async (name) => {
      values.delete(name);
    },
  };
}
