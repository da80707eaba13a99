// Webhook endpoints through the real `stripe` client, delivering to a real HTTP server on loopback:
// the secret only at creation, signatures stripe-node accepts, retries after a failed delivery.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createStripeSim } from '../src/index.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  received: Received[];
  /** The status the next requests are answered with. */
  answerWith(status: number): void;
}

const servers: Server[] = [];

afterEach(async () => {
  const closing = servers.splice(0).map((server) => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  await Promise.all(closing);
});

/** A webhook receiver on 127.0.0.1 that records every request. */
async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let status = 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    received,
    answerWith: (next) => {
      status = next;
    },
  };
}

function eventIds(received: Received[]): string[] {
  return received.map((request) => (JSON.parse(request.body) as { id: string }).id);
}

describe('webhook endpoints', () => {
  it('returns the signing secret when the endpoint is created, and never again', async () => {
    const sim = createStripeSim();
    const endpoint = await sim.stripe.webhookEndpoints.create({
      url: 'https://example.com/hooks',
      enabled_events: ['invoice.paid', 'customer.subscription.updated'],
      description: 'billing',
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(endpoint).toMatchObject({
      object: 'webhook_endpoint',
      status: 'enabled',
      url: 'https://example.com/hooks',
      enabled_events: ['invoice.paid', 'customer.subscription.updated'],
      description: 'billing',
      api_version: null,
      application: null,
      livemode: false,
    });
    const again = await sim.stripe.webhookEndpoints.retrieve(endpoint.id);
    expect(again.secret).toBeUndefined();
    expect((await sim.stripe.webhookEndpoints.list()).data.map((e) => e.secret)).toEqual([undefined]);
  });

  it('delivers events to the URL with a Stripe-Signature that constructEvent accepts', async () => {
    const sim = createStripeSim();
    const receiver = await startReceiver();
    const endpoint = await sim.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
    const product = await sim.stripe.products.create({ name: 'Pro' });
    await sim.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    const event = sim.stripe.webhooks.constructEvent(
      request!.body,
      String(request!.headers['stripe-signature']),
      endpoint.secret!,
    );
    expect(event.type).toBe('product.created');
    expect(event.data.object).toMatchObject({ id: product.id, object: 'product' });
    expect(() =>
      sim.stripe.webhooks.constructEvent(
        request!.body,
        String(request!.headers['stripe-signature']),
        'whsec_wrong',
      ),
    ).toThrow();
  });

  it('retries a delivery the endpoint answered with 500 once the retry is due', async () => {
    const sim = createStripeSim();
    const receiver = await startReceiver();
    await sim.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['product.created'] });
    receiver.answerWith(500);
    await sim.stripe.products.create({ name: 'Pro' });
    await sim.webhooks.flush();
    receiver.answerWith(200);
    expect(receiver.received).toHaveLength(1);
    await sim.clock.advance({ hours: 1 });
    expect(receiver.received).toHaveLength(2);
    const [first, second] = eventIds(receiver.received);
    expect(second).toBe(first);
    expect(sim.webhooks.deliveries().map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });

  it('delivers only the event types the endpoint enabled', async () => {
    const sim = createStripeSim();
    const receiver = await startReceiver();
    const endpoint = await sim.stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['coupon.created'],
    });
    await sim.stripe.products.create({ name: 'Pro' });
    const coupon = await sim.stripe.coupons.create({ percent_off: 10 });
    await sim.webhooks.flush();
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual([
      'coupon.created',
    ]);
    expect(JSON.parse(receiver.received[0]!.body).data.object.id).toBe(coupon.id);

    await sim.stripe.webhookEndpoints.update(endpoint.id, { enabled_events: ['product.created'] });
    await sim.stripe.products.create({ name: 'Basic' });
    await sim.webhooks.flush();
    expect(receiver.received).toHaveLength(2);
  });

  it('stops delivering while disabled, and for good once deleted', async () => {
    const sim = createStripeSim();
    const receiver = await startReceiver();
    const endpoint = await sim.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
    const disabled = await sim.stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    expect(disabled.status).toBe('disabled');
    await sim.stripe.products.create({ name: 'while disabled' });
    await sim.webhooks.flush();
    expect(receiver.received).toHaveLength(0);

    await sim.stripe.webhookEndpoints.update(endpoint.id, { disabled: false });
    await sim.stripe.products.create({ name: 'enabled again' });
    await sim.webhooks.flush();
    expect(receiver.received).toHaveLength(1);

    expect(await sim.stripe.webhookEndpoints.del(endpoint.id)).toMatchObject({
      id: endpoint.id,
      deleted: true,
    });
    await sim.stripe.products.create({ name: 'after delete' });
    await sim.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
    await expect(sim.stripe.webhookEndpoints.retrieve(endpoint.id)).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  it('refuses a URL that is not http(s) and a missing enabled_events', async () => {
    const sim = createStripeSim();
    await expect(
      sim.stripe.webhookEndpoints.create({ url: 'ftp://example.com/hook', enabled_events: ['*'] }),
    ).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'url',
      code: 'url_invalid',
      statusCode: 400,
    });
    await expect(
      sim.stripe.webhookEndpoints.create({ url: 'https://example.com/hook' } as never),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'enabled_events' });
    await expect(
      sim.stripe.webhookEndpoints.create({
        url: 'https://example.com/hook',
        enabled_events: ['not an event'] as never,
      }),
    ).rejects.toMatchObject({ param: 'enabled_events[0]' });
    expect((await sim.stripe.webhookEndpoints.list()).data).toEqual([]);
  });
});
