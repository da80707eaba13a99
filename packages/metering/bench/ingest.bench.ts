// How fast @billkit/metering persists usage (issue 9), on PostgreSQL and on a SQLite file: N events
// of a realistic mix (OpenAI chat and embeddings with token units, address lookups by region, ~200
// customers) go through `metering.record` from 8 concurrent producers, then `flush()`; events/s is
// N over that time, and the store is checked to hold N events and N in its month roll-ups. Next to
// it, in the same run and on the same connection settings: the store's `recordBatch` fed the same
// records directly (metering's validation and pricing left out), the same rows written by hand with
// their roll-up upserts, and the required baseline: the same rows into the events table alone with
// one multi-row INSERT per batch, a transaction each. Target: ≥ 10 000 events/s persisted on
// PostgreSQL. Then `check(customerId, feature)` warm, over 1 000 customers with quotas, against a
// Map.get of a ready answer; target: median under 50 µs. A miss is printed, never thrown.
//
// Run: `pnpm bench` in packages/metering. Environment:
//   BENCH_EVENTS       events per run (default 20000)
//   BENCH_STORES       stores to measure (default postgres,sqlite); SQLite always works, PostgreSQL
//                      is skipped with a line saying why when the server does not answer
//   BENCH_BATCH_SIZES  metering's batch.size, and the baselines' rows per INSERT (default 500,1000)
//   BILLKIT_BENCH_POSTGRES_URL, else BILLKIT_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/test
// Each run uses a throwaway PostgreSQL schema and a SQLite file in a temporary directory, both
// removed at the end, also on failure and on Ctrl-C (a directory left by a run killed mid-SQLite is
// removed by the next run).

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UsageEventRecord } from '@billkit/core';
import { DEFAULT_TABLE_PREFIX, postgresStore, type SqlBillingStore, sqliteStore } from '@billkit/store-sql';
import { Bench } from 'tinybench';
import { createMetering, defaultPriceBook, type Metering, type UsageInput } from '../src/index.js';
import {
  type BaselineTarget,
  insertEvents,
  insertEventsAndRollups,
  postgresTarget,
  sqliteTarget,
} from './baselines.js';
import { connectServer, createSchema, leftoverSchemas, openSqlite } from './postgres.js';
import { type EventRow, eventRows, usageMix } from './usage-mix.js';

