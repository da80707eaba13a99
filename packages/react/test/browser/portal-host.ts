// A real host for the browser test: @billkit/server over the engine on @billkit/stripe-sim (a
// subscriber already on Pro), mounted in Express next to a page with the BillingPortal built by
// Vite. Loopback only; everything stops with close().

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  australianGst,
  type Billing,
  clockFromUnixSeconds,
  createBilling,
  defineCatalog,
  memoryStore,
} from '@billkit/core';
import { createBillingServer } from '@billkit/server';
import { toExpress } from '@billkit/server/express';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import react from '@vitejs/plugin-react';
import express from 'express';
import { build, defaultClientConditions } from 'vite';

const WEBHOOK_SECRET = 'whsec_browser_test';

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

export interface PortalHost {
  url: string;
  sim: StripeSim;
  billing: Billing;
  close(): Promise<void>;
}

export async function startPortalHost(): Promise<PortalHost> {
  const sim = createStripeSim({ now: new Date('2026-01-15T00:00:00Z') });
  const billing = createBilling({
    stripe: sim.stripe,
    store: memoryStore(),
    catalog,
    tax: australianGst({ abn: '51 824 753 556' }),
    brand: { name: 'Résumé Co Pty Ltd' },
    clock: clockFromUnixSeconds(() => sim.clock.now()),
  });
  await billing.catalog.sync();
  await billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au', name: 'Jo Citizen' });
  await billing.subscriptions.start({ userId: 'user_1', plan: 'pro', paymentMethodId: 'pm_card_au' });

  const server = createBillingServer({
    billing,
    webhooks: { secret: WEBHOOK_SECRET },
    authenticate: async () => ({ userId: 'user_1', email: 'jo@example.com.au', isAdmin: false }),
  });
  const app = express();
  app.use('/api/billing', toExpress(server.handler));
  const http = createHttpServer(app);
  // Stripe's events go to the server's webhook route, signed, like a real account's.
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
    { secret: WEBHOOK_SECRET },
  );
  // The page is built for production by Vite (as a host would ship it) and served statically.
  const outDir = await mkdtemp(join(tmpdir(), 'billkit-portal-page-'));
  await build({
    root: fileURLToPath(new URL('./page', import.meta.url)),
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    plugins: [react()],
    resolve: { conditions: ['@billkit/source', ...defaultClientConditions] },
    build: { outDir, emptyOutDir: true },
  });
  app.use(express.static(outDir));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    sim,
    billing,
    async close() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
