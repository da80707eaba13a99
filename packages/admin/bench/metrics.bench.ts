// How `admin.metrics({ from, to })` grows with the data on PostgreSQL (issue 8): 12 months of
// metrics over 24 months of history at three sizes — S 1k subscriptions / ~10k invoices, M 10k /
// ~100k, L 100k / ~1M — each loaded into a throwaway schema of the store's real tables. Each size's
// time is measured against the size 10× smaller (target: ≤ 12× per 10× of data, linear or better,
// never quadratic), and beside it, in the same run, the floor: one raw SUM over the same paid
// invoices (the range's revenue, with the index on status, currency and paid_at there to use),
// whose own growth shows what the machine does with 10× the data. Compare the ratios between
// machines, not the milliseconds. Each timed run (bench-kit's timeRuns, tinybench) is a few calls
// of admin.metrics, then a few of the SUM, so run i of both is measured side by side; a figure is
// the median call of each run. Each analytics query is also timed alone, and EXPLAIN ANALYZEd at
// the largest size, so a bad growth points at its query and its plan (printed, not published).
//
// Run: `pnpm bench` in packages/admin (about 90 s on two cores; the ~1M-invoice load is about half a
// minute of it). PostgreSQL at BILLKIT_BENCH_POSTGRES_URL, else BILLKIT_TEST_POSTGRES_URL, else
// postgres://postgres@127.0.0.1:5432/test; without one the report says it was skipped.
// BENCH_RUNS=N timed runs per size (at least 5); BENCH_SIZES=S,M picks sizes; BENCH_EXPLAIN=full
// prints every plan in full, =off none (default: an outline of each query's plan at the largest).

import {
  type BenchReport,
  type Figure,
  formatRatio,
  median,
  publish,
  RUNS,
  timeRuns,
} from '@billkit/bench-kit';
import { australianGst, type Clock, createBilling, defineCatalog } from '@billkit/core';
import { DEFAULT_TABLE_PREFIX, postgresStore } from '@billkit/store-sql';
import { createStripeSim } from '@billkit/stripe-sim';
import { createAdmin } from '../src/index.js';
import type { Metrics } from '../src/types.js';
import { type LoadReport, loadBillingHistory } from './billing-history.js';
import {
  type BenchSchema,
  connectServer,
  createSchema,
  type PgClient,
  type PgQueryable,
  type RecordedQuery,
  recordingPool,
} from './postgres.js';
import { explainCalls, explainQuery, metricsCalls, planOutline, type QueryPlan } from './query-plans.js';

interface Size {
  label: string;
  subscriptions: number;
  /** How the size reads: the invoices it has, roughly. */
  about: string;
  /** Untimed calls of each task before the first run. */
  warmupCalls: number;
  /** One timed run of each task: at least `calls` calls and `timeMs` (tinybench's iterations and time). */
  metricsRun: { calls: number; timeMs: number };
  sumRun: { calls: number; timeMs: number };
  /** Calls of each analytics query alone (diagnostics). */
  queryCalls: number;
}

// admin.metrics takes about 25 ms at S, 170 ms at M and 1.5 to 2 s at L on a 2-core machine.
const SIZES: Size[] = [
  {
    label: 'S',
    subscriptions: 1_000,
    about: '~10k',
    warmupCalls: 5,
    metricsRun: { calls: 8, timeMs: 300 },
    sumRun: { calls: 20, timeMs: 100 },
    queryCalls: 10,
  },
  {
    label: 'M',
    subscriptions: 10_000,
    about: '~100k',
    warmupCalls: 2,
    metricsRun: { calls: 3, timeMs: 0 },
    sumRun: { calls: 10, timeMs: 0 },
    queryCalls: 5,
  },
  {
    label: 'L',
    subscriptions: 100_000,
    about: '~1M',
    warmupCalls: 1,
    metricsRun: { calls: 3, timeMs: 0 },
    sumRun: { calls: 3, timeMs: 0 },
    queryCalls: 3,
  },
];
const GROWTH_TARGET = { on: 'ratio', atMost: 12, text: 'analytics growth ≤ 12× per 10× of data' } as const;
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

interface Measured {
  size: Size;
  load: LoadReport;
  loadMs: number;
  diskMb: number;
  /** The median call of each timed run, in ms. */
  metricsMs: number[];
  sumMs: number[];
  figures: Metrics;
  /** Each analytics query alone: its median call, in ms. */
  perCall: Record<string, number>;
  plans: QueryPlan[];
}

function selectedSizes(): Size[] {
  const wanted = (process.env.BENCH_SIZES ?? 'S,M,L').split(',').map((label) => label.trim().toUpperCase());
  return SIZES.filter((size) => wanted.includes(size.label));
}

/** The schema being measured, for the Ctrl-C handler in main(). */
let current: BenchSchema | undefined;

