// The analytics queries behind `admin.metrics`, one store call at a time: how long each takes, the
// SQL it sends, and what PostgreSQL does with it (EXPLAIN ANALYZE), so a slow or badly growing
// figure can be traced to its query and its plan.

import { ABANDONED_AT_SIGNUP, type AnalyticsQueries } from '@billkit/core';
import { monthsOf } from '../src/periods.js';
import type { PgQueryable, RecordedQuery } from './postgres.js';

export type AnalyticsCall = (analytics: AnalyticsQueries) => Promise<unknown>;

/**
 * The store calls `admin.metrics({ from, to })` makes (see `computeMetrics` in src/metrics.ts),
 * by name. Kept in step with it by hand: the headline number is measured on admin.metrics itself.
 */
export function metricsCalls(range: {
  from: Date;
  to: Date;
  currency: string;
}): Record<string, AnalyticsCall> {
  const { from, to, currency } = range;
  const months = monthsOf(from, to);
  return {
    mrrMovements: (a) =>
      a.mrrMovements({ currency, ranges: months.map((m) => ({ from: m.from, to: m.to })) }),
    mrrAt: (a) => a.mrrAt({ currency, at: [...months.map((m) => m.from), to] }),
    subscriptionStatusCounts: (a) =>
      a.subscriptionStatusCounts({ excludeCancellationReason: ABANDONED_AT_SIGNUP }),
    trials: (a) => a.trials({ from, to }),
    payments: (a) => a.payments({ from, to, currency }),
    recoveries: (a) => a.recoveries({ from, to, currency }),
    refunds: (a) => a.refunds({ from, to, currency }),
    disputes: (a) => a.disputes({ from, to, currency }),
    sales: (a) => a.sales({ from, to, currency }),
  };
}

/** Median milliseconds of `runs` sequential calls. */
export async function medianMs(call: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const middle = Math.floor(times.length / 2);
  return times.length % 2 === 1 ? times[middle]! : (times[middle - 1]! + times[middle]!) / 2;
}

export interface QueryPlan {
  call: string;
  sql: string;
  /** EXPLAIN (ANALYZE, BUFFERS) lines. */
  plan: string[];
  executionMs: number;
  /** Sequential scans of Billkit's tables, with the rows they read. */
  seqScans: string[];
}

/**
 * Runs each call once on a store whose pool records its SQL (`capture`), then EXPLAIN ANALYZEs
 * every statement it sent on `db`.
 */
export async function explainCalls(
  calls: Record<string, AnalyticsCall>,
  analytics: AnalyticsQueries,
  capture: { start(): void; stop(): RecordedQuery[] },
  db: PgQueryable,
): Promise<QueryPlan[]> {
  const plans: QueryPlan[] = [];
  for (const [name, call] of Object.entries(calls)) {
    capture.start();
    await call(analytics);
    for (const query of capture.stop()) plans.push(await explainQuery(db, name, query));
  }
  return plans;
}

/** EXPLAIN (ANALYZE, BUFFERS) of one statement, under `call`'s name. */
export async function explainQuery(db: PgQueryable, call: string, query: RecordedQuery): Promise<QueryPlan> {
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, buffers) ${query.text}`,
    query.values,
  );
  const plan = rows.map((row) => row['QUERY PLAN']);
  const execution = plan.find((line) => line.startsWith('Execution Time'));
  return {
    call,
    sql: query.text,
    plan,
    executionMs: Number(execution?.match(/([\d.]+) ms/)?.[1] ?? Number.NaN),
    seqScans: seqScansIn(plan),
  };
}

/** "Seq Scan on billkit_payments (… rows=520000 …)" → "billkit_payments: 520000 rows". */
function seqScansIn(plan: string[]): string[] {
  const scans: string[] = [];
  for (const line of plan) {
    const match = line.match(/Seq Scan on (\S+).*actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)/);
    if (match) scans.push(`${match[1]}: ${Number(match[2]) * Number(match[3])} rows`);
  }
  return scans;
}

/** The plan lines worth reading at a glance: scans, joins, aggregates, sorts and the totals. */
export function planOutline(plan: string[]): string[] {
  return plan.filter((line) =>
    /Scan|Join|Nested Loop|Aggregate|Sort|SubPlan|Execution Time|JIT:|Timing:|Filter:|Index Cond:|Rows Removed|Workers/.test(
      line,
    ),
  );
}
