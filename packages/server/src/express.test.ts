// The Express adapter on a real loopback HTTP server (Express 5): JSON and the PDF's bytes come
// back intact, bodies stream in under the size limit, the Stripe webhook route gets the exact bytes
// Stripe signed, and a body express.json() already consumed is refused loudly.

import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import {
  givenServer,
  givenSubscriber,
  memoryLogger,
  stateOf,
  WEBHOOK_SECRET,
  type World,
} from '../test/support/world.js';
import {
  errorBodySchema,
  invoicesResponseSchema,
  plansResponseSchema,
  subscriptionMutationResponseSchema,
} from './contract/index.js';
import { RAW_BODY_REQUIRED_MESSAGE, toExpress } from './express.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Serves `app` on 127.0.0.1 and answers its base URL. */
async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/billing`;
}

/** The README's setup: the billing routes first, then the host's JSON parser for its own routes. */
async function mounted(world: World, before?: (app: express.Express) => void) {
  const { logger, logged } = memoryLogger();
  const app = express();
  before?.(app);
  app.use('/api/billing', toExpress(world.handler, { logger }));
  app.use(express.json());
  app.post('/api/other', (req, res) => {
    res.json({ echoed: req.body });
  });
  return { base: await listen(app), logged };
}

const asUser = (user = 'user_1') => ({ 'x-test-user': user, 'content-type': 'application/json' });

describe('toExpress', () => {
  it('serves the portal: JSON answers with their headers', async () => {
    const world = await givenServer();
    const { base } = await mounted(world);

    const response = await fetch(`${base}/plans`, { headers: asUser() });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(plansResponseSchema.parse(await response.json()).plans).toHaveLength(3);
  });

  it('starts a subscription from a JSON body and streams the invoice PDF back byte for byte', async () => {
    const world = await givenServer();
    const { base } = await mounted(world);

    const started = await fetch(`${base}/subscription`, {
      method: 'POST',
      headers: asUser(),
      body: JSON.stringify({ plan: 'pro', paymentMethodId: 'pm_card_au' }),
    });
    expect(started.status).toBe(201);
    expect(subscriptionMutationResponseSchema.parse(await started.json()).subscription.status).toBe('active');
    const { invoices } = invoicesResponseSchema.parse(
      await (await fetch(`${base}/invoices`, { headers: asUser() })).json(),
    );

    const pdf = await fetch(`http://${new URL(base).host}${invoices[0]!.pdfUrl}`, { headers: asUser() });

    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(
      `attachment; filename="invoice-${invoices[0]!.number}.pdf"`,
    );
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(bytes).toEqual(await world.billing.invoices.pdf('user_1', invoices[0]!.id));
  });

  it('leaves the host its own routes after the billing ones', async () => {
    const world = await givenServer();
    const { base } = await mounted(world);

    const response = await fetch(base.replace('/api/billing', '/api/other'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });

    expect(await response.json()).toEqual({ echoed: { a: 1 } });
  });

  it('refuses a cross-site request the browser marks with its Origin', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const { base } = await mounted(world);
    const before = await stateOf(world);

    const response = await fetch(`${base}/subscription/cancel`, {
      method: 'POST',
      headers: { ...asUser(), origin: 'https://evil.example' },
      body: '{}',
    });

    expect(response.status).toBe(403);
    expect(await stateOf(world)).toEqual(before);
  });

  it('takes https from Express when it trusts the proxy, so a same-site browser request passes', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const { base } = await mounted(world, (app) => app.set('trust proxy', 'loopback'));
    const host = new URL(base).host;

    const response = await fetch(`${base}/subscription/cancel`, {
      method: 'POST',
      headers: { ...asUser(), origin: `https://${host}`, 'x-forwarded-proto': 'https' },
      body: '{}',
    });

    expect(response.status).toBe(200);
  });

  it('counts streamed bytes against the limit (a chunked upload with no length) and answers 413', async () => {
    const world = await givenServer({ server: { maxBodyBytes: 1000 } });
    const { base } = await mounted(world);
    const url = new URL(`${base}/subscription`);

    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: asUser() },
        (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write(`{"plan":"pro","padding":"${'x'.repeat(600)}`);
      req.write('x'.repeat(600));
      req.end('"}');
    });

    expect(answer.status).toBe(413);
    expect(errorBodySchema.parse(JSON.parse(answer.body)).error.code).toBe('payload_too_large');
    expect(await world.billing.customers.get('user_1')).toBeNull();
  });

  it('hands the Stripe webhook route the exact bytes Stripe signed', async () => {
    const world = await givenServer();
    const { subscription } = await givenSubscriber(world);
    const { base } = await mounted(world);
    await world.stripe.subscriptions.cancel(subscription.id);
    const event = world.sim.webhooks.events().find((e) => e.type === 'customer.subscription.deleted')!;
    const payload = JSON.stringify(event, null, 2);

    const response = await fetch(`${base}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
      },
      body: payload,
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, status: 'applied' });
    expect((await world.billing.subscriptions.get('user_1'))?.status).toBe('canceled');
  });

  it('accepts the Buffer express.raw() leaves', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const { base } = await mounted(world, (app) => app.use(express.raw({ type: '*/*' })));

    const response = await fetch(`${base}/subscription/cancel`, {
      method: 'POST',
      headers: asUser(),
      body: '{}',
    });

    expect(response.status).toBe(200);
  });

  it('refuses loudly when express.json() consumed the body first, naming the mistake, and changes nothing', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const { base, logged } = await mounted(world, (app) => app.use(express.json()));
    const before = await stateOf(world);

    const response = await fetch(`${base}/subscription/cancel`, {
      method: 'POST',
      headers: asUser(),
      body: '{}',
    });

    expect(response.status).toBe(500);
    expect(errorBodySchema.parse(await response.json()).error).toEqual({
      code: 'raw_body_required',
      message: RAW_BODY_REQUIRED_MESSAGE,
    });
    expect(RAW_BODY_REQUIRED_MESSAGE).toContain('before express.json()');
    expect(logged).toEqual([{ level: 'error', message: RAW_BODY_REQUIRED_MESSAGE, fields: undefined }]);
    expect(await stateOf(world)).toEqual(before);
    // GETs have no body to lose and still work.
    expect((await fetch(`${base}/plans`, { headers: asUser() })).status).toBe(200);
  });
});
