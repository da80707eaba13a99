// Stripe simulator: requests per second through the official `stripe` client, the floor that later
// benchmarks of Billkit stand on. Requests are made one at a time, in-process (the client's fetch
// handed to the simulator) and over loopback HTTP (`sim.listen`), for two scenarios: one
// customers.create, and a signup as Billkit makes it (customer, card, A$10/month subscription: three
// requests). Each is measured against a baseline from the same run on the same transport: the same
// client doing a round trip to a handler that answers a canned customer without looking at the
// request, so the ratio says what the simulator itself costs. Timed with tinybench through
// @billkit/bench-kit: RUNS timed runs of about a second per figure, every figure's run i measured
// side by side; each run of a scenario starts on a fresh simulator (untimed), so none pays for the
// objects an earlier one left behind. About 40 s with five runs.
// Run: `pnpm bench` in packages/stripe-sim (BENCH_RUNS=N for more runs; the root `pnpm bench` collects it).

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Figure, publish, RUNS, type TimedRuns, timeRuns } from '@billkit/bench-kit';
import Stripe from 'stripe';
import { createStripeSim } from '../src/index.js';

const API_KEY = 'sk_test_billkit_bench';
const CANNED_CUSTOMER = '{"id":"cus_x","object":"customer"}';
/** Time budget of one timed run, in ms. */
const RUN_MS = 1_000;

type Transport = 'in-process' | 'http';

/** A `stripe` client and how to shut down what answers it. */
interface Endpoint {
  stripe: Stripe;
  close: () => Promise<void>;
}

/** One timed operation: `requests` API calls made with `stripe`. */
interface Scenario {
  id: string;
  name: string;
  requests: number;
  /** Untimed setup; returns the operation to time. */
  prepare(stripe: Stripe): Promise<() => Promise<unknown>>;
}

const noOpRoundTrip: Scenario = {
  id: 'noop',
  name: 'baseline: no-op round trip',
  requests: 1,
  prepare: async (stripe) => () => stripe.customers.create({ email: 'ada@example.com' }),
};

const createCustomer: Scenario = {
  id: 'create',
  name: 'customers.create',
  requests: 1,
  prepare: async (stripe) => () =>
    stripe.customers.create({
      email: 'ada@example.com',
      name: 'Ada',
      address: { country: 'AU', city: 'Sydney', postal_code: '2000' },
    }),
};

/** A signup as Billkit makes it: the customer, their card, then the A$10/month subscription. */
const signup: Scenario = {
  id: 'signup',
  name: 'signup: customer + card + subscription',
  requests: 3,
  prepare: async (stripe) => {
    const product = await stripe.products.create({ name: 'Pro' });
    const price = await stripe.prices.create({
      product: product.id,
      unit_amount: 1000,
      currency: 'aud',
      recurring: { interval: 'month' },
      tax_behavior: 'inclusive',
    });
    return async () => {
      const customer = await stripe.customers.create({ email: 'ada@example.com' });
      const card = await stripe.paymentMethods.attach('pm_card_au', { customer: customer.id });
      await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        default_payment_method: card.id,
      });
    };
  },
};

/** The baseline's endpoint: the same client against a handler that answers a canned customer. */
async function noOpEndpoint(transport: Transport): Promise<Endpoint> {
  if (transport === 'in-process') {
    const stripe = new Stripe(API_KEY, {
      httpClient: Stripe.createFetchHttpClient(
        async () => new Response(CANNED_CUSTOMER, { headers: { 'content-type': 'application/json' } }),
      ),
    });
    return { stripe, close: async () => {} };
  }
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(CANNED_CUSTOMER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    stripe: new Stripe(API_KEY, { host: '127.0.0.1', port, protocol: 'http' }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A fresh simulator, in-process or listening on a loopback port. */
async function simEndpoint(transport: Transport): Promise<Endpoint> {
  const sim = createStripeSim({ apiKeys: [API_KEY] });
  if (transport === 'in-process') return { stripe: sim.stripe, close: async () => {} };
  const server = await sim.listen(0);
  return { stripe: server.stripe, close: () => server.close() };
}

interface Task {
  id: string;
  name: string;
  transport: Transport;
  scenario: Scenario;
  open: (transport: Transport) => Promise<Endpoint>;
}

const tasks: Task[] = [];
for (const transport of ['in-process', 'http'] as const) {
  for (const scenario of [noOpRoundTrip, createCustomer, signup]) {
    tasks.push({
      id: `${transport}-${scenario.id}`,
      name: `${scenario.name} (${transport})`,
      transport,
      scenario,
      open: scenario === noOpRoundTrip ? noOpEndpoint : simEndpoint,
    });
  }
}

/** One timed run of a task on a fresh endpoint (setup and warm-up untimed). */
async function timeOnce(task: Task): Promise<TimedRuns> {
  const endpoint = await task.open(task.transport);
  try {
    const operation = await task.scenario.prepare(endpoint.stripe);
    return await timeRuns(task.name, operation, {
      runs: 1,
      time: RUN_MS,
      unitsPerCall: task.scenario.requests,
    });
  } finally {
    await endpoint.close();
  }
}

// A scenario the simulator cannot run (yet) is skipped, not fatal: try each once, untimed.
const skipped: string[] = [];
const runnable: Task[] = [];
for (const task of tasks) {
  const endpoint = await task.open(task.transport);
  try {
    await (await task.scenario.prepare(endpoint.stripe))();
    runnable.push(task);
  } catch (error) {
    skipped.push(`${task.name}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await endpoint.close();
  }
}

// RUNS rounds; each times every task once, so run i of a scenario and of its baseline are side by side.
const rates = new Map<Task, number[]>(runnable.map((task) => [task, []]));
for (let run = 0; run < RUNS; run++) {
  for (const task of runnable) {
    const timed = await timeOnce(task);
    rates.get(task)!.push(...timed.perSecond);
  }
}

const figures: Figure[] = runnable.map((task) => {
  const baseline = `${task.transport}-${noOpRoundTrip.id}`;
  const hasBaseline = task.scenario !== noOpRoundTrip && runnable.some((each) => each.id === baseline);
  return {
    id: task.id,
    name: task.name,
    unit: 'requests/s',
    better: 'higher',
    runs: rates.get(task)!,
    ...(hasBaseline ? { baseline } : {}),
    ...(task.scenario.requests > 1 ? { note: `${task.scenario.requests} requests per signup` } : {}),
  };
});

publish({
  title: 'Stripe simulator',
  package: '@billkit/stripe-sim',
  description:
    'Requests per second through the official `stripe` client, one at a time, to @billkit/stripe-sim ' +
    'in-process and over loopback HTTP, each against the same client round trip to a no-op handler ' +
    'on the same transport, measured in the same run.',
  figures,
  ...(skipped.length > 0 ? { skipped } : {}),
  notes: [
    'Each timed run of a scenario starts on a fresh simulator; a signup is three requests (customer, card, subscription).',
  ],
});
