// The HTTP contract of the API-usage routes (`usageModule(createMetering(...))`, issue 9): the
// operator's dashboard under basePath + admin prefix + '/usage', and the server-to-server ingestion
// route POST basePath + '/usage/events'. Costs are integer micro-units of their currency
// (1 USD = 1 000 000 micro-USD); prices are decimal strings; times are ISO 8601 strings.

import { z } from 'zod';
import { adminDateSchema } from './admin.js';

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Events one POST /usage/events may carry; a longer batch answers 413 `payload_too_large`. */
export const MAX_USAGE_EVENTS_PER_BATCH = 1000;
/** Buckets one GET /usage/timeseries may answer; more is 400 naming `granularity`. */
export const MAX_USAGE_BUCKETS = 1000;

/** ISO 4217, any case on the way in, upper case after parsing (metering's own spelling): 'USD'. */
export const usageCurrencySchema = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, 'a three-letter currency code')
  .transform((currency) => currency.toUpperCase());

/** An integer count of micro-units of a currency: 1_530_000 is 1.53. */
const microsSchema = z.number().int().describe('integer micro-units of the currency');
const countSchema = z.number().int().nonnegative();
const isoTime = z.string().describe('ISO 8601 time');
/** A provider's name as metered: 'openai', 'geoscape'. */
const providerNameSchema = z.string().trim().min(1).max(100);
const pageLimitSchema = z.coerce.number().int().min(1).max(100);

/** What usage is grouped and filtered by on the wire (`customerId` is the host's user id). */
export const usageDimensionSchema = z.enum([
  'provider',
  'operation',
  'model',
  'feature',
  'region',
  'customerId',
]);
export type UsageDimensionJson = z.infer<typeof usageDimensionSchema>;

/** A bucket's size in timeseries. */
export const usageGranularitySchema = z.enum(['minute', 'hour', 'day', 'month']);
export type UsageGranularityJson = z.infer<typeof usageGranularitySchema>;

/** `from` before `to`, or `to` is the bad field. */
function fromBeforeTo(range: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (Date.parse(range.from) < Date.parse(range.to)) return;
  ctx.addIssue({ code: 'custom', path: ['to'], message: 'after from' });
}

const rangeShape = {
  /** Included: '2026-03-01' (midnight UTC) or a time with its zone. */
  from: adminDateSchema,
  /** Excluded: `[from, to)`. */
  to: adminDateSchema,
  /**
   * Convert every cost into this currency (metering's FX table; 400 on `currency` without a rate).
   * Absent: summary, timeseries and customers use the reporting currency (`usageModule`'s
   * `currency`, else the FX table's base, else the price book's); costs keep each row's own.
   */
  currency: usageCurrencySchema.optional(),
};

/** `?groupBy=provider,model`: dimensions, comma-separated, each once. */
const groupByListSchema = z
  .string()
  .transform((list) => list.split(',').map((part) => part.trim()))
  .pipe(z.array(usageDimensionSchema).max(6))
  .refine((dimensions) => new Set(dimensions).size === dimensions.length, 'each dimension once');

// ---------------------------------------------------------------------------------------------
// GET /usage/summary

/** GET /usage/summary?from=&to=&currency= */
export const usageSummaryQuerySchema = z.object(rangeShape).superRefine(fromBeforeTo);
export type UsageSummaryQuery = z.input<typeof usageSummaryQuerySchema>;

/** One provider's part of a range: its cost, calls and failed calls. */
export const usageProviderTotalSchema = z.object({
  provider: z.string(),
  costMicros: microsSchema,
  count: countSchema,
  failures: countSchema,
});
export type UsageProviderTotalJson = z.infer<typeof usageProviderTotalSchema>;

/** The month-end spend forecast of the current month (UTC), at the month's pace so far. */
export const usageForecastSchema = z.object({
  /** 'YYYY-MM' */
  period: z.string(),
  spentMicros: microsSchema,
  forecastMicros: microsSchema,
  currency: z.string(),
});
export type UsageForecastJson = z.infer<typeof usageForecastSchema>;

