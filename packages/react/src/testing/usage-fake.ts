// An in-memory stand-in for @billkit/server's usage dashboard routes (`<basePath>/admin/usage/...`),
// speaking the same JSON: a year of a résumé app's metered calls (OpenAI, Geoscape, SmartyStreets),
// customers with quotas, budgets with the alerts they sent, and a spend spike. Budgets can be
// created, replaced and deleted. `respond(request)` answers a fetch Request; `usageHandlers(fake)`
// wires it into msw.

import type {
  BudgetAlertJson,
  BudgetJson,
  BudgetStatusJson,
  UsageCustomerJson,
  UsageCustomersPageJson,
  UsageQuotaJson,
  UsageSeriesJson,
  UsageSummaryJson,
  UsageTimeseriesJson,
} from '../admin/wire.js';
import type { AdminFakeFailure, AdminFakeRequest } from './admin-fake.js';

export interface UsageFakeOptions {
  /**
   * Where the server is mounted; the usage dashboard's routes are under `<basePath>/admin/usage`.
   * @default '/api/billing'
   */
  basePath?: string;
  /**
   * The fake's clock: the history runs from the first day of the month twelve months before.
   * @default new Date('2026-03-20T06:00:00Z')
   */
  now?: Date;
  /**
   * `'seeded'`: a year of usage, the overall budget at 85 %; `'over_budget'`: the same usage with a
   * smaller cap (112 %); `'empty'`: a new install with no usage, budgets or alerts.
   * @default 'seeded'
   */
  dataset?: 'seeded' | 'over_budget' | 'empty';
}

/** One roll-up of metered calls: what a customer (or nobody) used of one provider's operation. */
export interface UsageFakeRecord {
  at: string;
  provider: string;
  operation: string;
  model: string | null;
  feature: string | null;
  region: string | null;
  customerId: string | null;
  /** The provider's price currency. */
  currency: string;
  costMicros: number;
  count: number;
  failures: number;
  units: Record<string, number>;
}

export interface UsageFake {
  readonly basePath: string;
  readonly now: Date;
  /** The reporting currency when a request names none. */
  readonly currency: string;
  records: UsageFakeRecord[];
  budgets: BudgetJson[];
  /** Every alert sent, oldest first. */
  alerts: BudgetAlertJson[];
  /** Every request answered, in order (paths below the base path: `/admin/usage/summary?...`). */
  readonly requests: AdminFakeRequest[];
  /**
   * Makes a route fail: `fail('GET /usage/summary', { status: 502 })`. The route is the template
   * below `/admin`: `PUT /usage/budgets/:id`.
   */
  fail(route: string, failure?: AdminFakeFailure): void;
  /** Undoes `fail` for one route, or for all. */
  recover(route?: string): void;
  /** Holds every answer this long; `'infinite'` never answers (loading states). */
  latency: number | 'infinite';
  respond(request: Request): Promise<Response>;
  /** `respond` as a fetch function, for a provider's `fetch` prop (no msw needed). */
  fetch: typeof fetch;
}

type Json = Record<string, unknown>;
type RouteHandler = (args: { params: string[]; body: Json; url: URL }) => Response;
type Granularity = 'minute' | 'hour' | 'day' | 'month';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const DEFAULT_NOW = new Date('2026-03-20T06:00:00Z');
const REPORTING_CURRENCY = 'AUD';
/** Micro-AUD per micro-unit of each currency, as a fraction (1 USD = 1.53 AUD). */
const TO_AUD: Record<string, { times: number; over: number }> = {
  AUD: { times: 1, over: 1 },
  USD: { times: 153, over: 100 },
};
const DIMENSIONS = ['provider', 'operation', 'model', 'feature', 'region', 'customerId'] as const;
type Dimension = (typeof DIMENSIONS)[number];
const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day', 'month'];
const MAX_BUCKETS = 1000;
const DEFAULT_THRESHOLDS = [50, 80, 100];
/** A résumé review on gpt-4.1: the résumé, the job ad and the rubric in, the review out (about US$0.03). */
const REVIEW_TOKENS = { input: 7500, output: 1800 };
/** AI reviews the runaway job made in its hour: some US$9, far above a normal hour. */
const SPIKE_CALLS = 320;

/**
 * Creates the fake with its seeded (or empty) usage: eight customers on three plans, background jobs
 * that serve no customer, and a runaway job six days ago that set off a spend-rate alert. Costs are
 * kept in each provider's currency and reported in AUD (1 USD = 1.53 AUD); the overall budget is
 * sized so this month stands at 85 % of it (112 % with `dataset: 'over_budget'`), beside an OpenAI
 * budget in USD. A new or changed cap sends the alerts it is already past, as metering's next check would.
 */
