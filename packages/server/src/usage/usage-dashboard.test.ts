// The operator's API-usage dashboard over HTTP (`/admin/usage/...`), on metering over the memory
// store: who may call it, CSRF on its writes, bad input refused with nothing changed, and what each
// route answers for a January of OpenAI chats and Geoscape address checks by two customers.

import { afterEach, describe, expect, it } from 'vitest';
import {
  ADDRESS_CALL_MICROS,
  addressCall,
  CHAT_CALL_MICROS,
  chatCall,
  closeMeterings,
  givenUsage,
  givenUsageServer,
  PRICES,
  type UsageWorld,
  usageGet,
  usageSend,
} from '../../test/support/usage-world.js';
import { BASE_PATH, expectError, expectOk, ORIGIN } from '../../test/support/world.js';
import {
  ADMIN_ROUTES,
  USAGE_ROUTES,
  usageAlertsResponseSchema,
  usageBudgetDeletedResponseSchema,
  usageBudgetResponseSchema,
  usageBudgetsResponseSchema,
  usageCostsResponseSchema,
  usageCustomersResponseSchema,
  usagePriceBookResponseSchema,
  usageSummaryResponseSchema,
  usageTimeseriesResponseSchema,
} from '../contract/index.js';

afterEach(closeMeterings);

const JANUARY = '?from=2026-01-01&to=2026-02-01';
const BUDGET = { monthly: '500.00', currency: 'usd', thresholds: [50, 80, 100] };

/**
 * January: user_a had three AI reviews (US$0.018), user_b one review and two address checks
 * (US$0.014), and one address check served nobody and failed (US$0.004).
 */
async function givenJanuary(options: Parameters<typeof givenUsageServer>[0] = {}): Promise<UsageWorld> {
  const world = await givenUsageServer(options);
  await givenUsage(world, [
    chatCall({ customerId: 'user_a', feature: 'ai_review', at: new Date('2026-01-03T10:00:00Z') }),
    chatCall({ customerId: 'user_a', feature: 'ai_review', at: new Date('2026-01-03T11:00:00Z') }),
    chatCall({ customerId: 'user_a', feature: 'ai_review', at: new Date('2026-01-05T10:00:00Z') }),
    chatCall({ customerId: 'user_b', feature: 'ai_review', at: new Date('2026-01-05T12:00:00Z') }),
    addressCall({ customerId: 'user_b', feature: 'address_check', at: new Date('2026-01-05T13:00:00Z') }),
    addressCall({ customerId: 'user_b', feature: 'address_check', at: new Date('2026-01-07T13:00:00Z') }),
    addressCall({ success: false, at: new Date('2026-01-07T14:00:00Z') }),
  ]);
  return world;
}

/** What a refused request must not change: the budgets and the alerts sent. */
async function budgetsOf(world: UsageWorld) {
  const [budgets, alerts] = await Promise.all([world.metering.budgets.list(), world.metering.alerts.list()]);
  return { budgets: budgets.map((status) => status.budget), alerts };
}

type RouteName = keyof typeof USAGE_ROUTES;

/** Every dashboard route, named by its USAGE_ROUTES key, with a body the dashboard would send. */
const USAGE_ROUTE_TABLE: Array<[RouteName, 'GET' | 'POST' | 'PUT' | 'DELETE', string, unknown?]> = [
  ['summary', 'GET', `${USAGE_ROUTES.summary}${JANUARY}`],
  ['timeseries', 'GET', `${USAGE_ROUTES.timeseries}${JANUARY}`],
  ['customers', 'GET', `${USAGE_ROUTES.customers}${JANUARY}`],
  ['costs', 'GET', `${USAGE_ROUTES.costs}${JANUARY}`],
  ['costsCsv', 'GET', `${USAGE_ROUTES.costsCsv}${JANUARY}`],
  ['budgets', 'GET', USAGE_ROUTES.budgets],
  ['budgets', 'POST', USAGE_ROUTES.budgets, BUDGET],
  ['budget', 'PUT', USAGE_ROUTES.budget('overall'), BUDGET],
  ['budget', 'DELETE', USAGE_ROUTES.budget('overall')],
  ['alerts', 'GET', USAGE_ROUTES.alerts],
  ['priceBook', 'GET', USAGE_ROUTES.priceBook],
];

