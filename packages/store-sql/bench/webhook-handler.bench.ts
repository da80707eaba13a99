// Verified webhook events applied per second, and p99, through the real route (verify, inbox,
// applyEvent reading Stripe, complete) on the memory store and on SQLite, against signature
// verification + JSON parse alone, measured in the same run. The events are real: several months
// of a subscription (signup, upgrade, failed renewal and recovery, refund, cancel) on the simulator.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  australianGst,
  type BillingStore,
  clockFromUnixSeconds,
  createBilling,
  defineCatalog,
  memoryStore,
} from '@billkit/core';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import { createWebhookHandler } from '@billkit/webhooks';
import Stripe from 'stripe';
import { sqliteStore } from '../src/index.js';

const SECRET = 'whsec_bench_handler';
const catalog = defineCatalog({
  currency: 'aud',
  plans: [
    { id: 'pro', name: 'Pro', prices: [{ interval: 'month', amount: 1000 }] },
    { id: 'business', name: 'Business', prices: [{ interval: 'month', amount: 2000 }] },
  ],
});

function engine(sim: StripeSim, store: BillingStore) {
  return createBilling({
    stripe: sim.stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    clock: clockFromUnixSeconds(() => sim.clock.now()),
  });
}

async function history(): Promise<{ sim: StripeSim; payloads: string[] }> {
  const sim = createStripeSim({ now: new Date('2026-01-15T00:00:00Z') });
  const billing = engine(sim, memoryStore());
  const on = (iso: string) => sim.clock.advanceTo(Date.parse(iso) / 1000);
  await billing.catalog.sync();
  await billing.customers.ensure({ userId: 'u1', email: 'jo@example.com.au' });
  await billing.subscriptions.start({ userId: 'u1', plan: 'pro', paymentMethodId: 'pm_card_au' });
  await on('2026-02-04T00:00:00Z');
  await billing.subscriptions.change({ userId: 'u1', plan: 'business' });
  await on('2026-04-10T00:00:00Z');
  await billing.paymentMethods.setDefault('u1', 'pm_card_chargeCustomerFail');
  await on('2026-04-18T00:00:00Z');
  await billing.paymentMethods.setDefault('u1', 'pm_card_au');
  await sim.clock.advance({ minutes: 5 });
  const charge = (await sim.stripe.charges.list({ limit: 1 })).data[0]!;
  await sim.stripe.refunds.create({ charge: charge.id, amount: 500 });
  await on('2026-08-20T00:00:00Z');
  await billing.subscriptions.cancel({ userId: 'u1', atPeriodEnd: true });
  await on('2026-10-01T00:00:00Z');
  await sim.webhooks.flush();
  return { sim, payloads: sim.webhooks.events().map((event) => JSON.stringify(event)) };
}

function signed(payload: string): Request {
  return new Request('http://localhost/webhooks/stripe', {
    method: 'POST',
    headers: { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }) },
    body: payload,
  });
}

interface Result {
  perSecond: number;
  p99: number;
}

async function run(payloads: string[], deliver: (request: Request) => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  const start = performance.now();
  for (const payload of payloads) {
    const request = signed(payload);
    const t0 = performance.now();
    await deliver(request);
    latencies.push(performance.now() - t0);
  }
  const sorted = latencies.sort((a, b) => a - b);
  return {
    perSecond: (latencies.length / (performance.now() - start)) * 1000,
    p99: sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? 0,
  };
}

async function throughHandler(sim: StripeSim, payloads: string[], store: BillingStore): Promise<Result> {
  await store.migrate();
  const billing = engine(sim, store);
  const handler = createWebhookHandler({ billing, secret: SECRET });
  return run(payloads, async (request) => {
    const response = await handler(request);
    if (response.status >= 300) throw new Error(`delivery answered ${response.status}`);
  });
}

async function main(): Promise<void> {
  const { sim, payloads } = await history();
  const verifyAndParse = (request: Request) =>
    request
      .text()
      .then((body) =>
        Stripe.webhooks.constructEventAsync(body, request.headers.get('stripe-signature')!, SECRET),
      )
      .then(() => {});
  await run(payloads, verifyAndParse); // warm-up
  const baseline = await run(payloads, verifyAndParse);
  const dir = mkdtempSync(join(tmpdir(), 'billkit-bench-'));
  try {
    const rows: Array<[string, Result]> = [
      ['baseline: verify signature + parse JSON', baseline],
      ['webhook route, memory store', await throughHandler(sim, payloads, memoryStore())],
      [
        'webhook route, SQLite store (file)',
        await throughHandler(sim, payloads, sqliteStore({ filename: join(dir, 'bench.sqlite') })),
      ],
    ];
    process.stdout.write(
      `\nWebhook events applied: ${payloads.length} real events, delivered in order, through the official verifier\n`,
    );
    process.stdout.write(
      'scenario                                   events/s   p99 ms   time per event vs baseline\n',
    );
    for (const [name, result] of rows) {
      const ratio = baseline.perSecond / result.perSecond;
      process.stdout.write(
        `${name.padEnd(42)} ${result.perSecond.toFixed(0).padStart(8)} ${result.p99.toFixed(3).padStart(8)}   ${ratio.toFixed(1)}×\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
