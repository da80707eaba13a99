// How `admin.metrics({ from, to })` grows with the data on PostgreSQL (issue 8): 12 months of
// metrics over 24 months of history at three sizes — S 1k subscriptions / ~10k invoices (the
// warm-up size), M 10k / ~100k, L 100k / ~1M — each in a throwaway schema, next to a baseline from
// the same run: one raw SUM over the same invoices (the range's revenue, with the index on status,
// currency and paid_at there to use). What to compare between machines is the growth per 10× of
// data (≤ 12× passes: linear or better, never quadratic) and the ratio to the baseline, not the
// milliseconds. A miss is printed, never thrown. Each analytics query is also timed alone, and
// EXPLAIN ANALYZEd at the largest size, so a bad growth points at its query and plan.
//
// Run: `pnpm bench` in packages/admin (PostgreSQL at BILLKIT_BENCH_POSTGRES_URL, else
// BILLKIT_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/test; skipped without one).
// BENCH_SIZES=S,M picks sizes; BENCH_EXPLAIN=full prints every plan, =off none (default: an outline
// of each analytics query's plan at the largest size).

import { australianGst, type Clock, createBilling, defineCatalog } from '@billkit/core';
import { DEFAULT_TABLE_PREFIX, postgresStore } from '@billkit/store-sql';
import { createStripeSim } from '@billkit/stripe-sim';
import { Bench } from 'tinybench';
import { createAdmin } from '../src/index.js';
import type { Metrics } from '../src/types.js';
import { type LoadReport, loadBillingHistory } from './billing-history.js';
import {
  connectServer,
  createSchema,
  type PgClient,
  type PgQueryable,
  type RecordedQuery,
  recordingPool,
} from './postgres.js';
import {
  explainCalls,
  explainQuery,
  medianMs,
  metricsCalls,
  planOutline,
  type QueryPlan,
} from './query-plans.js';

interface Size {
  label: string;
  subscriptions: number;
  /** Time budget and minimum samples of the metrics task (tinybench runs until both are met). */
  timeMs: number;
  samples: number;
}

const SIZES: Size[] = [
  { label: 'S', subscriptions: 1_000, timeMs: 2_000, samples: 20 },
  { label: 'M', subscriptions: 10_000, timeMs: 3_000, samples: 10 },
  { label: 'L', subscriptions: 100_000, timeMs: 5_000, samples: 5 },
];
/** The largest growth of the metrics' time per 10× of data that still passes. */
const GROWTH_LIMIT = 12;
const QUERY_RUNS = 5;
const NOW = new Date('2026-07-01T00:00:00Z');
const HISTORY_MONTHS = 24;
const RANGE = { from: new Date('2025-07-01T00:00:00Z'), to: NOW, currency: 'aud' };
const PREFIX = DEFAULT_TABLE_PREFIX;
const BASELINE_SQL = `select sum(amount_paid) as revenue from ${PREFIX}invoices
  where status = 'paid' and currency = 'aud' and paid_at >= $1 and paid_at < $2`;
const EXPLAIN = (process.env.BENCH_EXPLAIN ?? 'outline') as 'outline' | 'full' | 'off';

const catalog = defineCatalog({
  currency: 'aud',
  plans: [
    {
      id: 'pro',
      name: 'Pro',
      prices: [
        { interval: 'month', amount: 1000 },
        { interval: 'year', amount: 10_000 },
      ],
    },
    {
      id: 'business',
      name: 'Business',
      prices: [
        { interval: 'month', amount: 2000 },
        { interval: 'year', amount: 20_000 },
      ],
    },
    { id: 'starter', name: 'Starter', prices: [{ interval: 'month', amount: 500, trialDays: 14 }] },
  ],
});

interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  samples: number;
}

interface Measured {
  size: Size;
  load: LoadReport;
  loadMs: number;
  diskMb: number;
  metrics: Timing;
  baseline: Timing;
  figures: Metrics;
  perCall: Record<string, number>;
  plans: QueryPlan[];
}

function selectedSizes(): Size[] {
  const wanted = (process.env.BENCH_SIZES ?? 'S,M,L').split(',').map((label) => label.trim().toUpperCase());
  return SIZES.filter((size) => wanted.includes(size.label));
}

