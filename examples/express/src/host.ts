// The example host: Billkit in an Express 5 app. Without STRIPE_SECRET_KEY it runs on the Stripe
// simulator in this process (its clock is the engine's clock, its webhooks signed and sent to the
// host's own webhook route over loopback); without DATABASE_URL it keeps a SQLite file. A
// deliberately tiny sign-in (pick a demo user; `admin` is the operator) stands in for the host's
// own accounts.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdmin } from '@billkit/admin';
import {
  australianGst,
  clockFromUnixSeconds,
  createBilling,
  defineCatalog,
  memoryNotifier,
} from '@billkit/core';
import { adminModule, createBillingServer } from '@billkit/server';
import { toExpress } from '@billkit/server/express';
import { storeFromUrl } from '@billkit/store-sql';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import express from 'express';
import Stripe from 'stripe';

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

export interface HostOptions {
  /** @default process.env.DATABASE_URL, else sqlite:billkit-example.db */
  databaseUrl?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * The simulator delivers webhooks as they happen (`auto`), or only when told (`manual`: the
   * soak test sends them itself). @default 'auto'
   */
  webhookDelivery?: 'auto' | 'manual';
}

export interface Host {
  url: string;
  billing: ReturnType<typeof createBilling>;
  stripe: Stripe;
  /** The simulator, when the host runs on it. */
  sim: StripeSim | null;
  /** The webhook endpoint's signing secret. */
  webhookSecret: string;
  close(): Promise<void>;
}

const SESSION_COOKIE = 'billkit_demo_user';

export async function startHost(options: HostOptions = {}): Promise<Host> {
  const env = options.env ?? process.env;
  const realStripe = env.STRIPE_SECRET_KEY
    ? new Stripe(env.STRIPE_SECRET_KEY, { maxNetworkRetries: 2 })
    : null;
  const sim = realStripe ? null : createStripeSim({ webhookDelivery: options.webhookDelivery ?? 'auto' });
  const stripe = realStripe ?? sim!.stripe;
  const store = storeFromUrl(options.databaseUrl ?? env.DATABASE_URL ?? 'sqlite:billkit-example.db');
  await store.migrate();
  const billing = createBilling({
    stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    // The demo keeps its emails in memory; a real host passes emailNotifier(...) from @billkit/core/email.
    notifier: memoryNotifier(),
    ...(sim ? { clock: clockFromUnixSeconds(() => sim.clock.now()) } : {}),
  });
  await billing.catalog.sync();

  const app = express();
  // Late-bound: the webhook secret comes from the endpoint, which needs the port.
  let handler: ((request: Request) => Promise<Response>) | null = null;
  app.use('/api/billing', (req, res, next) => {
    if (!handler) {
      res.status(503).end();
      return;
    }
    return toExpress(handler)(req, res, next);
  });
  app.use(express.json());
  app.post('/signin', (req, res) => {
    const userId = String((req.body as { userId?: unknown } | undefined)?.userId ?? '');
    if (!/^[a-z0-9_]{1,40}$/.test(userId)) {
      res.status(400).json({ error: 'Pick a demo user: lower-case letters, digits and _.' });
      return;
    }
    res.cookie(SESSION_COOKIE, userId, { httpOnly: true, sameSite: 'lax' }).json({ userId });
  });
  app.get('/', (_req, res) => {
    res
      .type('text/plain')
      .send('Billkit example host: the billing API is under /api/billing; sign in with POST /signin.\n');
  });

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const webhookSecret = sim
    ? (await sim.webhooks.addEndpoint(`${url}/api/billing/webhooks/stripe`)).secret
    : (env.STRIPE_WEBHOOK_SECRET ?? '');
  if (!webhookSecret)
    throw new Error('STRIPE_WEBHOOK_SECRET is not set (it is needed with STRIPE_SECRET_KEY).');
  const billingServer = createBillingServer({
    billing,
    webhooks: { secret: webhookSecret },
    authenticate: (request) => {
      const cookie = request.headers.get('cookie') ?? '';
      const userId = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([a-z0-9_]{1,40})`).exec(cookie)?.[1];
      if (!userId) return null;
      return { userId, email: `${userId}@example.com.au`, isAdmin: userId === 'admin' };
    },
    admin: adminModule(createAdmin({ billing })),
  });
  handler = billingServer.handler;

  return {
    url,
    billing,
    stripe,
    sim,
    webhookSecret,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
