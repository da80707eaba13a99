// Hostile input, generated (fast-check): every portal and admin route, and the webhook route, called
// with random methods, ids (other customers' real ids, encodings, traversal, control characters),
// bodies (random JSON, the right keys with the wrong values, not JSON at all), content types, origins
// and users (nobody, a customer, another customer, an admin). Whatever arrives: never a 5xx, and a
// 4xx changes nothing in Stripe, the mirror's audit log or the outbox.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES, portalRoutes, USAGE_ROUTES } from '../src/contract/index.js';
import { type AdminWorld, adminStateOf, givenAdminServer } from './support/admin-world.js';
import {
  chatCall,
  closeMeterings,
  givenUsageServer,
  OTHER_KEY,
  USAGE_KEY,
  type UsageWorld,
  wireEvent,
} from './support/usage-world.js';
import { BASE_PATH, deliverWebhooksToServer, givenSubscriber, ORIGIN } from './support/world.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** A route of the contract: its method, and its path for an id (unused by routes without one). */
interface RouteCase {
  name: string;
  method: Method;
  path: (id: string) => string;
  /** A body the route takes: the fuzzer sends it as is, mutated, or replaced. */
  body?: Record<string, unknown>;
}

const admin = (path: string) => `/admin${path}`;
const ROUTES: RouteCase[] = [
  { name: 'plans', method: 'GET', path: () => portalRoutes.plans },
  { name: 'subscription', method: 'GET', path: () => portalRoutes.subscription },
  {
    name: 'start',
    method: 'POST',
    path: () => portalRoutes.subscription,
    body: { plan: 'pro', paymentMethodId: 'pm_card_au' },
  },
  { name: 'preview', method: 'POST', path: () => portalRoutes.preview, body: { plan: 'business' } },
  { name: 'change', method: 'POST', path: () => portalRoutes.change, body: { plan: 'business' } },
  { name: 'cancel', method: 'POST', path: () => portalRoutes.cancel, body: { atPeriodEnd: true } },
  { name: 'resume', method: 'POST', path: () => portalRoutes.resume, body: {} },
  { name: 'retentionOffers', method: 'GET', path: () => portalRoutes.retentionOffers },
  { name: 'acceptOffer', method: 'POST', path: (id) => portalRoutes.acceptOffer(id), body: {} },
  { name: 'paymentMethods', method: 'GET', path: () => portalRoutes.paymentMethods },
  { name: 'setupIntent', method: 'POST', path: () => portalRoutes.setupIntent, body: {} },
  { name: 'setDefault', method: 'POST', path: (id) => portalRoutes.setDefault(id), body: {} },
  { name: 'removePaymentMethod', method: 'DELETE', path: (id) => portalRoutes.removePaymentMethod(id) },
  { name: 'invoices', method: 'GET', path: () => portalRoutes.invoices },
  { name: 'invoicePdf', method: 'GET', path: (id) => portalRoutes.invoicePdf(id) },
  { name: 'payInvoice', method: 'POST', path: (id) => portalRoutes.payInvoice(id), body: {} },
  { name: 'billingAddress', method: 'GET', path: () => portalRoutes.billingAddress },
  {
    name: 'updateBillingAddress',
    method: 'PUT',
    path: () => portalRoutes.billingAddress,
    body: { line1: '1 George St', city: 'Sydney', state: 'NSW', postalCode: '2000', country: 'AU' },
  },
  { name: 'access', method: 'GET', path: () => portalRoutes.access },
  { name: 'adminCustomers', method: 'GET', path: () => admin(ADMIN_ROUTES.customers) },
  { name: 'adminCustomer', method: 'GET', path: (id) => admin(ADMIN_ROUTES.customer(id)) },
  {
    name: 'adminRefund',
    method: 'POST',
    path: () => admin(ADMIN_ROUTES.refunds),
    body: { invoiceId: 'in_1', reason: 'duplicate' },
  },
  {
    name: 'adminCredit',
    method: 'POST',
    path: () => admin(ADMIN_ROUTES.credits),
    body: { customerId: 'user_2', amount: 500, description: 'Sorry' },
  },
  {
    name: 'adminInvoice',
    method: 'POST',
    path: () => admin(ADMIN_ROUTES.invoices),
    body: { customerId: 'user_2', items: [{ description: 'Setup', amount: 5000 }], collection: 'send' },
  },
  { name: 'adminResend', method: 'POST', path: (id) => admin(ADMIN_ROUTES.resendReceipt(id)) },
  { name: 'adminRetry', method: 'POST', path: (id) => admin(ADMIN_ROUTES.retryPayment(id)) },
  {
    name: 'adminCancel',
    method: 'POST',
    path: (id) => admin(ADMIN_ROUTES.cancelSubscription(id)),
    body: { when: 'now' },
  },
  {
    name: 'adminChangePlan',
    method: 'POST',
    path: (id) => admin(ADMIN_ROUTES.changePlan(id)),
    body: { plan: 'business' },
  },
  {
    name: 'adminExtendTrial',
    method: 'POST',
    path: (id) => admin(ADMIN_ROUTES.extendTrial(id)),
    body: { until: '2026-03-01' },
  },
  {
    name: 'adminExtendGrace',
    method: 'POST',
    path: (id) => admin(ADMIN_ROUTES.extendGrace(id)),
    body: { days: 7 },
  },
  {
    name: 'adminMetrics',
    method: 'GET',
    path: () => `${admin(ADMIN_ROUTES.metrics)}?from=2026-01-01&to=2026-02-01`,
  },
  { name: 'adminAudit', method: 'GET', path: () => admin(ADMIN_ROUTES.audit) },
  { name: 'webhook', method: 'POST', path: () => portalRoutes.stripeWebhook, body: { type: 'invoice.paid' } },
];