export function createUsageFake(options: UsageFakeOptions = {}): UsageFake {
  const now = options.now ?? DEFAULT_NOW;
  const basePath = (options.basePath ?? '/api/billing').replace(/\/+$/, '');
  const dataset = options.dataset ?? 'seeded';
  const failures = new Map<string, Required<Omit<AdminFakeFailure, 'param'>> & { param?: string }>();
  let alertSequence = 0;
  const nextAlertId = () => `alert_fake${String(++alertSequence).padStart(5, '0')}`;

  const fake: UsageFake = {
    basePath,
    now,
    currency: REPORTING_CURRENCY,
    records: [],
    budgets: [],
    alerts: [],
    requests: [],
    latency: 0,
    fail(route, failure = {}) {
      failures.set(route, {
        status: failure.status ?? 502,
        code: failure.code ?? 'internal_error',
        message: failure.message ?? 'Something went wrong on our side.',
        raw: failure.raw ?? false,
        network: failure.network ?? false,
        times: failure.times ?? Number.POSITIVE_INFINITY,
        ...(failure.param ? { param: failure.param } : {}),
      });
    },
    recover(route) {
      if (route) failures.delete(route);
      else failures.clear();
    },
    respond,
    fetch: (input, init) => {
      const request =
        input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
      return respond(request);
    },
  };

  // --- money and time ----------------------------------------------------------------------------

  /** A record's time in ms, parsed once (every route scans the records). */
  const times = new WeakMap<UsageFakeRecord, number>();
  function timeOf(record: UsageFakeRecord): number {
    let time = times.get(record);
    if (time === undefined) {
      time = Date.parse(record.at);
      times.set(record, time);
    }
    return time;
  }

  function convert(micros: number, from: string, to: string): number {
    if (from === to) return micros;
    const into = TO_AUD[from]!;
    const aud = (micros * into.times) / into.over;
    const out = TO_AUD[to]!;
    return Math.round((aud * out.over) / out.times);
  }

  const monthStart = (time: number) => {
    const date = new Date(time);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  };
  const nextMonth = (time: number) => {
    const date = new Date(monthStart(time));
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  };
  const period = (time: number) => new Date(time).toISOString().slice(0, 7);

  /** Spend of the records matching `scope` in `[from, to)`, in `currency`. */
  function spend(from: number, to: number, currency: string, provider?: string): number {
    let total = 0;
    for (const record of fake.records) {
      const at = timeOf(record);
      if (at < from || at >= to) continue;
      if (provider !== undefined && record.provider !== provider) continue;
      total += convert(record.costMicros, record.currency, currency);
    }
    return total;
  }

  /** This month's spend and its month-end value at the month's pace so far. */
  function monthPace(currency: string, provider?: string) {
    const start = monthStart(now.getTime());
    const end = nextMonth(start);
    const spentMicros = spend(start, now.getTime() + 1, currency, provider);
    const elapsed = Math.max(HOUR, now.getTime() - start);
    return {
      period: period(start),
      spentMicros,
      forecastMicros: Math.round((spentMicros * (end - start)) / elapsed),
    };
  }

  // --- budgets and alerts ------------------------------------------------------------------------

  function providerOf(budget: BudgetJson): string | undefined {
    return budget.scope.kind === 'provider' ? budget.scope.provider : undefined;
  }

  function statusOf(budget: BudgetJson): BudgetStatusJson {
    const pace = monthPace(budget.currency, providerOf(budget));
    return {
      budget,
      period: pace.period,
      spentMicros: pace.spentMicros,
      percent: Math.round((pace.spentMicros / budget.amountMicros) * 10_000) / 100,
      forecastMicros: pace.forecastMicros,
      alerts: fake.alerts.filter(
        (alert) => alert.budgetId === budget.id && alert.period.startsWith(pace.period),
      ),
    };
  }

  /**
   * The threshold alerts `budget` sent from `since` to now: walking the records in time order, an
   * alert when a month's spend first reaches each percentage (ten minutes later, as the check runs
   * after a flush); `at` overrides the time (a check that runs now).
   */
  function thresholdAlerts(budget: BudgetJson, since: number, at?: number): BudgetAlertJson[] {
    const provider = providerOf(budget);
    const sent = new Set(
      fake.alerts
        .filter((alert) => alert.budgetId === budget.id && alert.kind === 'threshold')
        .map((alert) => `${alert.period}:${alert.threshold}`),
    );
    const ordered = fake.records
      .filter((record) => provider === undefined || record.provider === provider)
      .map((record) => ({ time: timeOf(record), record }))
      .filter(({ time }) => time >= monthStart(since) && time <= now.getTime())
      .sort((a, b) => a.time - b.time);
    const alerts: BudgetAlertJson[] = [];
    let month = '';
    let spent = 0;
    for (const { time, record } of ordered) {
      if (period(time) !== month) {
        month = period(time);
        spent = 0;
      }
      spent += convert(record.costMicros, record.currency, budget.currency);
      for (const threshold of budget.thresholds) {
        const key = `${month}:${threshold}`;
        if (sent.has(key) || spent * 100 < budget.amountMicros * threshold) continue;
        const when = at ?? Math.min(time + 10 * 60_000, now.getTime());
        if (when < since) continue;
        sent.add(key);
        alerts.push({
          id: nextAlertId(),
          budgetId: budget.id,
          period: month,
          threshold,
          kind: 'threshold',
          spentMicros: spent,
          at: new Date(when).toISOString(),
        });
      }
    }
    return alerts;
  }

  function putBudget(id: string, input: BudgetInput): BudgetJson {
    const existing = fake.budgets.find((budget) => budget.id === id);
    const time = new Date(now).toISOString();
    const budget: BudgetJson = {
      id,
      scope:
        input.provider === undefined ? { kind: 'overall' } : { kind: 'provider', provider: input.provider },
      amountMicros: decimalToMicros(input.monthly),
      currency: input.currency,
      thresholds: input.thresholds ?? [...DEFAULT_THRESHOLDS],
      createdAt: existing?.createdAt ?? time,
      updatedAt: time,
    };
    fake.budgets = existing
      ? fake.budgets.map((known) => (known.id === id ? budget : known))
      : [...fake.budgets, budget];
    // Metering checks every budget after each flush: a cap already passed this month alerts now.
    fake.alerts.push(...thresholdAlerts(budget, monthStart(now.getTime()), now.getTime()));
    return budget;
  }

  // --- the routes --------------------------------------------------------------------------------

  function summary(url: URL): UsageSummaryJson {
    const { from, to, currency } = rangeOf(url);
    const byProvider = new Map<
      string,
      { provider: string; costMicros: number; count: number; failures: number }
    >();
    const customers = new Set<string>();
    for (const record of recordsIn(from, to)) {
      const total = byProvider.get(record.provider) ?? {
        provider: record.provider,
        costMicros: 0,
        count: 0,
        failures: 0,
      };
      total.costMicros += convert(record.costMicros, record.currency, currency);
      total.count += record.count;
      total.failures += record.failures;
      byProvider.set(record.provider, total);
      if (record.customerId !== null) customers.add(record.customerId);
    }
    const providers = [...byProvider.values()].sort(
      (a, b) => b.costMicros - a.costMicros || a.provider.localeCompare(b.provider),
    );
    const pace = monthPace(currency);
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      currency,
      costMicros: sum(providers, (p) => p.costMicros),
      count: sum(providers, (p) => p.count),
      failures: sum(providers, (p) => p.failures),
      customers: customers.size,
      byProvider: providers,
      forecast: { ...pace, currency },
      budgets: fake.budgets.map(statusOf),
    };
  }

  function timeseries(url: URL): UsageTimeseriesJson {
    const { from, to, currency } = rangeOf(url);
    const granularity = (url.searchParams.get('granularity') || 'day') as Granularity;
    if (!GRANULARITIES.includes(granularity)) {
      throw invalid('granularity', "Invalid option: expected one of 'minute'|'hour'|'day'|'month'");
    }
    const groupBy = url.searchParams.get('groupBy') || null;
    if (groupBy !== null && (!isDimension(groupBy) || groupBy === 'customerId')) {
      throw invalid(
        'groupBy',
        "Invalid option: expected one of 'provider'|'operation'|'model'|'feature'|'region'",
      );
    }
    const buckets: number[] = [];
    for (let at = bucketStart(from, granularity); at < to; at = nextBucket(at, granularity)) {
      buckets.push(at);
      if (buckets.length > MAX_BUCKETS) {
        throw invalid(
          'granularity',
          `more than ${MAX_BUCKETS} buckets: a coarser granularity or a shorter range`,
        );
      }
    }
    const position = new Map(buckets.map((bucket, index) => [bucket, index]));
    const provider = url.searchParams.get('provider');
    const byKey = new Map<string | null, UsageSeriesJson>();
    for (const record of recordsIn(from, to)) {
      if (provider && record.provider !== provider) continue;
      const key = groupBy === null ? null : record[groupBy as Dimension];
      let series = byKey.get(key);
      if (!series) {
        series = {
          key,
          costMicros: buckets.map(() => 0),
          count: buckets.map(() => 0),
          failures: buckets.map(() => 0),
          totalCostMicros: 0,
        };
        byKey.set(key, series);
      }
      const index = position.get(bucketStart(timeOf(record), granularity))!;
      const cost = convert(record.costMicros, record.currency, currency);
      series.costMicros[index]! += cost;
      series.count[index]! += record.count;
      series.failures[index]! += record.failures;
      series.totalCostMicros += cost;
    }
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      granularity,
      groupBy: groupBy as UsageTimeseriesJson['groupBy'],
      currency,
      buckets: buckets.map((bucket) => new Date(bucket).toISOString()),
      series: [...byKey.values()].sort(
        (a, b) => b.totalCostMicros - a.totalCostMicros || (a.key ?? '').localeCompare(b.key ?? ''),
      ),
    };
  }

  function customers(url: URL): UsageCustomersPageJson {
    const { from, to, currency } = rangeOf(url);
    const provider = url.searchParams.get('provider');
    const limit = pageLimit(url, 20);
    const cursor = url.searchParams.get('cursor');
    if (cursor !== null && !/^\d{1,9}$/.test(cursor))
      throw invalid('cursor', 'a cursor from the page before');
    const byId = new Map<string, Omit<UsageCustomerJson, 'quotas'> & { features: Set<string> }>();
    const unattributed = { costMicros: 0, count: 0 };
    for (const record of recordsIn(from, to)) {
      if (provider && record.provider !== provider) continue;
      const cost = convert(record.costMicros, record.currency, currency);
      if (record.customerId === null) {
        unattributed.costMicros += cost;
        unattributed.count += record.count;
        continue;
      }
      const total = byId.get(record.customerId) ?? {
        customerId: record.customerId,
        costMicros: 0,
        count: 0,
        failures: 0,
        features: new Set<string>(),
      };
      total.costMicros += cost;
      total.count += record.count;
      total.failures += record.failures;
      if (record.feature) total.features.add(record.feature);
      byId.set(record.customerId, total);
    }
    const ranked = [...byId.values()].sort(
      (a, b) => b.costMicros - a.costMicros || (a.customerId < b.customerId ? -1 : 1),
    );
    const offset = cursor === null ? 0 : Number(cursor);
    const items = ranked.slice(offset, offset + limit).map(({ features, ...customer }) => ({
      ...customer,
      quotas: [...features]
        .sort()
        .map((feature) => quotaOf(customer.customerId, feature))
        .filter((quota): quota is UsageQuotaJson => quota !== null),
    }));
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      currency,
      items,
      nextCursor: offset + limit < ranked.length ? String(offset + limit) : null,
      totalCustomers: ranked.length,
      unattributed,
    };
  }

  /** The customer's quota of a feature now, as `metering.check` answers it; null without a limit. */
  function quotaOf(customerId: string, feature: string): UsageQuotaJson | null {
    const plan = CUSTOMERS.find((customer) => customer.id === customerId)?.plan;
    const limit = plan ? QUOTAS[feature]?.[plan] : undefined;
    if (!limit) return null;
    const start = limit.per === 'day' ? Math.floor(now.getTime() / DAY) * DAY : monthStart(now.getTime());
    const resets = limit.per === 'day' ? start + DAY : nextMonth(start);
    let used = 0;
    for (const record of fake.records) {
      if (record.customerId !== customerId || record.feature !== feature) continue;
      const at = timeOf(record);
      if (at >= start && at <= now.getTime()) used += record.count;
    }
    return {
      feature,
      allowed: used < limit.limit,
      used,
      limit: limit.limit,
      resetsAt: new Date(resets).toISOString(),
    };
  }

  function costRows(url: URL) {
    const { from, to } = rangeOf(url);
    const asked = url.searchParams.get('currency');
    const currency = asked ? reportingCurrency(asked) : null;
    const groupBy = (url.searchParams.get('groupBy') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    for (const dimension of groupBy) {
      if (!isDimension(dimension)) throw invalid('groupBy', `Invalid option: ${dimension}`);
    }
    const provider = url.searchParams.get('provider');
    const rows = new Map<
      string,
      Json & { currency: string; costMicros: number; count: number; failures: number }
    >();
    for (const record of recordsIn(from, to)) {
      if (provider && record.provider !== provider) continue;
      const rowCurrency = currency ?? record.currency;
      const values = groupBy.map((dimension) => record[dimension as Dimension]);
      const key = JSON.stringify([...values, rowCurrency]);
      const row = rows.get(key) ?? {
        ...Object.fromEntries(groupBy.map((dimension, index) => [dimension, values[index]])),
        currency: rowCurrency,
        costMicros: 0,
        count: 0,
        failures: 0,
        units: {} as Record<string, number>,
      };
      row.costMicros += convert(record.costMicros, record.currency, rowCurrency);
      row.count += record.count;
      row.failures += record.failures;
      const units = row.units as Record<string, number>;
      for (const [unit, quantity] of Object.entries(record.units))
        units[unit] = (units[unit] ?? 0) + quantity;
      rows.set(key, row);
    }
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      currency,
      groupBy,
      rows: [...rows.values()].sort((a, b) => b.costMicros - a.costMicros),
    };
  }

  function costsCsv(url: URL): Response {
    const { from, to, groupBy, rows } = costRows(url);
    const header = [...groupBy, 'currency', 'cost', 'count', 'failures'];
    const lines = rows.map((row) => [
      ...groupBy.map((dimension) => String(row[dimension] ?? '')),
      row.currency,
      microsToDecimal(row.costMicros),
      String(row.count),
      String(row.failures),
    ]);
    const text = `${[header, ...lines].map((line) => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
    return new Response(text, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="usage-costs-${from.slice(0, 10)}-${to.slice(0, 10)}.csv"`,
      },
    });
  }

  function createBudget(body: Json): Response {
    const input = budgetInput(body, true);
    const id = input.id ?? (input.provider === undefined ? 'overall' : `provider:${input.provider}`);
    requireProviderOfId(id, input.provider);
    if (fake.budgets.some((budget) => budget.id === id)) {
      throw httpError(
        409,
        'budget_exists',
        `A budget '${id}' exists: change it with PUT.`,
        fieldThatNamed(input),
      );
    }
    return json({ budget: putBudget(id, input) }, 201);
  }

  function deleteBudget(id: string): Response {
    if (!fake.budgets.some((budget) => budget.id === id)) {
      throw httpError(404, 'budget_not_found', `There is no budget '${id}'.`);
    }
    fake.budgets = fake.budgets.filter((budget) => budget.id !== id);
    return json({ id, deleted: true });
  }

  function listAlerts(url: URL): Response {
    const budgetId = url.searchParams.get('budgetId');
    const month = url.searchParams.get('period');
    if (month !== null && !/^\d{4}-\d{2}(-\d{2})?$/.test(month)) {
      throw invalid('period', "a month '2026-03' or a day '2026-03-14'");
    }
    const limit = pageLimit(url, 50);
    const alerts = fake.alerts
      .filter((alert) => !budgetId || alert.budgetId === budgetId)
      .filter((alert) => !month || alert.period === month)
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : -1))
      .slice(0, limit);
    return json({ alerts });
  }

  function priceBook(url: URL): Response {
    const provider = url.searchParams.get('provider');
    return json({ entries: PRICE_BOOK.filter((entry) => !provider || entry.provider === provider) });
  }

  function recordsIn(from: number, to: number): UsageFakeRecord[] {
    return fake.records.filter((record) => {
      const at = timeOf(record);
      return at >= from && at < to;
    });
  }

  const table: Array<[route: string, pattern: RegExp, handle: RouteHandler]> = [
    ['GET /usage/summary', /^\/usage\/summary$/, ({ url }) => json(summary(url))],
    ['GET /usage/timeseries', /^\/usage\/timeseries$/, ({ url }) => json(timeseries(url))],
    ['GET /usage/customers', /^\/usage\/customers$/, ({ url }) => json(customers(url))],
    [
      'GET /usage/costs',
      /^\/usage\/costs$/,
      ({ url }) => {
        const { groupBy: _groupBy, ...answer } = costRows(url);
        return json(answer);
      },
    ],
    ['GET /usage/costs.csv', /^\/usage\/costs\.csv$/, ({ url }) => costsCsv(url)],
    ['GET /usage/budgets', /^\/usage\/budgets$/, () => json({ budgets: fake.budgets.map(statusOf) })],
    ['POST /usage/budgets', /^\/usage\/budgets$/, ({ body }) => createBudget(body)],
    [
      'PUT /usage/budgets/:id',
      /^\/usage\/budgets\/([^/]+)$/,
      ({ params, body }) => {
        const id = params[0]!;
        if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(id)) throw httpError(404, 'not_found', `No budget id ${id}.`);
        const input = budgetInput(body, false);
        requireProviderOfId(id, input.provider);
        return json({ budget: putBudget(id, input) });
      },
    ],
    ['DELETE /usage/budgets/:id', /^\/usage\/budgets\/([^/]+)$/, ({ params }) => deleteBudget(params[0]!)],
    ['GET /usage/alerts', /^\/usage\/alerts$/, ({ url }) => listAlerts(url)],
    ['GET /usage/price-book', /^\/usage\/price-book$/, ({ url }) => priceBook(url)],
  ];

  async function respond(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const prefix = new URL(basePath, 'http://localhost').pathname.replace(/\/+$/, '');
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const body = parseBody(text);
    fake.requests.push({
      method: request.method,
      path: `${path}${url.search}`,
      body,
      contentType: request.headers.get('content-type'),
    });
    await wait(fake.latency);

    const routePath = path.startsWith('/admin/usage/') ? path.slice('/admin'.length) : null;
    const match =
      routePath === null
        ? undefined
        : table.find(([route, pattern]) => route.startsWith(`${request.method} `) && pattern.test(routePath));
    if (!match || routePath === null)
      return errorResponse(404, 'not_found', `No route ${request.method} ${path}.`);
    const [route, pattern, handle] = match;
    const failure = failures.get(route);
    if (failure) {
      failure.times -= 1;
      if (failure.times <= 0) failures.delete(route);
      if (failure.network) return Response.error();
      if (failure.raw) {
        return new Response('Bad gateway', {
          status: failure.status,
          headers: { 'content-type': 'text/plain' },
        });
      }
      return errorResponse(
        failure.status,
        failure.code,
        failure.message,
        failure.param ? { param: failure.param } : {},
      );
    }
    if (
      request.method !== 'GET' &&
      request.headers.get('content-type')?.split(';')[0] !== 'application/json'
    ) {
      return errorResponse(
        415,
        'unsupported_media_type',
        'Send state-changing requests with content-type: application/json.',
      );
    }
    try {
      const params = (pattern.exec(routePath) ?? []).slice(1).map((part) => decodeURIComponent(part));
      return handle({ params, body: isRecord(body) ? body : {}, url });
    } catch (error) {
      if (error instanceof FakeHttpError)
        return errorResponse(error.status, error.code, error.message, error.extra);
      throw error;
    }
  }

  // --- the seed ----------------------------------------------------------------------------------

  if (dataset !== 'empty') {
    const historyStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 12, 1);
    fake.records = seedRecords(historyStart, now);
    const thisMonth = monthStart(now.getTime());
    const overallShare = dataset === 'over_budget' ? 1.12 : 0.85;
    const overallCap = roundTo(monthPace(REPORTING_CURRENCY).spentMicros / overallShare, 1_000_000);
    const openaiCap = roundTo(monthPace('USD', 'openai').spentMicros / 0.62, 10_000_000);
    const budgets: BudgetJson[] = [
      {
        id: 'overall',
        scope: { kind: 'overall' },
        amountMicros: overallCap,
        currency: REPORTING_CURRENCY,
        thresholds: [...DEFAULT_THRESHOLDS],
        createdAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 3, 1, 12)).toISOString(),
        updatedAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 3, 1, 12)).toISOString(),
      },
      {
        id: 'provider:openai',
        scope: { kind: 'provider', provider: 'openai' },
        amountMicros: openaiCap,
        currency: 'USD',
        thresholds: [...DEFAULT_THRESHOLDS],
        createdAt: new Date(thisMonth - 40 * DAY).toISOString(),
        updatedAt: new Date(thisMonth - 40 * DAY).toISOString(),
      },
    ];
    fake.budgets = budgets;
    // Alerts as metering would have sent them since each budget was set up...
    for (const budget of budgets) fake.alerts.push(...thresholdAlerts(budget, Date.parse(budget.updatedAt)));
    // ...and the spend-rate alert of the runaway job (the last hour far above the week's average).
    const spike = fake.records.find((record) => record.operation === 'chat' && record.customerId === null);
    if (spike) {
      const at = Date.parse(spike.at) + 47 * 60_000;
      const dayStart = Math.floor(at / DAY) * DAY;
      fake.alerts.push({
        id: nextAlertId(),
        budgetId: 'overall',
        period: new Date(dayStart).toISOString().slice(0, 10),
        threshold: 0,
        kind: 'anomaly',
        spentMicros: spend(dayStart, at, REPORTING_CURRENCY),
        at: new Date(at).toISOString(),
      });
    }
    fake.alerts.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  return fake;
}