function requestAs(method: string, path: string, body: unknown, user: string | null): Request {
  const options = { user, admin: false };
  if (method === 'GET') return usageGet(path, options);
  return usageSend(method as 'POST' | 'PUT' | 'DELETE', path, body, options);
}

describe('who may call the usage dashboard', () => {
  it('has a row here for every route of the contract', () => {
    expect(new Set(USAGE_ROUTE_TABLE.map(([name]) => name))).toEqual(new Set(Object.keys(USAGE_ROUTES)));
  });

  it.each(USAGE_ROUTE_TABLE)(
    '%s (%s %s) answers 401 to nobody and 403 to a customer, and changes nothing',
    async (_, method, path, body) => {
      const world = await givenJanuary({ metering: { budgets: [{ monthly: '100.00', currency: 'USD' }] } });
      const before = await budgetsOf(world);

      await expectError(world, requestAs(method, path, body, null), { status: 401, code: 'unauthenticated' });
      await expectError(world, requestAs(method, path, body, 'user_a'), { status: 403, code: 'forbidden' });

      expect(await budgetsOf(world)).toEqual(before);
    },
  );

  it('refuses cross-site and non-JSON writes to budgets like every admin write', async () => {
    const world = await givenUsageServer({ metering: { budgets: [{ monthly: '100.00', currency: 'USD' }] } });
    const before = await budgetsOf(world);
    const asAdmin = { 'x-test-user': 'ops_1', 'x-test-admin': 'yes' };
    const writes: Array<['POST' | 'PUT' | 'DELETE', string]> = [
      ['POST', USAGE_ROUTES.budgets],
      ['PUT', USAGE_ROUTES.budget('overall')],
      ['DELETE', USAGE_ROUTES.budget('overall')],
    ];

    for (const [method, path] of writes) {
      const url = `${ORIGIN}${BASE_PATH}/admin${path}`;
      const body = JSON.stringify({ ...BUDGET, id: 'another' });
      await expectError(
        world,
        new Request(url, {
          method,
          headers: { ...asAdmin, 'content-type': 'application/json', origin: 'https://evil.example' },
          body,
        }),
        { status: 403, code: 'forbidden' },
      );
      await expectError(
        world,
        new Request(url, {
          method,
          headers: { ...asAdmin, 'content-type': 'text/plain', origin: ORIGIN },
          body,
        }),
        { status: 415, code: 'unsupported_media_type' },
      );
    }

    expect(await budgetsOf(world)).toEqual(before);
  });
});

