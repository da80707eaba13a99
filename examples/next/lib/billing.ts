// The host's billing, once per server process: the engine on the simulator (in this process, its
// webhooks handed straight to the webhook route) or on Stripe (STRIPE_SECRET_KEY), a SQLite file
// or DATABASE_URL, the server with the admin module, and a cookie as the demo's sign-in.

import { createAdmin } from '@billkit/admin';
import {
  australianGst,
  clockFromUnixSeconds,
  createBilling,
  defineCatalog,
  memoryNotifier,
} from '@billkit/core';
import { adminModule, type BillingServer, createBillingServer } from '@billkit/server';
import { storeFromUrl } from '@billkit/store-sql';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import Stripe from 'stripe';
import { seedDemo } from './demo-data';

export const SESSION_COOKIE = 'billkit_demo_user';

export const catalog = defineCatalog({
  currency: 'aud',
  plans: [
    {
      id: 'pro',
      name: 'Pro',
      features: ['Unlimited résumés', 'Job tracker'],
      prices: [
        { interval: 'month', amount: 1000 },
        { interval: 'year', amount: 10_000 },
      ],
    },
    {
      id: 'business',
      name: 'Business',
      features: ['Everything in Pro', 'Team seats'],
      prices: [{ interval: 'month', amount: 2000 }],
    },
  ],
});

export interface Host {
  billing: ReturnType<typeof createBilling>;
  server: BillingServer;
  sim: StripeSim | null;
}

const WEBHOOK_SECRET_SIM = 'whsec_example_next';

export function userOf(cookie: string | null | undefined): string | null {
  return new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([a-z0-9_]{1,40})`).exec(cookie ?? '')?.[1] ?? null;
}

async function start(): Promise<Host> {
  const env = process.env;
  // On the simulator, the demo's year of history ends about now.
  const sim = env.STRIPE_SECRET_KEY
    ? null
    : createStripeSim({ now: new Date(Date.now() - 365 * 86_400_000) });
  const stripe = sim ? sim.stripe : new Stripe(env.STRIPE_SECRET_KEY!, { maxNetworkRetries: 2 });
  const store = storeFromUrl(env.DATABASE_URL ?? 'sqlite:.billkit-example-next.db');
  await store.migrate();
  const billing = createBilling({
    stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    notifier: memoryNotifier(),
    ...(sim ? { clock: clockFromUnixSeconds(() => sim.clock.now()) } : {}),
  });
  await billing.catalog.sync();
  const secret = sim ? WEBHOOK_SECRET_SIM : env.STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new Error('STRIPE_WEBHOOK_SECRET is not set (it is needed with STRIPE_SECRET_KEY).');
  const server = createBillingServer({
    billing,
    webhooks: { secret },
    authenticate: (request) => {
      const userId = userOf(request.headers.get('cookie'));
      return userId ? { userId, email: `${userId}@example.com.au`, isAdmin: userId === 'admin' } : null;
    },
    admin: adminModule(createAdmin({ billing })),
    // Next's own server sees http://localhost; the browser may use another host name.
    csrf: { check: (request) => request.headers.get('sec-fetch-site') !== 'cross-site' },
  });
  if (sim) {
    // The simulator's events, signed, straight to the webhook route (no port needed).
    sim.webhooks.listen(
      (request) =>
        server.handler(
          new Request('http://localhost/api/billing/webhooks/stripe', {
            method: 'POST',
            headers: request.headers,
            body: request.body,
            duplex: 'half',
          } as RequestInit),
        ),
      { secret },
    );
  }
  // The simulator keeps its state in memory: the demo's customers are made again at each start.
  if (sim && env.BILLKIT_DEMO_SEED !== 'false') await seedDemo(billing, sim);
  return { billing, server, sim };
}

const globalForBilling = globalThis as unknown as { billkitHost?: Promise<Host> };

/** The one host of this server process (Next may load this module more than once). */
export function host(): Promise<Host> {
  globalForBilling.billkitHost ??= start();
  return globalForBilling.billkitHost;
}
