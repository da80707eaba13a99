// Builders for the server's journeys: an engine on the memory store over @billkit/stripe-sim (the
// catalog of core's test world: Pro A$10/month or A$100/year, Business A$20/month, Starter with a
// trial; GST included), the server in front of it, and requests as the portal's browser sends them.
// Users sign in with the `x-test-user` header; `x-test-admin: yes` makes them an admin.

import {
  australianGst,
  type Billing,
  type BillingStore,
  clockFromUnixSeconds,
  createBilling,
  defineCatalog,
  type Logger,
  memoryStore,
  type PoliciesInput,
} from '@billkit/core';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { expect } from 'vitest';
import type { z } from 'zod';
import { type ErrorBody, errorBodySchema } from '../../src/contract/index.js';
import { type BillingServerOptions, createBillingServer } from '../../src/index.js';

export const JAN_15 = new Date('2026-01-15T00:00:00Z');
export const WEBHOOK_SECRET = 'whsec_server_test_secret';
export const ORIGIN = 'https://app.example.com.au';
export const BASE_PATH = '/api/billing';

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
    {
      id: 'starter',
      name: 'Starter',
      features: ['One résumé'],
      prices: [{ interval: 'month', amount: 500, trialDays: 14 }],
    },
  ],
});

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

export interface World {
  sim: StripeSim;
  stripe: Stripe;
  billing: Billing;
  store: BillingStore;
  handler: (request: Request) => Promise<Response>;
  /** What the server logged. */
  logged: LoggedLine[];
}

export function memoryLogger(): { logger: Logger; logged: LoggedLine[] } {
  const logged: LoggedLine[] = [];
  const at = (level: LoggedLine['level']) => (message: string, fields?: Record<string, unknown>) =>
    void logged.push({ level, message, fields });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, logged };
}

/** The signed-in user of a test request, from its `x-test-user` header. */
function authenticate(request: Request) {
  const userId = request.headers.get('x-test-user');
  if (!userId) return null;
  return {
    userId,
    email: `${userId}@example.com.au`,
    isAdmin: request.headers.get('x-test-admin') === 'yes',
  };
}

export async function givenServer(
  options: {
    policies?: PoliciesInput;
    server?: Partial<BillingServerOptions>;
    /** The engine's store (migrated already). @default memoryStore() */
    store?: BillingStore;
    /** The engine's logger (the server's is `logged`). */
    engineLogger?: Logger;
  } = {},
): Promise<World> {
  const sim = createStripeSim({ now: JAN_15 });
  const store = options.store ?? memoryStore();
  const billing = createBilling({
    stripe: sim.stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    clock: clockFromUnixSeconds(() => sim.clock.now()),
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.engineLogger ? { logger: options.engineLogger } : {}),
  });
  await billing.catalog.sync();
  const { logger, logged } = memoryLogger();
  const server = createBillingServer({
    billing,
    webhooks: { secret: WEBHOOK_SECRET },
    authenticate,
    logger,
    ...options.server,
  });
  return { sim, stripe: sim.stripe, billing, store, handler: server.handler, logged };
}

// ---------------------------------------------------------------------------------------------
// Requests

export interface RequestOptions {
  /** The signed-in user; null for nobody. @default 'user_1' */
  user?: string | null;
  admin?: boolean;
  headers?: Record<string, string>;
}

function headersFor(options: RequestOptions): Record<string, string> {
  const user = options.user === undefined ? 'user_1' : options.user;
  return {
    ...(user ? { 'x-test-user': user } : {}),
    ...(options.admin ? { 'x-test-admin': 'yes' } : {}),
    ...options.headers,
  };
}

export function get(path: string, options: RequestOptions = {}): Request {
  return new Request(`${ORIGIN}${BASE_PATH}${path}`, { headers: headersFor(options) });
}

