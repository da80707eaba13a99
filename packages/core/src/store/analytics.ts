// The analytics part of the storage port: the MRR ledger (written with every subscription write)
// and the aggregate queries the admin dashboard, reports and forecasts are built from. Every
// query is an aggregate the store computes itself (SQL stores in SQL), never by handing rows to
// JavaScript; `runStoreConformance` checks that each store gives the same answers.
//
// Shared conventions:
// - A range is `[from, to)`: `from` included, `to` excluded. "Before T" means strictly before.
// - Every money figure is integer minor units of the query's `currency` (lower case, as Stripe);
//   rows in other currencies are left out.
// - "GST share" of an amount paid on an invoice is `gstShare(tax, total, amountPaid)`:
//   round(tax × amountPaid / total), half up, 0 when `total` ≤ 0 (`payments/refund-tax.ts`).

import type { SubscriptionStatus } from './records.js';

/** How a customer's MRR moved: from nothing (first time or again), up, down, or to nothing. */
export type MrrMovementKind = 'new' | 'expansion' | 'contraction' | 'churn' | 'reactivation';

export const MRR_MOVEMENT_KINDS: readonly MrrMovementKind[] = [
  'new',
  'expansion',
  'contraction',
  'churn',
  'reactivation',
];

/**
 * One change of one subscription's MRR (monthly recurring revenue, GST excluded, yearly prices
 * divided by 12), appended by the engine in the transaction that writes the subscription.
 * The kind is the customer's: `new` when the user's MRR rises from 0 for the first time,
 * `reactivation` when it rises from 0 again, `expansion` / `contraction` when it moves between
 * positive amounts, `churn` when it falls to 0.
 */
export interface MrrMovementRecord {
  id: string;
  /** When the change took effect (the Stripe state's time). */
  at: Date;
  stripeSubscriptionId: string;
  userId: string;
  currency: string;
  /** The subscription's MRR after the change, minor units (≥ 0). */
  mrr: number;
  /** `mrr` minus the subscription's MRR before (never 0). */
  delta: number;
  kind: MrrMovementKind;
  /** The user's MRR in this currency, all subscriptions, after the change. */
  customerMrr: number;
  /** The subscription's plan after the change (the plan before when it churned). */
  planId: string | null;
}

export interface MrrLedger {
  /** Appends an entry; entries are never changed. A second entry with one id is ignored. */
  append(entry: MrrMovementRecord): Promise<void>;
  /**
   * For one user and currency: each subscription's MRR now (the `mrr` of its newest entry, by
   * `at` then id), subscriptions with no entry left out; and whether the user has ever had an
   * entry with `customerMrr` > 0.
   */
  stateOf(
    userId: string,
    currency: string,
  ): Promise<{ bySubscription: Record<string, number>; everPaying: boolean }>;
  /** Entries, oldest (`at`, then id) first, optionally one user's. */
  list(query?: { userId?: string; limit?: number; after?: string | null }): Promise<{
    items: MrrMovementRecord[];
    nextCursor: string | null;
  }>;
}

export interface DateRange {
  from: Date;
  to: Date;
}

export interface MovementTotals {
  /** Sum of `delta` (negative for contraction and churn). */
  amount: number;
  /** Number of entries. */
  count: number;
}

export interface RecognitionPoint {
  /** Net (GST excluded) amount paid on invoices paid before the instant. */
  billed: number;
  /** Net amount (amount − tax) of refunds of those invoices created before the instant. */
  refunded: number;
  /** Revenue earned by the instant: see `AnalyticsQueries.recognition`. */
  recognized: number;
  /** billed − refunded − recognized, computed per invoice. */
  deferred: number;
}

export interface AnalyticsQueries {
  /**
   * At each instant: `mrr`, the sum of `delta` of the ledger entries before it, and `customers`,
   * the number of users whose own sum of `delta` before it is > 0.
   */
  mrrAt(query: { currency: string; at: Date[] }): Promise<Array<{ mrr: number; customers: number }>>;

  /** For each range, per kind, the ledger entries with `at` in the range. */
  mrrMovements(query: {
    currency: string;
    ranges: DateRange[];
  }): Promise<Array<Record<MrrMovementKind, MovementTotals>>>;

  /**
   * Subscriptions by status now (statuses with none are left out), leaving out those whose
   * `cancellationReason` equals `excludeCancellationReason` (the ones that never started).
   */
  subscriptionStatusCounts(query?: {
    excludeCancellationReason?: string;
  }): Promise<Partial<Record<SubscriptionStatus, number>>>;

