// The analytics queries over rows held in memory: the reference implementation of the definitions
// in `analytics.ts`. The SQL stores compute the same figures in SQL, and `runStoreConformance`
// checks that they agree with these.

import { gstShare } from '../payments/refund-tax.js';
import {
  type AnalyticsQueries,
  type DateRange,
  type MovementTotals,
  MRR_MOVEMENT_KINDS,
  type MrrMovementKind,
  type MrrMovementRecord,
  type RecognitionPoint,
} from './analytics.js';
import { pageLimit } from './page-cursor.js';
import type {
  DisputeRecord,
  InvoiceRecord,
  PaymentRecord,
  RefundRecord,
  SubscriptionRecord,
  SubscriptionStatus,
} from './records.js';

/** The committed rows the queries read; each call of the getter gives the rows as they are now. */
export interface AnalyticsRows {
  mrr: readonly MrrMovementRecord[];
  subscriptions: readonly SubscriptionRecord[];
  invoices: readonly InvoiceRecord[];
  payments: readonly PaymentRecord[];
  refunds: readonly RefundRecord[];
  disputes: readonly DisputeRecord[];
}

const DAY_MS = 86_400_000;

/** `AnalyticsQueries` computed in JavaScript over the rows `rowsNow` returns. */
export function memoryAnalytics(rowsNow: () => AnalyticsRows): AnalyticsQueries {
  return {
    mrrAt: async ({ currency, at }) => {
      const entries = rowsNow().mrr.filter((entry) => entry.currency === currency);
      return at.map((instant) => mrrBefore(entries, instant));
    },

    mrrMovements: async ({ currency, ranges }) => {
      const entries = rowsNow().mrr.filter((entry) => entry.currency === currency);
      return ranges.map((range) => movementsIn(entries.filter((entry) => isIn(entry.at, range))));
    },

    subscriptionStatusCounts: async (query = {}) => {
      const counts: Partial<Record<SubscriptionStatus, number>> = {};
      for (const subscription of rowsNow().subscriptions) {
        if (
          query.excludeCancellationReason !== undefined &&
          subscription.cancellationReason === query.excludeCancellationReason
        )
          continue;
        counts[subscription.status] = (counts[subscription.status] ?? 0) + 1;
      }
      return counts;
    },

    trials: async (range) => {
      const rows = rowsNow();
      const ended = rows.subscriptions.filter(
        (subscription) =>
          subscription.trialStart !== null &&
          subscription.trialEnd !== null &&
          isIn(subscription.trialEnd, range),
      );
      const converted = ended.filter((subscription) =>
        rows.mrr.some(
          (entry) =>
            entry.stripeSubscriptionId === subscription.stripeSubscriptionId &&
            entry.delta > 0 &&
            entry.at.getTime() >= subscription.trialStart!.getTime(),
        ),
      );
      return { ended: ended.length, converted: converted.length };
    },

    payments: async ({ currency, ...range }) => {
      const charges = rowsNow().payments.filter(
        (payment) => payment.currency === currency && isIn(payment.createdAt, range),
      );
      const succeeded = charges.filter((payment) => payment.status === 'succeeded');
      return {
        succeeded: succeeded.length,
        failed: charges.filter((payment) => payment.status === 'failed').length,
        amount: sum(succeeded, (payment) => payment.amount),
        fees: sum(succeeded, (payment) => payment.fee ?? 0),
      };
    },

    recoveries: async ({ currency, ...range }) => {
      const rows = rowsNow();
      const firstFailure = firstFailedChargeByInvoice(rows.payments);
      let failedInvoices = 0;
      let recovered = 0;
      let recoverySeconds = 0;
      for (const invoice of rows.invoices) {
        const failedAt = firstFailure.get(invoice.stripeInvoiceId);
        if (invoice.currency !== currency || failedAt === undefined || !isIn(failedAt, range)) continue;
        failedInvoices += 1;
        if (invoice.status !== 'paid' || invoice.paidAt === null) continue;
        recovered += 1;
        recoverySeconds += Math.floor((invoice.paidAt.getTime() - failedAt.getTime()) / 1000);
      }
      return { failedInvoices, recovered, recoverySeconds };
    },

    refunds: async ({ currency, ...range }) => {
      const refunds = rowsNow().refunds.filter(
        (refund) => refund.currency === currency && isIn(refund.createdAt, range) && countsAsRefund(refund),
      );
      return {
        count: refunds.length,
        amount: sum(refunds, (refund) => refund.amount),
        tax: sum(refunds, (refund) => refund.tax),
      };
    },

    disputes: async ({ currency, ...range }) => {
      const disputes = rowsNow().disputes.filter(
        (dispute) => dispute.currency === currency && isIn(dispute.createdAt, range),
      );
      const lost = disputes.filter((dispute) => dispute.status === 'lost');
      return {
        count: disputes.length,
        amount: sum(disputes, (dispute) => dispute.amount),
        lost: lost.length,
        lostAmount: sum(lost, (dispute) => dispute.amount),
      };
    },

    sales: async ({ currency, ...range }) => {
      const sold = rowsNow().invoices.filter(
        (invoice) => isSale(invoice, currency) && isIn(invoice.paidAt!, range),
      );
      return {
        invoices: sold.length,
        amountPaid: sum(sold, (invoice) => invoice.amountPaid),
        tax: sum(sold, gstOf),
        gstFree: sum(
          sold.filter((invoice) => invoice.tax === 0),
          (invoice) => invoice.amountPaid,
        ),
      };
    },

    recognition: async ({ currency, at }) => {
      const rows = rowsNow();
      const sold = rows.invoices.filter((invoice) => isSale(invoice, currency));
      const refundsByInvoice = groupBy(
        rows.refunds.filter(countsAsRefund),
        (refund) => refund.stripeInvoiceId,
      );
      return at.map((instant) => recognitionAt(sold, refundsByInvoice, instant));
    },

    customerRevenue: async ({ currency, limit, userIds, ...range }) => {
      // With `userIds` the answer is those users' rows, all of them unless a limit is given.
      const count =
        userIds === undefined || limit !== undefined ? pageLimit(limit) : Number.POSITIVE_INFINITY;
      const rows = rowsNow();
      const byUser = new Map<string, { userId: string; revenue: number; refunds: number; fees: number }>();
      const add = (userId: string | null, figure: 'revenue' | 'refunds' | 'fees', amount: number) => {
        if (userId === null) return;
        const row = byUser.get(userId) ?? { userId, revenue: 0, refunds: 0, fees: 0 };
        row[figure] += amount;
        byUser.set(userId, row);
      };
      for (const invoice of rows.invoices) {
        if (isSale(invoice, currency) && isIn(invoice.paidAt!, range))
          add(invoice.userId, 'revenue', invoice.amountPaid - gstOf(invoice));
      }
      for (const refund of rows.refunds) {
        if (refund.currency === currency && isIn(refund.createdAt, range) && countsAsRefund(refund))
          add(refund.userId, 'refunds', refund.amount - refund.tax);
      }
      for (const payment of rows.payments) {
        if (payment.currency === currency && isIn(payment.createdAt, range))
          add(payment.userId, 'fees', payment.fee ?? 0);
      }
      const named = userIds === undefined ? null : new Set(userIds);
      return [...byUser.values()]
        .filter((row) => row.revenue !== 0 || row.refunds !== 0 || row.fees !== 0)
        .filter((row) => named === null || named.has(row.userId))
        .sort((a, b) => contribution(b) - contribution(a) || compareIds(a.userId, b.userId))
        .slice(0, count);
    },

    upcoming: async ({ currency, ranges }) => {
      const rows = rowsNow();
      const mrrNow = subscriptionMrrNow(rows.mrr);
      const mrrOf = (subscription: SubscriptionRecord) => mrrNow.get(subscription.stripeSubscriptionId) ?? 0;
      const ofCurrency = rows.subscriptions.filter((subscription) => subscription.currency === currency);
      const paying = ofCurrency.filter(isPaying);
      const payingYearly = paying.filter((subscription) => subscription.interval === 'year');
      return {
        yearlyMrr: sum(payingYearly, mrrOf),
        ranges: ranges.map((range) => {
          const ending = paying.filter((subscription) => isSetToEndIn(subscription, range));
          const renewing = payingYearly.filter(
            (subscription) =>
              !subscription.cancelAtPeriodEnd &&
              subscription.cancelAt === null &&
              isIn(subscription.currentPeriodEnd, range),
          );
          const trialsEnding = ofCurrency.filter(
            (subscription) =>
              subscription.status === 'trialing' &&
              subscription.trialEnd !== null &&
              isIn(subscription.trialEnd, range),
          );
          return {
            scheduledChurn: { count: ending.length, mrr: sum(ending, mrrOf) },
            trialsEnding: trialsEnding.length,
            yearlyRenewals: { count: renewing.length, mrr: sum(renewing, mrrOf) },
          };
        }),
      };
    },
  };
}

