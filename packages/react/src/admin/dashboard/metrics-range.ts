// The dashboard's ranges: "the last N months" is the current calendar month (UTC) and the N − 1
// before it, up to the end of today, as ISO dates ('2025-11-01' to '2026-01-31', `to` excluded).

import type { DateRangeQuery } from '../wire.js';

/** The ranges the pickers offer. */
export const RANGE_MONTHS = [3, 6, 12] as const;
export type RangeMonths = (typeof RANGE_MONTHS)[number];

/** `[first day of the month N − 1 months back, tomorrow)`, in UTC. */
export function lastMonthsRange(months: number, now: Date): DateRangeQuery {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return {
    from: isoDate(new Date(Date.UTC(year, month - (months - 1), 1))),
    to: isoDate(new Date(Date.UTC(year, month, now.getUTCDate() + 1))),
  };
}

/** A Date's UTC calendar day: '2026-01-31'. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