describe('usage routing', () => {
  it('serves the dashboard under the admin prefix without the admin module, and nothing else there', async () => {
    const world = await givenJanuary();

    await expectOk(world, usageGet(`${USAGE_ROUTES.summary}${JANUARY}`), usageSummaryResponseSchema);
    await expectError(world, usageGet(ADMIN_ROUTES.customers), { status: 404, code: 'not_found' });
    await expectError(world, usageGet('/usage/nope'), { status: 404, code: 'not_found' });
  });

  it('shares the prefix with the admin module: each answers its own routes', async () => {
    const world = await givenJanuary({ admin: true, adminPrefix: '/ops' });
    const get = (path: string) =>
      new Request(`${ORIGIN}${BASE_PATH}/ops${path}`, {
        headers: {
          'x-test-user': 'ops_1',
          'x-test-admin': 'yes',
        },
      });

    const summary = await expectOk(
      world,
      get(`${USAGE_ROUTES.summary}${JANUARY}`),
      usageSummaryResponseSchema,
    );
    const metrics = await world.handler(get(`${ADMIN_ROUTES.metrics}${JANUARY}`));

    expect(summary.count).toBe(7);
    expect(metrics.status).toBe(200);
    expect(await metrics.json()).toMatchObject({ currency: 'aud' });
    await expectError(world, get('/usage/nope'), { status: 404, code: 'not_found' });
    await expectError(world, usageGet(`${USAGE_ROUTES.summary}${JANUARY}`), {
      status: 404,
      code: 'not_found',
    });
  });

  it('answers 405 with Allow to a method a route does not take', async () => {
    const world = await givenUsageServer();

    const { response } = await expectError(world, usageSend('POST', USAGE_ROUTES.summary, {}), {
      status: 405,
      code: 'method_not_allowed',
    });
    expect(response.headers.get('allow')).toBe('GET');
    const budgets = await expectError(world, usageSend('DELETE', USAGE_ROUTES.budgets), {
      status: 405,
      code: 'method_not_allowed',
    });
    expect(budgets.response.headers.get('allow')).toBe('GET, POST');
  });

  it.each([
    [`${USAGE_ROUTES.summary}?from=2026-02-01&to=2026-01-01`, 'to'],
    [`${USAGE_ROUTES.summary}?to=2026-01-01`, 'from'],
    [`${USAGE_ROUTES.summary}${JANUARY}&currency=dollars`, 'currency'],
    [`${USAGE_ROUTES.timeseries}${JANUARY}&granularity=minute`, 'granularity'],
    [`${USAGE_ROUTES.timeseries}${JANUARY}&granularity=week`, 'granularity'],
    [`${USAGE_ROUTES.timeseries}${JANUARY}&groupBy=customerId`, 'groupBy'],
    [`${USAGE_ROUTES.customers}${JANUARY}&limit=0`, 'limit'],
    [`${USAGE_ROUTES.customers}${JANUARY}&cursor=abc`, 'cursor'],
    [`${USAGE_ROUTES.costs}${JANUARY}&groupBy=provider,provider`, 'groupBy'],
    [`${USAGE_ROUTES.costsCsv}${JANUARY}&groupBy=plan`, 'groupBy.0'],
    [`${USAGE_ROUTES.alerts}?period=March`, 'period'],
    [`${USAGE_ROUTES.priceBook}?at=2026-02-30`, 'at'],
  ])('answers 400 naming the field to GET %s', async (path, param) => {
    const world = await givenUsageServer();

    const { error } = await expectError(world, usageGet(path), { status: 400, code: 'invalid_input', param });

    expect(error.issues?.map((issue) => issue.path)).toContain(param);
  });

  it('lists every bad parameter of a query in issues', async () => {
    const world = await givenUsageServer();

    const { error } = await expectError(
      world,
      usageGet(`${USAGE_ROUTES.customers}?from=2026-01-01&to=soon&limit=0&cursor=abc`),
      { status: 400, code: 'invalid_input', param: 'to' },
    );

    expect(error.issues?.map((issue) => issue.path)).toEqual(['to', 'limit', 'cursor']);
  });
});

