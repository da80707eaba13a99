// How fast @billkit/metering persists usage (issue 9), on PostgreSQL and on a SQLite file: N events
// of a realistic mix (OpenAI chat and embeddings with token units, address lookups by region, ~200
// customers) go through `metering.record` from 8 concurrent producers, then `flush()`; events/s is
// N over that time, and the store is checked afterwards (untimed) to hold N events and N in its month
// roll-ups. The baseline, on the same database in the same run: the same rows, priced ahead, into the
// events table alone with one multi-row INSERT per batch, a transaction each. Beside it, against the
// same baseline: the same rows plus the roll-up upserts metering keeps, written by hand (what the
// roll-ups cost, apart from metering's own overhead), and, with BENCH_DIRECT=1, the store's
// `recordBatch` fed the same records directly (metering's validation and pricing left out).
// Target: ≥ 10 000 events/s persisted on PostgreSQL. Then `check(customerId, feature)` warm, over
// 1 000 customers with quotas, against a Map.get of a ready answer; target: median ≤ 50 µs. And the
// process's peak RSS. Targets are printed pass or miss, never thrown.
//
// Timing is bench-kit's (tinybench): every writer gets RUNS timed runs, each one `timeBatches` call
// whose untimed `beforeRun` empties the usage tables; the runs of a figure and its baseline alternate
// (run i of each is measured side by side), after one untimed warm-up pass of each writer.
//
// Run: `pnpm bench` in packages/metering (the root `pnpm bench` runs it too). Environment:
//   BENCH_RUNS         timed runs per figure (bench-kit; at least 5)
//   BENCH_EVENTS       events per run (default 20000)
//   BENCH_BATCH_SIZES  metering's batch.size, and the baselines' rows per INSERT (default 1000,
//                      metering's own default; say 500,1000 to compare sizes: each adds a minute)
//   BENCH_STORES       stores to measure (default postgres,sqlite); PostgreSQL is skipped, with the
//                      reason in the report, when the server does not answer
//   BENCH_DIRECT=1     also time store.metering.recordBatch without metering in front
//   BILLKIT_BENCH_POSTGRES_URL, else BILLKIT_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/test
// Each run uses a throwaway PostgreSQL schema and a SQLite file in a temporary directory, both
// removed at the end, also on failure and on Ctrl-C (a directory left by a run killed mid-SQLite is
// removed by the next run).

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Figure, peakRssMb, publish, RUNS, timeBatches, timeRuns } from '@billkit/bench-kit';
import type { UsageEventRecord } from '@billkit/core';
import { DEFAULT_TABLE_PREFIX, postgresStore, type SqlBillingStore, sqliteStore } from '@billkit/store-sql';
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
const BATCH_SIZES = listOf('BENCH_BATCH_SIZES', '1000').map((size) =>
  positiveInteger('BENCH_BATCH_SIZES', 0, size),
);
const DIRECT = process.env.BENCH_DIRECT === '1';
/** Events of the untimed warm-up pass of each writer. */
const WARMUP_EVENTS = Math.min(2_000, EVENTS);
const PRODUCERS = 8;
const INTERVAL_MS = 1000;
const MAX_BUFFERED = 10_000;
const TARGET_EVENTS_PER_S = 10_000;
const CHECK_TARGET_US = 50;
const QUOTA_CUSTOMERS = 1_000;
const PREFIX = DEFAULT_TABLE_PREFIX;
const USAGE_TABLES = ['usage_events', 'usage_rollups'];
const ALL_TIME = { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') };

const priceBook = defaultPriceBook();

/** One store under test, with the raw connection its baselines write through. */
interface Subject {
  /** For figure ids: `postgres` or `sqlite`. */
  id: string;
  name: 'PostgreSQL' | 'SQLite';
  store: SqlBillingStore;
  baseline: BaselineTarget;
  /** Empties the usage tables (before each run, untimed). */
  clear(): Promise<void>;
}

/** The events of one run, in the shapes the writers take, cut into batches of one size. */
interface Workload {
  inputs: UsageInput[];
  rowBatches: EventRow[][];
  recordBatches: UsageEventRecord[][];
}

/** One way of persisting a workload: `prepare` and `verify` are untimed, `write` is the timed run. */
interface Writer {
  /** For figure ids. */
  kind: 'metering' | 'direct' | 'by-hand' | 'insert';
  name: string;
  prepare(): Promise<void>;
  /** Persists the workload; answers the events it persisted. */
  write(work: Workload): Promise<number>;
  /** Throws unless the store holds what `write` persisted. */
  verify(work: Workload): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Throughput

function workload(inputs: UsageInput[], rows: EventRow[], batch: number): Workload {
  return { inputs, rowBatches: inBatches(rows, batch), recordBatches: inBatches(rows.map(recordOf), batch) };
}

/** The writers of one store and batch size; the last one, the multi-row INSERT, is the baseline. */
function writers(subject: Subject, batch: number): Writer[] {
  let metering: Metering | null = null;
  /** The batches metering handed to the store in its last run. */
  let writes = 0;
  const meteringWriter: Writer = {
    kind: 'metering',
    name: 'metering.record + flush()',
    prepare: async () => {
      await subject.clear();
      writes = 0;
      metering = createMetering({
        store: countingWrites(subject.store, () => writes++),
        priceBook,
        batch: { size: batch, intervalMs: INTERVAL_MS, maxBuffered: MAX_BUFFERED },
      });
    },
    write: async (work) => {
      await recordConcurrently(metering!, work.inputs);
      await metering!.flush();
      return metering!.stats().stored;
    },
    verify: async (work) => {
      await metering!.close();
      const { stored, duplicates } = metering!.stats();
      metering = null;
      if (stored !== work.inputs.length || duplicates !== 0)
        throw new Error(
          `metering stored ${stored} events and ${duplicates} duplicates of ${work.inputs.length}`,
        );
      await verifyStored(subject, work.inputs.length, true);
      lastMeteringWrites.set(`${subject.id}-${batch}`, { writes, events: stored });
    },
  };
  const direct: Writer = {
    kind: 'direct',
    name: 'store.metering.recordBatch, no metering in front',
    prepare: () => subject.clear(),
    write: async (work) => {
      let stored = 0;
      for (const events of work.recordBatches)
        stored += (await subject.store.metering.recordBatch(events)).stored.length;
      return stored;
    },
    verify: (work) => verifyStored(subject, work.inputs.length, true),
  };
  const byHand: Writer = {
    kind: 'by-hand',
    name: 'events + roll-up upserts by hand',
    prepare: () => subject.clear(),
    write: async (work) => {
      for (const events of work.rowBatches) await insertEventsAndRollups(subject.baseline, PREFIX, events);
      return work.inputs.length;
    },
    verify: (work) => verifyStored(subject, work.inputs.length, true),
  };
  const insert: Writer = {
    kind: 'insert',
    name: 'multi-row INSERT, events table only',
    prepare: () => subject.clear(),
    write: async (work) => {
      for (const events of work.rowBatches) await insertEvents(subject.baseline, PREFIX, events);
      return work.inputs.length;
    },
    verify: (work) => verifyStored(subject, work.inputs.length, false),
  };
  return DIRECT ? [meteringWriter, direct, byHand, insert] : [meteringWriter, byHand, insert];
}

/** Store writes and events of metering's last verified run, by `${store}-${batch}`. */
const lastMeteringWrites = new Map<string, { writes: number; events: number }>();

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

/**
 * Events/s of each writer on one store and batch size, `RUNS` timed runs each, alternating writers
 * run by run, after one untimed warm-up pass of each on the first WARMUP_EVENTS events.
 */
async function measureIngest(
  subject: Subject,
  batch: number,
  inputs: UsageInput[],
  rows: EventRow[],
): Promise<Figure[]> {
  const list = writers(subject, batch);
  const warmup = workload(inputs.slice(0, WARMUP_EVENTS), rows.slice(0, WARMUP_EVENTS), batch);
  const work = workload(inputs, rows, batch);
  progress(`${subject.name}, batch ${batch}: warm-up`);
  for (const writer of list) {
    await writer.prepare();
    await writer.write(warmup);
    await writer.verify(warmup);
  }
  const perSecond = new Map(list.map((writer) => [writer, [] as number[]]));
  for (let run = 0; run < RUNS; run++) {
    for (const writer of list) {
      progress(`${subject.name}, batch ${batch}: run ${run + 1}/${RUNS}, ${writer.name}`);
      const timed = await timeBatches(`${writer.name} (${subject.name})`, () => writer.write(work), {
        runs: 1,
        beforeRun: async () => {
          // SQLite's driver is synchronous, so a run never returns to the event loop: a Ctrl-C is
          // let through between runs (tsx kills a child that does not answer it within 60 ms, so
          // an interrupted SQLite run may leave its directory: the next run removes it).
          await new Promise((resolve) => setImmediate(resolve));
          await writer.prepare();
        },
      });
      await writer.verify(work);
      perSecond.get(writer)!.push(...timed.perSecond);
    }
  }
  const where = BATCH_SIZES.length > 1 ? `${subject.name}, batch ${batch}` : subject.name;
  const idOf = (writer: Writer) => `${subject.id}-${writer.kind}-${batch}`;
  const baseline = list.at(-1)!;
  return list.map((writer): Figure => {
    const figure: Figure = {
      id: idOf(writer),
      name: `${writer.name} (${where})`,
      unit: 'events/s',
      better: 'higher',
      runs: perSecond.get(writer)!,
    };
    if (writer === baseline) return figure;
    figure.baseline = idOf(baseline);
    if (writer.kind === 'metering') {
      const written = lastMeteringWrites.get(`${subject.id}-${batch}`);
      if (written)
        figure.note = `${written.writes} store writes of ${Math.round(written.events / written.writes)} events on average`;
      if (subject.name === 'PostgreSQL')
        figure.target = {
          on: 'value',
          atLeast: TARGET_EVENTS_PER_S,
          text: 'metering ≥ 10,000 events/s on PostgreSQL',
        };
    }
    return figure;
  });
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

/**
 * The median time of a warm `check` in each of `RUNS` runs of a second, alternating with a Map.get
 * of a ready answer. A warm check answers from memory (its counters refresh from the store once a
 * minute, in the background), so one store is enough: the first one measured.
 */
async function measureCheck(subject: Subject): Promise<Figure[]> {
  progress(`${subject.name}: check, warming ${QUOTA_CUSTOMERS} counters`);
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
    // This month's usage, then one cold check per customer (plan lookup, roll-up read) to warm it,
    // then every answer checked.
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
    for (const customerId of customers) await metering.check(customerId, 'ai_review');
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
    const checkUs: number[] = [];
    const mapGetUs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      progress(`${subject.name}: check, run ${run + 1}/${RUNS}`);
      const check = await timeRuns(
        'metering.check',
        async () => {
          await metering.check(customer(), 'ai_review');
        },
        { runs: 1, time: 1_000 },
      );
      const mapGet = await timeRuns('Map.get', async () => answers.get(customer()), { runs: 1, time: 1_000 });
      checkUs.push(check.p50Ms[0]! * 1000);
      mapGetUs.push(mapGet.p50Ms[0]! * 1000);
    }
    return [
      {
        id: 'map-get',
        name: 'Map.get of a ready answer',
        unit: 'µs',
        better: 'lower',
        runs: mapGetUs,
      },
      {
        id: 'check',
        name: `metering.check, warm (on ${subject.name})`,
        unit: 'µs',
        better: 'lower',
        runs: checkUs,
        baseline: 'map-get',
        target: { on: 'value', atMost: CHECK_TARGET_US, text: `warm check ≤ ${CHECK_TARGET_US} µs (median)` },
        note: `median call of each run, rotating over ${QUOTA_CUSTOMERS.toLocaleString('en-AU')} customers with quotas`,
      },
    ];
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

/** PostgreSQL in a schema of its own, or why it is skipped. */
async function postgresSubject(): Promise<{ subject: Subject; version: string } | { skipped: string }> {
  const server = await connectServer();
  if ('unreachable' in server) return { skipped: server.unreachable };
  const { client } = server;
  cleanups.push(() => client.end());
  const leftovers = await leftoverSchemas(client);
  if (leftovers.length > 0)
    process.stdout.write(
      `note: schemas from an interrupted run are still there (drop schema ... cascade): ${leftovers.join(', ')}\n`,
    );
  const { rows } = await client.query<{ server_version: string }>('show server_version');
  const schema = await createSchema(client);
  cleanups.push(() => schema.drop());
  const store = postgresStore({ pool: schema.pool, tablePrefix: PREFIX });
  cleanups.push(() => store.close());
  await store.migrate();
  const tables = USAGE_TABLES.map((table) => PREFIX + table).join(', ');
  return {
    version: rows[0]?.server_version ?? 'unknown',
    subject: {
      id: 'postgres',
      name: 'PostgreSQL',
      store,
      baseline: postgresTarget(schema.pool),
      clear: async () => {
        await schema.pool.query(`truncate ${tables}`);
      },
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
    id: 'sqlite',
    name: 'SQLite',
    store,
    baseline: sqliteTarget(raw),
    clear: async () => {
      for (const table of USAGE_TABLES) raw.exec(`delete from ${PREFIX}${table}`);
    },
  };
}

// ---------------------------------------------------------------------------------------------

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

async function main(): Promise<void> {
  const unknown = STORES.filter((name) => name !== 'postgres' && name !== 'sqlite');
  if (unknown.length > 0) throw new Error(`BENCH_STORES: unknown store ${unknown.join(', ')}`);
  const started = performance.now();
  const startRssMb = peakRssMb();
  const inputs = usageMix(EVENTS, new Date());
  const rows = eventRows(inputs, priceBook);
  const environment: Record<string, string> = {
    'Events per run': `${count(EVENTS)} (a mix of OpenAI chat, embeddings and address lookups over ~200 customers)`,
    'Batch size': `${BATCH_SIZES.map(count).join(', ')} (metering's batch.size; the baselines' rows per INSERT)`,
    Producers: `${PRODUCERS} concurrent callers of metering.record`,
    'Metering batching': `intervalMs ${INTERVAL_MS}, maxBuffered ${count(MAX_BUFFERED)}, default concurrency (2 writes in flight)`,
  };
  const skipped: string[] = [];
  const figures: Figure[] = [];
  let checkSubject: Subject | null = null;

  for (const name of ['postgres', 'sqlite'] as const) {
    const label = name === 'postgres' ? 'PostgreSQL' : 'SQLite';
    if (!STORES.includes(name)) {
      skipped.push(`${label}: left out by BENCH_STORES=${STORES.join(',')}`);
      continue;
    }
    let subject: Subject;
    if (name === 'postgres') {
      const opened = await postgresSubject();
      if ('skipped' in opened) {
        process.stdout.write(`PostgreSQL skipped: ${opened.skipped}\n`);
        skipped.push(`PostgreSQL: ${opened.skipped}`);
        continue;
      }
      subject = opened.subject;
      environment.PostgreSQL = `${opened.version} (server defaults; a pool of 10, in a throwaway schema)`;
    } else {
      subject = await sqliteSubject();
      environment.SQLite = 'a file in a temporary directory, WAL, default synchronous (better-sqlite3)';
    }
    for (const batch of BATCH_SIZES) figures.push(...(await measureIngest(subject, batch, inputs, rows)));
    checkSubject ??= subject;
  }
  // The high-water mark after the ingest runs: the checks' runs after it add tinybench's samples
  // of a few million calls, which say nothing about metering's memory.
  const ingestRssMb = peakRssMb();
  if (checkSubject) figures.push(...(await measureCheck(checkSubject)));
  figures.push({
    id: 'rss',
    name: 'peak RSS of the benchmark process, through the ingest runs',
    unit: 'MB',
    better: 'lower',
    runs: [ingestRssMb],
    note: `${startRssMb.toFixed(0)} MB at start (Node, tsx, the imported modules), ${peakRssMb().toFixed(0)} MB at the end (the check runs' tinybench samples included); the ${count(EVENTS)} prepared events and the baselines' SQL included, the database's memory not`,
  });

  publish({
    title: 'Metering',
    package: '@billkit/metering',
    description:
      `Usage events persisted per second through metering.record (${PRODUCERS} concurrent producers) then flush(), ` +
      'on PostgreSQL and a SQLite file, each against the same rows written by hand into the events table with ' +
      'one multi-row INSERT per batch (a transaction each) on the same database; and the time of a warm quota ' +
      'check against a Map.get of a ready answer.',
    environment,
    figures,
    skipped,
    notes: [
      `Every timed run starts from empty usage tables (emptied untimed) and is checked afterwards to have stored all ${count(EVENTS)} events (and, where roll-ups are written, to count them all in the month roll-ups).`,
      'metering writes an event row plus its roll-ups per minute, hour, day and month (upserts): "events + roll-up upserts by hand" is that same work as plain SQL, so its ratio to the INSERT shows what the roll-ups cost, and metering over it shows its own overhead.',
      'The baselines write one batch at a time; metering keeps up to 2 batches in flight (its default concurrency).',
      `Ran in ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    ],
  });
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