async function measureSize(server: PgClient, size: Size, explain: boolean): Promise<Measured> {
  const schema = await createSchema(server, size.label.toLowerCase());
  current = schema;
  try {
    const store = postgresStore({ pool: schema.pool, tablePrefix: PREFIX });
    await store.migrate();
    const loadStarted = performance.now();
    const load = await loadBillingHistory(
      schema.loaders,
      schema.name,
      PREFIX,
      { subscriptions: size.subscriptions, now: NOW, months: HISTORY_MONTHS },
      (step, stepMs) => progress(`    ${step}: ${seconds(stepMs)}`),
    );
    const loadMs = performance.now() - loadStarted;
    progress(`  ${size.label}: loaded ${count(totalRows(load))} rows in ${seconds(loadMs)}`);
    const checkpointMs = await checkpoint(server);
    progress(`  checkpoint: ${seconds(checkpointMs)}; measuring`);

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
    const metrics = () => admin.metrics(RANGE);
    const sum = () => schema.pool.query(BASELINE_SQL, [RANGE.from, RANGE.to]);

    const figures = await metrics();
    await checkReadsBack(schema.pool, load, figures);
    for (let call = 0; call < size.warmupCalls; call++) {
      await metrics();
      await sum();
    }
    const metricsMs: number[] = [];
    const sumMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const timedMetrics = await timeRuns(`admin.metrics ${size.label}`, metrics, {
        runs: 1,
        iterations: size.metricsRun.calls,
        time: size.metricsRun.timeMs,
        warmup: 'none',
      });
      const timedSum = await timeRuns(`raw SUM ${size.label}`, sum, {
        runs: 1,
        iterations: size.sumRun.calls,
        time: size.sumRun.timeMs,
        warmup: 'none',
      });
      metricsMs.push(...timedMetrics.p50Ms);
      sumMs.push(...timedSum.p50Ms);
    }

    const calls = metricsCalls(RANGE);
    const perCall: Record<string, number> = {};
    for (const [name, call] of Object.entries(calls)) {
      const timed = await timeRuns(name, () => call(store.analytics), {
        runs: 1,
        iterations: size.queryCalls,
        time: 0,
        warmup: 'none',
      });
      perCall[name] = timed.p50Ms[0]!;
    }

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

    const { rows } = await schema.pool.query<{ bytes: string }>(
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
      metricsMs,
      sumMs,
      figures,
      perCall,
      plans,
    };
  } finally {
    await schema.drop();
    current = undefined;
  }
}

/**
 * Writes the load's dirty pages out before the timing, so the writes the load left behind do not
 * slow the measured queries down (a live database is not mid-load). Needs a superuser or, on
 * PostgreSQL 15, pg_checkpoint; without either it is skipped and the time is 0.
 */