// --- the seed's cast and prices ------------------------------------------------------------------

type Plan = 'starter' | 'pro' | 'business';

/** Customers of the résumé and job-tracker app, by how much they use its AI and address checks. */
const CUSTOMERS: ReadonlyArray<{
  id: string;
  plan: Plan;
  region: 'AU' | 'US';
  /** Months before now they started. */
  since: number;
  reviewsPerDay: number;
  matchesPerDay: number;
  addressesPerDay: number;
}> = [
  {
    id: 'user_ava',
    plan: 'business',
    region: 'AU',
    since: 12,
    reviewsPerDay: 24,
    matchesPerDay: 60,
    addressesPerDay: 3,
  },
  {
    id: 'user_olivia',
    plan: 'business',
    region: 'US',
    since: 9,
    reviewsPerDay: 16,
    matchesPerDay: 45,
    addressesPerDay: 2,
  },
  {
    id: 'user_noah',
    plan: 'pro',
    region: 'AU',
    since: 10,
    reviewsPerDay: 2.3,
    matchesPerDay: 30,
    addressesPerDay: 1,
  },
  {
    id: 'user_liam',
    plan: 'pro',
    region: 'US',
    since: 7,
    reviewsPerDay: 1.6,
    matchesPerDay: 24,
    addressesPerDay: 1,
  },
  {
    id: 'user_chloe',
    plan: 'pro',
    region: 'AU',
    since: 4,
    reviewsPerDay: 1.2,
    matchesPerDay: 16,
    addressesPerDay: 0.5,
  },
  {
    id: 'user_mia',
    plan: 'starter',
    region: 'AU',
    since: 3,
    reviewsPerDay: 3,
    matchesPerDay: 8,
    addressesPerDay: 0.5,
  },
  {
    id: 'user_jack',
    plan: 'starter',
    region: 'AU',
    since: 6,
    reviewsPerDay: 0.3,
    matchesPerDay: 4,
    addressesPerDay: 0.2,
  },
  {
    id: 'user_ethan',
    plan: 'starter',
    region: 'US',
    since: 2,
    reviewsPerDay: 0.2,
    matchesPerDay: 3,
    addressesPerDay: 0.2,
  },
];

