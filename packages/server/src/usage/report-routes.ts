// What the operator reads about API spend: the range's summary (total, by provider, customers,
// this month's forecast, budgets), a timeseries for stacked charts, the costliest customers with
// their quotas, cost rows by any dimensions as JSON or as a CSV download, and the price book.

import { bucketStart, type Granularity } from '@billkit/core';
import type { CostQuery, CostRow, Metering, TimeseriesRow } from '@billkit/metering';
import type { z } from 'zod';
import type { AdminRoute } from '../admin/admin-request.js';
import {
  USAGE_ROUTES,
  type UsageCostsResponse,
  type UsageCustomerJson,
  type UsageCustomersResponse,
  type UsagePriceBookResponse,
  type UsageProviderTotalJson,
  type UsageQuotaJson,
  type UsageSeriesJson,
  type UsageSummaryResponse,
  type UsageTimeseriesResponse,
  usageCostsQuerySchema,
  usageCustomersQuerySchema,
  usagePriceBookQuerySchema,
  usageSummaryQuerySchema,
  usageTimeseriesQuerySchema,
} from '../contract/index.js';
import { csvAttachment, json } from '../http/responses.js';
import { budgetStatusJson, costRowJson, dimensionValue, priceEntryJson } from './usage-to-json.js';

/** What the report routes share: the metering and the reporting currency of a request. */
export interface UsageRouteContext {
  metering: Metering;
  /** The currency asked for, else the module's default. */
  reportingCurrency(asked: string | undefined): Promise<string>;
}

const DEFAULT_CUSTOMERS_PAGE = 20;

