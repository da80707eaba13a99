// The soak: the Express example on loopback, bounded in time. Portal users (each signed in,
// subscribed) read their subscription, invoices, cards and access and now and then preview and
// change plan, all at once, while a storm of Stripe webhook deliveries (every event the simulator
// produced over months of renewals, with duplicates, in shuffled order, signed as Stripe signs)
// hits the webhook route. Afterwards the simulator delivers whatever is still queued, and
// reconcile compares the mirror with the simulator's state: it must find no difference.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost } from '../src/host.js';

export interface SoakOptions {
  seconds: number;
  users: number;
  /** Webhook deliveries in the storm, at least (10 % of them duplicates). */
  events: number;
  /** Deliveries in flight at once. @default 16 */
  webhookConcurrency?: number;
  /** @default a SQLite file in a temporary directory */
  databaseUrl?: string;
  log?: (line: string) => void;
}

export interface SoakReport {
  seconds: number;
  portal: { requests: number; perSecond: number; byStatus: Record<string, number>; p50: number; p99: number };
  webhooks: {
    deliveries: number;
    unique: number;
    duplicates: number;
    perSecond: number;
    byStatus: Record<string, number>;
    p99: number;
  };
  /** Reconcile after the storm: differences between the mirror and the simulator. */
  differences: number;
  checked: Record<string, number>;
  peakRssMb: number;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const directory = options.databaseUrl ? null : await mkdtemp(join(tmpdir(), 'billkit-soak-'));
  const host = await startHost({
    databaseUrl: options.databaseUrl ?? `sqlite:${join(directory!, 'soak.db')}`,
    webhookDelivery: 'manual',
    ui: false,
    seed: false,
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 250);
  try {
    const sim = host.sim!;
    const api = `${host.url}/api/billing`;
    const users = Array.from({ length: options.users }, (_, index) => `soak_user_${index + 1}`);
    const cookies = new Map<string, string>();
    await inParallel(users, 10, async (userId) => {
      const signedIn = await fetch(`${host.url}/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId }),
      });
      cookies.set(userId, signedIn.headers.get('set-cookie')!.split(';')[0]!);
      const started = await portal(api, host.url, cookies.get(userId)!, 'POST', '/subscription', {
        plan: 'pro',
        paymentMethodId: 'pm_card_visa',
      });
      if (started.status !== 201) throw new Error(`${userId} could not subscribe: ${started.status}`);
    });
    // Months of renewals, until the simulator has produced enough events for the storm.
    const uniqueWanted = Math.ceil(options.events * 0.9);
    let months = 0;
    while (sim.webhooks.events().length < uniqueWanted && months < 120) {
      await sim.clock.advance({ months: 1 });
      months++;
    }
    const events = sim.webhooks.events();
    // One delivery in ten repeats an earlier one.
    const duplicates = Math.round(events.length / 9);
    const storm = shuffle([...events, ...shuffle([...events]).slice(0, duplicates)]);
    log(
      `${users.length} users subscribed; ${months} months simulated; ${events.length} events, ${duplicates} duplicates.`,
    );

    const deadline = Date.now() + options.seconds * 1000;
    const started = Date.now();
    const portalStats = new Stats();
    const webhookStats = new Stats();
    const users$ = users.map((userId) =>
      portalUser(api, host.url, cookies.get(userId)!, deadline, portalStats),
    );
    const storm$ = inParallel(storm, options.webhookConcurrency ?? 16, async (event) => {
      const payload = JSON.stringify(event);
      const at = performance.now();
      const response = await fetch(`${api}/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': host.stripe.webhooks.generateTestHeaderString({
            payload,
            secret: host.webhookSecret,
          }),
        },
        body: payload,
      });
      await response.arrayBuffer();
      webhookStats.add(response.status, performance.now() - at);
    });
    await storm$;
    const stormSeconds = (Date.now() - started) / 1000;
    await Promise.all(users$);
    const seconds = (Date.now() - started) / 1000;

    // What the storm did not carry (events of the plan changes made meanwhile), as Stripe would.
    await sim.webhooks.flush();
    await sim.webhooks.retryFailed();
    await sim.webhooks.flush();
    const reconciled = await host.billing.reconcile();
    for (const difference of reconciled.differences.slice(0, 20))
      log(`difference: ${JSON.stringify(difference)}`);

    return {
      seconds,
      portal: {
        requests: portalStats.count,
        perSecond: Math.round(portalStats.count / seconds),
        byStatus: portalStats.byStatus,
        p50: portalStats.percentile(50),
        p99: portalStats.percentile(99),
      },
      webhooks: {
        deliveries: storm.length,
        unique: events.length,
        duplicates,
        perSecond: Math.round(storm.length / stormSeconds),
        byStatus: webhookStats.byStatus,
        p99: webhookStats.percentile(99),
      },
      differences: reconciled.differences.length,
      checked: reconciled.checked,
      peakRssMb: Math.round(peakRss / 1_048_576),
    };
  } finally {
    clearInterval(sampler);
    await host.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  }
}

async function portal(
  api: string,
  origin: string,
  cookie: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      cookie,
      origin,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  return response;
}

/** One portal user, until the deadline: mostly reads, now and then a plan change. */
async function portalUser(api: string, origin: string, cookie: string, deadline: number, stats: Stats) {
  let plan = 'pro';
  while (Date.now() < deadline) {
    const roll = Math.random();
    const at = performance.now();
    let response: Response;
    if (roll < 0.4) response = await portal(api, origin, cookie, 'GET', '/subscription');
    else if (roll < 0.65) response = await portal(api, origin, cookie, 'GET', '/invoices');
    else if (roll < 0.8) response = await portal(api, origin, cookie, 'GET', '/payment-methods');
    else if (roll < 0.9) response = await portal(api, origin, cookie, 'GET', '/access');
    else if (roll < 0.97) {
      response = await portal(api, origin, cookie, 'POST', '/subscription/preview', {
        plan: plan === 'pro' ? 'business' : 'pro',
      });
    } else {
      const next = plan === 'pro' ? 'business' : 'pro';
      response = await portal(api, origin, cookie, 'POST', '/subscription/change', { plan: next });
      if (response.ok) plan = next;
    }
    stats.add(response.status, performance.now() - at);
  }
}

class Stats {
  count = 0;
  byStatus: Record<string, number> = {};
  private readonly times: number[] = [];
  add(status: number, milliseconds: number) {
    this.count++;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.times.push(milliseconds);
  }
  percentile(p: number): number {
    if (this.times.length === 0) return 0;
    const sorted = [...this.times].sort((a, b) => a - b);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
  }
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}