/** Quotas by feature and plan; a plan missing has no limit. */
const QUOTAS: Record<string, Partial<Record<Plan, { limit: number; per: 'day' | 'month' }>>> = {
  ai_review: { starter: { limit: 10, per: 'month' }, pro: { limit: 50, per: 'month' } },
  address_check: {
    starter: { limit: 25, per: 'day' },
    pro: { limit: 25, per: 'day' },
    business: { limit: 100, per: 'day' },
  },
};

const PRICE_BOOK = [
  price('openai', 'chat', 'gpt-4.1', 'input_tokens', '2.00', 1_000_000, 'USD'),
  price('openai', 'chat', 'gpt-4.1', 'output_tokens', '8.00', 1_000_000, 'USD'),
  price('openai', 'chat', 'gpt-4.1-mini', 'input_tokens', '0.40', 1_000_000, 'USD'),
  price('openai', 'chat', 'gpt-4.1-mini', 'output_tokens', '1.60', 1_000_000, 'USD'),
  price('openai', 'embeddings', 'text-embedding-3-small', 'input_tokens', '0.02', 1_000_000, 'USD'),
  price('geoscape', 'address-validation', null, 'requests', '0.0042', 1, 'AUD'),
  price('smartystreets', 'us-street-address', null, 'requests', '0.0045', 1, 'USD'),
];

