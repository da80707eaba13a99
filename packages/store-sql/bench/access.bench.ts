// access.check: `billing.access.check(userId)` per second (the question a host asks on every
// request: may this user in, and why) over 1,000 users with an active subscription each, on SQLite
// (a file) and PostgreSQL (a throwaway schema, dropped at the end), and on the memory store. Each SQL
// store's baseline, measured in the same run, is the raw indexed SELECT a host would write: the same
// rows copied into a plain table indexed on user_id, `select * ... where user_id = ? order by
// created_at desc`, through the same driver (better-sqlite3, pg). Users are asked in the same
// scattered order by both; the runs of a figure and its baseline alternate.
// Run: `pnpm bench` in packages/store-sql (after webhooks.bench.ts).

import { type Figure, publish, RUNS, type TimedRuns, timeRuns } from '@billkit/bench-kit';
import { type BillingStore, memoryStore } from '@billkit/core';
import { aSubscription } from '@billkit/core/testing';
import { createStripeSim } from '@billkit/stripe-sim';
import { openPostgres, openSqlite } from './databases.js';
import { engine } from './history.js';

const USERS = 1_000;
const users = Array.from({ length: USERS }, (_, i) => `user_${String(i).padStart(4, '0')}`);
/** Every user once per 1,000 calls, in a scattered order (7919 is prime, so coprime with 1,000). */
const userAt = (call: number) => users[(call * 7919) % USERS]!;

// access.check reads the mirror only: the simulator is there because the engine needs a client.
const sim = createStripeSim({ now: new Date('2026-03-01T00:00:00Z') });

/** One active monthly subscription per user, written in one transaction. */
async function fill(store: BillingStore): Promise<void> {
  await store.transaction(async (session) => {
    for (const [i, userId] of users.entries()) {
      const start = new Date(Date.UTC(2026, 1, 1 + (i % 28)));
      await session.subscriptions.upsert(
        aSubscription({
          userId,
          planId: i % 3 === 0 ? 'business' : 'pro',
          amount: i % 3 === 0 ? 2000 : 1000,
          currentPeriodStart: start,
          currentPeriodEnd: new Date(Date.UTC(2026, 2, 1 + (i % 28))),
          createdAt: start,
          updatedAt: start,
        }),
      );
    }
  });
}

/** `access.check` through a new engine on `store`: every user must be let in. */
function checkOn(store: BillingStore) {
  const billing = engine(sim, store);
  let call = 0;
  return async () => {
    const decision = await billing.access.check(userAt(call++));
    if (!decision.allowed) throw new Error(`access.check refused: ${decision.reason}`);
  };
}

interface Task {
  name: string;
  /** An `async` function: tinybench calls any other once when it is added, to see what it is. */
  fn: () => Promise<void>;
}

/** RUNS timed runs (about half a second each) of each task, alternating: run i of each side by side. */
async function measure(tasks: Task[]): Promise<TimedRuns[]> {
  const results = tasks.map(
    (): TimedRuns => ({ perSecond: [], meanMs: [], p50Ms: [], p99Ms: [], calls: [] }),
  );
  for (let run = 0; run < RUNS; run++) {
    for (const [i, task] of tasks.entries()) {
      const timed = await timeRuns(task.name, task.fn, {
        runs: 1,
        time: 500,
        warmup: run === 0 ? 'first' : 'none',
      });
      for (const key of ['perSecond', 'meanMs', 'p50Ms', 'p99Ms', 'calls'] as const) {
        results[i]![key].push(...timed[key]);
      }
    }
  }
  return results;
}

const TARGET = { on: 'ratio', atLeast: 0.5, text: 'access.check ≥ 50 % of the raw SELECT' } as const;
const figures: Figure[] = [];
const skipped: string[] = [];
const environment: Record<string, string> = {
  Users: `${USERS.toLocaleString('en-AU')}, one active subscription each`,
};
const started = performance.now();