/** A state-changing request as the portal's browser makes it: JSON, from the site's own origin. */
export function send(
  method: 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Request {
  return new Request(`${ORIGIN}${BASE_PATH}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      origin: ORIGIN,
      ...headersFor(options),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/** Calls the handler and checks the answer is a success whose body matches the contract's schema. */
export async function expectOk<S extends z.ZodType>(
  world: World,
  request: Request,
  schema: S,
  status = 200,
): Promise<z.output<S>> {
  const response = await world.handler(request);
  const text = await response.text();
  expect({ status: response.status, body: text }).toMatchObject({ status });
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  return schema.parse(JSON.parse(text));
}

/** Calls the handler and checks the answer is the contract's error body with this status and code. */
export async function expectError(
  world: World,
  request: Request,
  expected: { status: number; code: string; param?: string },
) {
  const response = await world.handler(request);
  const body = errorBodySchema.parse(await response.json());
  expect({ status: response.status, code: body.error.code, param: body.error.param }).toEqual({
    status: expected.status,
    code: expected.code,
    param: expected.param,
  });
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  if (body.error.code === 'invalid_input') expectIssuesNamingParam(body.error);
  return { response, error: body.error };
}

/**
 * Every 400 `invalid_input` lists its problems in `issues`, `param` among them (a usage batch's
 * issues name the event by `index`, so its `param` is `events.<index>.<path>`).
 */
function expectIssuesNamingParam(error: ErrorBody['error']) {
  expect(error.issues?.length, `issues of ${JSON.stringify(error)}`).toBeGreaterThan(0);
  if (!error.param) return;
  const named = error.issues!.map(({ index, path }) =>
    index === undefined ? path : [`events.${index}`, path].filter(Boolean).join('.'),
  );
  expect(named).toContain(error.param);
}

// ---------------------------------------------------------------------------------------------
// State

/** A user subscribed to Pro monthly with an Australian Visa, through the portal's own route. */
export async function givenSubscriber(world: World, user = 'user_1', card = 'pm_card_au') {
  const response = await world.handler(
    send('POST', '/subscription', { plan: 'pro', paymentMethodId: card }, { user }),
  );
  expect(response.status).toBe(201);
  return (await response.json()) as { subscription: { id: string } };
}

/** What Stripe holds and the store's audit log: equal before and after a refused request. */
export async function stateOf(world: World) {
  // Deliveries still on their way would change the audit log after the snapshot.
  await world.sim.webhooks.flush();
  const customers = await world.stripe.customers.list({ limit: 100 });
  const subscriptions = await world.stripe.subscriptions.list({ status: 'all', limit: 100 });
  const paymentMethods = await Promise.all(
    customers.data.map(async (customer) => ({
      customer: customer.id,
      methods: (await world.stripe.customers.listPaymentMethods(customer.id, { limit: 100 })).data.map(
        (pm) => pm.id,
      ),
    })),
  );
  const audit = await world.store.audit.list({ limit: 10_000 });
  return {
    customers: customers.data.map((c) => ({
      id: c.id,
      email: c.email,
      name: c.name,
      address: c.address,
      defaultPaymentMethod: c.invoice_settings?.default_payment_method ?? null,
    })),
    subscriptions: subscriptions.data.map((s) => ({
      id: s.id,
      status: s.status,
      price: s.items.data[0]?.price.id,
      cancelAtPeriodEnd: s.cancel_at_period_end,
      pauseCollection: s.pause_collection,
      discounts: s.discounts,
    })),
    paymentMethods,
    audit: audit.items.map((entry) => `${entry.action} ${entry.subjectId}`),
  };
}

/** Mounts the server's own webhook route as the simulator's endpoint: every event arrives signed. */
export function deliverWebhooksToServer(world: World): void {
  world.sim.webhooks.listen(
    async (delivery) =>
      world.handler(
        new Request(`${ORIGIN}${BASE_PATH}/webhooks/stripe`, {
          method: 'POST',
          headers: delivery.headers,
          body: await delivery.text(),
        }),
      ),
    { secret: WEBHOOK_SECRET },
  );
}