function price(
  provider: string,
  operation: string,
  model: string | null,
  unit: string,
  amount: string,
  per: number,
  currency: string,
) {
  return { provider, operation, model, unit, price: amount, per, currency, from: '2025-01-01', to: null };
}

/** Micro-units per unit of a price: '2.00' per million tokens is 2 micro-units a token. */
function microsPerUnit(provider: string, operation: string, model: string | null, unit: string): number {
  const entry = PRICE_BOOK.find(
    (p) => p.provider === provider && p.operation === operation && p.model === model && p.unit === unit,
  );
  return entry ? decimalToMicros(entry.price) / entry.per : 0;
}

/**
 * A year of daily roll-ups up to `now` (today's part of a day so far), growing month by month, with
 * each customer's monthly AI reviews held to their plan's quota, plus the background jobs and the
 * hour of the runaway retry loop six days ago.
 */
function seedRecords(historyStart: number, now: Date): UsageFakeRecord[] {
  const random = mulberry32(20260320);
  const records: UsageFakeRecord[] = [];
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const reviewsThisMonth = new Map<string, number>();
  const spikeDay = today - 6 * DAY;

  const add = (
    day: number,
    offset: number,
    call: { provider: string; operation: string; model: string | null; feature: string | null },
    who: { customerId: string | null; region: string | null },
    count: number,
    unitsPerCall: Record<string, number>,
  ) => {
    if (count <= 0) return;
    const units: Record<string, number> = {};
    let costMicros = 0;
    for (const [unit, perCall] of Object.entries(unitsPerCall)) {
      const quantity = Math.round(perCall * count * (0.85 + random() * 0.3));
      units[unit] = quantity;
      costMicros += quantity * microsPerUnit(call.provider, call.operation, call.model, unit);
    }
    const failures = Math.floor(count * 0.012 + random() * 0.9);
    records.push({
      at: new Date(day + offset).toISOString(),
      ...call,
      ...who,
      currency: call.provider === 'geoscape' ? 'AUD' : 'USD',
      costMicros: Math.round(costMicros),
      count,
      failures: Math.min(failures, count),
      units,
    });
  };
  const draw = (rate: number) => Math.floor(rate * (0.6 + random() * 0.8) + random());

  for (let day = historyStart; day <= today; day += DAY) {
    // Today counts only the hours so far; its calls are put halfway through them.
    const share = day === today ? (now.getTime() - today) / DAY : 1;
    const offset = day === today ? Math.floor((now.getTime() - today) / 2) : 13 * HOUR;
    if (share <= 0) break;
    const date = new Date(day);
    const monthsAgo =
      (now.getUTCFullYear() - date.getUTCFullYear()) * 12 + now.getUTCMonth() - date.getUTCMonth();
    const growth = 1 / (1 + monthsAgo * 0.08);
    const month = date.toISOString().slice(0, 7);

    for (const customer of CUSTOMERS) {
      if (monthsAgo > customer.since) continue;
      const who = { customerId: customer.id, region: customer.region };
      const rate = growth * share;
      const quota = QUOTAS.ai_review?.[customer.plan]?.limit ?? Number.POSITIVE_INFINITY;
      const reviewKey = `${customer.id}:${month}`;
      const usedReviews = reviewsThisMonth.get(reviewKey) ?? 0;
      const reviews = Math.min(draw(customer.reviewsPerDay * rate), quota - usedReviews);
      reviewsThisMonth.set(reviewKey, usedReviews + Math.max(0, reviews));
      add(
        day,
        offset,
        { provider: 'openai', operation: 'chat', model: 'gpt-4.1', feature: 'ai_review' },
        who,
        reviews,
        {
          input_tokens: REVIEW_TOKENS.input,
          output_tokens: REVIEW_TOKENS.output,
        },
      );
      const matches = draw(customer.matchesPerDay * rate);
      add(
        day,
        offset,
        { provider: 'openai', operation: 'chat', model: 'gpt-4.1-mini', feature: 'job_match' },
        who,
        matches,
        {
          input_tokens: 1500,
          output_tokens: 300,
        },
      );
      add(
        day,
        offset,
        {
          provider: 'openai',
          operation: 'embeddings',
          model: 'text-embedding-3-small',
          feature: 'job_match',
        },
        who,
        matches,
        { input_tokens: 900 },
      );
      const addresses = draw(customer.addressesPerDay * rate);
      const addressProvider =
        customer.region === 'AU'
          ? { provider: 'geoscape', operation: 'address-validation' }
          : { provider: 'smartystreets', operation: 'us-street-address' };
      add(day, offset, { ...addressProvider, model: null, feature: 'address_check' }, who, addresses, {
        requests: 1,
      });
    }

    // Background work that serves no customer: indexing job ads, checking sign-up addresses.
    const nobody = { customerId: null, region: null };
    add(
      day,
      offset,
      { provider: 'openai', operation: 'embeddings', model: 'text-embedding-3-small', feature: 'job_index' },
      nobody,
      draw(1800 * growth * share),
      { input_tokens: 700 },
    );
    add(
      day,
      offset,
      { provider: 'geoscape', operation: 'address-validation', model: null, feature: 'signup_check' },
      { customerId: null, region: 'AU' },
      draw(14 * growth * share),
      { requests: 1 },
    );
    add(
      day,
      offset,
      { provider: 'smartystreets', operation: 'us-street-address', model: null, feature: 'signup_check' },
      { customerId: null, region: 'US' },
      draw(6 * growth * share),
      { requests: 1 },
    );
    if (day === spikeDay && spikeDay + 3 * HOUR <= now.getTime()) {
      // A retry loop re-reviewed the same résumés for an hour before it was stopped.
      records.unshift({
        at: new Date(day + 2 * HOUR + 30 * 60_000).toISOString(),
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4.1',
        feature: 'ai_review',
        customerId: null,
        region: null,
        currency: 'USD',
        costMicros: SPIKE_CALLS * (REVIEW_TOKENS.input * 2 + REVIEW_TOKENS.output * 8),
        count: SPIKE_CALLS,
        failures: 3,
        units: {
          input_tokens: SPIKE_CALLS * REVIEW_TOKENS.input,
          output_tokens: SPIKE_CALLS * REVIEW_TOKENS.output,
        },
      });
    }
  }
  // Every time is a toISOString(): their order is their strings'.
  return records.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

// --- requests ------------------------------------------------------------------------------------

interface BudgetInput {
  id?: string;
  provider?: string;
  monthly: string;
  currency: string;
  thresholds?: number[];
}

/** A budget body checked as the contract checks it: every problem named, the first one as `param`. */
function budgetInput(body: Json, withId: boolean): BudgetInput {
  const issues: Array<{ path: string; message: string }> = [];
  const input: Partial<BudgetInput> = {};
  if (withId && body.id !== undefined) {
    if (typeof body.id !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(body.id)) {
      issues.push({ path: 'id', message: "letters, digits and _ - . : such as 'provider:openai'" });
    } else input.id = body.id;
  }
  if (body.provider !== undefined) {
    const provider = typeof body.provider === 'string' ? body.provider.trim() : '';
    if (provider.length < 1 || provider.length > 100) {
      issues.push({ path: 'provider', message: 'from 1 to 100 characters' });
    } else input.provider = provider;
  }
  const monthly = typeof body.monthly === 'string' ? body.monthly.trim() : null;
  if (monthly === null) issues.push({ path: 'monthly', message: 'Invalid input: expected string' });
  else if (!/^\d{1,12}(\.\d{1,6})?$/.test(monthly)) {
    issues.push({ path: 'monthly', message: "a decimal amount such as '500.00'" });
  } else if (!/[1-9]/.test(monthly)) issues.push({ path: 'monthly', message: 'more than zero' });
  else input.monthly = monthly;
  if (typeof body.currency !== 'string' || !/^[a-zA-Z]{3}$/.test(body.currency)) {
    issues.push({ path: 'currency', message: 'a three-letter currency code' });
  } else if (!TO_AUD[body.currency.toUpperCase()]) {
    issues.push({ path: 'currency', message: `no exchange rate for ${body.currency.toUpperCase()}` });
  } else input.currency = body.currency.toUpperCase();
  if (body.thresholds !== undefined) {
    const thresholds = Array.isArray(body.thresholds) ? body.thresholds : null;
    if (thresholds === null) issues.push({ path: 'thresholds', message: 'Invalid input: expected array' });
    else if (thresholds.length < 1 || thresholds.length > 10) {
      issues.push({ path: 'thresholds', message: 'from 1 to 10 percentages' });
    } else {
      thresholds.forEach((value, index) => {
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          issues.push({ path: `thresholds.${index}`, message: 'Invalid input: expected int' });
        } else if (value < 1)
          issues.push({ path: `thresholds.${index}`, message: 'Too small: expected number to be >=1' });
        else if (value > 1000) {
          issues.push({ path: `thresholds.${index}`, message: 'Too big: expected number to be <=1000' });
        }
      });
      if (new Set(thresholds).size !== thresholds.length) {
        issues.push({ path: 'thresholds', message: 'each threshold once' });
      }
      if (!issues.some((issue) => issue.path.startsWith('thresholds'))) {
        input.thresholds = [...(thresholds as number[])].sort((a, b) => a - b);
      }
    }
  }
  if (issues.length > 0) throw invalidAll(issues);
  return input as BudgetInput;
}

