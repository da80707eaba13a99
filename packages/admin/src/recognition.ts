// Revenue recognition: each paid invoice is earned evenly per day over its service period, and a
// refund takes back what it must from what is left deferred and what was earned. The store gives
// the running totals at each month boundary; a month's figures are the differences.

import type { AnalyticsQueries } from '@billkit/core';
import { monthsOf, type Range } from './periods.js';
import type { RecognitionMonth, RecognitionReport } from './types.js';

export async function recognitionReport(
  analytics: AnalyticsQueries,
  range: Range & { currency: string },
): Promise<RecognitionReport> {
  const months = monthsOf(range.from, range.to);
  const points = await analytics.recognition({
    currency: range.currency,
    at: [...months.map((m) => m.from), range.to],
  });
  return {
    currency: range.currency,
    from: range.from,
    to: range.to,
    months: months.map((month, i): RecognitionMonth => {
      const start = points[i]!;
      const end = points[i + 1]!;
      return {
        month: month.label,
        billed: end.billed - start.billed,
        refunded: end.refunded - start.refunded,
        recognized: end.recognized - start.recognized,
        deferredBalance: end.deferred,
        toDate: { billed: end.billed, refunded: end.refunded, recognized: end.recognized },
      };
    }),
  };
}