describe('GET /admin/usage/summary', () => {
  it("answers the range's spend by provider, its calls, failures and customers, the forecast and budgets", async () => {
    const world = await givenJanuary({ metering: { budgets: [{ monthly: '100.00', currency: 'USD' }] } });

    const summary = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.summary}${JANUARY}`),
      usageSummaryResponseSchema,
    );

    expect(summary).toMatchObject({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
      currency: 'USD',
      costMicros: 4 * CHAT_CALL_MICROS + 3 * ADDRESS_CALL_MICROS,
      count: 7,
      failures: 1,
      customers: 2,
      byProvider: [
        { provider: 'openai', costMicros: 4 * CHAT_CALL_MICROS, count: 4, failures: 0 },
        { provider: 'geoscape', costMicros: 3 * ADDRESS_CALL_MICROS, count: 3, failures: 1 },
      ],
    });
    const forecast = await world.metering.forecast({ currency: 'USD' });
    expect(summary.forecast).toEqual(forecast);
    expect(summary.budgets).toHaveLength(1);
    expect(summary.budgets[0]).toMatchObject({
      budget: { id: 'overall', scope: { kind: 'overall' }, amountMicros: 100_000_000, currency: 'USD' },
      period: '2026-01',
      spentMicros: 4 * CHAT_CALL_MICROS + 3 * ADDRESS_CALL_MICROS,
    });
  });

  it("converts into the FX table's base by default, or into the currency asked", async () => {
    const world = await givenJanuary({ metering: { fx: { base: 'AUD', rates: { USD: '1.50' } } } });

    const inAud = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.summary}${JANUARY}`),
      usageSummaryResponseSchema,
    );
    const inUsd = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.summary}${JANUARY}&currency=usd`),
      usageSummaryResponseSchema,
    );

    expect(inAud).toMatchObject({
      currency: 'AUD',
      costMicros: 1.5 * (4 * CHAT_CALL_MICROS + 3 * ADDRESS_CALL_MICROS),
      forecast: { currency: 'AUD' },
    });
    expect(inUsd).toMatchObject({
      currency: 'USD',
      costMicros: 4 * CHAT_CALL_MICROS + 3 * ADDRESS_CALL_MICROS,
    });
  });

  it('answers 400 naming currency when there is no rate to convert with', async () => {
    const world = await givenJanuary();

    await expectError(world, usageGet(`${USAGE_ROUTES.summary}${JANUARY}&currency=EUR`), {
      status: 400,
      code: 'invalid_input',
      param: 'currency',
    });
  });

  it('answers zeros for a range without usage', async () => {
    const world = await givenJanuary();

    const summary = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.summary}?from=2025-06-01&to=2025-07-01`),
      usageSummaryResponseSchema,
    );

    expect(summary).toMatchObject({ costMicros: 0, count: 0, failures: 0, customers: 0, byProvider: [] });
  });
});

describe('GET /admin/usage/timeseries', () => {
  it('answers one series per provider over every day of the range, for a stacked chart', async () => {
    const world = await givenJanuary();

    const chart = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.timeseries}?from=2026-01-01&to=2026-01-08&granularity=day&groupBy=provider`),
      usageTimeseriesResponseSchema,
    );

    expect(chart).toMatchObject({ granularity: 'day', groupBy: 'provider', currency: 'USD' });
    expect(chart.buckets).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => `2026-01-0${d}T00:00:00.000Z`));
    expect(chart.series).toEqual([
      {
        key: 'openai',
        costMicros: [0, 0, 2, 0, 2, 0, 0].map((n) => n * CHAT_CALL_MICROS),
        count: [0, 0, 2, 0, 2, 0, 0],
        failures: [0, 0, 0, 0, 0, 0, 0],
        totalCostMicros: 4 * CHAT_CALL_MICROS,
      },
      {
        key: 'geoscape',
        costMicros: [0, 0, 0, 0, 1, 0, 2].map((n) => n * ADDRESS_CALL_MICROS),
        count: [0, 0, 0, 0, 1, 0, 2],
        failures: [0, 0, 0, 0, 0, 0, 1],
        totalCostMicros: 3 * ADDRESS_CALL_MICROS,
      },
    ]);
  });

  it("answers one series of everything when not grouped, and one provider's models when filtered", async () => {
    const world = await givenJanuary();

    const total = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.timeseries}?from=2026-01-01&to=2026-02-01&granularity=month`),
      usageTimeseriesResponseSchema,
    );
    const models = await expectOk(
      world,
      usageGet(
        `${USAGE_ROUTES.timeseries}?from=2026-01-03&to=2026-01-04&granularity=hour&groupBy=model&provider=openai`,
      ),
      usageTimeseriesResponseSchema,
    );

    expect(total.buckets).toEqual(['2026-01-01T00:00:00.000Z']);
    expect(total.series).toEqual([
      {
        key: null,
        costMicros: [4 * CHAT_CALL_MICROS + 3 * ADDRESS_CALL_MICROS],
        count: [7],
        failures: [1],
        totalCostMicros: 4 * CHAT_CALL_MICROS + 3 * ADDRESS_CALL_MICROS,
      },
    ]);
    expect(models.buckets).toHaveLength(24);
    expect(models.series.map((s) => [s.key, s.count[10], s.count[11], s.totalCostMicros])).toEqual([
      ['gpt-4.1', 1, 1, 2 * CHAT_CALL_MICROS],
    ]);
  });
});