/** The field that made a budget's id: the one given, else the provider, else none (overall). */
function fieldThatNamed(input: BudgetInput): string | undefined {
  if (input.id !== undefined) return 'id';
  if (input.provider !== undefined) return 'provider';
  return undefined;
}

/** As the server: an id 'provider:<name>' takes only that provider; other ids take any. */
function requireProviderOfId(id: string, provider: string | undefined): void {
  if (!id.startsWith('provider:')) return;
  const expected = id.slice('provider:'.length);
  if (provider !== expected) throw invalid('provider', `must be '${expected}' for the budget '${id}'`);
}

/** The request's `from`, `to` and reporting currency; 400 naming the field otherwise. */
function rangeOf(url: URL): { from: number; to: number; currency: string } {
  const fromText = url.searchParams.get('from') ?? '';
  const toText = url.searchParams.get('to') ?? '';
  const from = parseDate(fromText);
  const to = parseDate(toText);
  const dateMessage = 'an ISO 8601 date (2026-03-01) or time with its zone (2026-03-01T00:00:00Z)';
  if (from === null) throw invalid('from', dateMessage);
  if (to === null) throw invalid('to', dateMessage);
  if (to <= from) throw invalid('to', 'after from');
  const asked = url.searchParams.get('currency');
  return { from, to, currency: asked ? reportingCurrency(asked) : REPORTING_CURRENCY };
}

