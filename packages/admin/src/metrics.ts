// The operator's numbers: MRR and its movements, churn, ARPU, LTV, trials, payments, refunds,
// disputes, fees and net revenue. Each figure is one aggregate the store computes (in SQL on the
// SQL stores); this module only divides. The formulas are written down in the README.

import { ABANDONED_AT_SIGNUP, type AnalyticsQueries, type DateRange } from '@billkit/core';
import { monthsOf, type Range } from './periods.js';
import type { ApiCostSource, Metrics, MrrMonth } from './types.js';

/** a / b, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** a / b to the nearest integer, halves up (non-negative a, positive b). */
export function divideHalfUp(a: number, b: number): number {
  return Math.floor((2 * a + b) / (2 * b));
}

/** The months of a range with their MRR movements and where MRR stood at each month's start and end. */
export async function mrrMonths(
  analytics: AnalyticsQueries,
  range: { from: Date; to: Date; currency: string },
): Promise<{ months: MrrMonth[]; startMrr: number[]; startCustomers: number[] }> {
  const periods = monthsOf(range.from, range.to);
  const ranges: DateRange[] = periods.map((p) => ({ from: p.from, to: p.to }));
  const [movements, points] = await Promise.all([
    analytics.mrrMovements({ currency: range.currency, ranges }),
    analytics.mrrAt({ currency: range.currency, at: [...periods.map((p) => p.from), range.to] }),
  ]);
  const months = periods.map((period, i): MrrMonth => {
    const m = movements[i]!;
    const start = points[i]!;
    const end = points[i + 1]!;
    return {
      month: period.label,
      new: m.new.amount,
      expansion: m.expansion.amount,
      contraction: m.contraction.amount,
      churned: m.churn.amount,
      reactivated: m.reactivation.amount,
      netNew:
        m.new.amount + m.expansion.amount + m.contraction.amount + m.churn.amount + m.reactivation.amount,
      mrr: end.mrr,
      customers: end.customers,
      churnedCustomers: m.churn.count,
      churnRate: ratio(m.churn.count, start.customers),
    };
  });
  return {
    months,
    startMrr: points.slice(0, -1).map((p) => p.mrr),
    startCustomers: points.slice(0, -1).map((p) => p.customers),
  };
}

export async function computeMetrics(
  analytics: AnalyticsQueries,
  range: Range & { currency: string },
  apiCosts: ApiCostSource | undefined,
): Promise<Metrics> {
  const { from, to, currency } = range;
  const window = { from, to, currency };
  const [mrr, statuses, trials, payments, recoveries, refunds, disputes, sales, costs] = await Promise.all([
    mrrMonths(analytics, window),
    analytics.subscriptionStatusCounts({ excludeCancellationReason: ABANDONED_AT_SIGNUP }),
    analytics.trials({ from, to }),
    analytics.payments(window),
    analytics.recoveries(window),
    analytics.refunds(window),
    analytics.disputes(window),
    analytics.sales(window),
    apiCosts ? apiCosts.costs(window) : Promise.resolve(null),
  ]);
  const last = mrr.months.at(-1);
  const mrrNow = last?.mrr ?? 0;
  const paying = last?.customers ?? 0;
  const churnedCustomers = mrr.months.reduce((sum, m) => sum + m.churnedCustomers, 0);
  const customersAtStarts = mrr.startCustomers.reduce((sum, c) => sum + c, 0);
  const lostMrr = -mrr.months.reduce((sum, m) => sum + m.churned + m.contraction, 0);
  const mrrAtStarts = mrr.startMrr.reduce((sum, m) => sum + m, 0);
  const churnRate = ratio(churnedCustomers, customersAtStarts);
  const arpu = paying === 0 ? 0 : divideHalfUp(mrrNow, paying);
  const revenue = sales.amountPaid - sales.tax;
  const fees = payments.fees;
  const net = revenue - (refunds.amount - refunds.tax) - fees;
  const apiCostTotal = costs?.total ?? null;
  return {
    currency,
    from,
    to,
    mrr: mrrNow,
    arr: mrrNow * 12,
    payingCustomers: paying,
    subscribers: {
      byStatus: statuses,
      total: Object.values(statuses).reduce((sum, n) => sum + (n ?? 0), 0),
    },
    movements: mrr.months,
    churnRate,
    revenueChurnRate: ratio(lostMrr, mrrAtStarts),
    arpu,
    ltv: churnRate ? Math.round(arpu / churnRate) : null,
    trialConversion: { ...trials, rate: ratio(trials.converted, trials.ended) },
    paymentSuccessRate: ratio(payments.succeeded, payments.succeeded + payments.failed),
    recoveryRate: ratio(recoveries.recovered, recoveries.failedInvoices),
    averageHoursToRecover:
      recoveries.recovered === 0 ? null : recoveries.recoverySeconds / recoveries.recovered / 3600,
    refunds: { count: refunds.count, amount: refunds.amount, rate: ratio(refunds.amount, payments.amount) },
    disputes: { ...disputes, rate: ratio(disputes.count, payments.succeeded) },
    revenue,
    fees,
    net,
    apiCosts: apiCostTotal,
    profit: net - (apiCostTotal ?? 0),
  };
}