const USERS = [null, 'user_1', 'user_2', 'stranger', 'ops_1'] as const;

/** The body's keys, or a key some route takes where the body has none. */
function keysOf(route: RouteCase): string[] {
  const keys = Object.keys(route.body ?? {});
  return keys.length > 0 ? keys : ['plan', 'atPeriodEnd'];
}

/** A random request for one of the routes, built from the world's real ids. */
function requests(ids: readonly string[]) {
  const id = fc.oneof(
    fc.constantFrom(...ids),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom(
      '..',
      '../admin',
      '%2e%2e%2f',
      '%00',
      'in_1/../../x',
      ' in_1',
      'a'.repeat(2_000),
      '\u202e',
    ),
  );
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(-1, 0, 1.5, 2 ** 53, Number.MAX_VALUE, '', ' ', '0', 'null', '<script>', '\u0000'),
  );
  const body = (route: RouteCase) =>
    fc.oneof(
      fc.constant(route.body === undefined ? undefined : JSON.stringify(route.body)),
      // The right keys, some values replaced.
      fc
        .dictionary(fc.constantFrom(...keysOf(route)), value, { maxKeys: 4 })
        .map((changes) => JSON.stringify({ ...route.body, ...changes })),
      fc.jsonValue({ maxDepth: 3 }).map((json) => JSON.stringify(json)),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('{', '{"plan":', '[]', 'null', '\u0000', '{"__proto__":{"admin":true}}'),
    );
  return fc
    .record({
      routeIndex: fc.nat({ max: ROUTES.length - 1 }),
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constant<Method | null>(null) },
        fc.constantFrom<Method>('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      ),
      id,
      // Mostly what the guards let through, so the routes' own checks are reached too.
      user: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('user_1', 'user_2', 'ops_1') },
        fc.constantFrom(...USERS),
      ),
      contentType: fc.oneof(
        { weight: 4, arbitrary: fc.constant('application/json') },
        fc.constantFrom('text/plain', null, 'application/json; charset=utf-16'),
      ),
      origin: fc.oneof(
        { weight: 4, arbitrary: fc.constant(ORIGIN) },
        fc.constantFrom('https://evil.example', null),
      ),
    })
    .chain((shape) => {
      const route = ROUTES[shape.routeIndex]!;
      return body(route).map((text) => ({ ...shape, route, body: text }));
    });
}

