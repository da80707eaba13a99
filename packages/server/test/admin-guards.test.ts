// What every admin route does before an operator's action runs: nobody (401) and customers (403)
// are refused, wrong methods answer 405 with Allow, unknown paths and garbage ids 404, bad queries
// and bodies 400 naming the field. Each refusal leaves Stripe and the audit log as they were. And
// whatever a body says, the actor in the audit log is the signed-in admin.

import { describe, expect, it } from 'vitest';
import {
  ADMIN_ROUTES,
  type AdminAuditResponse,
  type AdminAuditVerificationResponse,
  type AdminCreditResponse,
  type AdminCustomersResponse,
} from '../src/contract/index.js';
import {
  ADMIN_USER,
  type AdminWorld,
  AS_ADMIN,
  adminGet,
  adminPost,
  adminStateOf,
  expectJson,
  givenAdminServer,
} from './support/admin-world.js';
import { deliverWebhooksToServer, expectError, get, givenSubscriber, send } from './support/world.js';

type RouteName = keyof typeof ADMIN_ROUTES;

const RANGE = '?from=2026-01-01&to=2026-02-01';

/** Every admin route, named by its ADMIN_ROUTES key, with a body the dashboard would send. */
const ADMIN_ROUTE_TABLE: Array<[RouteName, 'GET' | 'POST', string, unknown?]> = [
  ['customers', 'GET', ADMIN_ROUTES.customers],
  ['customer', 'GET', ADMIN_ROUTES.customer('user_1')],
  ['refunds', 'POST', ADMIN_ROUTES.refunds, { invoiceId: 'in_123', reason: 'duplicate' }],
  ['credits', 'POST', ADMIN_ROUTES.credits, { customerId: 'user_1', amount: 500, description: 'Sorry' }],
  [
    'invoices',
    'POST',
    ADMIN_ROUTES.invoices,
    { customerId: 'user_1', items: [{ description: 'Setup', amount: 5000 }], collection: 'send' },
  ],
  ['resendReceipt', 'POST', ADMIN_ROUTES.resendReceipt('in_123')],
  ['retryPayment', 'POST', ADMIN_ROUTES.retryPayment('in_123')],
  ['cancelSubscription', 'POST', ADMIN_ROUTES.cancelSubscription('user_1'), { when: 'now' }],
  ['reactivateSubscription', 'POST', ADMIN_ROUTES.reactivateSubscription('user_1')],
  ['changePlan', 'POST', ADMIN_ROUTES.changePlan('user_1'), { plan: 'business' }],
  ['extendTrial', 'POST', ADMIN_ROUTES.extendTrial('user_1'), { until: '2026-03-01' }],
  ['extendGrace', 'POST', ADMIN_ROUTES.extendGrace('user_1'), { days: 7 }],
  ['disputes', 'GET', ADMIN_ROUTES.disputes],
  ['evidenceSubmitted', 'POST', ADMIN_ROUTES.evidenceSubmitted('dp_123')],
  ['metrics', 'GET', `${ADMIN_ROUTES.metrics}${RANGE}`],
  ['profitability', 'GET', `${ADMIN_ROUTES.profitability}${RANGE}`],
  ['revenueRecognition', 'GET', `${ADMIN_ROUTES.revenueRecognition}${RANGE}`],
  ['gstReport', 'GET', `${ADMIN_ROUTES.gstReport}${RANGE}&format=csv`],
  ['journalCsv', 'GET', `${ADMIN_ROUTES.journalCsv}${RANGE}`],
  ['forecast', 'GET', ADMIN_ROUTES.forecast],
  ['audit', 'GET', ADMIN_ROUTES.audit],
  ['auditVerify', 'GET', ADMIN_ROUTES.auditVerify],
];

function requestAs(method: 'GET' | 'POST', path: string, body: unknown, user: string | null): Request {
  const options = { user, admin: false };
  return method === 'GET' ? adminGet(path, options) : adminPost(path, body ?? {}, options);
}

async function givenSubscribedWorld(): Promise<AdminWorld> {
  const world = await givenAdminServer();
  deliverWebhooksToServer(world);
  await givenSubscriber(world);
  await world.sim.webhooks.flush();
  return world;
}

describe('who may call the admin routes', () => {
  it('has a row here for every route of the contract', () => {
    expect(new Set(ADMIN_ROUTE_TABLE.map(([name]) => name))).toEqual(new Set(Object.keys(ADMIN_ROUTES)));
  });

  it.each(ADMIN_ROUTE_TABLE)(
    '%s (%s %s) answers 401 to nobody and 403 to a customer, and changes nothing',
    async (_, method, path, body) => {
      const world = await givenSubscribedWorld();
      const before = await adminStateOf(world);

      await expectError(world, requestAs(method, path, body, null), { status: 401, code: 'unauthenticated' });
      const { error } = await expectError(world, requestAs(method, path, body, 'user_1'), {
        status: 403,
        code: 'forbidden',
      });

      expect(error.message).toBe('Only administrators may do this.');
      expect(await adminStateOf(world)).toEqual(before);
    },
  );
});

