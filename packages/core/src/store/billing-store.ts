// The storage port. The engine reads and writes the mirror only through this interface; memory,
// SQLite, PostgreSQL and MySQL implement it, and `runStoreConformance` proves each one does so.

import type { AnalyticsQueries, MrrLedger } from './analytics.js';
import type { MeteringRepository } from './metering.js';
import type {
  AuditEntry,
  CreditRecord,
  CustomerRecord,
  DisputeRecord,
  InvoiceRecord,
  OutboxMessageRecord,
  OutboxMessageStatus,
  Page,
  PageRequest,
  PaymentMethodRecord,
  PaymentRecord,
  RefundRecord,
  SubscriptionRecord,
  SubscriptionStatus,
  WebhookEventRecord,
} from './records.js';

/** Writes an older state than the one stored are ignored; see `watermark`. */
export type UpsertResult = 'inserted' | 'updated' | 'stale';

export interface CustomerRepository {
  findByUserId(userId: string): Promise<CustomerRecord | null>;
  findByStripeId(stripeCustomerId: string): Promise<CustomerRecord | null>;
  /**
   * Inserts a new customer. Throws `UniqueViolationError` when the user id or the Stripe id is
   * already stored: under concurrency, at most one insert per user id succeeds.
   */
  insert(record: CustomerRecord): Promise<void>;
  /**
   * Replaces the row with the same Stripe id unless the stored watermark is newer; inserts it when
   * absent. Throws `UniqueViolationError('user_id')` when another customer holds the user id.
   */
  upsert(record: CustomerRecord): Promise<UpsertResult>;
  /** All customers, ordered by creation (then Stripe id), a page at a time. */
  list(page?: PageRequest): Promise<Page<CustomerRecord>>;
  /**
   * Customers for the admin's search, newest first (creation, then Stripe id, descending), a page
   * at a time. `query` (trimmed; empty matches everyone) matches a customer whose email or name
   * contains it, ignoring case, or whose user id or Stripe customer id equals it. Each customer
   * comes with `subscriptionStatus`: the status of their newest subscription (by creation, then
   * Stripe id), leaving out those whose `cancellationReason` equals `excludeCancellationReason`;
   * null when there is none. `status` keeps only customers with that status (`'none'`: no
   * subscription).
   */
  search(
    query: PageRequest & {
      query?: string;
      status?: SubscriptionStatus | 'none';
      excludeCancellationReason?: string;
    },
  ): Promise<Page<CustomerSearchResult>>;
}

export type CustomerSearchResult = CustomerRecord & { subscriptionStatus: SubscriptionStatus | null };

export interface SubscriptionRepository {
  findByStripeId(stripeSubscriptionId: string): Promise<SubscriptionRecord | null>;
  /** A user's subscriptions, newest first. */
  listByUserId(userId: string): Promise<SubscriptionRecord[]>;
  /** Replaces the row with the same Stripe id unless the stored watermark is newer; inserts it when absent. */
  upsert(record: SubscriptionRecord): Promise<UpsertResult>;
  /** All subscriptions, ordered by creation (then Stripe id), a page at a time. */
  list(page?: PageRequest): Promise<Page<SubscriptionRecord>>;
}

export interface PaymentMethodRepository {
  findByStripeId(stripePaymentMethodId: string): Promise<PaymentMethodRecord | null>;
  /** A customer's payment methods, oldest first. */
  listByCustomer(stripeCustomerId: string): Promise<PaymentMethodRecord[]>;
  upsert(record: PaymentMethodRecord): Promise<UpsertResult>;
  /** Removes the row; removing one that is not there is not an error. */
  delete(stripePaymentMethodId: string): Promise<void>;
  /**
   * Cards whose expiry month (`expYear`, `expMonth`) is `through` or earlier, those already expired
   * included; payment methods that are not cards, or have no expiry, are left out. Ordered by
   * (`expYear`, `expMonth`, Stripe id), a page at a time. Throws `InvalidInputError` when `through`
   * is not a whole year and a month from 1 to 12.
   */
  listExpiring(
    query: { through: { year: number; month: number } } & PageRequest,
  ): Promise<Page<PaymentMethodRecord>>;
}