/** `[from, to)`: `from` included, `to` excluded. */
function isIn(instant: Date, range: DateRange): boolean {
  const time = instant.getTime();
  return time >= range.from.getTime() && time < range.to.getTime();
}

function isBefore(instant: Date, limit: Date): boolean {
  return instant.getTime() < limit.getTime();
}

function sum<T>(rows: readonly T[], amountOf: (row: T) => number): number {
  let total = 0;
  for (const row of rows) total += amountOf(row);
  return total;
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === null) continue;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return groups;
}

/** Ids compare as the SQL stores compare them (byte by byte); ours are ASCII. */
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function mrrBefore(entries: readonly MrrMovementRecord[], instant: Date): { mrr: number; customers: number } {
  const byUser = new Map<string, number>();
  let mrr = 0;
  for (const entry of entries) {
    if (!isBefore(entry.at, instant)) continue;
    mrr += entry.delta;
    byUser.set(entry.userId, (byUser.get(entry.userId) ?? 0) + entry.delta);
  }
  const customers = [...byUser.values()].filter((userMrr) => userMrr > 0).length;
  return { mrr, customers };
}

function movementsIn(entries: readonly MrrMovementRecord[]): Record<MrrMovementKind, MovementTotals> {
  const totals = Object.fromEntries(
    MRR_MOVEMENT_KINDS.map((kind) => [kind, { amount: 0, count: 0 }]),
  ) as Record<MrrMovementKind, MovementTotals>;
  for (const entry of entries) {
    totals[entry.kind].amount += entry.delta;
    totals[entry.kind].count += 1;
  }
  return totals;
}