/** The raw table: a copy of the store's rows, indexed on user_id. */
const PLAIN_SUBSCRIPTIONS = [
  'create table plain_subscriptions as select * from billkit_subscriptions',
  'create index plain_subscriptions_user_idx on plain_subscriptions (user_id)',
];
const RAW_SELECT = 'select * from plain_subscriptions where user_id = ? order by created_at desc';

// --- SQLite file ---------------------------------------------------------------------------------

{
  const sqlite = await openSqlite();
  try {
    environment.SQLite = `${sqlite.version} (a file in WAL mode)`;
    await fill(sqlite.store);
    for (const ddl of PLAIN_SUBSCRIPTIONS) sqlite.raw.exec(ddl);
    sqlite.raw.exec('analyze');
    const select = sqlite.raw.prepare(RAW_SELECT);
    let call = 0;
    const raw: Task = {
      name: 'raw SELECT, SQLite',
      fn: async () => {
        if (select.all(userAt(call++)).length !== 1) throw new Error('the raw SELECT found no row');
      },
    };
    const [rawRuns, storeRuns] = await measure([
      raw,
      { name: 'access.check, SQLite', fn: checkOn(sqlite.store) },
    ]);
    figures.push(
      {
        id: 'sqlite-raw',
        name: 'raw indexed SELECT, SQLite',
        unit: 'checks/s',
        better: 'higher',
        runs: rawRuns!.perSecond,
      },
      {
        id: 'sqlite',
        name: 'access.check, SQLite file',
        unit: 'checks/s',
        better: 'higher',
        runs: storeRuns!.perSecond,
        baseline: 'sqlite-raw',
        target: TARGET,
      },
    );
  } finally {
    await sqlite.close();
  }
}

// --- PostgreSQL ----------------------------------------------------------------------------------

{
  const postgres = await openPostgres();
  if ('skip' in postgres) skipped.push(`PostgreSQL: ${postgres.skip}`);
  else {
    try {
      environment.PostgreSQL = postgres.version;
      const { pool } = postgres;
      await fill(postgres.store);
      for (const ddl of PLAIN_SUBSCRIPTIONS) await pool.query(ddl);
      await pool.query('analyze');
      const select = RAW_SELECT.replace('?', '$1');
      let call = 0;
      const raw: Task = {
        name: 'raw SELECT, PostgreSQL',
        fn: async () => {
          const { rows } = await pool.query(select, [userAt(call++)]);
          if (rows.length !== 1) throw new Error('the raw SELECT found no row');
        },
      };
      const [rawRuns, storeRuns] = await measure([
        raw,
        { name: 'access.check, PostgreSQL', fn: checkOn(postgres.store) },
      ]);
      figures.push(
        {
          id: 'postgres-raw',
          name: 'raw indexed SELECT, PostgreSQL',
          unit: 'checks/s',
          better: 'higher',
          runs: rawRuns!.perSecond,
        },
        {
          id: 'postgres',
          name: 'access.check, PostgreSQL',
          unit: 'checks/s',
          better: 'higher',
          runs: storeRuns!.perSecond,
          baseline: 'postgres-raw',
          target: TARGET,
        },
      );
    } finally {
      await postgres.drop();
    }
  }
}

// --- memory store ---------------------------------------------------------------------------------

{
  const store = memoryStore();
  await fill(store);
  const [memoryRuns] = await measure([{ name: 'access.check, memory store', fn: checkOn(store) }]);
  figures.push({
    id: 'memory',
    name: 'access.check, memory store',
    unit: 'checks/s',
    better: 'higher',
    runs: memoryRuns!.perSecond,
    note: 'no raw baseline: the memory store is for tests and demos',
  });
}

publish({
  title: 'access.check',
  package: '@billkit/store-sql',
  description:
    'billing.access.check(userId) per second over 1,000 users with a subscription each, against a raw indexed ' +
    'SELECT of the same rows by user_id through the same driver on the same database.',
  environment,
  figures,
  skipped,
  notes: [
    `${RUNS} runs of about half a second per figure; a figure's runs alternate with its baseline's.`,
    `Script time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  ],
});