export interface InvoiceRepository {
  findByStripeId(stripeInvoiceId: string): Promise<InvoiceRecord | null>;
  /** Replaces the row (lines included) unless the stored watermark is newer; inserts it when absent. */
  upsert(record: InvoiceRecord): Promise<UpsertResult>;
  /** A user's invoices, newest first. */
  listByUserId(userId: string, page?: PageRequest): Promise<Page<InvoiceRecord>>;
  /** All invoices, ordered by creation (then Stripe id), a page at a time. */
  list(page?: PageRequest): Promise<Page<InvoiceRecord>>;
}

export interface PaymentRepository {
  findByStripeId(stripeChargeId: string): Promise<PaymentRecord | null>;
  upsert(record: PaymentRecord): Promise<UpsertResult>;
  /** A user's payments, newest first. */
  listByUserId(userId: string, page?: PageRequest): Promise<Page<PaymentRecord>>;
  /** All payments, ordered by creation (then Stripe id), a page at a time. */
  list(page?: PageRequest): Promise<Page<PaymentRecord>>;
  /** The charges (payment attempts) of one invoice, oldest first (by creation, then Stripe id). */
  listByInvoice(stripeInvoiceId: string): Promise<PaymentRecord[]>;
}

export interface RefundRepository {
  findByStripeId(stripeRefundId: string): Promise<RefundRecord | null>;
  upsert(record: RefundRecord): Promise<UpsertResult>;
  /** The refunds of one charge, oldest first. */
  listByCharge(stripeChargeId: string): Promise<RefundRecord[]>;
  /** The refunds of one invoice's charges, oldest first (by creation, then Stripe id). */
  listByInvoice(stripeInvoiceId: string): Promise<RefundRecord[]>;
  /** All refunds, ordered by creation (then Stripe id), a page at a time. */
  list(page?: PageRequest): Promise<Page<RefundRecord>>;
}

export interface DisputeRepository {
  findByStripeId(stripeDisputeId: string): Promise<DisputeRecord | null>;
  upsert(record: DisputeRecord): Promise<UpsertResult>;
  /** All disputes, ordered by creation (then Stripe id), a page at a time. */
  list(page?: PageRequest): Promise<Page<DisputeRecord>>;
  /** The disputes of one charge, oldest first (by creation, then Stripe id). */
  listByCharge(stripeChargeId: string): Promise<DisputeRecord[]>;
}

/**
 * The webhook inbox. Race-safety is the point: `record` keeps an event id at most once however
 * many copies receive it at the same moment, `claim` lets exactly one of them work on it, and
 * `complete` / `fail` keep only the current holder's outcome.
 *
 * A claim's token is the `attempts` of the row `claim` returned: each claim adds one, so a copy
 * whose lease ran out and was taken over holds an older number than the row, and its `complete` or
 * `fail` changes nothing.
 */
export interface WebhookEventRepository {
  /** Records a received event; 'duplicate' when its id is already there (nothing is changed). */
  record(event: WebhookEventRecord): Promise<'recorded' | 'duplicate'>;
  get(eventId: string): Promise<WebhookEventRecord | null>;
  /**
   * Atomically takes the event for processing: from `received` or `failed`, or from `processing`
   * whose lease has expired (or that has no lease). A lease is held up to and including
   * `leaseUntil`: it has expired only when `leaseUntil` is strictly before `now`; one ending exactly
   * at `now` is still held. Sets `processing`, `leaseUntil`, `updatedAt` to `now`, attempts + 1;
   * changes nothing else. Returns the claimed row (its `attempts` is the token to pass to `complete`
   * / `fail`), or null, changing nothing, when someone else holds it, it is already `applied` /
   * `skipped`, or there is no such event.
   */
  claim(eventId: string, at: { now: Date; leaseUntil: Date }): Promise<WebhookEventRecord | null>;
  /**
   * Marks a claimed event `applied` or `skipped` (with a note why; none clears it), sets `updatedAt`
   * to `at` and releases the lease; attempts are kept. Only while the row is `processing` with
   * `attempts` equal to `attempt` (the claimed row's `attempts`), checked and written atomically:
   * returns true when it changed the row, false (changing nothing) when another claim has taken
   * the event since, the event is not `processing`, or there is no such event. A holder whose lease
   * ran out may still complete while nobody has claimed the event again.
   */
  complete(
    eventId: string,
    outcome: { status: 'applied' | 'skipped'; at: Date; note?: string | null; attempt: number },
  ): Promise<boolean>;
  /**
   * Marks a claimed event `failed` with its error, sets `updatedAt` to `at` and releases the lease;
   * attempts are kept. The same condition and answer as `complete`: true when the row was
   * `processing` with `attempts` equal to `attempt` and is now `failed`, otherwise false, nothing
   * changed.
   */
  fail(eventId: string, failure: { error: string; at: Date; attempt: number }): Promise<boolean>;
  /** Failed events, oldest first. */
  listFailed(page?: PageRequest): Promise<Page<WebhookEventRecord>>;
}