describe('GET /admin/usage/customers', () => {
  it('ranks customers by cost, a page at a time, with their quotas where one is set', async () => {
    const world = await givenJanuary({
      metering: { quotas: { default: { ai_review: { limit: 50 } }, planOf: () => null } },
    });

    const first = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.customers}${JANUARY}&limit=1`),
      usageCustomersResponseSchema,
    );
    const second = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.customers}${JANUARY}&limit=1&cursor=${first.nextCursor}`),
      usageCustomersResponseSchema,
    );

    expect(first).toMatchObject({
      currency: 'USD',
      totalCustomers: 2,
      unattributed: { costMicros: ADDRESS_CALL_MICROS, count: 1 },
      items: [
        {
          customerId: 'user_a',
          costMicros: 3 * CHAT_CALL_MICROS,
          count: 3,
          failures: 0,
          quotas: [
            { feature: 'ai_review', allowed: true, used: 3, limit: 50, resetsAt: '2026-02-01T00:00:00.000Z' },
          ],
        },
      ],
    });
    expect(first.nextCursor).not.toBeNull();
    expect(second.items).toEqual([
      {
        customerId: 'user_b',
        costMicros: CHAT_CALL_MICROS + 2 * ADDRESS_CALL_MICROS,
        count: 3,
        failures: 0,
        quotas: [
          { feature: 'ai_review', allowed: true, used: 1, limit: 50, resetsAt: '2026-02-01T00:00:00.000Z' },
        ],
      },
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it("ranks by one provider's cost when asked", async () => {
    const world = await givenJanuary();

    const geoscape = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.customers}${JANUARY}&provider=geoscape`),
      usageCustomersResponseSchema,
    );

    expect(geoscape.items.map((c) => [c.customerId, c.costMicros, c.quotas])).toEqual([
      ['user_b', 2 * ADDRESS_CALL_MICROS, []],
    ]);
  });
});

describe('GET /admin/usage/costs and costs.csv', () => {
  it('answers cost rows grouped by the dimensions asked', async () => {
    const world = await givenJanuary();

    const costs = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.costs}${JANUARY}&groupBy=provider,customerId`),
      usageCostsResponseSchema,
    );

    expect(costs.currency).toBeNull();
    const rows = costs.rows.map((r) => [r.provider, r.customerId, r.count, r.costMicros, r.currency]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['openai', 'user_a', 3, 3 * CHAT_CALL_MICROS, 'USD'],
        ['openai', 'user_b', 1, CHAT_CALL_MICROS, 'USD'],
        ['geoscape', 'user_b', 2, 2 * ADDRESS_CALL_MICROS, 'USD'],
        ['geoscape', null, 1, ADDRESS_CALL_MICROS, 'USD'],
      ]),
    );
    expect(rows).toHaveLength(4);
    expect(costs.rows.find((r) => r.customerId === 'user_a')?.units).toEqual({
      input_tokens: 3000,
      output_tokens: 1500,
    });
  });

  it("downloads metering's CSV with a header row", async () => {
    const world = await givenJanuary();

    const response = await world.handler(usageGet(`${USAGE_ROUTES.costsCsv}${JANUARY}&groupBy=provider`));
    const csv = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="usage-costs-2026-01-01-2026-02-01.csv"',
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toMatch(/provider/);
    expect(lines).toHaveLength(2);
    expect(csv).toBe(
      await world.metering.costsCsv({
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-02-01T00:00:00Z'),
        groupBy: ['provider'],
      }),
    );
  });
});

