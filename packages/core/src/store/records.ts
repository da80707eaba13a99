// The rows of Billkit's local mirror of Stripe. Money is integer minor units plus an ISO currency;
// times are Dates (UTC). Each mirrored row keeps Stripe's id and a watermark: the Unix time of the
// newest Stripe state applied to it, so older state never overwrites newer.

export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface CustomerRecord {
  /** The host's user id: one Stripe customer per host user. */
  userId: string;
  stripeCustomerId: string;
  email: string | null;
  name: string | null;
  address: Address | null;
  /** e.g. `{ type: 'au_abn', value: '12345678901' }` */
  taxId: { type: string; value: string } | null;
  currency: string | null;
  /** Customer balance in minor units; negative is credit. */
  balance: number;
  defaultPaymentMethodId: string | null;
  deleted: boolean;
  createdAt: Date;
  updatedAt: Date;
  watermark: number;
  /** Bumped on every write; part of idempotency keys so a new operation never replays an old one. */
  version: number;
}

export type SubscriptionStatus =
  | 'incomplete'
  | 'incomplete_expired'
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'canceled'
  | 'unpaid'
  | 'paused';

export interface SubscriptionRecord {
  stripeSubscriptionId: string;
  stripeCustomerId: string;
  userId: string;
  status: SubscriptionStatus;
  /** Billkit plan id (from the catalog), or null for a price Billkit does not know. */
  planId: string | null;
  stripePriceId: string;
  interval: 'day' | 'week' | 'month' | 'year';
  quantity: number;
  /** Price per period in minor units (unit amount × quantity). */
  amount: number;
  currency: string;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  trialStart: Date | null;
  trialEnd: Date | null;
  /** Set while Stripe's pause_collection is on, or when status is paused. */
  pausedCollection: 'keep_as_draft' | 'mark_uncollectible' | 'void' | null;
  /** When the subscription first went past_due in its current run of failures: the grace clock. */
  pastDueSince: Date | null;
  /** An operator gave more grace than the policy's: access while past due lasts at least until then. */
  graceExtendedUntil: Date | null;
  latestInvoiceId: string | null;
  /** A downgrade already made in Stripe that takes effect at period end: access keeps the old plan until then. */
  scheduledDowngrade: { fromPlanId: string | null; until: Date } | null;
  cancellationReason: string | null;
  cancellationFeedback: string | null;
  createdAt: Date;
  updatedAt: Date;
  watermark: number;
  version: number;
}

export interface PaymentMethodRecord {
  stripePaymentMethodId: string;
  stripeCustomerId: string;
  userId: string;
  type: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  wallet: string | null;
  isDefault: boolean;
  createdAt: Date;
  watermark: number;
}

export interface AuditEntry {
  id: string;
  at: Date;
  /** Who did it: `system`, `user:<id>`, `admin:<id>`, `stripe` (webhooks). */
  actor: string;
  /** What happened, as `domain.verb`: `subscription.started`, `customer.created`, ... */
  action: string;
  subjectType:
    | 'customer'
    | 'subscription'
    | 'payment_method'
    | 'invoice'
    | 'payment'
    | 'refund'
    | 'dispute'
    | 'catalog'
    | 'webhook_event'
    | 'credit'
    | 'notification';
  subjectId: string;
  userId: string | null;
  data: Record<string, unknown>;
  /** The request it was written for (see `billing.withRequest`); absent outside one. */
  requestId?: string;
}

/** One page of a list, oldest first, with the cursor of its last row. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit?: number;
  /** Cursor from a previous page's `nextCursor`. */
  after?: string | null;
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';

export interface InvoiceLineRecord {
  stripeLineId: string;
  description: string | null;
  /** Minor units, tax included when the price is tax-inclusive (as Stripe's line amount). */
  amount: number;
  quantity: number | null;
  proration: boolean;
  /** Tax in this line, minor units. */
  tax: number;
  stripePriceId: string | null;
  periodStart: Date;
  periodEnd: Date;
}

export interface InvoiceRecord {
  stripeInvoiceId: string;
  stripeCustomerId: string;
  userId: string | null;
  stripeSubscriptionId: string | null;
  number: string | null;
  status: InvoiceStatus;
  billingReason: string | null;
  currency: string;
  subtotal: number;
  /** Total tax (inclusive and exclusive), minor units. */
  tax: number;
  total: number;
  amountDue: number;
  amountPaid: number;
  amountRemaining: number;
  attemptCount: number;
  nextPaymentAttempt: Date | null;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
  periodStart: Date;
  periodEnd: Date;
  lines: InvoiceLineRecord[];
  createdAt: Date;
  finalizedAt: Date | null;
  paidAt: Date | null;
  voidedAt: Date | null;
  watermark: number;
}