describe('admin routing', () => {
  it('answers 405 with an Allow header to a method a route does not take', async () => {
    const world = await givenSubscribedWorld();
    const before = await adminStateOf(world);

    const refunds = await expectError(world, adminGet('/refunds'), {
      status: 405,
      code: 'method_not_allowed',
    });
    expect(refunds.response.headers.get('allow')).toBe('POST');
    const customers = await expectError(
      world,
      send('DELETE', '/admin/customers/user_1', undefined, AS_ADMIN),
      {
        status: 405,
        code: 'method_not_allowed',
      },
    );
    expect(customers.response.headers.get('allow')).toBe('GET');
    const metrics = await expectError(world, adminPost('/metrics', {}), {
      status: 405,
      code: 'method_not_allowed',
    });
    expect(metrics.response.headers.get('allow')).toBe('GET');

    expect(await adminStateOf(world)).toEqual(before);
  });

  it.each([
    ['/nope', 'an unknown path'],
    ['', 'the prefix itself'],
    ['/customers/user_1/extra', 'a path one segment too long'],
    ['/payments/not-an-invoice/retry', 'an invoice id of the wrong kind'],
    ['/subscriptions/%20user_1/cancel', 'a customer id starting with a space'],
    ['/subscriptions/user%00/cancel', 'a NUL in a customer id'],
    ['/disputes/dp_1%2F..%2Fx/evidence-submitted', 'a slash smuggled into a dispute id'],
    ['/reports/journal.json', 'the journal as anything but CSV'],
  ])('answers 404 to %s (%s), changing nothing', async (path) => {
    const world = await givenSubscribedWorld();
    const before = await adminStateOf(world);

    await expectError(world, adminPost(path, { when: 'now' }), { status: 404, code: 'not_found' });
    await expectError(world, adminGet(path), { status: 404, code: 'not_found' });

    expect(await adminStateOf(world)).toEqual(before);
  });

  it('mounts under another prefix when told', async () => {
    const world = await givenAdminServer({ prefix: '/ops' });
    await givenSubscriber(world);

    const page = await expectJson<AdminCustomersResponse>(world, get('/ops/customers', AS_ADMIN));

    expect(page.items.map((customer) => customer.userId)).toEqual(['user_1']);
    await expectError(world, adminGet('/customers'), { status: 404, code: 'not_found' });
  });
});

