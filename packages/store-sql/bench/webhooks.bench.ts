// Webhooks: verified events applied per second, and the p99 time of one delivery, through the real
// route (`createWebhookHandler` from @billkit/webhooks: verify the signature, record in the inbox,
// claim, `billing.sync.applyEvent` reading the simulator, complete) on the memory store, a SQLite
// file and PostgreSQL (a throwaway schema, dropped at the end). The events are the real ones of most
// of a year of four subscribers on @billkit/stripe-sim (see history.ts), delivered one at a time in
// order. Each database's baseline, measured in the same run, is what a careful host does at the
// least: verify the signature, parse the JSON and INSERT the event (id, type, payload) into a plain
// table with the raw driver (better-sqlite3, pg); the memory store's is verify + parse alone.
// Every timed run starts from an empty store (events are an ordered stream: a repeat would be a
// duplicate), after one untimed warm-up pass; the runs of a figure and its baseline alternate.
// Run: `pnpm bench` in packages/store-sql (this script, then access.bench.ts).

import { type Figure, peakRssMb, publish, RUNS, type TimedRuns, timeRuns } from '@billkit/bench-kit';
import { type BillingStore, memoryStore } from '@billkit/core';
import { createWebhookHandler, type WebhookHandler } from '@billkit/webhooks';
import Stripe from 'stripe';
import { openPostgres, openSqlite } from './databases.js';
import { engine, yearOfSubscribers } from './history.js';

const SECRET = 'whsec_bench_store_sql';
const started = performance.now();

const history = await yearOfSubscribers();
const EVENTS = history.payloads.length;

function signed(payload: string): Request {
  return new Request('http://localhost/webhooks/stripe', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
    },
    body: payload,
  });
}

/** The baselines' first step: the body, its signature checked, parsed. */
async function verifyAndParse(request: Request): Promise<{ body: string; event: Stripe.Event }> {
  const body = await request.text();
  const event = await Stripe.webhooks.constructEventAsync(
    body,
    request.headers.get('stripe-signature')!,
    SECRET,
  );
  return { body, event };
}

/** One way of receiving the events: `fresh` empties its storage (untimed), `deliver` takes one event. */
interface Receiver {
  name: string;
  fresh: () => Promise<void> | void;
  deliver: (request: Request) => Promise<void>;
  /** Whether the storage holds this event (to check that `fresh` empties it). */
  holds: (eventId: string) => Promise<boolean> | boolean;
}

/**
 * The webhook route on a store that `emptyStore` hands back empty before each run, with a new engine
 * each time; every delivery must be answered 200 (a failed application is answered 500).
 */
function route(name: string, emptyStore: () => Promise<BillingStore> | BillingStore): Receiver {
  let store: BillingStore | undefined;
  let handler: WebhookHandler | undefined;
  return {
    name,
    fresh: async () => {
      store = await emptyStore();
      handler = createWebhookHandler({ billing: engine(history.sim, store), secret: SECRET });
    },
    deliver: async (request) => {
      const response = await handler!(request);
      if (response.status !== 200) {
        throw new Error(`${name}: a delivery was answered ${response.status}: ${await response.text()}`);
      }
    },
    holds: async (eventId) => (await store!.webhookEvents.get(eventId)) !== null,
  };
}

/** Delivers every event once, untimed, then checks that `fresh` empties the storage. */
async function warmUp(receiver: Receiver): Promise<void> {
  await receiver.fresh();
  for (const payload of history.payloads) await receiver.deliver(signed(payload));
  const firstId = (JSON.parse(history.payloads[0]!) as Stripe.Event).id;
  if (!(await receiver.holds(firstId))) throw new Error(`${receiver.name}: the events were not kept`);
  await receiver.fresh();
  if (await receiver.holds(firstId)) throw new Error(`${receiver.name}: fresh() left the events`);
}

/**
 * RUNS timed runs of each receiver, alternating (run i of each is measured side by side): before
 * each, an empty store and freshly signed requests; then one call per event, in order.
 */
async function measure(receivers: Receiver[]): Promise<TimedRuns[]> {
  const results = receivers.map(
    (): TimedRuns => ({ perSecond: [], meanMs: [], p50Ms: [], p99Ms: [], calls: [] }),
  );
  for (let run = 0; run < RUNS; run++) {
    for (const [i, receiver] of receivers.entries()) {
      let requests: Request[] = [];
      let next = 0;
      // An `async` function: tinybench calls any other once when it is added, to see whether it is
      // async, which would deliver an event outside the run.
      const deliverNext = async () => {
        await receiver.deliver(requests[next++]!);
      };
      const timed = await timeRuns(receiver.name, deliverNext, {
        runs: 1,
        time: 0,
        iterations: EVENTS,
        warmup: 'none',
        beforeRun: async () => {
          await receiver.fresh();
          requests = history.payloads.map(signed);
          next = 0;
        },
      });
      if (timed.calls[0] !== EVENTS)
        throw new Error(`${receiver.name}: ${timed.calls[0]} of ${EVENTS} calls`);
      for (const key of ['perSecond', 'meanMs', 'p50Ms', 'p99Ms', 'calls'] as const) {
        results[i]![key].push(...timed[key]);
      }
    }
  }
  return results;
}