/** A budget alert that was sent (at most one per budget, period, threshold and kind). */
export const usageAlertSchema = z.object({
  id: z.string(),
  budgetId: z.string(),
  /** 'YYYY-MM' for a threshold; the UTC day 'YYYY-MM-DD' for a spend-rate anomaly. */
  period: z.string(),
  /** The percentage crossed; 0 for an anomaly. */
  threshold: z.number(),
  kind: z.enum(['threshold', 'anomaly']),
  /** Spend in the period when it fired, micro-units of the budget's currency. */
  spentMicros: microsSchema,
  at: isoTime,
});
export type UsageAlertJson = z.infer<typeof usageAlertSchema>;

/** A budget: a monthly cap on all spend or on one provider's. */
export const usageBudgetSchema = z.object({
  /** 'overall', 'provider:openai', or the id it was given. */
  id: z.string(),
  scope: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('overall') }),
    z.object({ kind: z.literal('provider'), provider: z.string() }),
  ]),
  /** The cap per calendar month (UTC), micro-units of `currency`. */
  amountMicros: microsSchema,
  currency: z.string(),
  /** Percentages of the cap that alert, ascending: [50, 80, 100]. */
  thresholds: z.array(z.number()),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type UsageBudgetJson = z.infer<typeof usageBudgetSchema>;

/** A budget with this month's spend, forecast and alerts. */
export const usageBudgetStatusSchema = z.object({
  budget: usageBudgetSchema,
  /** 'YYYY-MM' */
  period: z.string(),
  /** In the budget's currency. */
  spentMicros: microsSchema,
  /** spent / cap, in percent (two decimals). */
  percent: z.number(),
  /** Month-end spend at the month's pace so far. */
  forecastMicros: microsSchema,
  /** This period's alerts. */
  alerts: z.array(usageAlertSchema),
});
export type UsageBudgetStatusJson = z.infer<typeof usageBudgetStatusSchema>;

export const usageSummaryResponseSchema = z.object({
  from: isoTime,
  to: isoTime,
  /** Every amount below except `budgets` (each in its own currency) is in this one. */
  currency: z.string(),
  /** All spend in the range. */
  costMicros: microsSchema,
  /** Metered calls. */
  count: countSchema,
  /** Of them, failed. */
  failures: countSchema,
  /** Distinct customers with usage in the range (calls without a customer not counted). */
  customers: countSchema,
  /** Costliest first. */
  byProvider: z.array(usageProviderTotalSchema),
  /** The current month's (not the range's). */
  forecast: usageForecastSchema,
  budgets: z.array(usageBudgetStatusSchema),
});
export type UsageSummaryResponse = z.infer<typeof usageSummaryResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GET /usage/timeseries

/** GET /usage/timeseries?from=&to=&granularity=&groupBy=&provider=&currency= */
export const usageTimeseriesQuerySchema = z
  .object({
    ...rangeShape,
    /** @default 'day' */
    granularity: usageGranularitySchema.default('day'),
    /** One series per value of this dimension (stacked charts); absent: one series of everything. */
    groupBy: usageDimensionSchema.exclude(['customerId']).optional(),
    /** Only this provider's usage. */
    provider: providerNameSchema.optional(),
  })
  .superRefine(fromBeforeTo)
  .superRefine((query, ctx) => {
    if (bucketCount(query.from, query.to, query.granularity) <= MAX_USAGE_BUCKETS) return;
    ctx.addIssue({
      code: 'custom',
      path: ['granularity'],
      message: `more than ${MAX_USAGE_BUCKETS} buckets: a coarser granularity or a shorter range`,
    });
  });
export type UsageTimeseriesQuery = z.input<typeof usageTimeseriesQuerySchema>;

/** One line of a chart: a value per bucket, aligned with the answer's `buckets`. */
export const usageSeriesSchema = z.object({
  /** The group's value ('openai'); null for calls without one, and for the single series when not grouped. */
  key: z.string().nullable(),
  costMicros: z.array(microsSchema),
  count: z.array(countSchema),
  failures: z.array(countSchema),
  /** The sum of `costMicros`: series come costliest first. */
  totalCostMicros: microsSchema,
});
export type UsageSeriesJson = z.infer<typeof usageSeriesSchema>;

export const usageTimeseriesResponseSchema = z.object({
  from: isoTime,
  to: isoTime,
  granularity: usageGranularitySchema,
  groupBy: usageDimensionSchema.nullable(),
  currency: z.string(),
  /** Every bucket's start in the range, oldest first, empty ones included (no gaps to fill). */
  buckets: z.array(isoTime),
  series: z.array(usageSeriesSchema),
});
export type UsageTimeseriesResponse = z.infer<typeof usageTimeseriesResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GET /usage/customers

