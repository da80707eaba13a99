// Webhook throughput: verified events applied per second and p99 latency, through the real
// handler (verify, record in the inbox, claim, apply, complete) over a year of real events from
// @billkit/stripe-sim, against a baseline of signature verification + JSON parse alone, measured in
// the same run. Ratios, not absolute numbers, are what to compare between machines.

import { performance } from 'node:perf_hooks';
import Stripe from 'stripe';
import { createWebhookHandler } from '../src/index.js';
import { freshReceiver, yearOfSubscription } from '../test/support/history.js';

const SECRET = 'whsec_bench_secret';
const PASSES = Number(process.env.BENCH_PASSES ?? 5);

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
}

function summarize(latencies: number[], elapsedMs: number): Measured {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { perSecond: (latencies.length / elapsedMs) * 1000, p50: at(0.5), p99: at(0.99) };
}

function signed(payload: string): Request {
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
  return new Request('http://localhost/webhooks/stripe', {
    method: 'POST',
    headers: { 'stripe-signature': header, 'content-type': 'application/json' },
    body: payload,
  });
}

async function baseline(payloads: string[]): Promise<Measured> {
  const latencies: number[] = [];
  const start = performance.now();
  for (let pass = 0; pass < PASSES; pass++) {
    for (const payload of payloads) {
      const request = signed(payload);
      const t0 = performance.now();
      const body = await request.text();
      await Stripe.webhooks.constructEventAsync(body, request.headers.get('stripe-signature')!, SECRET);
      latencies.push(performance.now() - t0);
    }
  }
  return summarize(latencies, performance.now() - start);
}

async function throughHandler(
  payloads: string[],
  makeHandler: () => (request: Request) => Promise<Response>,
): Promise<Measured> {
  const latencies: number[] = [];
  let elapsed = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    const handler = makeHandler(); // a fresh, empty mirror every pass
    const start = performance.now();
    for (const payload of payloads) {
      const request = signed(payload);
      const t0 = performance.now();
      const response = await handler(request);
      if (response.status >= 300)
        throw new Error(`delivery answered ${response.status}: ${await response.text()}`);
      latencies.push(performance.now() - t0);
    }
    elapsed += performance.now() - start;
  }
  return summarize(latencies, elapsed);
}

async function main(): Promise<void> {
  const history = await yearOfSubscription();
  const { payloads } = history;
  process.stdout.write(
    `@billkit/webhooks: ${payloads.length} events of a year of one subscription, ${PASSES} passes each\n`,
  );
  process.stdout.write(`Node ${process.version}\n\n`);
  const rows: Array<[string, Measured | string]> = [];
  await baseline(payloads); // warm-up, so the baseline is not measured cold
  const base = await baseline(payloads);
  rows.push(['baseline: verify signature + parse JSON', base]);
  rows.push([
    'handler, memory store (verify, inbox, apply with Stripe reads)',
    await throughHandler(payloads, () => {
      const receiver = freshReceiver(history);
      return createWebhookHandler({
        billing: { store: receiver.store, sync: receiver.billing.sync },
        secret: SECRET,
      });
    }),
  ]);
  rows.push([
    'handler, memory store, duplicate deliveries (inbox answers)',
    await (async () => {
      const receiver = freshReceiver(history);
      const handler = createWebhookHandler({
        billing: { store: receiver.store, sync: receiver.billing.sync },
        secret: SECRET,
      });
      for (const payload of payloads) await handler(signed(payload));
      return throughHandler(payloads, () => handler);
    })(),
  ]);
  // The SQLite and PostgreSQL rows live in @billkit/store-sql's benchmark (it depends on this package, not the reverse).
  rows.push(['handler, SQLite / PostgreSQL store', 'see `pnpm bench` in packages/store-sql']);

  const header = ['scenario', 'events/s', 'p50 ms', 'p99 ms', 'time per event vs baseline'];
  const lines = rows.map(([name, m]) =>
    typeof m === 'string'
      ? [name, m, '', '', '']
      : [
          name,
          m.perSecond.toFixed(0),
          m.p50.toFixed(3),
          m.p99.toFixed(3),
          `${(base.perSecond / m.perSecond).toFixed(1)}×`,
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const print = (cells: string[]) =>
    process.stdout.write(`${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  for (const line of lines) print(line);
  process.stdout.write('\n"vs baseline": time per event divided by the time to verify and parse it alone.\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