function toRequest(input: {
  route: RouteCase;
  method: Method | null;
  id: string;
  user: (typeof USERS)[number];
  contentType: string | null;
  origin: string | null;
  body: string | undefined;
}): Request {
  const method = input.method ?? input.route.method;
  const headers: Record<string, string> = {};
  if (input.user !== null) headers['x-test-user'] = input.user;
  if (input.user === 'ops_1') headers['x-test-admin'] = 'yes';
  if (input.contentType !== null) headers['content-type'] = input.contentType;
  if (input.origin !== null) headers.origin = input.origin;
  let path: string;
  try {
    path = input.route.path(input.id);
  } catch {
    path = input.route.path('x');
  }
  return new Request(`${ORIGIN}${BASE_PATH}${path}`, {
    method,
    headers,
    ...(method === 'GET' || input.body === undefined ? {} : { body: input.body }),
  });
}

describe('hostile requests (generated)', () => {
  let world: AdminWorld;
  let ids: string[];

  beforeAll(async () => {
    world = await givenAdminServer();
    deliverWebhooksToServer(world);
    await givenSubscriber(world, 'user_1');
    await givenSubscriber(world, 'user_2', 'pm_card_visa');
    await world.sim.webhooks.flush();
    const [invoices, subscriptions, customers] = await Promise.all([
      world.stripe.invoices.list({ limit: 100 }),
      world.stripe.subscriptions.list({ limit: 100 }),
      world.stripe.customers.list({ limit: 100 }),
    ]);
    const methods = await Promise.all(
      customers.data.map((customer) => world.stripe.customers.listPaymentMethods(customer.id)),
    );
    ids = [
      'user_1',
      'user_2',
      ...invoices.data.map((invoice) => invoice.id!),
      ...subscriptions.data.map((subscription) => subscription.id),
      ...methods.flatMap((list) => list.data.map((method) => method.id)),
    ];
  });

  it('never answers 5xx, and a refused request changes nothing', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requests(ids), async (input) => {
        const request = toRequest(input);
        const before = await adminStateOf(world);
        const response = await world.handler(request);
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);

        expect(response.status, `${request.method} ${request.url}`).toBeLessThan(500);
        if (response.status >= 400) expect(await adminStateOf(world)).toEqual(before);
      }),
      // A fixed seed keeps CI repeatable; BILLKIT_FUZZ_SEED / BILLKIT_FUZZ_RUNS explore further.
      {
        numRuns: Number(process.env.BILLKIT_FUZZ_RUNS ?? 300),
        seed: Number(process.env.BILLKIT_FUZZ_SEED ?? 20261128),
      },
    );
    // The generator reached past the guards too: some requests were refused, some went through.
    expect([...statuses.keys()].some((status) => status === 201 || (status >= 200 && status < 300))).toBe(
      true,
    );
    expect([...statuses.keys()].filter((status) => status >= 400).length).toBeGreaterThan(3);
  }, 120_000);
});

/** The usage dashboard's routes (under the admin prefix) and the ingestion route. */
const USAGE_CASES: RouteCase[] = [
  { name: 'summary', method: 'GET', path: () => admin(USAGE_ROUTES.summary) },
  { name: 'timeseries', method: 'GET', path: (id) => `${admin(USAGE_ROUTES.timeseries)}?granularity=${id}` },
  { name: 'customers', method: 'GET', path: (id) => `${admin(USAGE_ROUTES.customers)}?limit=${id}` },
  { name: 'costs', method: 'GET', path: (id) => `${admin(USAGE_ROUTES.costs)}?groupBy=${id}` },
  { name: 'costsCsv', method: 'GET', path: () => admin(USAGE_ROUTES.costsCsv) },
  { name: 'budgets', method: 'GET', path: () => admin(USAGE_ROUTES.budgets) },
  {
    name: 'createBudget',
    method: 'POST',
    path: () => admin(USAGE_ROUTES.budgets),
    body: { provider: 'openai', monthly: '100.00', currency: 'USD', thresholds: [50, 80, 100] },
  },
  {
    name: 'putBudget',
    method: 'PUT',
    path: (id) => admin(USAGE_ROUTES.budget(id)),
    body: { monthly: '250', currency: 'USD' },
  },
  { name: 'deleteBudget', method: 'DELETE', path: (id) => admin(USAGE_ROUTES.budget(id)) },
  { name: 'alerts', method: 'GET', path: () => admin(USAGE_ROUTES.alerts) },
  { name: 'priceBook', method: 'GET', path: () => admin(USAGE_ROUTES.priceBook) },
  {
    name: 'ingest',
    method: 'POST',
    path: () => '/usage/events',
    body: { events: [wireEvent(chatCall({ at: new Date('2026-01-15T00:00:00Z') }))] },
  },
];

