// The months ahead, from what is known (scheduled cancellations, trials ending, yearly renewals
// due) and what recent months suggest (churn, trial conversion, new customers). A model, not a
// promise: the README spells out each step so an operator can judge it.

import type { AnalyticsQueries } from '@billkit/core';
import { computeMetrics, divideHalfUp } from './metrics.js';
import { addMonths, monthLabel, monthStart } from './periods.js';
import type { Forecast, ForecastMonth } from './types.js';

export async function forecast(
  analytics: AnalyticsQueries,
  options: {
    now: Date;
    months: number;
    currency: string;
    goal: { subscribers: number; byMonth: number } | null;
  },
): Promise<Forecast> {
  const { now, currency } = options;
  const thisMonth = monthStart(now);
  // The last three full months say how fast customers churn, convert and arrive.
  const history = await computeMetrics(
    analytics,
    { from: addMonths(thisMonth, -3), to: thisMonth, currency },
    undefined,
  );
  // "Before" is strict: MRR just written at this very instant counts as today's.
  const current = await analytics.mrrAt({ currency, at: [new Date(now.getTime() + 1)] });
  // The forecast's months are the next calendar months; the first also takes what is left of this one.
  const monthsAhead = Array.from({ length: options.months }, (_, i) => ({
    label: monthLabel(addMonths(thisMonth, i + 1)),
    from: i === 0 ? now : addMonths(thisMonth, i + 1),
    to: addMonths(thisMonth, i + 2),
  }));
  const upcoming = await analytics.upcoming({
    currency,
    ranges: monthsAhead.map((m) => ({ from: m.from, to: m.to })),
  });

  const churnRate = history.churnRate ?? 0;
  const conversionRate = history.trialConversion.rate ?? 0;
  const newPerMonth = await newCustomersPerMonth(analytics, {
    from: addMonths(thisMonth, -3),
    to: thisMonth,
    currency,
  });

  let mrr = current[0]!.mrr;
  let subscribers = current[0]!.customers;
  const arpu = subscribers === 0 ? history.arpu : divideHalfUp(mrr, subscribers);
  let yearlyMrr = upcoming.yearlyMrr;
  const startSubscribers = subscribers;
  const goal = options.goal;

  const months = monthsAhead.map((month, i): ForecastMonth => {
    const known = upcoming.ranges[i]!;
    // Known cancellations leave; the rest churn at the recent rate.
    const base = Math.max(0, mrr - known.scheduledChurn.mrr);
    const baseCount = Math.max(0, subscribers - known.scheduledChurn.count);
    const converting = Math.round(known.trialsEnding * conversionRate);
    const arriving = newPerMonth + converting;
    const nextSubscribers = Math.max(0, Math.round(baseCount * (1 - churnRate)) + arriving);
    const nextMrr = Math.max(0, Math.round(base * (1 - churnRate)) + arriving * arpu);
    // Cash: monthly payers pay their MRR each month; yearly ones pay the year when it renews.
    yearlyMrr = Math.min(nextMrr, Math.round(yearlyMrr * (1 - churnRate)));
    const monthlyCash = nextMrr - yearlyMrr;
    const cash = monthlyCash + Math.round(known.yearlyRenewals.mrr * 12 * (1 - churnRate));
    mrr = nextMrr;
    subscribers = nextSubscribers;
    return {
      month: month.label,
      mrr,
      cash,
      subscribers,
      targetSubscribers:
        goal && i + 1 <= goal.byMonth
          ? Math.round(startSubscribers + ((goal.subscribers - startSubscribers) * (i + 1)) / goal.byMonth)
          : null,
    };
  });

  return {
    currency,
    asOf: now,
    assumptions: {
      monthlyChurnRate: churnRate,
      trialConversionRate: conversionRate,
      newCustomersPerMonth: newPerMonth,
    },
    goal,
    months,
  };
}

/** New and returning paying customers per month, averaged over the range's months. */
async function newCustomersPerMonth(
  analytics: AnalyticsQueries,
  range: { from: Date; to: Date; currency: string },
): Promise<number> {
  const [movements] = await analytics.mrrMovements({ currency: range.currency, ranges: [range] });
  const count = (movements?.new.count ?? 0) + (movements?.reactivation.count ?? 0);
  return Math.round(count / 3);
}