function reportingCurrency(asked: string): string {
  if (!/^[a-zA-Z]{3}$/.test(asked)) throw invalid('currency', 'a three-letter currency code');
  const currency = asked.toUpperCase();
  if (!TO_AUD[currency]) throw invalid('currency', `no exchange rate for ${currency}`);
  return currency;
}

function parseDate(text: string): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T00:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text))
    return Date.parse(text);
  return null;
}

function pageLimit(url: URL, fallback: number): number {
  const text = url.searchParams.get('limit');
  if (text === null) return fallback;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid('limit', 'from 1 to 100');
  return limit;
}

function isDimension(value: string): value is Dimension {
  return (DIMENSIONS as readonly string[]).includes(value);
}

function bucketStart(time: number, granularity: Granularity): number {
  if (granularity === 'month') {
    const date = new Date(time);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
  const size = granularity === 'day' ? DAY : granularity === 'hour' ? HOUR : 60_000;
  return Math.floor(time / size) * size;
}

function nextBucket(time: number, granularity: Granularity): number {
  if (granularity === 'month') {
    const date = new Date(time);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
  return time + (granularity === 'day' ? DAY : granularity === 'hour' ? HOUR : 60_000);
}

// --- helpers of the fake's own -------------------------------------------------------------------

class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Json,
  ) {
    super(message);
  }
}