  /**
   * Trials whose `trialEnd` is in the range (subscriptions with `trialStart` and `trialEnd`),
   * and how many of them converted: the subscription has a ledger entry with `delta` > 0 at or
   * after its `trialStart`.
   */
  trials(query: DateRange): Promise<{ ended: number; converted: number }>;

  /**
   * Charges created in the range: `succeeded` and `failed` counts, and over the succeeded ones
   * `amount` (sum of amount) and `fees` (sum of fee, null counted 0).
   */
  payments(
    query: DateRange & { currency: string },
  ): Promise<{ succeeded: number; failed: number; amount: number; fees: number }>;

  /**
   * Invoices with at least one failed charge, whose earliest failed charge (by `createdAt`) was
   * created in the range: how many (`failedInvoices`); how many of them are now `paid` with a
   * `paidAt` (`recovered`); and, over those recovered, the sum of whole seconds from that first
   * failure to `paidAt` (`recoverySeconds`).
   */
  recoveries(
    query: DateRange & { currency: string },
  ): Promise<{ failedInvoices: number; recovered: number; recoverySeconds: number }>;

  /**
   * Refunds created in the range whose status is neither `failed` nor `canceled`: count, sum of
   * `amount`, sum of `tax`.
   */
  refunds(query: DateRange & { currency: string }): Promise<{ count: number; amount: number; tax: number }>;

  /** Disputes created in the range: count and sum of amount; of them, status `lost`: count and amount. */
  disputes(
    query: DateRange & { currency: string },
  ): Promise<{ count: number; amount: number; lost: number; lostAmount: number }>;

  /**
   * Invoices with status `paid`, `paidAt` in the range and `amountPaid` > 0: count, sum of
   * `amountPaid`, sum of each one's GST share, and `gstFree`: sum of `amountPaid` of those with
   * `tax` = 0 (exports and other GST-free sales).
   */
  sales(
    query: DateRange & { currency: string },
  ): Promise<{ invoices: number; amountPaid: number; tax: number; gstFree: number }>;

  /**
   * Revenue recognition at each instant T. Each invoice with status `paid`, `paidAt` before T and
   * `amountPaid` > 0 is earned evenly per whole day over its service period: from the earliest
   * `periodStart` to the latest `periodEnd` of its lines (its own period when it has no lines).
   * Per invoice: `net` = amountPaid − GST share; `refunded` = sum of (amount − tax) of its
   * refunds (status neither `failed` nor `canceled`) created before T; `base` = max(0, net −
   * refunded); `days` = floor((end − start) / 86 400 s); `elapsed` = floor((T − start) / 86 400 s)
   * clamped to [0, days]; `recognized` = base when days = 0, else floor(base × elapsed / days);
   * `deferred` = base − recognized. The point sums each over the invoices.
   */
  recognition(query: { currency: string; at: Date[] }): Promise<RecognitionPoint[]>;

  /**
   * Per user, over the range: `revenue`, the net (amountPaid − GST share) of invoices paid in the
   * range; `refunds`, net (amount − tax) of refunds created in the range; `fees`, Stripe fees of
   * charges created in the range. Users with none of the three left out. Ordered by revenue −
   * refunds − fees, highest first, then user id; at most `limit` (default 100) rows, or only the
   * users named in `userIds`.
   */
  customerRevenue(
    query: DateRange & { currency: string; limit?: number; userIds?: string[] },
  ): Promise<Array<{ userId: string; revenue: number; refunds: number; fees: number }>>;

  /**
   * What is already known about the months ahead, for forecasts. A subscription's "MRR now" is the
   * `mrr` of its newest ledger entry (0 without one); "paying" means its status is `active` or
   * `past_due`. Per range:
   * - `scheduledChurn`: paying subscriptions set to end in the range — `cancelAt` in the range, or
   *   `cancelAtPeriodEnd` with `currentPeriodEnd` in the range — their count and MRR now;
   * - `trialsEnding`: `trialing` subscriptions whose `trialEnd` is in the range;
   * - `yearlyRenewals`: paying subscriptions with interval `year`, not set to end (`cancelAtPeriodEnd`
   *   false and no `cancelAt`), whose `currentPeriodEnd` is in the range: count and MRR now.
   * And `yearlyMrr`: the MRR now of all paying yearly subscriptions. Subscriptions in another
   * currency are left out.
   */
  upcoming(query: { currency: string; ranges: DateRange[] }): Promise<{
    yearlyMrr: number;
    ranges: Array<{
      scheduledChurn: { count: number; mrr: number };
      trialsEnding: number;
      yearlyRenewals: { count: number; mrr: number };
    }>;
  }>;
}