export function reportRoutes(context: UsageRouteContext): AdminRoute[] {
  const { metering } = context;
  return [
    {
      method: 'GET',
      path: USAGE_ROUTES.summary,
      value: async ({ query }) => {
        const range = query(usageSummaryQuerySchema);
        return json(await summary(context, range));
      },
    },
    {
      method: 'GET',
      path: USAGE_ROUTES.timeseries,
      value: async ({ query }) => {
        const asked = query(usageTimeseriesQuerySchema);
        return json(await timeseries(context, asked));
      },
    },
    {
      method: 'GET',
      path: USAGE_ROUTES.customers,
      value: async ({ query }) => {
        const asked = query(usageCustomersQuerySchema);
        return json(await customers(context, asked));
      },
    },
    {
      method: 'GET',
      path: USAGE_ROUTES.costs,
      value: async ({ query }) => {
        const asked = query(usageCostsQuerySchema);
        const groupBy = asked.groupBy ?? [];
        const rows = await metering.costs(costQuery(asked));
        const answer: UsageCostsResponse = {
          from: iso(asked.from),
          to: iso(asked.to),
          currency: asked.currency ?? null,
          rows: rows.map((row) => costRowJson(row, groupBy)),
        };
        return json(answer);
      },
    },
    {
      method: 'GET',
      path: USAGE_ROUTES.costsCsv,
      value: async ({ query }) => {
        const asked = query(usageCostsQuerySchema);
        const csv = await metering.costsCsv(costQuery(asked));
        return csvAttachment(csv, `usage-costs-${day(asked.from)}-${day(asked.to)}.csv`);
      },
    },
    {
      method: 'GET',
      path: USAGE_ROUTES.priceBook,
      value: async ({ query }) => {
        const { provider, at } = query(usagePriceBookQuerySchema);
        let entries = [...metering.priceBook.entries];
        if (provider !== undefined) entries = entries.filter((entry) => entry.provider === provider);
        if (at !== undefined) entries = inForceOn(entries, at);
        const answer: UsagePriceBookResponse = { entries: entries.map(priceEntryJson) };
        return json(answer);
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Summary

async function summary(
  context: UsageRouteContext,
  range: { from: string; to: string; currency?: string | undefined },
): Promise<UsageSummaryResponse> {
  const { metering } = context;
  const currency = await context.reportingCurrency(range.currency);
  const window = { from: new Date(range.from), to: new Date(range.to), currency };
  const [providerRows, customerRows, forecast, budgets] = await Promise.all([
    metering.costs({ ...window, groupBy: ['provider'] }),
    metering.costs({ ...window, groupBy: ['customerId'] }),
    metering.forecast({ currency }),
    metering.budgets.list(),
  ]);
  const byProvider = providerTotals(providerRows);
  return {
    from: iso(range.from),
    to: iso(range.to),
    currency,
    costMicros: sum(byProvider, (p) => p.costMicros),
    count: sum(byProvider, (p) => p.count),
    failures: sum(byProvider, (p) => p.failures),
    customers: new Set(customerRows.map((row) => row.customerId).filter((id) => id != null)).size,
    byProvider,
    forecast: {
      period: forecast.period,
      spentMicros: forecast.spentMicros,
      forecastMicros: forecast.forecastMicros,
      currency: forecast.currency,
    },
    budgets: budgets.map(budgetStatusJson),
  };
}

function providerTotals(rows: readonly CostRow[]): UsageProviderTotalJson[] {
  const byProvider = new Map<string, UsageProviderTotalJson>();
  for (const row of rows) {
    const provider = row.provider ?? '';
    const total = byProvider.get(provider) ?? { provider, costMicros: 0, count: 0, failures: 0 };
    total.costMicros += row.costMicros;
    total.count += row.count;
    total.failures += row.failures;
    byProvider.set(provider, total);
  }
  return [...byProvider.values()].sort(
    (a, b) => b.costMicros - a.costMicros || a.provider.localeCompare(b.provider),
  );
}

// ---------------------------------------------------------------------------------------------
// Timeseries

type TimeseriesAsk = z.output<typeof usageTimeseriesQuerySchema>;

async function timeseries(
  context: UsageRouteContext,
  asked: TimeseriesAsk,
): Promise<UsageTimeseriesResponse> {
  const currency = await context.reportingCurrency(asked.currency);
  const from = new Date(asked.from);
  const to = new Date(asked.to);
  const rows = await context.metering.timeseries({
    from,
    to,
    granularity: asked.granularity,
    groupBy: asked.groupBy ? [asked.groupBy] : [],
    ...(asked.provider !== undefined ? { where: { provider: asked.provider } } : {}),
    currency,
  });
  const buckets = bucketsOf(from, to, asked.granularity, rows);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    granularity: asked.granularity,
    groupBy: asked.groupBy ?? null,
    currency,
    buckets,
    series: seriesOf(rows, buckets, asked.groupBy),
  };
}

/**
 * Every bucket that starts in [from, to) (what metering reads: a bucket `from` falls inside is not
 * in the range), and any bucket a row has besides.
 */
function bucketsOf(from: Date, to: Date, granularity: Granularity, rows: readonly TimeseriesRow[]): string[] {
  const starts = new Set<string>();
  const held = bucketStart(from, granularity);
  const first = held < from ? nextBucket(held, granularity) : held;
  for (let at = first; at < to; at = nextBucket(at, granularity)) starts.add(at.toISOString());
  for (const row of rows) starts.add(row.bucket.toISOString());
  return [...starts].sort();
}

function nextBucket(at: Date, granularity: Granularity): Date {
  switch (granularity) {
    case 'minute':
      return new Date(at.getTime() + 60_000);
    case 'hour':
      return new Date(at.getTime() + 3_600_000);
    case 'day':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
    case 'month':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  }
}

function seriesOf(
  rows: readonly TimeseriesRow[],
  buckets: readonly string[],
  groupBy: TimeseriesAsk['groupBy'],
): UsageSeriesJson[] {
  const position = new Map(buckets.map((bucket, index) => [bucket, index]));
  const byKey = new Map<string | null, UsageSeriesJson>();
  for (const row of rows) {
    const key = groupBy ? dimensionValue(row, groupBy) : null;
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
    const index = position.get(row.bucket.toISOString())!;
    series.costMicros[index]! += row.costMicros;
    series.count[index]! += row.count;
    series.failures[index]! += row.failures;
    series.totalCostMicros += row.costMicros;
  }
  return [...byKey.values()].sort(
    (a, b) => b.totalCostMicros - a.totalCostMicros || (a.key ?? '').localeCompare(b.key ?? ''),
  );
}

// ---------------------------------------------------------------------------------------------
// Customers

type CustomersAsk = z.output<typeof usageCustomersQuerySchema>;

async function customers(context: UsageRouteContext, asked: CustomersAsk): Promise<UsageCustomersResponse> {
  const { metering } = context;
  const currency = await context.reportingCurrency(asked.currency);
  const where = asked.provider !== undefined ? { where: { provider: asked.provider } } : {};
  const window = { from: new Date(asked.from), to: new Date(asked.to), currency, ...where };
  const [byCustomer, byFeature] = await Promise.all([
    metering.costs({ ...window, groupBy: ['customerId'] }),
    metering.costs({ ...window, groupBy: ['customerId', 'feature'] }),
  ]);
  const totals = customerTotals(byCustomer);
  const offset = asked.cursor === undefined ? 0 : Number(asked.cursor);
  const limit = asked.limit ?? DEFAULT_CUSTOMERS_PAGE;
  const page = totals.ranked.slice(offset, offset + limit);
  const items = await Promise.all(
    page.map(async (customer) => ({
      ...customer,
      quotas: await quotasOf(metering, customer.customerId, featuresOf(byFeature, customer.customerId)),
    })),
  );
  return {
    from: iso(asked.from),
    to: iso(asked.to),
    currency,
    items,
    nextCursor: offset + limit < totals.ranked.length ? String(offset + limit) : null,
    totalCustomers: totals.ranked.length,
    unattributed: totals.unattributed,
  };
}

/** Customers costliest first (then by id), and what served nobody. */
function customerTotals(rows: readonly CostRow[]) {
  const byId = new Map<string, Omit<UsageCustomerJson, 'quotas'>>();
  const unattributed = { costMicros: 0, count: 0 };
  for (const row of rows) {
    if (row.customerId == null) {
      unattributed.costMicros += row.costMicros;
      unattributed.count += row.count;
      continue;
    }
    const total = byId.get(row.customerId) ?? {
      customerId: row.customerId,
      costMicros: 0,
      count: 0,
      failures: 0,
    };
    total.costMicros += row.costMicros;
    total.count += row.count;
    total.failures += row.failures;
    byId.set(row.customerId, total);
  }
  const ranked = [...byId.values()].sort(
    (a, b) => b.costMicros - a.costMicros || (a.customerId < b.customerId ? -1 : 1),
  );
  return { ranked, unattributed };
}

function featuresOf(rows: readonly CostRow[], customerId: string): string[] {
  const features = rows
    .filter((row) => row.customerId === customerId && row.feature != null)
    .map((row) => row.feature!);
  return [...new Set(features)].sort();
}

/** The customer's quota of each feature that has one. */
async function quotasOf(
  metering: Metering,
  customerId: string,
  features: string[],
): Promise<UsageQuotaJson[]> {
  const statuses = await Promise.all(
    features.map(async (feature) => ({ feature, status: await metering.check(customerId, feature) })),
  );
  const quotas: UsageQuotaJson[] = [];
  for (const { feature, status } of statuses) {
    if (status.limit === null || status.resetsAt === null) continue;
    quotas.push({
      feature,
      allowed: status.allowed,
      used: status.used,
      limit: status.limit,
      resetsAt: status.resetsAt.toISOString(),
    });
  }
  return quotas;
}

// ---------------------------------------------------------------------------------------------
// Costs and the price book

function costQuery(asked: z.output<typeof usageCostsQuerySchema>): CostQuery {
  return {
    from: new Date(asked.from),
    to: new Date(asked.to),
    groupBy: asked.groupBy ?? [],
    ...(asked.provider !== undefined ? { where: { provider: asked.provider } } : {}),
    ...(asked.currency !== undefined ? { currency: asked.currency } : {}),
  };
}

type PriceEntry = Metering['priceBook']['entries'][number];

/** The entries in force on `day`: started by then, not ended, and not replaced by a later start. */
function inForceOn(entries: readonly PriceEntry[], day: string): PriceEntry[] {
  const started = entries.filter((entry) => entry.from <= day && (entry.to === undefined || day < entry.to));
  const newest = new Map<string, PriceEntry>();
  for (const entry of started) {
    const seen = newest.get(priceKey(entry));
    if (!seen || seen.from < entry.from) newest.set(priceKey(entry), entry);
  }
  return started.filter((entry) => newest.get(priceKey(entry)) === entry);
}

function priceKey(entry: PriceEntry): string {
  return [entry.provider, entry.operation, entry.model ?? '', entry.unit].join('\u0000');
}

// ---------------------------------------------------------------------------------------------

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

/** A contract date as the answer spells it: '2026-03-01' → '2026-03-01T00:00:00.000Z'. */
function iso(date: string): string {
  return new Date(date).toISOString();
}

/** The date part of a contract date, safe in a file name. */
function day(date: string): string {
  return new Date(date).toISOString().slice(0, 10);
}