function httpError(status: number, code: string, message: string, param?: string): FakeHttpError {
  return new FakeHttpError(status, code, message, param ? { param } : {});
}

/** 400 `invalid_input` for one field, as the server answers it. */
function invalid(param: string, message: string): FakeHttpError {
  return invalidAll([{ path: param, message }]);
}

/**
 * 400 `invalid_input` as the server answers it: every problem in `issues`, `param` the first, and
 * the message "path: message; ..." for people.
 */
function invalidAll(issues: Array<{ path: string; message: string }>): FakeHttpError {
  const message = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new FakeHttpError(400, 'invalid_input', message, { param: issues[0]!.path, issues });
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function errorResponse(status: number, code: string, message: string, extra: Json = {}): Response {
  return json({ error: { code, message, ...extra } }, status);
}

function parseBody(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wait(latency: number | 'infinite'): Promise<void> {
  if (latency === 'infinite') return new Promise(() => undefined);
  if (latency <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, latency));
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

function roundTo(value: number, step: number): number {
  return Math.max(step, Math.round(value / step) * step);
}

/** '500.00' → 500_000_000, digit by digit (never through a float). */
function decimalToMicros(decimal: string): number {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return Number(whole) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** 1_530_000 → '1.53' (major units, trailing zeros kept to two places). */
function microsToDecimal(micros: number): string {
  const whole = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

/** A small seeded generator, so every fake holds the same usage. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