/** GET /usage/customers?from=&to=&currency=&provider=&limit=&cursor= */
export const usageCustomersQuerySchema = z
  .object({
    ...rangeShape,
    provider: providerNameSchema.optional(),
    /** @default 20 */
    limit: pageLimitSchema.optional(),
    /** `nextCursor` of the page before. */
    cursor: z
      .string()
      .regex(/^\d{1,9}$/, 'a cursor from the page before')
      .optional(),
  })
  .superRefine(fromBeforeTo);
export type UsageCustomersQuery = z.input<typeof usageCustomersQuerySchema>;

/** A customer's quota for one feature now (only features with a limit are listed). */
export const usageQuotaSchema = z.object({
  feature: z.string(),
  allowed: z.boolean(),
  used: countSchema,
  limit: countSchema,
  /** When the period's count starts again. */
  resetsAt: isoTime,
});
export type UsageQuotaJson = z.infer<typeof usageQuotaSchema>;

export const usageCustomerSchema = z.object({
  /** The host's user id. */
  customerId: z.string(),
  costMicros: microsSchema,
  count: countSchema,
  failures: countSchema,
  /** Quotas of the features the customer used in the range. */
  quotas: z.array(usageQuotaSchema),
});
export type UsageCustomerJson = z.infer<typeof usageCustomerSchema>;

export const usageCustomersResponseSchema = z.object({
  from: isoTime,
  to: isoTime,
  currency: z.string(),
  /** Costliest first (then by id). */
  items: z.array(usageCustomerSchema),
  nextCursor: z.string().nullable(),
  /** Customers with usage in the range, on every page. */
  totalCustomers: countSchema,
  /** Calls that served no customer (background jobs, sign-up checks). */
  unattributed: z.object({ costMicros: microsSchema, count: countSchema }),
});
export type UsageCustomersResponse = z.infer<typeof usageCustomersResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GET /usage/costs and GET /usage/costs.csv

/** GET /usage/costs?from=&to=&groupBy=provider,model&provider=&currency= (and costs.csv, the same query) */
export const usageCostsQuerySchema = z
  .object({
    ...rangeShape,
    /** Comma-separated dimensions: 'provider,model'. @default everything summed in one row per currency */
    groupBy: groupByListSchema.optional(),
    provider: providerNameSchema.optional(),
  })
  .superRefine(fromBeforeTo);
export type UsageCostsQuery = z.input<typeof usageCostsQuerySchema>;

/** One row of a costs report: the grouped dimensions' values (null where calls had none). */
export const usageCostRowSchema = z.object({
  provider: z.string().nullable().optional(),
  operation: z.string().nullable().optional(),
  model: z.string().nullable().optional(),
  feature: z.string().nullable().optional(),
  region: z.string().nullable().optional(),
  customerId: z.string().nullable().optional(),
  currency: z.string(),
  costMicros: microsSchema,
  count: countSchema,
  failures: countSchema,
  /** Quantities by unit: `{ input_tokens: 1200, output_tokens: 300 }`. */
  units: z.record(z.string(), z.number()),
});
export type UsageCostRowJson = z.infer<typeof usageCostRowSchema>;

export const usageCostsResponseSchema = z.object({
  from: isoTime,
  to: isoTime,
  /** The reporting currency asked for; null: each row in its own. */
  currency: z.string().nullable(),
  rows: z.array(usageCostRowSchema),
});
export type UsageCostsResponse = z.infer<typeof usageCostsResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Budgets

/** A decimal amount in major units: '500', '500.00', '0.5'. Never a float. */
const decimalAmountSchema = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,6})?$/, "a decimal amount such as '500.00'")
  .refine((amount) => /[1-9]/.test(amount), 'more than zero');

const budgetFields = {
  /** Omitted: all spend. */
  provider: providerNameSchema.optional(),
  /** The monthly cap in major units of `currency`: '500.00'. */
  monthly: decimalAmountSchema,
  currency: usageCurrencySchema,
  /** Percentages of the cap that alert, each once. @default [50, 80, 100] */
  thresholds: z
    .array(z.number().int().min(1).max(1000))
    .min(1)
    .max(10)
    .refine((thresholds) => new Set(thresholds).size === thresholds.length, 'each threshold once')
    .optional(),
};