const figures: Figure[] = [];
const skipped: string[] = [];
const environment: Record<string, string> = {
  Events: `${EVENTS} (four subscribers, January to October: signup, upgrade, failed renewal and recovery, refund, cancellation)`,
};

/** The rate and p99 figures of a receiver, the second pair measured against the first. */
function addFigures(
  ids: { raw: string; store: string },
  names: { raw: string; store: string },
  [raw, store]: TimedRuns[],
  target?: Figure['target'],
): void {
  figures.push(
    { id: ids.raw, name: names.raw, unit: 'events/s', better: 'higher', runs: raw!.perSecond },
    {
      id: ids.store,
      name: names.store,
      unit: 'events/s',
      better: 'higher',
      runs: store!.perSecond,
      baseline: ids.raw,
      ...(target ? { target } : {}),
    },
    { id: `${ids.raw}-p99`, name: `${names.raw}, p99`, unit: 'ms', better: 'lower', runs: raw!.p99Ms },
    {
      id: `${ids.store}-p99`,
      name: `${names.store}, p99`,
      unit: 'ms',
      better: 'lower',
      runs: store!.p99Ms,
      baseline: `${ids.raw}-p99`,
    },
  );
}

// --- memory store -------------------------------------------------------------------------------

{
  const parseOnly: Receiver = {
    name: 'verify + parse',
    fresh: () => {},
    deliver: async (request) => {
      await verifyAndParse(request);
    },
    holds: () => false,
  };
  const memory = route('webhook route, memory store', () => memoryStore());
  for (const payload of history.payloads) await parseOnly.deliver(signed(payload)); // its warm-up
  await warmUp(memory);
  addFigures(
    { raw: 'memory-raw', store: 'memory' },
    { raw: 'verify signature + parse JSON', store: 'webhook route, memory store' },
    await measure([parseOnly, memory]),
  );
}

// --- SQLite file ---------------------------------------------------------------------------------

const PLAIN_EVENTS =
  'create table plain_webhook_events (event_id text primary key, type text not null, payload text not null)';

{
  const sqlite = await openSqlite();
  try {
    environment.SQLite = `${sqlite.version} (a file in WAL mode)`;
    sqlite.raw.exec(PLAIN_EVENTS);
    const insert = sqlite.raw.prepare(
      'insert into plain_webhook_events (event_id, type, payload) values (?, ?, ?)',
    );
    const held = sqlite.raw.prepare('select 1 from plain_webhook_events where event_id = ?');
    const raw: Receiver = {
      name: 'verify + parse + raw INSERT, SQLite',
      fresh: () => {
        sqlite.raw.exec('delete from plain_webhook_events');
      },
      deliver: async (request) => {
        const { body, event } = await verifyAndParse(request);
        insert.run(event.id, event.type, body);
      },
      holds: (eventId) => held.get(eventId) !== undefined,
    };
    const store = route('webhook route, SQLite file', () => {
      sqlite.emptyStore();
      return sqlite.store;
    });
    await warmUp(raw);
    await warmUp(store);
    addFigures(
      { raw: 'sqlite-raw', store: 'sqlite' },
      { raw: 'verify + parse + raw INSERT, SQLite', store: 'webhook route, SQLite file' },
      await measure([raw, store]),
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
      environment.PostgreSQL = `${postgres.version} (server defaults: ${postgres.settings})`;
      const { pool } = postgres;
      await pool.query(PLAIN_EVENTS);
      const raw: Receiver = {
        name: 'verify + parse + raw INSERT, PostgreSQL',
        fresh: async () => {
          await pool.query('truncate table plain_webhook_events');
        },
        deliver: async (request) => {
          const { body, event } = await verifyAndParse(request);
          await pool.query('insert into plain_webhook_events (event_id, type, payload) values ($1, $2, $3)', [
            event.id,
            event.type,
            body,
          ]);
        },
        holds: async (eventId) =>
          (await pool.query('select 1 from plain_webhook_events where event_id = $1', [eventId])).rowCount ===
          1,
      };
      const store = route('webhook route, PostgreSQL', async () => {
        await postgres.emptyStore();
        return postgres.store;
      });
      await warmUp(raw);
      await warmUp(store);
      addFigures(
        { raw: 'postgres-raw', store: 'postgres' },
        { raw: 'verify + parse + raw INSERT, PostgreSQL', store: 'webhook route, PostgreSQL' },
        await measure([raw, store]),
        { on: 'ratio', atLeast: 0.5, text: 'webhook apply ≥ 50 % of the raw baseline on PostgreSQL' },
      );
    } finally {
      await postgres.drop();
    }
  }
}

figures.push({
  id: 'peak-rss',
  name: 'peak RSS of this benchmark process',
  unit: 'MB',
  better: 'lower',
  runs: [peakRssMb()],
});

publish({
  title: 'Webhooks',
  package: '@billkit/store-sql',
  description:
    'Verified Stripe events applied per second and the p99 time of one delivery, through the real webhook route ' +
    '(verify, inbox, apply reading the simulator, complete), one event at a time in order, from an empty store ' +
    'each run; against verify + parse + one raw INSERT of the event on the same database with its driver ' +
    '(verify + parse alone for the memory store).',
  environment,
  figures,
  skipped,
  notes: [
    `${RUNS} runs of ${EVENTS} events per figure, each from an empty store, after one untimed warm-up pass; a figure's runs alternate with its baseline's.`,
    `Script time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  ],
});