describe('/admin/usage/budgets', () => {
  it('creates, lists, replaces and deletes a budget', async () => {
    const world = await givenJanuary();

    const created = await expectOk(
      world,
      usageSend('POST', USAGE_ROUTES.budgets, { provider: 'openai', monthly: '0.02', currency: 'usd' }),
      usageBudgetResponseSchema,
      201,
    );
    const listed = await expectOk(world, usageGet(USAGE_ROUTES.budgets), usageBudgetsResponseSchema);
    const replaced = await expectOk(
      world,
      usageSend('PUT', USAGE_ROUTES.budget('provider:openai'), {
        provider: 'openai',
        monthly: '1000',
        currency: 'USD',
        thresholds: [90],
      }),
      usageBudgetResponseSchema,
    );
    const deleted = await expectOk(
      world,
      usageSend('DELETE', USAGE_ROUTES.budget('provider:openai')),
      usageBudgetDeletedResponseSchema,
    );

    expect(created.budget).toMatchObject({
      id: 'provider:openai',
      scope: { kind: 'provider', provider: 'openai' },
      amountMicros: 20_000,
      currency: 'USD',
      thresholds: [50, 80, 100],
    });
    expect(listed.budgets).toEqual([
      expect.objectContaining({
        budget: created.budget,
        period: '2026-01',
        spentMicros: 4 * CHAT_CALL_MICROS,
      }),
    ]);
    expect(listed.budgets[0]?.percent).toBe(120);
    expect(replaced.budget).toMatchObject({
      id: 'provider:openai',
      amountMicros: 1_000_000_000,
      thresholds: [90],
    });
    expect(deleted).toEqual({ id: 'provider:openai', deleted: true });
    expect(await expectOk(world, usageGet(USAGE_ROUTES.budgets), usageBudgetsResponseSchema)).toEqual({
      budgets: [],
    });
    await expectError(world, usageSend('DELETE', USAGE_ROUTES.budget('provider:openai')), {
      status: 404,
      code: 'budget_not_found',
    });
  });

  it.each([
    ['the id it gave', { id: 'team-ai' }, 'id'],
    ['the provider its id came from', { provider: 'openai' }, 'provider'],
    ['no field for the overall budget', {}, undefined],
  ])(
    'refuses a second budget with a taken id naming %s, leaving the first as it was',
    async (_, scope, param) => {
      const world = await givenUsageServer();
      await expectOk(
        world,
        usageSend('POST', USAGE_ROUTES.budgets, { ...BUDGET, ...scope }),
        usageBudgetResponseSchema,
        201,
      );
      const before = await budgetsOf(world);

      await expectError(
        world,
        usageSend('POST', USAGE_ROUTES.budgets, { ...BUDGET, ...scope, monthly: '1.00' }),
        { status: 409, code: 'budget_exists', param },
      );

      expect(await budgetsOf(world)).toEqual(before);
    },
  );

  it('lists every bad field of a budget in issues, each with its reason', async () => {
    const world = await givenUsageServer();
    const body = { monthly: '0.00', currency: 'dollars', thresholds: [50, 50] };

    const created = await expectError(world, usageSend('POST', USAGE_ROUTES.budgets, body), {
      status: 400,
      code: 'invalid_input',
      param: 'monthly',
    });
    const replaced = await expectError(world, usageSend('PUT', USAGE_ROUTES.budget('overall'), body), {
      status: 400,
      code: 'invalid_input',
      param: 'monthly',
    });

    const issues = [
      { path: 'monthly', message: 'more than zero' },
      { path: 'currency', message: 'a three-letter currency code' },
      { path: 'thresholds', message: 'each threshold once' },
    ];
    expect(created.error.issues).toEqual(issues);
    expect(replaced.error.issues).toEqual(issues);
    expect(await world.metering.budgets.list()).toEqual([]);
  });

  it("refuses a provider that contradicts a 'provider:' id, changing nothing", async () => {
    const world = await givenUsageServer({
      metering: { budgets: [{ provider: 'openai', monthly: '100.00', currency: 'USD' }] },
    });
    const before = await budgetsOf(world);

    const other = await expectError(
      world,
      usageSend('PUT', USAGE_ROUTES.budget('provider:openai'), { ...BUDGET, provider: 'geoscape' }),
      { status: 400, code: 'invalid_input', param: 'provider' },
    );
    await expectError(world, usageSend('PUT', USAGE_ROUTES.budget('provider:openai'), BUDGET), {
      status: 400,
      code: 'invalid_input',
      param: 'provider',
    });
    await expectError(
      world,
      usageSend('POST', USAGE_ROUTES.budgets, { ...BUDGET, id: 'provider:geoscape', provider: 'openai' }),
      { status: 400, code: 'invalid_input', param: 'provider' },
    );

    expect(other.error.issues).toEqual([
      { path: 'provider', message: "must be 'openai' for the budget 'provider:openai'" },
    ]);
    expect(await budgetsOf(world)).toEqual(before);
  });

  it("keeps whatever provider is given to an id not of the 'provider:' form", async () => {
    const world = await givenUsageServer();

    const put = await expectOk(
      world,
      usageSend('PUT', USAGE_ROUTES.budget('team-ai'), { ...BUDGET, provider: 'openai' }),
      usageBudgetResponseSchema,
    );
    const replaced = await expectOk(
      world,
      usageSend('PUT', USAGE_ROUTES.budget('team-ai'), { ...BUDGET, provider: 'geoscape' }),
      usageBudgetResponseSchema,
    );

    expect(put.budget).toMatchObject({ id: 'team-ai', scope: { kind: 'provider', provider: 'openai' } });
    expect(replaced.budget).toMatchObject({
      id: 'team-ai',
      scope: { kind: 'provider', provider: 'geoscape' },
    });
  });

  it.each([
    [{ ...BUDGET, monthly: 500 }, 'monthly'],
    [{ ...BUDGET, monthly: '12,50' }, 'monthly'],
    [{ ...BUDGET, monthly: '0.00' }, 'monthly'],
    [{ ...BUDGET, monthly: '-5' }, 'monthly'],
    [{ ...BUDGET, currency: 'dollars' }, 'currency'],
    [{ ...BUDGET, thresholds: [50, 50] }, 'thresholds'],
    [{ ...BUDGET, thresholds: [0] }, 'thresholds.0'],
    [{ ...BUDGET, id: 'has spaces' }, 'id'],
    [{ currency: 'USD' }, 'monthly'],
  ])('refuses the budget %j with 400 naming %s, changing nothing', async (body, param) => {
    const world = await givenUsageServer({ metering: { budgets: [{ monthly: '100.00', currency: 'USD' }] } });
    const before = await budgetsOf(world);

    await expectError(world, usageSend('POST', USAGE_ROUTES.budgets, body), {
      status: 400,
      code: 'invalid_input',
      param,
    });
    const { id: _, ...withoutId } = body as Record<string, unknown>;
    if (param !== 'id') {
      await expectError(world, usageSend('PUT', USAGE_ROUTES.budget('overall'), withoutId), {
        status: 400,
        code: 'invalid_input',
        param,
      });
    }

    expect(await budgetsOf(world)).toEqual(before);
  });

  it("answers metering's own refusal as 400: a cap in a currency the costs cannot be converted into", async () => {
    const world = await givenUsageServer();

    const { error } = await expectError(
      world,
      usageSend('POST', USAGE_ROUTES.budgets, { ...BUDGET, currency: 'EUR' }),
      { status: 400, code: 'invalid_input', param: 'currency' },
    );

    expect(error.message).toBe('currency: no rate for USD');
    expect(error.issues).toEqual([{ path: 'currency', message: 'no rate for USD' }]);
    expect(await world.metering.budgets.list()).toEqual([]);
  });

  it('answers 404 to a budget id no id looks like', async () => {
    const world = await givenUsageServer();

    await expectError(world, usageSend('DELETE', '/usage/budgets/has%20space'), {
      status: 404,
      code: 'not_found',
    });
    await expectError(world, usageSend('PUT', `/usage/budgets/${'x'.repeat(101)}`, BUDGET), {
      status: 404,
      code: 'not_found',
    });
  });
});

