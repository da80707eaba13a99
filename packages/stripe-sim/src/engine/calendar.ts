// Calendar arithmetic for billing periods, in UTC, the way Stripe anchors them: a monthly period
// that starts on the 31st ends on the last day of shorter months and returns to the 31st after.

export type Interval = 'day' | 'week' | 'month' | 'year';

export const DAY = 86_400;

/** The timestamp `count` intervals after `anchor`, keeping the anchor's day-of-month where it exists. */
export function addIntervals(anchor: number, interval: Interval, count: number): number {
  if (interval === 'day') return anchor + count * DAY;
  if (interval === 'week') return anchor + count * 7 * DAY;
  const months = interval === 'month' ? count : count * 12;
  const date = new Date(anchor * 1000);
  const targetMonthIndex = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(targetMonthIndex / 12);
  const month = ((targetMonthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return Date.UTC(year, month, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()) / 1000;
}

/** The end of the period that contains `at`, for a cycle anchored at `anchor`. */
export function periodContaining(
  anchor: number,
  interval: Interval,
  intervalCount: number,
  at: number,
): { start: number; end: number } {
  let k = 0;
  let start = anchor;
  let end = addIntervals(anchor, interval, intervalCount);
  if (at < anchor) {
    return { start: at, end: anchor };
  }
  while (end <= at) {
    k += 1;
    start = end;
    end = addIntervals(anchor, interval, intervalCount * (k + 1));
  }
  return { start, end };
}

export interface Duration {
  seconds?: number;
  minutes?: number;
  hours?: number;
  days?: number;
  months?: number;
  years?: number;
}

/** Applies a duration to a timestamp: calendar months/years first, then fixed seconds. */
export function addDuration(at: number, duration: Duration): number {
  let out = at;
  if (duration.years) out = addIntervals(out, 'year', duration.years);
  if (duration.months) out = addIntervals(out, 'month', duration.months);
  out += (duration.days ?? 0) * DAY + (duration.hours ?? 0) * 3600 + (duration.minutes ?? 0) * 60;
  out += duration.seconds ?? 0;
  return out;
}