export interface CreditRepository {
  findByStripeId(stripeBalanceTransactionId: string): Promise<CreditRecord | null>;
  /** Replaces the row with the same Stripe id unless the stored watermark is newer; inserts it when absent. */
  upsert(record: CreditRecord): Promise<UpsertResult>;
  /** A user's balance transactions, newest first (by creation, then the higher Stripe id first). */
  listByUserId(userId: string, page?: PageRequest): Promise<Page<CreditRecord>>;
}

/**
 * The notification outbox: messages are enqueued with the change that causes them (in its
 * transaction) and sent later by whoever claims them. Race-safety is the point: `enqueue` keeps a
 * dedupe key at most once however many callers enqueue it at the same moment, `claimDue` never
 * hands one message to two concurrent callers, and `markSent` / `markFailed` keep only the current
 * holder's outcome.
 *
 * A claim's token is the `attempts` of the message `claimDue` returned: each claim adds one, so a
 * sender whose lease ran out and was taken over holds an older number than the row, and its
 * `markSent` or `markFailed` changes nothing.
 */
export interface NotificationOutbox {
  /**
   * Stores a new message; 'duplicate' (nothing changed) when a message with its `key` (or its id)
   * is stored already: under concurrency, one enqueue per key answers 'enqueued'.
   */
  enqueue(message: OutboxMessageRecord): Promise<'enqueued' | 'duplicate'>;
  /**
   * Atomically takes up to `limit` messages that are due: `pending` or `failed` with `availableAt`
   * at or before `now`, or `sending` whose lease has expired (`leaseUntil` strictly before `now`,
   * or no lease). Oldest (`createdAt`, then id) first. Sets `sending`,
   * `leaseUntil`, attempts + 1; changes nothing else. Two concurrent callers never get the same
   * message. Returns the claimed rows (each one's `attempts` is its token).
   */
  claimDue(at: { now: Date; leaseUntil: Date; limit: number }): Promise<OutboxMessageRecord[]>;
  /**
   * Marks a claimed message `sent` at `at` and releases the lease; attempts are kept. Only while
   * the row is `sending` with `attempts` equal to `attempt`, checked and written atomically: true
   * when it changed the row, false (nothing changed) otherwise.
   */
  markSent(id: string, outcome: { at: Date; attempt: number }): Promise<boolean>;
  /**
   * Marks a claimed message `failed` with its error, releases the lease and makes it due again at
   * `retryAt` (`availableAt`); attempts are kept (`at`, when it failed, is not stored: the row
   * has no failure time). The same condition and answer as `markSent`.
   */
  markFailed(
    id: string,
    failure: { error: string; at: Date; retryAt: Date; attempt: number },
  ): Promise<boolean>;
  /** Messages, oldest (`createdAt`, then id) first, optionally only those with one status or of one user. */
  list(
    query?: PageRequest & { status?: OutboxMessageStatus; userId?: string },
  ): Promise<Page<OutboxMessageRecord>>;
}

export interface AuditLog {
  /** Appends an entry; entries are never changed or removed. */
  append(entry: AuditEntry): Promise<void>;
  /**
   * Entries in the order they were appended, optionally only those about one subject, of one
   * user, by one actor, and / or with `at` in [from, to).
   */
  list(query?: AuditQuery): Promise<Page<AuditEntry>>;
}

export type AuditQuery = PageRequest & {
  subjectId?: string;
  userId?: string;
  actor?: string;
  from?: Date;
  to?: Date;
};