/** A budget id: letters, digits and `_ - . :`, up to 100 ('provider:openai'). */
export const USAGE_BUDGET_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,100}$/;
export const usageBudgetIdSchema = z
  .string()
  .regex(USAGE_BUDGET_ID_PATTERN, "letters, digits and _ - . : such as 'provider:openai'");

/** POST /usage/budgets: a new budget (409 `budget_exists` when its id is taken). */
export const usageCreateBudgetRequestSchema = z.object({
  /** @default 'overall', or 'provider:<provider>' */
  id: usageBudgetIdSchema.optional(),
  ...budgetFields,
});
export type UsageCreateBudgetRequest = z.input<typeof usageCreateBudgetRequestSchema>;

/** PUT /usage/budgets/:id: creates or replaces the budget with the path's id. */
export const usagePutBudgetRequestSchema = z.object(budgetFields);
export type UsagePutBudgetRequest = z.input<typeof usagePutBudgetRequestSchema>;

/** GET /usage/budgets */
export const usageBudgetsResponseSchema = z.object({ budgets: z.array(usageBudgetStatusSchema) });
export type UsageBudgetsResponse = z.infer<typeof usageBudgetsResponseSchema>;
/** POST /usage/budgets (201) and PUT /usage/budgets/:id */
export const usageBudgetResponseSchema = z.object({ budget: usageBudgetSchema });
export type UsageBudgetResponse = z.infer<typeof usageBudgetResponseSchema>;
/** DELETE /usage/budgets/:id (404 `budget_not_found` when there is none; its alerts are kept) */
export const usageBudgetDeletedResponseSchema = z.object({ id: z.string(), deleted: z.literal(true) });
export type UsageBudgetDeletedResponse = z.infer<typeof usageBudgetDeletedResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GET /usage/alerts

/** GET /usage/alerts?budgetId=&period=&limit= */
export const usageAlertsQuerySchema = z.object({
  budgetId: usageBudgetIdSchema.optional(),
  /** 'YYYY-MM' (threshold alerts) or 'YYYY-MM-DD' (anomalies). */
  period: z
    .string()
    .regex(/^\d{4}-\d{2}(-\d{2})?$/, "a month '2026-03' or a day '2026-03-14'")
    .optional(),
  /** @default 50 */
  limit: pageLimitSchema.optional(),
});
export type UsageAlertsQuery = z.input<typeof usageAlertsQuerySchema>;
/** Newest first. */
export const usageAlertsResponseSchema = z.object({ alerts: z.array(usageAlertSchema) });
export type UsageAlertsResponse = z.infer<typeof usageAlertsResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GET /usage/price-book

/** GET /usage/price-book?provider=&at= */
export const usagePriceBookQuerySchema = z.object({
  provider: providerNameSchema.optional(),
  /** Only the entries in force on this day (UTC): 'YYYY-MM-DD'. */
  at: z.iso.date({ error: "a day such as '2026-03-01'" }).optional(),
});
export type UsagePriceBookQuery = z.input<typeof usagePriceBookQuerySchema>;

/** One price: `price` `currency` per `per` `unit` of a provider's operation (and model). */
export const usagePriceEntrySchema = z.object({
  provider: z.string(),
  operation: z.string(),
  /** null: every model of the operation (an entry naming the model wins). */
  model: z.string().nullable(),
  /** 'input_tokens', 'requests', ... */
  unit: z.string(),
  /** Decimal string in major units: '2.00', '0.0035'. */
  price: z.string(),
  /** The price is for this many units (1_000_000: per million tokens). */
  per: z.number().int().positive(),
  currency: z.string(),
  /** First day in force, 'YYYY-MM-DD' (UTC, included). */
  from: z.string(),
  /** First day no longer in force (excluded); null: until a later entry replaces it. */
  to: z.string().nullable(),
});
export type UsagePriceEntryJson = z.infer<typeof usagePriceEntrySchema>;
/** In the price book's order. */
export const usagePriceBookResponseSchema = z.object({ entries: z.array(usagePriceEntrySchema) });
export type UsagePriceBookResponse = z.infer<typeof usagePriceBookResponseSchema>;

// ---------------------------------------------------------------------------------------------
// POST /usage/events (server to server: `Authorization: Bearer <server key>`)

/** A unit's name: 'input_tokens', 'requests'. */
const unitNameSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "a unit name such as 'input_tokens'");