describe('bad input', () => {
  const valid = { customerId: 'user_1', amount: 500, description: 'Sorry about the outage' };
  const oneOff = {
    customerId: 'user_1',
    items: [{ description: 'Setup', amount: 5000 }],
    collection: 'send',
  };

  it.each<[string, string, unknown, string]>([
    ['POST', '/refunds', { reason: 'duplicate' }, 'invoiceId'],
    ['POST', '/refunds', { invoiceId: 'in_1', chargeId: 'ch_1', reason: 'duplicate' }, 'invoiceId'],
    ['POST', '/refunds', { invoiceId: 'ch_1', reason: 'duplicate' }, 'invoiceId'],
    ['POST', '/refunds', { invoiceId: 'in_1', amount: 1.5, reason: 'duplicate' }, 'amount'],
    ['POST', '/refunds', { invoiceId: 'in_1', amount: 0, reason: 'duplicate' }, 'amount'],
    ['POST', '/refunds', { invoiceId: 'in_1' }, 'reason'],
    ['POST', '/refunds', { invoiceId: 'in_1', reason: '  ' }, 'reason'],
    ['POST', '/credits', { ...valid, amount: -500 }, 'amount'],
    ['POST', '/credits', { ...valid, amount: '500' }, 'amount'],
    ['POST', '/credits', { ...valid, description: undefined }, 'description'],
    ['POST', '/credits', { ...valid, currency: 'dollars' }, 'currency'],
    ['POST', '/credits', { ...valid, customerId: ' user_1' }, 'customerId'],
    ['POST', '/credits', { ...valid, idempotencyKey: '' }, 'idempotencyKey'],
    ['POST', '/invoices', { ...oneOff, items: [] }, 'items'],
    ['POST', '/invoices', { ...oneOff, items: [{ description: 'Setup', amount: 0 }] }, 'items.0.amount'],
    ['POST', '/invoices', { ...oneOff, items: [{ amount: 100 }] }, 'items.0.description'],
    ['POST', '/invoices', { ...oneOff, collection: 'later' }, 'collection'],
    ['POST', '/invoices', { ...oneOff, daysUntilDue: 0 }, 'daysUntilDue'],
    ['POST', '/subscriptions/user_1/cancel', {}, 'when'],
    ['POST', '/subscriptions/user_1/cancel', { when: 'tomorrow' }, 'when'],
    ['POST', '/subscriptions/user_1/change-plan', {}, 'plan'],
    ['POST', '/subscriptions/user_1/change-plan', { plan: 'pro', interval: 'week' }, 'interval'],
    ['POST', '/subscriptions/user_1/extend-trial', { until: 'next week' }, 'until'],
    ['POST', '/subscriptions/user_1/extend-trial', { until: '2026-03-01T09:30' }, 'until'],
    ['POST', '/subscriptions/user_1/extend-grace', { days: 0 }, 'days'],
    ['POST', '/subscriptions/user_1/extend-grace', { days: 91 }, 'days'],
    ['GET', '/customers?status=gone', undefined, 'status'],
    ['GET', '/customers?limit=0', undefined, 'limit'],
    ['GET', '/customers?limit=101', undefined, 'limit'],
    ['GET', '/disputes?limit=abc', undefined, 'limit'],
    ['GET', '/disputes?status=Needs%20Response', undefined, 'status'],
    ['GET', '/metrics?from=2026-02-01', undefined, 'to'],
    ['GET', '/metrics?from=2026-03-01&to=2026-02-01', undefined, 'to'],
    ['GET', '/metrics?from=yesterday&to=2026-02-01', undefined, 'from'],
    ['GET', '/metrics?from=2026-02-30&to=2026-03-01', undefined, 'from'],
    ['GET', `/profitability${RANGE}&limit=0`, undefined, 'limit'],
    ['GET', `/revenue/recognition${RANGE}&currency=dollars`, undefined, 'currency'],
    ['GET', `/reports/gst${RANGE}&period=week`, undefined, 'period'],
    ['GET', `/reports/gst${RANGE}&format=pdf`, undefined, 'format'],
    ['GET', '/reports/journal.csv?to=2026-02-01', undefined, 'from'],
    ['GET', '/forecast?months=0', undefined, 'months'],
    ['GET', '/forecast?months=37', undefined, 'months'],
    ['GET', '/audit?limit=500', undefined, 'limit'],
    ['GET', '/audit?from=yesterday', undefined, 'from'],
    ['GET', '/audit?from=2026-03-01&to=2026-02-01', undefined, 'to'],
  ])('%s %s %j answers 400 naming %s, and changes nothing', async (method, path, body, param) => {
    const world = await givenSubscribedWorld();
    const before = await adminStateOf(world);

    const request = method === 'GET' ? adminGet(path) : adminPost(path, body);
    await expectError(world, request, { status: 400, code: 'invalid_input', param });

    expect(await adminStateOf(world)).toEqual(before);
  });

  it('answers 400 invalid_json to a body that is not JSON, and changes nothing', async () => {
    const world = await givenSubscribedWorld();
    const before = await adminStateOf(world);

    await expectError(world, adminPost('/credits', '{"customerId": "user_1",'), {
      status: 400,
      code: 'invalid_json',
    });

    expect(await adminStateOf(world)).toEqual(before);
  });

  it('counts an empty query parameter as absent', async () => {
    const world = await givenSubscribedWorld();

    const page = await expectJson<{ items: Array<{ userId: string }> }>(
      world,
      adminGet('/customers?query=&status=&cursor=&limit='),
    );

    expect(page.items.map((c) => c.userId)).toEqual(['user_1']);
  });
});

describe('the actor', () => {
  it('is the signed-in admin in the audit log, whatever the body names', async () => {
    const world = await givenSubscribedWorld();

    await expectJson<AdminCreditResponse>(
      world,
      adminPost('/credits', {
        customerId: 'user_1',
        amount: 500,
        description: 'Sorry about the outage',
        actor: 'someone_else',
        admin: 'someone_else',
      }),
      201,
    );
    await expectJson(world, adminPost('/subscriptions/user_1/cancel', { when: 'period_end', actor: 'ceo' }));

    const audit = await expectJson<AdminAuditResponse>(world, adminGet('/audit?customerId=user_1&limit=100'));
    const byAdmin = audit.items.filter((entry) => entry.actor.startsWith('admin:'));
    expect(byAdmin.map((entry) => [entry.action, entry.actor])).toEqual([
      [expect.stringMatching(/^credit\./), `admin:${ADMIN_USER}`],
      [expect.stringMatching(/^subscription\./), `admin:${ADMIN_USER}`],
    ]);
    expect(JSON.stringify(audit.items)).not.toMatch(/someone_else|"admin:ceo"/);
  });
});

describe('the audit log over HTTP', () => {
  it('filters by actor and time, and verifies the hash chain', async () => {
    const world = await givenSubscribedWorld();
    await expectJson(world, adminPost('/subscriptions/user_1/cancel', { when: 'period_end' }));

    const byAdmin = await expectJson<AdminAuditResponse>(
      world,
      adminGet(`/audit?actor=${encodeURIComponent(`admin:${ADMIN_USER}`)}&from=2026-01-01&to=2027-01-01`),
    );
    const before2026 = await expectJson<AdminAuditResponse>(world, adminGet('/audit?to=2026-01-01'));
    const verified = await expectJson<AdminAuditVerificationResponse>(world, adminGet('/audit/verify'));

    expect(byAdmin.items.map((entry) => entry.actor)).toEqual([`admin:${ADMIN_USER}`]);
    expect(byAdmin.items[0]?.requestId).toMatch(/^req_/);
    expect(before2026.items).toEqual([]);
    expect(verified).toMatchObject({ ok: true, problems: [] });
    expect(verified.entries).toBeGreaterThan(1);
  });
});