const EVENTS = positiveInteger('BENCH_EVENTS', 20_000);
const STORES = listOf('BENCH_STORES', 'postgres,sqlite');
const BATCH_SIZES = listOf('BENCH_BATCH_SIZES', '500,1000').map((size) =>
  positiveInteger('BENCH_BATCH_SIZES', 0, size),
);
const PRODUCERS = 8;
const INTERVAL_MS = 1000;
const MAX_BUFFERED = 10_000;
/** Timed runs per configuration (tinybench iterations); the median is reported. */
const RUNS = 3;
const TARGET_EVENTS_PER_S = 10_000;
const CHECK_TARGET_US = 50;
const QUOTA_CUSTOMERS = 1_000;
const PREFIX = DEFAULT_TABLE_PREFIX;
const USAGE_TABLES = ['usage_events', 'usage_rollups'];
const ALL_TIME = { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') };

const priceBook = defaultPriceBook();

/** One store under test, with the raw connection its baselines write through. */
interface Subject {
  name: 'PostgreSQL' | 'SQLite';
  detail: string;
  store: SqlBillingStore;
  baseline: BaselineTarget;
  /** Empties the usage tables (between runs, untimed). */
  clear(): Promise<void>;
}

type Kind = 'metering' | 'direct' | 'byHand' | 'events';

const KIND_LABELS: Record<Kind, string> = {
  metering: 'metering.record × N, then flush()',
  direct: 'store.metering.recordBatch (no metering front)',
  byHand: 'baseline: events + roll-up upserts by hand',
  events: 'baseline: multi-row INSERT, events table only',
};

interface IngestResult {
  kind: Kind;
  batch: number;
  /** Batches written in a run (for metering, counted at the store: its batches can be smaller than `size`). */
  writes: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

interface CheckResult {
  warmupMs: number;
  check: { p50Us: number; p99Us: number; samples: number };
  baseline: { p50Us: number; p99Us: number; samples: number };
}

interface SubjectResult {
  subject: Subject;
  ingest: IngestResult[];
  check: CheckResult;
  /** The process's RSS high-water mark when this store's ingest runs ended (before its checks). */
  ingestRssMb: number;
}

// ---------------------------------------------------------------------------------------------
// Throughput

async function measureIngest(subject: Subject, inputs: UsageInput[]): Promise<IngestResult[]> {
  const rows = eventRows(inputs, priceBook);
  const records = rows.map(recordOf);
  const bench = new Bench({ iterations: RUNS, time: 0, warmup: false, throws: true });
  const tasks: Array<{ name: string; kind: Kind; batch: number }> = [];
  /** The store calls metering made in its last run, by task name. */
  const meteringWrites = new Map<string, number>();
  for (const batch of BATCH_SIZES) {
    const recordBatches = inBatches(records, batch);
    const rowBatches = inBatches(rows, batch);
    let metering: Metering | null = null;
    let writes = 0;
    const add = (kind: Kind, fn: () => Promise<unknown>, after: () => Promise<void>, before?: () => void) => {
      const name = `${kind} ${batch}`;
      tasks.push({ name, kind, batch });
      bench.add(name, fn, {
        beforeEach: async () => {
          // SQLite's driver is synchronous, so a run never returns to the event loop: a Ctrl-C is
          // let through between runs (tsx kills a child that does not answer it within 60 ms, so
          // an interrupted SQLite run may leave its directory: the next run removes it).
          await new Promise((resolve) => setImmediate(resolve));
          await subject.clear();
          before?.();
        },
        afterEach: after,
      });
    };
    add(
      'metering',
      async () => {
        await recordConcurrently(metering!, inputs);
        await metering!.flush();
      },
      async () => {
        await metering!.close();
        const { stored, duplicates } = metering!.stats();
        metering = null;
        meteringWrites.set(`metering ${batch}`, writes);
        if (stored !== inputs.length || duplicates !== 0)
          throw new Error(
            `metering stored ${stored} events and ${duplicates} duplicates of ${inputs.length}`,
          );
        await verifyStored(subject, inputs.length, true);
      },
      () => {
        writes = 0;
        metering = createMetering({
          store: countingWrites(subject.store, () => writes++),
          priceBook,
          batch: { size: batch, intervalMs: INTERVAL_MS, maxBuffered: MAX_BUFFERED },
        });
      },
    );
    add(
      'direct',
      async () => {
        for (const events of recordBatches) await subject.store.metering.recordBatch(events);
      },
      () => verifyStored(subject, records.length, true),
    );
    add(
      'byHand',
      async () => {
        for (const events of rowBatches) await insertEventsAndRollups(subject.baseline, PREFIX, events);
      },
      () => verifyStored(subject, rows.length, true),
    );
    add(
      'events',
      async () => {
        for (const events of rowBatches) await insertEvents(subject.baseline, PREFIX, events);
      },
      () => verifyStored(subject, rows.length, false),
    );
  }
  for (const task of bench.tasks) {
    progress(`  ${subject.name}: ${labelOf(task.name, tasks)}`);
    await task.run();
  }
  return tasks.map(({ name, kind, batch }) => {
    const latency = completedLatency(bench, name);
    const writes = meteringWrites.get(name) ?? Math.ceil(inputs.length / batch);
    return { kind, batch, writes, medianMs: latency.p50, minMs: latency.min, maxMs: latency.max };
  });
}

/** The store, counting the batches metering hands to `recordBatch`. */
function countingWrites(store: SqlBillingStore, counted: () => void): SqlBillingStore {
  const { metering } = store;
  return {
    ...store,
    metering: {
      ...metering,
      recordBatch: (events) => {
        counted();
        return metering.recordBatch(events);
      },
    },
  };
}

/** `PRODUCERS` callers sharing one queue of events, each awaiting every `record` (as request handlers do). */
async function recordConcurrently(metering: Metering, inputs: UsageInput[]): Promise<void> {
  let next = 0;
  const producer = async () => {
    while (next < inputs.length) await metering.record(inputs[next++]!);
  };
  await Promise.all(Array.from({ length: PRODUCERS }, producer));
}

/** The store holds `expected` events (and, when the roll-ups were written, `expected` in them): the run did the work. */
async function verifyStored(subject: Subject, expected: number, rollups: boolean): Promise<void> {
  const row = await subject.store.db
    .selectFrom('usage_events')
    .select((eb) => eb.fn.countAll<number | string>().as('events'))
    .executeTakeFirstOrThrow();
  const events = Number(row.events);
  const counted = rollups
    ? (await subject.store.metering.usage({ ...ALL_TIME, granularity: 'month', groupBy: [] })).reduce(
        (sum, usage) => sum + usage.count,
        0,
      )
    : expected;
  if (events !== expected || counted !== expected)
    throw new Error(
      `${subject.name} holds ${events} events and ${counted} in its month roll-ups after a run of ${expected}`,
    );
}

function recordOf(row: EventRow): UsageEventRecord {
  const [id, at, provider, operation, model, feature, region, userId, units] = row;
  return {
    id,
    at,
    provider,
    operation,
    model,
    feature,
    region,
    userId,
    units: JSON.parse(units) as Record<string, number>,
    costMicros: row[9],
    currency: row[10],
    durationMs: row[11],
    success: row[12],
  };
}

function inBatches<T>(items: T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

// ---------------------------------------------------------------------------------------------
// Quota checks

async function measureCheck(subject: Subject): Promise<CheckResult> {
  await subject.clear();
  const customers = Array.from({ length: QUOTA_CUSTOMERS }, (_, i) => `qc_${String(i).padStart(4, '0')}`);
  const planOf = (customerId: string) => (Number(customerId.slice(3)) % 4 === 0 ? 'pro' : 'free');
  const limits = { free: 5, pro: 100 };
  const usedBy = (index: number) => index % 7;
  const metering = createMetering({
    store: subject.store,
    priceBook,
    quotas: {
      plans: { free: { ai_review: { limit: limits.free } }, pro: { ai_review: { limit: limits.pro } } },
      planOf,
    },
  });
  try {
    // This month's usage, then one cold check per customer (plan lookup, roll-up read) to warm it.
    for (const [index, customerId] of customers.entries()) {
      for (let n = 0; n < usedBy(index); n++) {
        await metering.record({
          provider: 'openai',
          operation: 'chat',
          model: 'gpt-4.1-mini',
          units: { input_tokens: 800, output_tokens: 300 },
          customerId,
          feature: 'ai_review',
        });
      }
    }
    await metering.flush();
    const warmupStarted = performance.now();
    for (const customerId of customers) await metering.check(customerId, 'ai_review');
    const warmupMs = performance.now() - warmupStarted;
    for (const [index, customerId] of customers.entries()) {
      const status = await metering.check(customerId, 'ai_review');
      const limit = limits[planOf(customerId)];
      if (status.used !== usedBy(index) || status.limit !== limit)
        throw new Error(`check(${customerId}) answered ${JSON.stringify(status)}`);
    }

    let next = 0;
    const customer = () => customers[next++ % customers.length]!;
    const answers = new Map(
      customers.map((customerId) => [
        customerId,
        { allowed: true, used: 0, limit: limits.free, resetsAt: new Date() },
      ]),
    );
    const bench = new Bench({ time: 1_000, warmupTime: 250, throws: true });
    bench
      .add('check', () => metering.check(customer(), 'ai_review'), { async: true })
      .add('baseline', () => Promise.resolve(answers.get(customer())), { async: true });
    await bench.run();
    const inMicroseconds = (name: string) => {
      const latency = completedLatency(bench, name);
      return { p50Us: latency.p50 * 1000, p99Us: latency.p99 * 1000, samples: latency.samplesCount };
    };
    return { warmupMs, check: inMicroseconds('check'), baseline: inMicroseconds('baseline') };
  } finally {
    await metering.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Stores

/** Undo steps of what the run created, run at the end, on failure and on Ctrl-C. */
const cleanups: Array<() => Promise<void>> = [];

let cleaning: Promise<void> | null = null;
let interrupted = false;

/** Runs the undo steps once, newest first; a second caller (Ctrl-C during the end) waits for the same run. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop()!;
      try {
        await step();
      } catch (error) {
        process.stderr.write(`cleanup failed: ${String(error)}\n`);
      }
    }
  })();
  return cleaning;
}

async function postgresSubject(): Promise<Subject | null> {
  const server = await connectServer();
  if (!server) return null;
  cleanups.push(() => server.end());
  const leftovers = await leftoverSchemas(server);
  if (leftovers.length > 0)
    process.stdout.write(
      `note: schemas from an interrupted run are still there (drop schema ... cascade): ${leftovers.join(', ')}\n`,
    );
  const { rows } = await server.query<{ server_version: string }>('show server_version');
  const schema = await createSchema(server);
  cleanups.push(() => schema.drop());
  const store = postgresStore({ pool: schema.pool, tablePrefix: PREFIX });
  cleanups.push(() => store.close());
  await store.migrate();
  const tables = USAGE_TABLES.map((table) => PREFIX + table).join(', ');
  return {
    name: 'PostgreSQL',
    detail: `PostgreSQL ${rows[0]?.server_version}, schema ${schema.name}, pool of 10, server defaults`,
    store,
    baseline: postgresTarget(schema.pool),
    clear: async () => {
      await schema.pool.query(`truncate ${tables}`);
    },
  };
}

const DIRECTORY_PREFIX = 'billkit-metering-bench-';

/** Temporary directories of earlier runs whose process is gone (killed before its cleanup). */
async function removeStaleDirectories(): Promise<void> {
  const pattern = new RegExp(`^${DIRECTORY_PREFIX}(\\d+)-`);
  for (const name of await readdir(tmpdir())) {
    const pid = Number(pattern.exec(name)?.[1] ?? Number.NaN);
    if (Number.isNaN(pid) || isRunning(pid)) continue;
    await rm(join(tmpdir(), name), { recursive: true, force: true });
    process.stdout.write(`note: removed ${name}, left by an interrupted run\n`);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function sqliteSubject(): Promise<Subject> {
  await removeStaleDirectories();
  const directory = await mkdtemp(join(tmpdir(), `${DIRECTORY_PREFIX}${process.pid}-`));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  const filename = join(directory, 'ingest.db');
  const store = sqliteStore({ filename, tablePrefix: PREFIX });
  cleanups.push(() => store.close());
  await store.migrate();
  const raw = openSqlite(filename);
  cleanups.push(async () => {
    raw.close();
  });
  return {
    name: 'SQLite',
    detail: `SQLite file ${filename} (WAL, better-sqlite3, default synchronous)`,
    store,
    baseline: sqliteTarget(raw),
    clear: async () => {
      for (const table of USAGE_TABLES) raw.exec(`delete from ${PREFIX}${table}`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function printIngest(result: SubjectResult): void {
  const { subject, ingest } = result;
  process.stdout.write(
    `\nIngest on ${subject.name}: ${count(EVENTS)} events, ${PRODUCERS} producers, median of ${RUNS} runs\n`,
  );
  const eventsPerSecond = (row: IngestResult) => (EVENTS * 1000) / row.medianMs;
  const baselineOf = (row: IngestResult, kind: Kind) =>
    ingest.find((other) => other.kind === kind && other.batch === row.batch)!;
  printTable(
    [
      'what',
      'batch',
      'writes (mean rows)',
      'median s (min / max)',
      'events/s',
      '÷ events-only INSERT',
      '÷ by hand',
      'verdict',
    ],
    ingest.map((row) => [
      KIND_LABELS[row.kind],
      count(row.batch),
      `${count(row.writes)} (${count(Math.round(EVENTS / row.writes))})`,
      `${seconds(row.medianMs)} (${seconds(row.minMs)} / ${seconds(row.maxMs)})`,
      count(Math.round(eventsPerSecond(row))),
      times(eventsPerSecond(row) / eventsPerSecond(baselineOf(row, 'events'))),
      times(eventsPerSecond(row) / eventsPerSecond(baselineOf(row, 'byHand'))),
      verdictOf(subject, row, eventsPerSecond(row)),
    ]),
  );
}

function verdictOf(subject: Subject, row: IngestResult, eventsPerSecond: number): string {
  if (row.kind !== 'metering') return '';
  if (subject.name !== 'PostgreSQL') return '(target is for PostgreSQL)';
  return eventsPerSecond >= TARGET_EVENTS_PER_S
    ? `pass (≥ ${count(TARGET_EVENTS_PER_S)}/s)`
    : `MISS (< ${count(TARGET_EVENTS_PER_S)}/s)`;
}

function printChecks(results: SubjectResult[]): void {
  process.stdout.write(
    `\ncheck(customerId, 'ai_review') warm, rotating over ${count(QUOTA_CUSTOMERS)} customers with quotas\n`,
  );
  printTable(
    ['store', 'what', 'median µs', 'p99 µs', 'samples', '÷ Map.get', 'verdict'],
    results.flatMap(({ subject, check }) => [
      [
        subject.name,
        'metering.check',
        micros(check.check.p50Us),
        micros(check.check.p99Us),
        count(check.check.samples),
        times(check.check.p50Us / check.baseline.p50Us),
        check.check.p50Us < CHECK_TARGET_US
          ? `pass (< ${CHECK_TARGET_US} µs)`
          : `MISS (≥ ${CHECK_TARGET_US} µs)`,
      ],
      [
        subject.name,
        'baseline: Map.get of a ready answer',
        micros(check.baseline.p50Us),
        micros(check.baseline.p99Us),
        count(check.baseline.samples),
        '',
        '',
      ],
    ]),
  );
  for (const { subject, check } of results) {
    process.stdout.write(
      `${subject.name}: warming ${count(QUOTA_CUSTOMERS)} counters (one cold check each: plan, roll-up read) took ${seconds(check.warmupMs)} s\n`,
    );
  }
}

function printTable(header: string[], lines: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const print = (cells: string[]) =>
    process.stdout.write(
      `${cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  for (const line of lines) print(line);
}

function completedLatency(bench: Bench, name: string) {
  const result = bench.getTask(name)?.result;
  if (result?.state !== 'completed')
    throw new Error(`The ${name} benchmark did not complete: ${result?.state}`);
  return result.latency;
}

function labelOf(name: string, tasks: Array<{ name: string; kind: Kind; batch: number }>): string {
  const task = tasks.find((t) => t.name === name)!;
  return `${KIND_LABELS[task.kind]}, batch ${task.batch}`;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function listOf(variable: string, fallback: string): string[] {
  return (process.env[variable] ?? fallback)
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
}

function positiveInteger(variable: string, fallback: number, value = process.env[variable]): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`${variable} must be a positive integer, not ${value}`);
  return number;
}

const count = (n: number) => n.toLocaleString('en-AU');
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const micros = (us: number) => (us < 10 ? us.toFixed(2) : us.toFixed(1));
const times = (ratio: number) => `${ratio.toFixed(2)}×`;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  const unknown = STORES.filter((name) => name !== 'postgres' && name !== 'sqlite');
  if (unknown.length > 0) throw new Error(`BENCH_STORES: unknown store ${unknown.join(', ')}`);
  process.stdout.write(
    `@billkit/metering ingest, Node ${process.version}: ${count(EVENTS)} events, batch sizes ${BATCH_SIZES.join(
      ', ',
    )}, intervalMs ${INTERVAL_MS}, maxBuffered ${count(MAX_BUFFERED)}\n`,
  );
  const inputs = usageMix(EVENTS, new Date());
  const results: SubjectResult[] = [];
  for (const name of STORES) {
    const subject = name === 'postgres' ? await postgresSubject() : await sqliteSubject();
    if (!subject) continue;
    process.stdout.write(`${subject.name}: ${subject.detail}\n`);
    progress(`${subject.name}: ingest`);
    const ingest = await measureIngest(subject, inputs);
    const ingestRssMb = peakRssMb();
    progress(`${subject.name}: check`);
    const check = await measureCheck(subject);
    results.push({ subject, ingest, check, ingestRssMb });
  }
  for (const result of results) printIngest(result);
  if (results.length > 0) printChecks(results);
  const ingestRss = results.map((r) => `${r.ingestRssMb.toFixed(0)} MB after the ${r.subject.name} runs`);
  process.stdout.write(
    `\nPeak RSS of this process (high-water mark, the ${count(EVENTS)} prepared events included, the ` +
      `database's memory not): ${ingestRss.join(', ')}; ${peakRssMb().toFixed(0)} MB at the end (with the checks)\n`,
  );
  process.stdout.write(
    '"÷ events-only INSERT": events/s over the required baseline\'s with the same batch size (the same rows,\n' +
      'events table only, one multi-row INSERT per batch in a transaction); "÷ by hand": over the same rows\n' +
      'plus the roll-up upserts metering keeps, written by hand. Compare ratios between machines.\n',
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // `on`, not `once`: a terminal's Ctrl-C reaches this process both directly and relayed by tsx,
  // and a second signal left to Node's default would end the process before the cleanup.
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`${signal}: dropping the benchmark's schema and files\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .catch((error) => {
    // After Ctrl-C the cleanup closes the stores under the running task: its error says nothing.
    if (!interrupted) console.error(error);
    process.exitCode = 1;
  })
  .finally(cleanUp);