describe('hostile requests to the usage routes (generated)', () => {
  let world: UsageWorld;
  afterAll(closeMeterings);
  beforeAll(async () => {
    world = await givenUsageServer({ admin: true });
    await world.metering.budgets.put({ monthly: '500', currency: 'USD' });
  });

  /** Budgets, alerts and every event metering took in: equal before and after a refused request. */
  const usageState = async () => {
    const [budgets, alerts] = await Promise.all([
      world.metering.budgets.list(),
      world.metering.alerts.list(),
    ]);
    const { buffered, stored, duplicates } = world.metering.stats();
    return {
      budgets: budgets.map((status) => status.budget),
      alerts,
      accepted: buffered + stored + duplicates,
    };
  };

  it('never answers 5xx, and a refused request takes in no event and changes no budget', async () => {
    const key = fc.constantFrom(USAGE_KEY, USAGE_KEY, OTHER_KEY, '', 'Bearer', USAGE_KEY.slice(1), null);
    const arbitrary = fc
      .record({
        routeIndex: fc.nat({ max: USAGE_CASES.length - 1 }),
        method: fc.oneof(
          { weight: 4, arbitrary: fc.constant<Method | null>(null) },
          fc.constantFrom<Method>('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        ),
        id: fc.oneof(
          fc.constantFrom('overall', 'provider:openai', 'hour', 'day', 'provider', '10', '-1'),
          fc.string({ maxLength: 30 }),
        ),
        user: fc.oneof({ weight: 3, arbitrary: fc.constant('ops_1') }, fc.constantFrom(...USERS)),
        contentType: fc.oneof(
          { weight: 4, arbitrary: fc.constant('application/json') },
          fc.constantFrom('text/plain', null),
        ),
        origin: fc.oneof(
          { weight: 4, arbitrary: fc.constant(ORIGIN) },
          fc.constantFrom('https://evil.example', null),
        ),
        key,
      })
      .chain((shape) => {
        const route = USAGE_CASES[shape.routeIndex]!;
        const value = fc.oneof(
          fc.jsonValue({ maxDepth: 2 }),
          fc.constantFrom(-1, 0, 1.5, 2 ** 53, '', '1e999', 'NaN', '100.0000001', [], {}),
        );
        const bodies = fc.oneof(
          fc.constant(JSON.stringify(route.body ?? {})),
          fc
            .dictionary(fc.constantFrom(...keysOf(route), 'units', 'provider', 'at'), value, { maxKeys: 4 })
            .map((changes) => JSON.stringify({ ...route.body, ...changes })),
          fc
            .array(
              fc.dictionary(
                fc.constantFrom('provider', 'operation', 'units', 'at', 'customerId', 'model'),
                value,
              ),
              { maxLength: 3 },
            )
            .map((events) => JSON.stringify({ events })),
          fc.string({ maxLength: 100 }),
        );
        return bodies.map((body) => ({ ...shape, route, body }));
      });

    await fc.assert(
      fc.asyncProperty(arbitrary, async (input) => {
        const request = toRequest(input);
        if (input.route.name === 'ingest' && input.key !== null) {
          request.headers.set('authorization', `Bearer ${input.key}`);
        }
        const before = await usageState();
        const response = await world.handler(request);
        await response.arrayBuffer();

        expect(response.status, `${request.method} ${request.url}`).toBeLessThan(500);
        if (response.status >= 400) expect(await usageState()).toEqual(before);
      }),
      {
        numRuns: Number(process.env.BILLKIT_FUZZ_RUNS ?? 300),
        seed: Number(process.env.BILLKIT_FUZZ_SEED ?? 20261128),
      },
    );
  }, 120_000);
});
