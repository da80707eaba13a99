// Server overhead: what the HTTP layer costs per portal request. The same reads through
// `server.handler` (a Request in, routing, authentication, JSON out, the body read) and by calling
// the engine directly, on the memory store with a subscriber who has a year of invoices. Each
// request's engine figure is the baseline of its HTTP figure (the ratio is the share of the engine's
// rate the server keeps), and the overhead per request, in µs, is the HTTP mean minus the engine
// mean of the same run. Timed with tinybench through @billkit/bench-kit: RUNS timed runs of about a
// second per figure, engine and HTTP alternating so run i of each is measured side by side.
// Run: `pnpm bench` in packages/server (BENCH_RUNS=N for more runs; the root `pnpm bench` collects it).

import { type Figure, publish, RUNS, type TimedRuns, timeRuns } from '@billkit/bench-kit';
import { deliverWebhooksToServer, get, givenServer } from '../test/support/world.js';

const world = await givenServer();
// The year's events reach the engine through the server's own webhook route, as in production.
deliverWebhooksToServer(world);
await world.billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au', name: 'Jo Citizen' });
await world.billing.subscriptions.start({ userId: 'user_1', plan: 'pro', paymentMethodId: 'pm_card_au' });
for (let month = 0; month < 12; month++) {
  await world.sim.clock.advance({ months: 1 });
  await world.sim.webhooks.flush();
}

/** The portal's GET, answered 200 and its body read, as the browser would. */
async function portalGet(path: string): Promise<string> {
  const response = await world.handler(get(path));
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path} was answered ${response.status}: ${body}`);
  return body;
}

interface Pair {
  id: string;
  name: string;
  engine: () => Promise<unknown>;
  http: () => Promise<unknown>;
}

const pairs: Pair[] = [
  {
    id: 'access',
    name: 'access',
    engine: () => world.billing.access.check('user_1'),
    http: () => portalGet('/access'),
  },
  {
    id: 'invoices',
    name: 'invoices (first page)',
    engine: () => world.billing.invoices.list('user_1'),
    http: () => portalGet('/invoices'),
  },
];

// The reads must find the subscriber's year before they are timed.
const invoices = await world.billing.invoices.list('user_1');
if (invoices.items.length < 10)
  throw new Error(`expected a year of invoices, found ${invoices.items.length}`);
const access = JSON.parse(await portalGet('/access')) as { access: unknown };
if (!access.access) throw new Error('GET /access answered without access');

const emptyRuns = (): TimedRuns => ({ perSecond: [], meanMs: [], p50Ms: [], p99Ms: [], calls: [] });

/** RUNS timed runs of the engine call and of the HTTP request, alternating; warmed up before the first. */
async function measure(pair: Pair): Promise<{ engine: TimedRuns; http: TimedRuns }> {
  const result = { engine: emptyRuns(), http: emptyRuns() };
  for (let run = 0; run < RUNS; run++) {
    for (const side of ['engine', 'http'] as const) {
      const timed = await timeRuns(`${pair.name}: ${side}`, pair[side], {
        runs: 1,
        time: 1_000,
        warmup: run === 0 ? 'first' : 'none',
      });
      for (const key of ['perSecond', 'meanMs', 'p50Ms', 'p99Ms', 'calls'] as const) {
        result[side][key].push(...timed[key]);
      }
    }
  }
  return result;
}

const figures: Figure[] = [];
const notes: string[] = [];
for (const pair of pairs) {
  const { engine, http } = await measure(pair);
  // A figure's values cannot be negative: a run where noise made HTTP faster than the engine counts 0.
  const overheadUs = http.meanMs.map((ms, run) => (ms - engine.meanMs[run]!) * 1000);
  const belowZero = overheadUs.filter((us) => us < 0).length;
  if (belowZero > 0) {
    notes.push(`${pair.name}: ${belowZero} run(s) measured HTTP faster than the engine; counted as 0 µs.`);
  }
  figures.push(
    {
      id: `${pair.id}-engine`,
      name: `${pair.name}: engine direct`,
      unit: 'req/s',
      better: 'higher',
      runs: engine.perSecond,
    },
    {
      id: `${pair.id}-http`,
      name: `${pair.name}: HTTP (server.handler)`,
      unit: 'req/s',
      better: 'higher',
      runs: http.perSecond,
      baseline: `${pair.id}-engine`,
    },
    {
      id: `${pair.id}-overhead`,
      name: `${pair.name}: overhead per request`,
      unit: 'µs',
      better: 'lower',
      runs: overheadUs.map((us) => Math.max(0, us)),
      note: 'HTTP mean − engine mean, per run',
    },
  );
}

publish({
  title: 'Server overhead',
  package: '@billkit/server',
  description:
    'Portal reads per second through `server.handler` (a Fetch Request in, routing, authentication, ' +
    'JSON out, body read) against the same read calling the engine directly in the same run, on the ' +
    'memory store with one subscriber holding a year of invoices; and the difference per request in µs.',
  environment: { Store: 'memory', Invoices: `${invoices.items.length} on the first page` },
  figures,
  notes: [
    'Requests are made one at a time; engine and HTTP runs alternate, so each overhead value pairs run i of both.',
    ...notes,
  ],
});
