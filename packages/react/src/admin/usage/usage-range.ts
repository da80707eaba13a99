// The usage dashboard's ranges: this calendar month (UTC) so far, or the last 3 or 12 months, the
// current one included (the admin dashboard's `lastMonthsRange`). A month or a quarter is charted
// day by day; a year month by month.

import { lastMonthsRange } from '../dashboard/metrics-range.js';
import type { DateRangeQuery, UsageGranularityJson } from '../wire.js';

/** The ranges the usage picker offers, in months (1: this month so far). */
export const USAGE_RANGE_MONTHS = [1, 3, 12] as const;
export type UsageRangeMonths = (typeof USAGE_RANGE_MONTHS)[number];

/** `[first day of the month N − 1 months back, tomorrow)`, in UTC. */
export function usageRange(months: UsageRangeMonths, now: Date): DateRangeQuery {
  return lastMonthsRange(months, now);
}

/** The chart's bucket for a range: days up to a quarter, months beyond. */
export function granularityFor(months: UsageRangeMonths): Extract<UsageGranularityJson, 'day' | 'month'> {
  return months > 3 ? 'month' : 'day';
}
