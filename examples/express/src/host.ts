// The example host: Billkit in an Express 5 app. Without STRIPE_SECRET_KEY it runs on the Stripe
// simulator in this process (its clock is the engine's clock, its webhooks signed and sent to the
// host's own webhook route over loopback); without DATABASE_URL it keeps a SQLite file. A
// deliberately tiny sign-in (pick a demo user; `admin` is the operator) stands in for the host's
// own accounts.

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { DEMO_USERS, seedDemo } from './demo-data.js';

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
  /** Build and serve the portal and admin pages (Vite). @default true */
  ui?: boolean;
  /** With the simulator: a year of demo customers, made at start. @default true */
  seed?: boolean;
  /** What the host is doing while it starts (a line at a time). */
  log?: (line: string) => void;
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
  const seed = !realStripe && (options.seed ?? true);
  const sim = realStripe
    ? null
    : createStripeSim({
        webhookDelivery: options.webhookDelivery ?? 'auto',
        // The demo's year of history ends about now.
        ...(seed ? { now: new Date(Date.now() - 365 * 86_400_000) } : {}),
      });
  const stripe = realStripe ?? sim!.stripe;
  // The simulator keeps its state in memory: without DATABASE_URL, the demo's database starts
  // afresh with it each time.
  let databaseUrl = options.databaseUrl ?? env.DATABASE_URL;
  if (!databaseUrl) {
    const file = join(fileURLToPath(new URL('..', import.meta.url)), '.billkit', 'example.db');
    await mkdir(join(file, '..'), { recursive: true });
    if (sim) await rm(file, { force: true });
    databaseUrl = `sqlite:${file}`;
  }
  const store = storeFromUrl(databaseUrl);
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
  app.post('/signout', (_req, res) => {
    res.clearCookie(SESSION_COOKIE).json({ userId: null });
  });
  app.get('/session', (req, res) => {
    const userId = userOf(req.headers.cookie ?? '');
    res.json({
      userId,
      isAdmin: userId === 'admin',
      mode: sim ? 'simulator' : 'stripe',
      publishableKey: env.STRIPE_PUBLISHABLE_KEY ?? null,
      demoUsers: DEMO_USERS,
      // The engine's time (the simulator's, which the demo moves): the admin's "now".
      now: billing.clock.now().toISOString(),
    });
  });
  if (sim) {
    // For the demo and its browser test: time passes in the simulator (renewals, retries).
    app.post('/demo/advance', async (req, res) => {
      const days = Number((req.body as { days?: unknown } | undefined)?.days);
      if (!Number.isInteger(days) || days < 1 || days > 400) {
        res.status(400).json({ error: 'days: a whole number from 1 to 400' });
        return;
      }
      await sim.clock.advance({ days });
      await sim.webhooks.flush();
      await billing.notifications.flush();
      res.json({ now: new Date(sim.clock.now() * 1000).toISOString() });
    });
  }
  let uiDirectory: string | null = null;
  if (options.ui ?? true) {
    options.log?.('Building the portal and admin pages (Vite)…');
    const built = await buildUi();
    uiDirectory = built;
    app.use(express.static(built, { index: false }));
    app.get(['/', '/portal', '/admin', '/admin/customers/:id'], (_req, res) => {
      res.sendFile(join(built, 'index.html'));
    });
  } else {
    app.get('/', (_req, res) => {
      res
        .type('text/plain')
        .send('Billkit example host: the billing API is under /api/billing; sign in with POST /signin.\n');
    });
  }

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
      const userId = userOf(request.headers.get('cookie') ?? '');
      if (!userId) return null;
      return { userId, email: `${userId}@example.com.au`, isAdmin: userId === 'admin' };
    },
    admin: adminModule(createAdmin({ billing })),
  });
  handler = billingServer.handler;
  if (seed && sim) {
    options.log?.('Making a year of demo customers on the simulator…');
    await seedDemo(billing, sim);
  }

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
      if (uiDirectory) await rm(uiDirectory, { recursive: true, force: true });
    },
  };
}

function userOf(cookie: string): string | null {
  return new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([a-z0-9_]{1,40})`).exec(cookie)?.[1] ?? null;
}

/** The portal and admin pages, built for production by Vite into a temporary directory. */
async function buildUi(): Promise<string> {
  const [{ build, defaultClientConditions }, { default: react }] = await Promise.all([
    import('vite'),
    import('@vitejs/plugin-react'),
  ]);
  const outDir = await mkdtemp(join(tmpdir(), 'billkit-example-ui-'));
  await build({
    root: fileURLToPath(new URL('../web', import.meta.url)),
    configFile: false,
    logLevel: 'error',
    mode: 'production',
    plugins: [react()],
    resolve: { conditions: ['@billkit/source', ...defaultClientConditions] },
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