async function measureSize(server: PgClient, size: Size, explain: boolean): Promise<Measured> {
  const schema = await createSchema(server, size.label.toLowerCase());
  try {
    const store = postgresStore({ pool: schema.pool, tablePrefix: PREFIX });
    await store.migrate();
    const loadStarted = performance.now();
    const load = await loadBillingHistory(
      schema.loader,
      schema.name,
      PREFIX,
      {
        subscriptions: size.subscriptions,
        now: NOW,
        months: HISTORY_MONTHS,
      },
      (step, stepMs) => progress(`    ${step}: ${seconds(stepMs)}`),
    );
    const loadMs = performance.now() - loadStarted;
    progress(`  ${size.label}: loaded ${totalRows(load)} rows in ${seconds(loadMs)}; measuring`);

    // The metrics never call Stripe: the simulator's client only satisfies createBilling.
    const sim = createStripeSim({ now: NOW });
    const clock: Clock = { now: () => NOW };
    const billing = createBilling({
      stripe: sim.stripe,
      store,
      catalog,
      tax: australianGst({ abn: '12 345 678 901' }),
      clock,
      notifications: { sendAfterCommit: false },
    });
    const admin = createAdmin({ billing });
    const figures = await admin.metrics(RANGE);
    await checkReadsBack(schema.pool, load, figures);

    const bench = new Bench({
      time: size.timeMs,
      iterations: size.samples,
      warmupIterations: 2,
      warmupTime: 0,
      throws: true,
    });
    bench
      .add('metrics', () => admin.metrics(RANGE))
      .add('baseline', () => schema.pool.query(BASELINE_SQL, [RANGE.from, RANGE.to]));
    await bench.run();

    const calls = metricsCalls(RANGE);
    const perCall: Record<string, number> = {};
    for (const [name, call] of Object.entries(calls))
      perCall[name] = await medianMs(() => call(store.analytics), QUERY_RUNS);

    let plans: QueryPlan[] = [];
    if (explain) {
      let recorded: RecordedQuery[] | null = null;
      const pool = recordingPool(schema.pool, (query) => recorded?.push(query));
      const recordingStore = postgresStore({ pool, tablePrefix: PREFIX });
      plans = await explainCalls(
        calls,
        recordingStore.analytics,
        {
          start: () => {
            recorded = [];
          },
          stop: () => {
            const captured = recorded ?? [];
            recorded = null;
            return captured;
          },
        },
        schema.pool,
      );
      await recordingStore.close();
      plans.push(
        await explainQuery(schema.pool, 'baseline', { text: BASELINE_SQL, values: [RANGE.from, RANGE.to] }),
      );
    }

    const { rows } = await schema.loader.query<{ bytes: string }>(
      `select sum(pg_total_relation_size(c.oid)) as bytes from pg_class c
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r'`,
      [schema.name],
    );
    await store.close();
    return {
      size,
      load,
      loadMs,
      diskMb: Number(rows[0]?.bytes ?? 0) / 1024 / 1024,
      metrics: timingOf(bench, 'metrics'),
      baseline: timingOf(bench, 'baseline'),
      figures,
      perCall,
      plans,
    };
  } finally {
    await schema.drop();
  }
}

/**
 * The metrics must answer what the generator wrote, or the timings are of the wrong work: when a
 * migration adds a column the store fills on write (as migration 4 did for invoices), the bulk
 * load must fill it too. Revenue is recomputed from the invoices' own tax (paid in full, so the
 * GST share is the tax), MRR and subscribers from the generator's plan.
 */
async function checkReadsBack(pool: PgQueryable, load: LoadReport, figures: Metrics): Promise<void> {
  const { rows } = await pool.query<{ revenue: string | null }>(
    `select sum(amount_paid - tax) as revenue from ${PREFIX}invoices
      where status = 'paid' and currency = 'aud' and paid_at >= $1 and paid_at < $2`,
    [RANGE.from, RANGE.to],
  );
  const expected = { ...load.expected, revenue: Number(rows[0]?.revenue ?? 0) };
  const answered = {
    mrr: figures.mrr,
    payingCustomers: figures.payingCustomers,
    subscribers: figures.subscribers.total,
    revenue: figures.revenue,
  };
  const wrong = (Object.keys(expected) as Array<keyof typeof expected>).filter(
    (key) => expected[key] !== answered[key],
  );
  if (wrong.length === 0) return;
  const differences = wrong.map((key) => `${key}: expected ${expected[key]}, got ${answered[key]}`);
  throw new Error(
    `admin.metrics does not read back the generated history (${differences.join('; ')}). ` +
      'Has the schema gained a column the store fills on write? Update bench/billing-history.ts.',
  );
}

