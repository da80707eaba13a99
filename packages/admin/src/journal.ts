// Journal lines for the general ledger, one balanced set per month: sales received into the Stripe
// clearing account (deferred revenue + GST), refunds out of it, revenue recognised out of deferred
// revenue, and Stripe's fees. Columns date, account, debit, credit, memo: what Xero's and
// QuickBooks' manual-journal imports map.

import type { AnalyticsQueries } from '@billkit/core';
import { decimal, toCsv } from './csv.js';
import { lastDayOf, monthsOf, type Range } from './periods.js';
import type { JournalLine } from './types.js';

/** The ledger accounts the lines post to; name them as the host's chart of accounts does. */
export interface JournalAccounts {
  clearing: string;
  deferredRevenue: string;
  revenue: string;
  gst: string;
  fees: string;
}

export const DEFAULT_ACCOUNTS: JournalAccounts = {
  clearing: 'Stripe Clearing',
  deferredRevenue: 'Deferred Revenue',
  revenue: 'Subscription Revenue',
  gst: 'GST Collected',
  fees: 'Stripe Fees',
};

export async function journalLines(
  analytics: AnalyticsQueries,
  range: Range & { currency: string },
  accounts: JournalAccounts,
): Promise<JournalLine[]> {
  const months = monthsOf(range.from, range.to);
  const points = await analytics.recognition({
    currency: range.currency,
    at: [...months.map((m) => m.from), range.to],
  });
  const perMonth = await Promise.all(
    months.map(async (month, i) => {
      const window = { from: month.from, to: month.to, currency: range.currency };
      const [sales, refunds, payments] = await Promise.all([
        analytics.sales(window),
        analytics.refunds(window),
        analytics.payments(window),
      ]);
      const recognized = points[i + 1]!.recognized - points[i]!.recognized;
      const date = lastDayOf(month);
      const lines: JournalLine[] = [];
      const post = (account: string, amount: number, memo: string) => {
        if (amount === 0) return;
        lines.push({
          date,
          account,
          debit: amount > 0 ? decimal(amount) : '',
          credit: amount < 0 ? decimal(-amount) : '',
          memo: `${memo} ${month.label}`,
        });
      };
      const salesMemo = 'Billkit: subscription sales';
      post(accounts.clearing, sales.amountPaid, salesMemo);
      post(accounts.deferredRevenue, -(sales.amountPaid - sales.tax), salesMemo);
      post(accounts.gst, -sales.tax, salesMemo);
      const refundMemo = 'Billkit: refunds';
      post(accounts.deferredRevenue, refunds.amount - refunds.tax, refundMemo);
      post(accounts.gst, refunds.tax, refundMemo);
      post(accounts.clearing, -refunds.amount, refundMemo);
      const earnedMemo = 'Billkit: revenue recognised';
      post(accounts.deferredRevenue, recognized, earnedMemo);
      post(accounts.revenue, -recognized, earnedMemo);
      const feeMemo = 'Billkit: Stripe fees';
      post(accounts.fees, payments.fees, feeMemo);
      post(accounts.clearing, -payments.fees, feeMemo);
      return lines;
    }),
  );
  return perMonth.flat();
}

export function journalCsv(lines: readonly JournalLine[]): string {
  return toCsv(
    ['Date', 'Account', 'Debit', 'Credit', 'Memo'],
    lines.map((l) => [l.date, l.account, l.debit, l.credit, l.memo]),
  );
}