/** A card payment (a Stripe charge), with Stripe's fee and what reached the balance. */
export interface PaymentRecord {
  stripeChargeId: string;
  stripePaymentIntentId: string | null;
  stripeCustomerId: string | null;
  userId: string | null;
  stripeInvoiceId: string | null;
  status: 'succeeded' | 'pending' | 'failed';
  amount: number;
  currency: string;
  /** Stripe's fee (GST included for Australian accounts); null until the balance transaction is known. */
  fee: number | null;
  net: number | null;
  amountRefunded: number;
  refunded: boolean;
  disputed: boolean;
  failureCode: string | null;
  failureMessage: string | null;
  brand: string | null;
  last4: string | null;
  createdAt: Date;
  watermark: number;
}

export interface RefundRecord {
  stripeRefundId: string;
  stripeChargeId: string | null;
  /** The invoice the refunded charge paid, or null when it paid none (or it is not known). */
  stripeInvoiceId: string | null;
  stripeCustomerId: string | null;
  userId: string | null;
  amount: number;
  currency: string;
  /** The GST / tax part of `amount`, minor units; 0 when none. */
  tax: number;
  status: string;
  /** Stripe's reason: `duplicate`, `fraudulent`, `requested_by_customer`, ... */
  reason: string | null;
  /** Who asked for it: `admin:<id>`, `user:<id>`, `system`; null when made outside Billkit. */
  actor: string | null;
  /** Billkit's free-text reason, as the person who asked gave it. */
  note: string | null;
  createdAt: Date;
  watermark: number;
}

export interface DisputeRecord {
  stripeDisputeId: string;
  stripeChargeId: string;
  userId: string | null;
  amount: number;
  currency: string;
  status: string;
  reason: string;
  evidenceDueBy: Date | null;
  /** How many times evidence was submitted (Stripe's `evidence_details.submission_count`). */
  evidenceSubmissionCount: number;
  /** When Stripe closed it (won or lost): the time of its `charge.dispute.closed` event; null while open. */
  closedAt: Date | null;
  createdAt: Date;
  watermark: number;
}

export type WebhookEventStatus = 'received' | 'processing' | 'applied' | 'failed' | 'skipped';

/** A Stripe event in the inbox: recorded once by id before it is applied. */
export interface WebhookEventRecord {
  eventId: string;
  type: string;
  /** The event's `created`. */
  stripeCreated: Date;
  /** The event as received (JSON text), so it can be replayed. */
  payload: string;
  status: WebhookEventStatus;
  attempts: number;
  lastError: string | null;
  /** Why a recorded event was skipped (e.g. older than the mirrored row). */
  note: string | null;
  receivedAt: Date;
  updatedAt: Date;
  /** While `processing`: the claim is someone's until then; after it, another copy may take over. */
  leaseUntil: Date | null;
}

/**
 * A customer balance transaction mirrored from Stripe: a credit given (or used up) on the
 * customer's balance. Amounts follow Stripe's sign: negative is credit to the customer.
 */
export interface CreditRecord {
  stripeBalanceTransactionId: string;
  stripeCustomerId: string;
  userId: string | null;
  /** Minor units; negative is credit to the customer, positive a debit (as Stripe). */
  amount: number;
  currency: string;
  /** Stripe's type: `adjustment`, `applied_to_invoice`, `credit_note`, `invoice_overpaid`, ... */
  type: string;
  description: string | null;
  stripeInvoiceId: string | null;
  /** The customer's balance after this transaction, minor units. */
  endingBalance: number;
  createdAt: Date;
  watermark: number;
}

export type OutboxMessageStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** A notification waiting to be sent (or sent): written with the change that caused it. */
export interface OutboxMessageRecord {
  id: string;
  /** The dedupe key: a message with one key is enqueued at most once. */
  key: string;
  /** What to send, e.g. `payment_failed`, `trial_ending`. */
  kind: string;
  userId: string;
  email: string | null;
  data: Record<string, unknown>;
  status: OutboxMessageStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  /** Not claimed before this time (a retry's back-off). */
  availableAt: Date;
  sentAt: Date | null;
  /** While `sending`: the claim is someone's until then; after it, another sender may take over. */
  leaseUntil: Date | null;
}
