// The analytics queries behind `admin.metrics`, one store call at a time: how long each takes, the
// SQL it sends, and what PostgreSQL does with it (EXPLAIN ANALYZE), so a slow or badly growing
// figure can be traced to its query and its plan.

import { ABANDONED_AT_SIGNUP, type AnalyticsQueries } from '@billkit/core';
import { monthsOf } from '../src/periods.js';
import type { PgPool, PgQueryable, RecordedQuery } from './postgres.js';

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

export interface QueryPlan {
  call: string;
  sql: string;
  /** Settings the store made in the session before the query (e.g. `set local jit = off`). */
  settings: string[];
  /** EXPLAIN (ANALYZE, BUFFERS) lines. */
  plan: string[];
  executionMs: number;
  /** Sequential scans of Billkit's tables, with the rows they read. */
  seqScans: string[];
}

const TRANSACTION_CONTROL = /^\s*(begin|start transaction|commit|rollback|end)\b/i;
const SETTING = /^\s*(set|select set_config)\b/i;

/**
 * Runs each call once on a store whose pool records its SQL (`capture`), then replays what it sent
 * on one connection of `pool`, in a transaction that is rolled back: settings the store makes
 * (`set local jit = off`, ...) are applied as it applied them, and every query is EXPLAIN ANALYZEd.
 */
export async function explainCalls(
  calls: Record<string, AnalyticsCall>,
  analytics: AnalyticsQueries,
  capture: { start(): void; stop(): RecordedQuery[] },
  pool: PgPool,
): Promise<QueryPlan[]> {
  const plans: QueryPlan[] = [];
  const client = await pool.connect();
  const session: PgQueryable = {
    query: <Row>(text: string, values: unknown[] = []) => client.query<Row>(text, values),
  };
  try {
    for (const [name, call] of Object.entries(calls)) {
      capture.start();
      await call(analytics);
      const statements = capture.stop();
      const settings: string[] = [];
      await session.query('begin');
      try {
        for (const statement of statements) {
          if (TRANSACTION_CONTROL.test(statement.text)) continue;
          if (SETTING.test(statement.text)) {
            await session.query(statement.text, statement.values);
            settings.push(statement.text.trim());
            continue;
          }
          plans.push({ ...(await explainQuery(session, name, statement)), settings: [...settings] });
        }
      } finally {
        await session.query('rollback');
      }
    }
  } finally {
    client.release();
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
    settings: [],
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

/** The plan without the lines that are noise at a glance (buffers, sort memory, per-worker detail). */
export function planOutline(plan: string[]): string[] {
  return plan.filter(
    (line) =>
      !/^\s*(Buffers:|I\/O Timings:|Planning|Worker \d+:|Sort Method|Memory Usage|Batches|Heap Blocks|Functions:|Options:)/.test(
        line,
      ),
  );
}