describe('GET /admin/usage/alerts', () => {
  it('lists the alerts sent as a budget is crossed, newest first, by budget and period', async () => {
    const world = await givenUsageServer({
      metering: {
        budgets: [{ provider: 'openai', monthly: '0.01', currency: 'USD', thresholds: [50, 100] }],
      },
    });
    await givenUsage(world, [chatCall({ at: new Date('2026-01-10T09:30:00Z') })]);
    await world.metering.budgets.evaluate();
    await world.sim.clock.advance({ hours: 1 });
    await givenUsage(world, [chatCall({ at: new Date('2026-01-11T09:30:00Z') })]);
    await world.metering.budgets.evaluate();

    const all = await expectOk(world, usageGet(USAGE_ROUTES.alerts), usageAlertsResponseSchema);
    const filtered = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.alerts}?budgetId=provider:openai&period=2026-01&limit=1`),
      usageAlertsResponseSchema,
    );
    const otherMonth = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.alerts}?period=2026-02`),
      usageAlertsResponseSchema,
    );

    expect(all.alerts.map((a) => [a.budgetId, a.kind, a.threshold, a.period])).toEqual([
      ['provider:openai', 'threshold', 100, '2026-01'],
      ['provider:openai', 'threshold', 50, '2026-01'],
    ]);
    expect(all.alerts[0]?.spentMicros).toBe(2 * CHAT_CALL_MICROS);
    expect(filtered.alerts).toEqual([all.alerts[0]]);
    expect(otherMonth.alerts).toEqual([]);
  });
});