async function checkpoint(server: PgClient): Promise<number> {
  const started = performance.now();
  try {
    await server.query('checkpoint');
  } catch {
    return 0;
  }
  return performance.now() - started;
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
const invoicesOf = (measured: Measured) => measured.load.rows.invoices ?? 0;

function printTable(header: string[], lines: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const print = (cells: string[]) =>
    process.stdout.write(`${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  for (const line of lines) print(line);
}

/** What was loaded, what the metrics answered, and each query's time: diagnostics, not figures. */
function printDiagnostics(results: Measured[]): void {
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

  const steps = results.slice(1).map((larger, i) => ({ smaller: results[i]!, larger }));
  const names = Object.keys(results[0]?.perCall ?? {});
  process.stdout.write('\nEach analytics query alone (median call, ms; not published)\n');
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

/** The published figures: admin.metrics per size against the size below it, and the raw SUM likewise. */
function figuresOf(results: Measured[]): Figure[] {
  const metricsFigures: Figure[] = results.map((measured, i) => {
    const smaller = tenTimesSmaller(results, i);
    return {
      id: `metrics-${measured.size.label}`,
      name: `admin.metrics, ${count(invoicesOf(measured))} invoices (${measured.size.about})`,
      unit: 'ms',
      better: 'lower',
      runs: measured.metricsMs,
      ...(smaller ? { baseline: `metrics-${smaller.size.label}`, target: GROWTH_TARGET } : {}),
      note: `${formatRatio(pairedRatio(measured.metricsMs, measured.sumMs))} the raw SUM at this size`,
    };
  });
  const sumFigures: Figure[] = results.map((measured, i) => {
    const smaller = tenTimesSmaller(results, i);
    return {
      id: `sum-${measured.size.label}`,
      name: `raw SUM of paid invoices, ${count(invoicesOf(measured))} invoices (${measured.size.about})`,
      unit: 'ms',
      better: 'lower',
      runs: measured.sumMs,
      ...(smaller ? { baseline: `sum-${smaller.size.label}` } : {}),
    };
  });
  return [...metricsFigures, ...sumFigures];
}

/** The size measured before the i-th, when it is the next size down (not with BENCH_SIZES=S,L). */
function tenTimesSmaller(results: Measured[], i: number): Measured | undefined {
  const smaller = results[i - 1];
  const adjacent = smaller && SIZES.indexOf(results[i]!.size) === SIZES.indexOf(smaller.size) + 1;
  return adjacent ? smaller : undefined;
}

/** The median of run-by-run ratios (run i of both measured side by side). */
function pairedRatio(figure: number[], baseline: number[]): number {
  return median(figure.map((value, i) => value / baseline[i]!));
}

function reportOf(results: Measured[], environment: Record<string, string>): BenchReport {
  const sizes = results.map((r) => r.size.label).join(' / ');
  const notes: string[] = [];
  if (results.length === 0) return { ...SKIPPED_REPORT, environment, notes };
  const steps: string[] = [];
  results.forEach((larger, i) => {
    const smaller = tenTimesSmaller(results, i);
    if (smaller) {
      const ratio = times(invoicesOf(larger) / invoicesOf(smaller));
      steps.push(`${larger.size.label}/${smaller.size.label} has ${ratio} the invoices`);
    }
  });
  if (steps.length > 0) {
    notes.push(
      `Each size against the one 10× smaller (${steps.join(', ')}). The raw SUM's own growth is the machine's: when it grows faster than the data (the larger size no longer fits in PostgreSQL's cache), admin.metrics may too.`,
    );
  }
  notes.push(
    'Raw SUM: one `sum(amount_paid)` over the paid invoices of the same 12 months, with the (status, currency, paid_at) index there to use; over half the history PostgreSQL rightly reads the table instead.',
    `Loading took ${results.map((r) => seconds(r.loadMs)).join(' / ')} (${sizes}): INSERT ... SELECT in the server on two sessions, each table's indexes built after its rows (not timed by tinybench; printed for the record).`,
  );
  const largest = results.at(-1);
  if (largest) {
    const slowest = Object.entries(largest.perCall)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 3)
      .map(([name, value]) => `${name} ${ms(value)} ms`);
    notes.push(`Slowest analytics queries at ${largest.size.label}, each alone: ${slowest.join(', ')}.`);
  }
  return {
    title: 'Analytics',
    package: '@billkit/admin',
    description:
      '`admin.metrics({ from, to })`: 12 months of metrics over 24 months of history on PostgreSQL at ~10k, ~100k and ~1M invoices, each size against the one 10× smaller (the growth per 10× of data), with one raw SUM over the same paid invoices as the floor at each size.',
    environment: {
      ...environment,
      [`Invoices (${sizes})`]: results.map((r) => count(invoicesOf(r))).join(' / '),
      [`All rows (${sizes})`]: results.map((r) => count(totalRows(r.load))).join(' / '),
      [`Subscriptions (${sizes})`]: results.map((r) => count(r.load.rows.subscriptions ?? 0)).join(' / '),
    },
    figures: figuresOf(results),
    notes,
  };
}

/** Schemas a run killed outright left behind (each run drops its own; another run's may be live). */
async function reportLeftovers(server: PgClient): Promise<void> {
  const { rows } = await server.query<{ name: string }>(
    `select nspname as name from pg_namespace where nspname like 'billkit\\_bench\\_%' order by 1`,
  );
  if (rows.length === 0) return;
  const names = rows.map((row) => row.name).join(', ');
  progress(`note: schemas from an interrupted run are still there (drop schema ... cascade): ${names}`);
}

const SKIPPED_REPORT: BenchReport = {
  title: 'Analytics',
  package: '@billkit/admin',
  description: '`admin.metrics({ from, to })` on PostgreSQL at ~10k, ~100k and ~1M invoices.',
  figures: [],
};

async function main(): Promise<void> {
  const sizes = selectedSizes();
  const server = await connectServer();
  if (typeof server === 'string') {
    publish({ ...SKIPPED_REPORT, skipped: [`PostgreSQL: ${server}`] });
    return;
  }
  // Ctrl-C or a kill: the schema being loaded or measured goes too (its sessions are ended first).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: dropping ${current?.name ?? 'nothing'}`);
      void (current?.drop() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }
  const results: Measured[] = [];
  let failure: unknown;
  let version = 'unknown';
  try {
    const { rows } = await server.query<{ server_version: string }>('show server_version');
    version = rows[0]?.server_version ?? version;
    progress(
      `@billkit/admin metrics on PostgreSQL ${version}, sizes ${sizes.map((s) => s.label).join(', ')}`,
    );
    await reportLeftovers(server);
    for (const size of sizes) {
      progress(`${size.label}: ${count(size.subscriptions)} subscriptions`);
      results.push(await measureSize(server, size, EXPLAIN !== 'off' && size === sizes.at(-1)));
    }
  } catch (error) {
    failure = error;
  } finally {
    await server.end();
  }
  printDiagnostics(results);
  const largest = results.at(-1);
  if (largest) printPlans(largest);
  const report = reportOf(results, { PostgreSQL: version });
  if (failure !== undefined) {
    // What was measured is still published; the run fails, and says where.
    const stoppedAt = sizes[results.length]?.label ?? '?';
    report.notes?.push(`Stopped at ${stoppedAt}: ${(failure as Error).message}`);
  }
  publish(report);
  if (failure !== undefined) throw failure;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
