// Month-end spend at the month's pace so far: spent + spent × remaining / elapsed, with elapsed
// and remaining in milliseconds of the UTC month, rounded half up to integer micro-units.

import { bucketStart } from '@billkit/core';
import { divideHalfUp, toSafeNumber } from './decimal.js';
import { nextBucket } from './periods.js';

/** The month-end forecast of `spentMicros` spent from the start of `at`'s month until `at`. */
export function forecastMonthEnd(spentMicros: number, at: Date): number {
  const start = bucketStart(at, 'month');
  const end = nextBucket(start, 'month');
  const elapsed = at.getTime() - start.getTime();
  const remaining = end.getTime() - at.getTime();
  if (elapsed <= 0) return spentMicros;
  const extra = divideHalfUp(BigInt(spentMicros) * BigInt(remaining), BigInt(elapsed));
  return spentMicros + toSafeNumber(extra);
}
