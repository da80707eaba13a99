// The real `stripe` client reaches the simulator three ways: in-process fetch, msw, and HTTP.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setupServer } from 'msw/node';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeSim } from '../src/index.js';

describe('ways in', () => {
  it('answers a client built on Stripe.createFetchHttpClient(sim.fetch), with no socket', async () => {
    const sim = createStripeSim();
    const stripe = new Stripe('sk_test_123', { httpClient: Stripe.createFetchHttpClient(sim.fetch) });
    const customer = await stripe.customers.create({ email: 'fetch@example.com' });
    expect((await sim.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      email: 'fetch@example.com',
    });
  });

  describe('through msw', () => {
    const sim = createStripeSim();
    const server = setupServer(...sim.handlers);
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
    afterAll(() => server.close());

    it('answers a default client whose requests to api.stripe.com msw intercepts', async () => {
      const stripe = new Stripe('sk_test_123', { httpClient: Stripe.createFetchHttpClient() });
      const product = await stripe.products.create({ name: 'Pro' });
      expect(product.id).toMatch(/^prod_/);
      const listed = await stripe.products.list();
      expect(listed.data.map((p) => p.id)).toEqual([product.id]);
    });
  });

  it('serves HTTP on a local port for a client configured with host, port and protocol', async () => {
    const sim = createStripeSim();
    const server = await sim.listen(0);
    try {
      const stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port: server.port, protocol: 'http' });
      const customer = await stripe.customers.create({ name: 'Over HTTP' });
      const sameSim = (await sim.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
      expect(sameSim.name).toBe('Over HTTP');
      await expect(stripe.customers.retrieve('cus_missing')).rejects.toMatchObject({
        statusCode: 404,
        code: 'resource_missing',
      });
    } finally {
      await server.close();
    }
  });

  it('runs as the billkit-stripe-sim command, serving the API on the port it prints', async () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(chunk.toString())?.[1]);
      expect(port).toBeGreaterThan(0);
      const stripe = new Stripe('sk_test_cli', { host: '127.0.0.1', port, protocol: 'http' });
      expect((await stripe.customers.create({ name: 'From the CLI' })).name).toBe('From the CLI');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses requests without a test secret key, as Stripe does', async () => {
    const sim = createStripeSim();
    const live = new Stripe('sk_live_nope', { httpClient: Stripe.createFetchHttpClient(sim.fetch) });
    await expect(live.customers.list()).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
      statusCode: 401,
    });
    const response = await sim.fetch('https://api.stripe.com/v1/customers');
    expect(response.status).toBe(401);
  });

  it('answers in the API version that the pinned stripe package sends', async () => {
    const sim = createStripeSim();
    const customer = await sim.stripe.customers.create({});
    expect(customer.lastResponse.apiVersion).toBe(sim.apiVersion);
    const event = sim.webhooks.events()[0]!;
    expect(event.api_version).toBe(sim.apiVersion);
  });
});
