// Simulator throughput through the official `stripe` client (`pnpm bench` in this package): the floor
// that later benchmarks of Billkit stand on. Requests are made one at a time, in-process and over
// loopback HTTP, and compared with a baseline measured in the same run: the same client doing a
// round trip to a handler that does nothing, so the ratios say what the simulator itself costs.
// Bounded: every scenario stops after ITERATIONS operations or MAX_SECONDS, whichever comes first.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import Stripe from 'stripe';
import { createStripeSim, type StripeSim } from '../src/index.js';

const ITERATIONS = 2000;
const WARMUP = 50;
const MAX_SECONDS = 2.5;
const API_KEY = 'sk_test_billkit_bench';
const CANNED_CUSTOMER = '{"id":"cus_x","object":"customer"}';

type Transport = 'in-process' | 'http';

/** One timed operation: `requests` API calls made with `stripe`. */
interface Scenario {
  name: string;
  requests: number;
  /** Returns the operation to time; throws if the simulator cannot run it (yet). */
  prepare(stripe: Stripe): Promise<() => Promise<unknown>>;
}

interface Measurement {
  scenario: string;
  transport: Transport;
  requestsPerOp: number;
  ops: number;
  seconds: number;
  error?: string;
}

const noOpCustomer: Scenario = {
  name: 'baseline: no-op round trip',
  requests: 1,
  prepare: async (stripe) => () => stripe.customers.create({ email: 'ada@example.com' }),
};

const createCustomer: Scenario = {
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
const createCustomerAndSubscription: Scenario = {
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

await main();

async function main(): Promise<void> {
  console.log('@billkit/stripe-sim throughput: sequential requests through the official stripe client');
  console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);
  console.log(
    `Up to ${ITERATIONS} operations or ${MAX_SECONDS} s per row, after ${WARMUP} warm-up operations\n`,
  );

  const results: Measurement[] = [];
  for (const transport of ['in-process', 'http'] as const) {
    results.push(await measureBaseline(transport));
    for (const scenario of [createCustomer, createCustomerAndSubscription]) {
      results.push(await measureOnSimulator(scenario, transport));
    }
  }
  printTable(results);
}

/** The same client against a handler that answers a canned customer without looking at the request. */
async function measureBaseline(transport: Transport): Promise<Measurement> {
  if (transport === 'in-process') {
    const stripe = new Stripe(API_KEY, {
      httpClient: Stripe.createFetchHttpClient(
        async () => new Response(CANNED_CUSTOMER, { headers: { 'content-type': 'application/json' } }),
      ),
    });
    return measure(noOpCustomer, transport, stripe);
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
  try {
    const stripe = new Stripe(API_KEY, { host: '127.0.0.1', port, protocol: 'http' });
    return await measure(noOpCustomer, transport, stripe);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A fresh simulator per row, so no row pays for the objects an earlier one left behind. */
async function measureOnSimulator(scenario: Scenario, transport: Transport): Promise<Measurement> {
  const sim: StripeSim = createStripeSim({ apiKeys: [API_KEY] });
  if (transport === 'in-process') return measure(scenario, transport, sim.stripe);
  const server = await sim.listen(0);
  try {
    return await measure(scenario, transport, server.stripe);
  } finally {
    await server.close();
  }
}

async function measure(scenario: Scenario, transport: Transport, stripe: Stripe): Promise<Measurement> {
  const row = { scenario: scenario.name, transport, requestsPerOp: scenario.requests };
  let operation: () => Promise<unknown>;
  try {
    operation = await scenario.prepare(stripe);
    for (let i = 0; i < WARMUP; i += 1) await operation();
  } catch (error) {
    return { ...row, ops: 0, seconds: 0, error: error instanceof Error ? error.message : String(error) };
  }
  const started = performance.now();
  const deadline = started + MAX_SECONDS * 1000;
  let ops = 0;
  while (ops < ITERATIONS && performance.now() < deadline) {
    await operation();
    ops += 1;
  }
  return { ...row, ops, seconds: (performance.now() - started) / 1000 };
}

function printTable(results: Measurement[]): void {
  const baselines = new Map(
    results.filter((r) => r.scenario === noOpCustomer.name && !r.error).map((r) => [r.transport, r]),
  );
  const header = ['scenario', 'transport', 'ops', 'ops/s', 'requests/s', 'µs/request', 'vs baseline'];
  const rows = results.map((r) => {
    if (r.error) return [r.scenario, r.transport, '-', '-', '-', '-', `n/a: ${shorten(r.error)}`];
    const requestsPerSecond = (r.ops * r.requestsPerOp) / r.seconds;
    const baseline = baselines.get(r.transport);
    const baselineRate = baseline ? (baseline.ops * baseline.requestsPerOp) / baseline.seconds : 0;
    const ratio = baselineRate > 0 ? `${(baselineRate / requestsPerSecond).toFixed(1)}× slower` : '-';
    return [
      r.scenario,
      r.transport,
      String(r.ops),
      (r.ops / r.seconds).toFixed(0),
      requestsPerSecond.toFixed(0),
      (1e6 / requestsPerSecond).toFixed(0),
      r.scenario === noOpCustomer.name ? '1.0× (baseline)' : ratio,
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
  console.log(
    '\n"vs baseline": time per request divided by that of a no-op round trip on the same transport.',
  );
}

function shorten(message: string): string {
  const firstSentence = message.split('. ')[0] ?? message;
  return firstSentence.length > 70 ? `${firstSentence.slice(0, 67)}...` : firstSentence;
}
