// UTC periods: buckets of the roll-ups, months of budgets, days and months of quotas, and the
// split of any range into the coarsest whole buckets so reports read as few roll-up rows as possible.

import { bucketStart, type Granularity } from '@billkit/core';

const FIXED_MS: Record<Exclude<Granularity, 'month'>, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** The start of the bucket after the one that starts at `start`. */
export function nextBucket(start: Date, granularity: Granularity): Date {
  if (granularity === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + FIXED_MS[granularity]);
}

/** `at` when a bucket starts there, else the start of the next bucket. */
export function ceilToBucket(at: Date, granularity: Granularity): Date {
  const start = bucketStart(at, granularity);
  return start.getTime() === at.getTime() ? start : nextBucket(start, granularity);
}

/** 'YYYY-MM' of the UTC month holding `at`. */
export function monthLabel(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** 'YYYY-MM-DD' of the UTC day holding `at`. */
export function dayLabel(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export interface RangePiece {
  from: Date;
  to: Date;
  granularity: Granularity;
}

const COARSE_TO_FINE: readonly Granularity[] = ['month', 'day', 'hour', 'minute'];

/**
 * [from, to) as whole buckets, the coarsest that fit: a month's roll-up where a whole month lies
 * inside, days at its edges, then hours, then minutes. A minute bucket counts when it starts
 * inside the range, so the ends are read at minute resolution.
 */
export function splitRange(from: Date, to: Date): RangePiece[] {
  const pieces: RangePiece[] = [];
  const split = (lo: Date, hi: Date, level: number) => {
    if (lo.getTime() >= hi.getTime()) return;
    const granularity = COARSE_TO_FINE[level]!;
    if (granularity === 'minute') {
      pieces.push({ from: lo, to: hi, granularity });
      return;
    }
    const first = ceilToBucket(lo, granularity);
    const last = bucketStart(hi, granularity);
    if (first.getTime() >= last.getTime()) {
      split(lo, hi, level + 1);
      return;
    }
    split(lo, first, level + 1);
    pieces.push({ from: first, to: last, granularity });
    split(last, hi, level + 1);
  };
  split(ceilToBucket(from, 'minute'), ceilToBucket(to, 'minute'), 0);
  return pieces;
}