describe('GET /admin/usage/price-book', () => {
  it('lists every price, one provider, or those in force on a day', async () => {
    const world = await givenUsageServer();

    const all = await expectOk(world, usageGet(USAGE_ROUTES.priceBook), usagePriceBookResponseSchema);
    const geoscape = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.priceBook}?provider=geoscape`),
      usagePriceBookResponseSchema,
    );
    const january = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.priceBook}?at=2026-01-15`),
      usagePriceBookResponseSchema,
    );
    const february = await expectOk(
      world,
      usageGet(`${USAGE_ROUTES.priceBook}?provider=geoscape&at=2026-02-01`),
      usagePriceBookResponseSchema,
    );

    expect(all.entries).toHaveLength(PRICES.length);
    expect(all.entries[0]).toEqual({
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4.1',
      unit: 'input_tokens',
      price: '2.00',
      per: 1_000_000,
      currency: 'USD',
      from: '2025-01-01',
      to: null,
    });
    expect(geoscape.entries.map((e) => [e.price, e.from, e.model, e.per])).toEqual([
      ['0.004', '2025-01-01', null, 1],
      ['0.005', '2026-02-01', null, 1],
    ]);
    expect(january.entries.map((e) => `${e.provider} ${e.unit} ${e.price}`)).toEqual([
      'openai input_tokens 2.00',
      'openai output_tokens 8.00',
      'geoscape requests 0.004',
    ]);
    expect(february.entries.map((e) => e.price)).toEqual(['0.005']);
  });
});