/** Refunds that gave money back, or may still: not `failed`, not `canceled`. */
function countsAsRefund(refund: RefundRecord): boolean {
  return refund.status !== 'failed' && refund.status !== 'canceled';
}

/** An invoice paid (with a `paidAt`) for more than nothing in the currency. */
function isSale(invoice: InvoiceRecord, currency: string): boolean {
  return (
    invoice.currency === currency &&
    invoice.status === 'paid' &&
    invoice.paidAt !== null &&
    invoice.amountPaid > 0
  );
}

function gstOf(invoice: InvoiceRecord): number {
  return gstShare(invoice.tax, invoice.total, invoice.amountPaid);
}

/** Invoice id → the creation time of its earliest failed charge. */
function firstFailedChargeByInvoice(payments: readonly PaymentRecord[]): Map<string, Date> {
  const first = new Map<string, Date>();
  for (const payment of payments) {
    if (payment.status !== 'failed' || payment.stripeInvoiceId === null) continue;
    const known = first.get(payment.stripeInvoiceId);
    if (known === undefined || isBefore(payment.createdAt, known))
      first.set(payment.stripeInvoiceId, payment.createdAt);
  }
  return first;
}

/** Subscription id → the `mrr` of its newest ledger entry (by `at`, then id). */
function subscriptionMrrNow(entries: readonly MrrMovementRecord[]): Map<string, number> {
  const newest = new Map<string, MrrMovementRecord>();
  for (const entry of entries) {
    const current = newest.get(entry.stripeSubscriptionId);
    if (current === undefined || isNewer(entry, current)) newest.set(entry.stripeSubscriptionId, entry);
  }
  return new Map([...newest].map(([stripeSubscriptionId, entry]) => [stripeSubscriptionId, entry.mrr]));
}

function isNewer(entry: MrrMovementRecord, than: MrrMovementRecord): boolean {
  const byTime = entry.at.getTime() - than.at.getTime();
  return byTime !== 0 ? byTime > 0 : compareIds(entry.id, than.id) > 0;
}

/** Paying subscriptions, for forecasts: `active` or `past_due`. */
function isPaying(subscription: SubscriptionRecord): boolean {
  return subscription.status === 'active' || subscription.status === 'past_due';
}

/** Set to end in the range: `cancelAt` in it, or cancelling at a period end that is in it. */
function isSetToEndIn(subscription: SubscriptionRecord, range: DateRange): boolean {
  if (subscription.cancelAt !== null && isIn(subscription.cancelAt, range)) return true;
  return subscription.cancelAtPeriodEnd && isIn(subscription.currentPeriodEnd, range);
}

/** Users are ranked by what they brought in: revenue less refunds and fees. */
function contribution(row: { revenue: number; refunds: number; fees: number }): number {
  return row.revenue - row.refunds - row.fees;
}

/** The service period an invoice's payment is earned over: its lines' span, or its own period. */
function servicePeriod(invoice: InvoiceRecord): { start: number; end: number } {
  if (invoice.lines.length === 0)
    return { start: invoice.periodStart.getTime(), end: invoice.periodEnd.getTime() };
  return {
    start: Math.min(...invoice.lines.map((line) => line.periodStart.getTime())),
    end: Math.max(...invoice.lines.map((line) => line.periodEnd.getTime())),
  };
}

function recognitionAt(
  sold: readonly InvoiceRecord[],
  refundsByInvoice: Map<string, RefundRecord[]>,
  instant: Date,
): RecognitionPoint {
  const point: RecognitionPoint = { billed: 0, refunded: 0, recognized: 0, deferred: 0 };
  for (const invoice of sold) {
    if (!isBefore(invoice.paidAt!, instant)) continue;
    const net = invoice.amountPaid - gstOf(invoice);
    const refunded = sum(
      (refundsByInvoice.get(invoice.stripeInvoiceId) ?? []).filter((refund) =>
        isBefore(refund.createdAt, instant),
      ),
      (refund) => refund.amount - refund.tax,
    );
    const base = Math.max(0, net - refunded);
    const recognized = recognizedBy(base, servicePeriod(invoice), instant.getTime());
    point.billed += net;
    point.refunded += refunded;
    point.recognized += recognized;
    point.deferred += base - recognized;
  }
  return point;
}

/** `base` earned evenly per whole day of the period, by `time`; all of it when the period is under a day. */
function recognizedBy(base: number, period: { start: number; end: number }, time: number): number {
  const days = Math.floor((period.end - period.start) / DAY_MS);
  // A period shorter than a day (or one that ends before it starts) is earned at once.
  if (days <= 0) return base;
  const elapsed = Math.min(Math.max(Math.floor((time - period.start) / DAY_MS), 0), days);
  return Math.floor((base * elapsed) / days);
}