function timingOf(bench: Bench, name: string): Timing {
  const result = bench.getTask(name)?.result;
  if (result?.state !== 'completed')
    throw new Error(`The ${name} benchmark did not complete: ${result?.state}`);
  const { latency } = result;
  return { medianMs: latency.p50, minMs: latency.min, maxMs: latency.max, samples: latency.samplesCount };
}

function totalRows(load: LoadReport): number {
  return Object.values(load.rows).reduce((sum, n) => sum + n, 0);
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const count = (n: number) => n.toLocaleString('en-AU');
const times = (ratio: number) => `${ratio.toFixed(2)}×`;

function printTable(header: string[], lines: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const print = (cells: string[]) =>
    process.stdout.write(`${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  for (const line of lines) print(line);
}

function printResults(results: Measured[]): void {
  process.stdout.write('\nData loaded (24 months of history; metrics over the last 12)\n');
  printTable(
    [
      'size',
      'subscriptions',
      'invoices',
      'payments',
      'refunds',
      'disputes',
      'ledger',
      'all rows',
      'on disk',
      'load',
    ],
    results.map(({ size, load, loadMs, diskMb }) => [
      size.label,
      count(load.rows.subscriptions ?? 0),
      count(load.rows.invoices ?? 0),
      count(load.rows.payments ?? 0),
      count(load.rows.refunds ?? 0),
      count(load.rows.disputes ?? 0),
      count(load.rows.mrr_movements ?? 0),
      count(totalRows(load)),
      `${diskMb.toFixed(0)} MB`,
      seconds(loadMs),
    ]),
  );

  process.stdout.write('\nWhat the metrics answered (so the numbers are about real work)\n');
  printTable(
    ['size', 'MRR', 'paying', 'subscribers', 'revenue', 'payment success', 'recovery', 'refunds', 'disputes'],
    results.map(({ size, figures: f }) => [
      size.label,
      `A$${(f.mrr / 100).toLocaleString('en-AU', { maximumFractionDigits: 0 })}`,
      count(f.payingCustomers),
      count(f.subscribers.total),
      `A$${(f.revenue / 100).toLocaleString('en-AU', { maximumFractionDigits: 0 })}`,
      f.paymentSuccessRate === null ? '-' : `${(f.paymentSuccessRate * 100).toFixed(1)}%`,
      f.recoveryRate === null ? '-' : `${(f.recoveryRate * 100).toFixed(1)}%`,
      count(f.refunds.count),
      count(f.disputes.count),
    ]),
  );

  process.stdout.write(`\nadmin.metrics({ from: ${day(RANGE.from)}, to: ${day(RANGE.to)} }) on PostgreSQL\n`);
  printTable(
    ['size', 'rows', 'metrics median ms (min / max, samples)', 'baseline median ms', 'metrics / baseline'],
    results.map(({ size, load, metrics, baseline }) => [
      size.label,
      count(totalRows(load)),
      `${ms(metrics.medianMs)} (${ms(metrics.minMs)} / ${ms(metrics.maxMs)}, ${metrics.samples})`,
      `${ms(baseline.medianMs)} (${baseline.samples})`,
      times(metrics.medianMs / baseline.medianMs),
    ]),
  );

  const steps = results.slice(1).map((larger, i) => ({ smaller: results[i]!, larger }));
  if (steps.length > 0) {
    process.stdout.write(`\nGrowth per step of data (passes at ≤ ${GROWTH_LIMIT}× per 10× of data)\n`);
    printTable(
      ['step', 'data (invoices)', 'metrics', 'baseline', 'verdict'],
      steps.map(({ smaller, larger }) => {
        const growth = larger.metrics.medianMs / smaller.metrics.medianMs;
        const baselineGrowth = larger.baseline.medianMs / smaller.baseline.medianMs;
        // A step where the one-SUM baseline itself grows faster than the data (the smaller size
        // fit in PostgreSQL's cache, the larger does not) says that about the machine; the metrics
        // pass it when they grow no faster than that baseline.
        const verdict =
          growth <= GROWTH_LIMIT
            ? 'pass'
            : growth <= baselineGrowth
              ? 'pass (no faster than the baseline)'
              : `MISS (more than ${GROWTH_LIMIT}×)`;
        return [
          `${larger.size.label}/${smaller.size.label}`,
          times((larger.load.rows.invoices ?? 0) / (smaller.load.rows.invoices ?? 1)),
          times(growth),
          times(baselineGrowth),
          verdict,
        ];
      }),
    );
  }

  const names = Object.keys(results[0]?.perCall ?? {});
  process.stdout.write(`\nEach analytics query alone (median of ${QUERY_RUNS} to 50 sequential calls, ms)\n`);
  printTable(
    [
      'query',
      ...results.map((r) => r.size.label),
      ...steps.map((s) => `${s.larger.size.label}/${s.smaller.size.label}`),
    ],
    names.map((name) => [
      name,
      ...results.map((r) => ms(r.perCall[name] ?? Number.NaN)),
      ...steps.map((s) => times((s.larger.perCall[name] ?? 0) / (s.smaller.perCall[name] ?? 1))),
    ]),
  );
}

function printPlans(measured: Measured): void {
  if (measured.plans.length === 0) return;
  process.stdout.write(`\nQuery plans at ${measured.size.label} (EXPLAIN ANALYZE, BUFFERS)\n`);
  printTable(
    ['query', 'execution ms', 'sequential scans of Billkit tables'],
    measured.plans.map((p) => [p.call, ms(p.executionMs), p.seqScans.join('; ') || 'none']),
  );
  for (const plan of measured.plans) {
    const settings = plan.settings.length > 0 ? ` (after: ${plan.settings.join('; ')})` : '';
    process.stdout.write(`\n-- ${plan.call}${settings}\n`);
    if (EXPLAIN === 'full') process.stdout.write(`${plan.sql}\n\n${plan.plan.join('\n')}\n`);
    else process.stdout.write(`${planOutline(plan.plan).join('\n')}\n`);
  }
}

/** Schemas an interrupted run left behind (each run drops its own; another run's may be live). */
async function reportLeftovers(server: PgClient): Promise<void> {
  const { rows } = await server.query<{ name: string }>(
    `select nspname as name from pg_namespace where nspname like 'billkit\\_bench\\_%' order by 1`,
  );
  if (rows.length === 0) return;
  const names = rows.map((row) => row.name).join(', ');
  process.stdout.write(
    `note: schemas from an interrupted run are still there (drop schema ... cascade): ${names}\n`,
  );
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

async function main(): Promise<void> {
  const sizes = selectedSizes();
  const server = await connectServer();
  if (!server) return;
  const results: Measured[] = [];
  try {
    const { rows } = await server.query<{ server_version: string }>('show server_version');
    process.stdout.write(
      `@billkit/admin metrics on PostgreSQL ${rows[0]?.server_version}, Node ${process.version}, sizes ${sizes
        .map((s) => s.label)
        .join(', ')}\n`,
    );
    await reportLeftovers(server);
    for (const size of sizes) {
      progress(`${size.label}: ${count(size.subscriptions)} subscriptions`);
      results.push(await measureSize(server, size, EXPLAIN !== 'off' && size === sizes.at(-1)));
    }
  } finally {
    await server.end();
  }
  printResults(results);
  const largest = results.at(-1);
  if (largest) printPlans(largest);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `\nPeak RSS of this process: ${peakMb.toFixed(0)} MB (PostgreSQL's memory not included)\n`,
  );
  process.stdout.write(
    '"metrics / baseline": the metrics time divided by one SUM over the same paid invoices, which has an\n' +
      'index (status, currency, paid_at); over 12 of 24 months PostgreSQL rightly reads the table instead.\n',
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