/** An audit entry's place in the hash chain. */
export interface AuditLink {
  /** 1, 2, 3, ... in the order entries were linked. */
  position: number;
  /** `hash(previous link's hash, entry)`: what `audit.verify()` recomputes. */
  hash: string;
  entry: AuditEntry;
}

/**
 * The tamper-evident chain over the committed audit log (outside transactions). Entries are
 * linked after they commit, in append order (one committed later than an entry appended after
 * it is linked after that one): each gets the next position and the hash of the previous link's
 * hash and its own content, so an edited entry breaks its hash and a deleted one leaves a gap.
 */
export interface AuditChain {
  /**
   * Links every committed entry not linked yet, hashing each with `hash(previousHash, entry)`
   * (the first link's previous hash is `GENESIS_HASH`); returns how many it linked. Concurrent
   * callers, in any process, link each entry once, in one chain.
   */
  seal(hash: (previousHash: string, entry: AuditEntry) => string): Promise<number>;
  /**
   * Links with position > `after`, in position order, at most `limit`; and the chain's head: the
   * last position and hash `seal` wrote (position 0 and `GENESIS_HASH` before the first), kept
   * apart from the entries, so entries deleted from the end are missed.
   */
  links(query: { after: number; limit: number }): Promise<{
    links: AuditLink[];
    head: { position: number; hash: string };
  }>;
}

/**
 * Named progress markers of long jobs (reconcile's cursor), so a job cut off by a crash resumes
 * where it stopped. Outside transactions; the last `put` wins.
 */
export interface Checkpoints {
  get(name: string): Promise<string | null>;
  put(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** The previous hash of the first link. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a transaction sees: the same repositories, whose writes commit or roll back together. */
export interface StoreSession {
  readonly customers: CustomerRepository;
  readonly subscriptions: SubscriptionRepository;
  readonly paymentMethods: PaymentMethodRepository;
  readonly invoices: InvoiceRepository;
  readonly payments: PaymentRepository;
  readonly refunds: RefundRepository;
  readonly disputes: DisputeRepository;
  readonly webhookEvents: WebhookEventRepository;
  readonly audit: AuditLog;
  readonly credits: CreditRepository;
  readonly outbox: NotificationOutbox;
  /** The MRR ledger: appended with each subscription write whose MRR changes. */
  readonly mrr: MrrLedger;
}

export interface StoreCapabilities {
  /** Writes inside `transaction` are all-or-nothing. */
  supportsTransactions: boolean;
  /** `transaction` can serialize work on one key across processes (advisory locks, GET_LOCK). */
  supportsAdvisoryLocks: boolean;
}

export interface BillingStore extends StoreSession {
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  /** Aggregates for analytics and reports, computed by the store (read-only; outside transactions). */
  readonly analytics: AnalyticsQueries;
  /**
   * API usage events, their roll-ups, budgets and budget alerts (for @billkit/metering). Outside
   * the engine's transactions: `recordBatch` is its own transaction.
   */
  readonly metering: MeteringRepository;
  /** The hash chain over the audit log, sealed after commits; what `audit.verify()` reads. */
  readonly auditChain: AuditChain;
  /** Progress of long jobs, kept across restarts (reconcile's cursor). */
  readonly checkpoints: Checkpoints;
  /**
   * Runs `fn` in one transaction: if it throws, none of its writes remain and the error is
   * rethrown. Transactions do not see each other's uncommitted writes. Inside `fn`, read and write
   * through `session` only: writing through the store itself may wait for the transaction to end
   * (a deadlock on single-connection stores). Do not rely on read-then-write inside a
   * transaction for uniqueness: the unique constraints are what guarantee it.
   */
  transaction<T>(fn: (session: StoreSession) => Promise<T>): Promise<T>;
  /** Creates or upgrades the schema (a no-op for the memory store). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** A unique constraint said no (a second customer for one user, a duplicate Stripe id, ...). */
export class UniqueViolationError extends Error {
  readonly field: string;
  constructor(field: string, message = `A row with this ${field} is already stored.`) {
    super(message);
    this.name = 'UniqueViolationError';
    this.field = field;
  }
}