/**
 * One metered call, as `metering.record` takes it (with `at` as an ISO string). As strict as
 * metering or stricter, so a batch that passes is recorded whole; an unknown field is refused.
 */
export const usageEventSchema = z.strictObject({
  /** 'openai', 'geoscape', ... */
  provider: providerNameSchema,
  /** 'chat', 'embeddings', 'address-validation', ... */
  operation: z.string().trim().min(1).max(100),
  /** When prices differ per model: 'gpt-4.1'. */
  model: z.string().trim().min(1).max(200).optional(),
  /** Non-negative integer quantities by unit: `{ input_tokens: 1200, output_tokens: 300 }`. */
  units: z
    .record(unitNameSchema, z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER))
    .refine((units) => Object.keys(units).length > 0, 'at least one unit')
    .refine((units) => Object.keys(units).length <= 50, 'at most 50 units'),
  /** The host's user id the call served. */
  customerId: z.string().min(1).max(200).optional(),
  /** The host's feature the call served ('ai_review'); quotas count per feature. */
  feature: z.string().trim().min(1).max(100).optional(),
  /** ISO 3166 region: 'AU'. */
  region: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "a two-letter region such as 'AU'")
    .transform((region) => region.toUpperCase())
    .optional(),
  /** When the call happened, with its zone; default: when the server accepts it. */
  at: z.iso
    .datetime({ offset: true, error: "an ISO 8601 time with its zone ('2026-03-01T09:30:00Z')" })
    .transform((at) => new Date(at))
    .optional(),
  /** A second event with the same key is counted once (across batches, processes and restarts). */
  idempotencyKey: z.string().min(1).max(200).optional(),
  /** How long the call took. */
  durationMs: z.number().int().nonnegative().max(86_400_000).optional(),
  /** false when the call failed. @default true */
  success: z.boolean().optional(),
});
/** An event as the client sends it. */
export type UsageEventJson = z.input<typeof usageEventSchema>;

/** POST /usage/events: up to 1,000 events; one bad event refuses the whole batch. */
export const usageEventsRequestSchema = z.object({
  events: z.array(usageEventSchema).max(MAX_USAGE_EVENTS_PER_BATCH),
});
export type UsageEventsRequest = z.input<typeof usageEventsRequestSchema>;
/** 202: every event was accepted (a duplicate idempotencyKey is accepted and counted once). */
export const usageEventsResponseSchema = z.object({ accepted: countSchema });
export type UsageEventsResponse = z.infer<typeof usageEventsResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Paths

/** Where the ingestion route lives under the server's basePath unless `usageModule({ prefix })` says otherwise. */
export const DEFAULT_USAGE_PREFIX = '/usage';

const segment = encodeURIComponent;

/**
 * The dashboard's routes, relative to `basePath + admin prefix` (`/api/billing/admin` by default),
 * like `ADMIN_ROUTES`: `${basePath}/admin${USAGE_ROUTES.summary}`. Admins only.
 */
export const USAGE_ROUTES = {
  summary: '/usage/summary',
  timeseries: '/usage/timeseries',
  customers: '/usage/customers',
  costs: '/usage/costs',
  costsCsv: '/usage/costs.csv',
  budgets: '/usage/budgets',
  budget: (id: string) => `/usage/budgets/${segment(id)}`,
  alerts: '/usage/alerts',
  priceBook: '/usage/price-book',
} as const;

/** The ingestion route, relative to `basePath` (with the default prefix): server key, no session. */
export const USAGE_EVENTS_PATH = `${DEFAULT_USAGE_PREFIX}/events`;

// ---------------------------------------------------------------------------------------------

const HOUR_MS = 3_600_000;
const MS_BY_GRANULARITY = { minute: 60_000, hour: HOUR_MS, day: 24 * HOUR_MS } as const;

/** How many buckets of `granularity` (UTC) start in [from, to). */
function bucketCount(from: string, to: string, granularity: UsageGranularityJson): number {
  const start = new Date(from).getTime();
  const end = new Date(to).getTime();
  if (granularity === 'month') return monthIndex(end - 1) - monthIndex(start - 1);
  const size = MS_BY_GRANULARITY[granularity];
  return Math.floor((end - 1) / size) - Math.floor((start - 1) / size);
}

/** Months since 1970 of the month holding `ms`. */
function monthIndex(ms: number): number {
  const date = new Date(ms);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}
