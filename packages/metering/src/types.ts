// The public shapes of @billkit/metering. Names here are a contract (issue 9): the server's
// /admin/usage routes, the React dashboard and the admin's profitability read them.
//
// Money: every cost is an integer number of micro-units of its currency (1 USD = 1 000 000
// micro-USD): fractions of a cent matter for tokens. Prices are declared as decimal strings and
// never pass through a float.

import type {
  BillingStore,
  BudgetAlertRecord,
  BudgetRecord,
  Clock,
  Granularity,
  Logger,
  Notifier,
  UsageDimension,
} from '@billkit/core';

/** Quantities by unit: `{ input_tokens: 1200, output_tokens: 300 }`, `{ requests: 1 }`. */
export type Units = Record<string, number>;

/** What `metering.record` takes. */
export interface UsageInput {
  /** 'openai', 'geoscape', 'smartystreets', ... */
  provider: string;
  /** 'chat', 'embeddings', 'address-validation', ... */
  operation: string;
  /** The provider's model, when prices differ per model ('gpt-4.1'). */
  model?: string;
  /** Non-negative integers by unit. */
  units: Units;
  /** The host's user id (the same id the billing engine uses), when the call served one. */
  customerId?: string;
  /** The host's feature the call served ('ai_review'); quotas count events per feature. */
  feature?: string;
  /** ISO 3166 region ('AU', 'US'), when it matters (address providers). */
  region?: string;
  /** When the call happened; default: the clock's now. */
  at?: Date;
  /** A second event with the same key is counted once (also across processes and restarts). */
  idempotencyKey?: string;
  /** How long the call took (set by `wrap`). */
  durationMs?: number;
  /** false when the call failed (set by `wrap`); default true. */
  success?: boolean;
}

/** One entry of a price book. */
export interface PriceInput {
  provider: string;
  operation: string;
  /** Omitted: applies to every model of the operation (an entry naming the model wins). */
  model?: string;
  /** The unit priced: 'input_tokens', 'output_tokens', 'requests', ... */
  unit: string;
  /** Decimal string in major units of `currency`: '2.00', '0.0035'. Never a float. */
  price: string;
  /** The price is for this many units (1_000_000 for "per million tokens"); default 1. */
  per?: number;
  /** ISO 4217, upper case: 'USD', 'AUD'. */
  currency: string;
  /** First day the price applies, 'YYYY-MM-DD' (UTC, inclusive). */
  from: string;
  /** First day it no longer applies (exclusive); default: until a later entry replaces it. */
  to?: string;
}

/** A validated price book (from `definePriceBook`). */
export interface PriceBook {
  readonly entries: readonly Readonly<Required<Omit<PriceInput, 'model' | 'to'>> & PriceInput>[];
  /**
   * The cost of `units` of one call at `at`, per the entries in force then, in micro-units of the
   * entries' currency; units without a price are listed in `unpriced` and cost nothing.
   */
  cost(call: { provider: string; operation: string; model?: string | null; units: Units; at: Date }): {
    costMicros: number;
    currency: string;
    unpriced: string[];
  };
}

/** Exchange rates into one reporting currency, as decimal strings: `{ base: 'AUD', rates: { USD: '1.53' } }` (1 USD = 1.53 AUD). */
export interface FxTable {
  base: string;
  rates: Record<string, string>;
}

/** Per period limit of one feature. */
export interface QuotaLimit {
  limit: number;
  /** Default 'month'. */
  per?: 'day' | 'month';
  /** What is counted: events (default) or the sum of one unit ('output_tokens'). */
  unit?: string;
}

export interface QuotaOptions {
  /** Limits per plan id, by feature: `{ pro: { ai_review: { limit: 50 } } }`. */
  plans?: Record<string, Record<string, QuotaLimit>>;
  /** Limits per customer, by feature; they replace the plan's. */
  customers?: Record<string, Record<string, QuotaLimit>>;
  /** Limits for customers without a plan (or whose plan has none for the feature). */
  default?: Record<string, QuotaLimit>;
  /**
   * The customer's plan id; default: the plan of their newest active, trialing or past-due
   * subscription in the store. Cached per customer for `planCacheMs`.
   */
  planOf?: (customerId: string) => Promise<string | null> | string | null;
  /** Default 60 000. */
  planCacheMs?: number;
  /**
   * A warm counter is re-read from the roll-ups (in the background) when older than this, so usage
   * recorded by other processes shows up. Default 60 000.
   */
  refreshMs?: number;
}

/** `metering.check`'s answer. */
export interface QuotaStatus {
  allowed: boolean;
  used: number;
  /** null: no limit for this customer and feature. */
  limit: number | null;
  /** Start of the next period (UTC); null when there is no limit. */
  resetsAt: Date | null;
}

/** A budget as declared in options or through `metering.budgets.put`. */
export interface BudgetInput {
  /** Default: 'overall' or 'provider:<name>'. */
  id?: string;
  /** Omitted: all spend. */
  provider?: string;
  /** The monthly cap, a decimal string in major units of `currency`: '500.00'. */
  monthly: string;
  currency: string;
  /** Default [50, 80, 100]. */
  thresholds?: number[];
}

export interface BudgetStatus {
  budget: BudgetRecord;
  /** 'YYYY-MM' */
  period: string;
  spentMicros: number;
  /** spent / amount, in percent (two decimals). */
  percent: number;
  /** Month-end spend at the month's pace so far. */
  forecastMicros: number;
  alerts: BudgetAlertRecord[];
}

/** What reaches `onAlert` (and, as an admin email, the notifier). */
export interface BudgetAlert {
  kind: 'threshold' | 'anomaly';
  budget: BudgetRecord;
  period: string;
  /** The percentage crossed; 0 for an anomaly. */
  threshold: number;
  spentMicros: number;
  forecastMicros: number;
  /** For an anomaly: the last hour's spend and the hourly average it is compared with. */
  rate?: { lastHourMicros: number; averageHourMicros: number };
  at: Date;
}

export interface ProviderRoute {
  /** The provider used first. */
  provider: string;
  /** Tried in order when the one before fails. */
  fallbacks?: string[];
}

/** `providers: { 'address-validation': { AU: { provider: 'geoscape' }, US: ..., default: ... } }` */
export type ProviderRoutes = Record<string, Record<string, ProviderRoute>>;

/** What costs can be grouped and filtered by; `customerId` is the host's user id (the store's `userId`). */
export type CostDimension = Exclude<UsageDimension, 'userId'> | 'customerId';

export interface CostQuery {
  from: Date;
  to: Date;
  groupBy?: readonly CostDimension[];
  where?: Partial<Record<CostDimension, string | null>>;
  /** Convert every cost into this currency with the FX table; default: each row in its own. */
  currency?: string;
}

export interface CostRow {
  provider?: string | null;
  operation?: string | null;
  model?: string | null;
  feature?: string | null;
  region?: string | null;
  /** The customer (host's user id). */
  customerId?: string | null;
  currency: string;
  costMicros: number;
  count: number;
  failures: number;
  units: Units;
}

export interface TimeseriesQuery extends CostQuery {
  granularity: Granularity;
}

export type TimeseriesRow = CostRow & { bucket: Date };

export interface MeteringStats {
  /** Events accepted and not yet written. */
  buffered: number;
  /** Written (not counting duplicates). */
  stored: number;
  duplicates: number;
  /** Events with units that have no price. */
  unpriced: number;
  /** Flushes that failed and were retried. */
  failedFlushes: number;
}

export interface MeteringOptions {
  /** The engine's store; its metering tables hold events, roll-ups, budgets and alerts. */
  store: BillingStore;
  priceBook: PriceBook;
  /** Budgets declared in code, written to the store when metering starts (by id). */
  budgets?: readonly BudgetInput[];
  /** Budget alerts go out as admin emails through it (kind 'usage.budget_alert'). */
  notifier?: Notifier;
  /** Where budget alerts are emailed. */
  alertEmails?: readonly string[];
  /** Called once per alert, after it is claimed (a webhook-style callback). */
  onAlert?: (alert: BudgetAlert) => void | Promise<void>;
  clock?: Clock;
  /** Exchange rates for reports and budgets in another currency. */
  fx?: FxTable;
  batch?: {
    /** Events per write; default 1000 (a write also goes out every `intervalMs`, full or not). */
    size?: number;
    /**
     * Writes in flight at once, each a batch of its own in its own transaction; default 2 (the
     * next batch is on its way while the database commits the last). 1 writes one after another,
     * so of two copies of an idempotency key in different batches the earlier one is always kept.
     */
    concurrency?: number;
    /** Flush at least this often; default 1000 ms. */
    intervalMs?: number;
    /** Accepted events waiting beyond this make `record` wait (back-pressure); default 10 000. */
    maxBuffered?: number;
    /** First retry delay after a failed write, doubling up to 30 s; default 250 ms. */
    retryMs?: number;
    /** Writes `close()` tries before it rejects with MeteringWriteError; default 5. */
    closeAttempts?: number;
  };
  quotas?: QuotaOptions;
  providers?: ProviderRoutes;
  retention?: {
    /** Raw events kept this many days; default 90. */
    eventsDays?: number;
    /** Minute roll-ups kept this many days; default 7. Hour, day and month roll-ups are kept. */
    minuteDays?: number;
  };
  /** Where background failures go (a write retried, an alert not delivered); default silent. */
  logger?: Logger;
  /** Spend-rate anomaly: the last hour above `factor` × the hourly average of the previous 7 days (and above `minMicros`). Default { factor: 3, minMicros: 1_000_000 }; false turns it off. */
  anomaly?: { factor?: number; minMicros?: number } | false;
}

/** What `createMetering` returns. */
export interface Metering {
  /**
   * Accepts one event: validates it (a bad event throws `MeteringInputError` and is not kept),
   * prices it and buffers it; it is written with the next batch. The promise resolves as soon as
   * the event is accepted: at once, or, while `maxBuffered` events wait, when a flush makes room.
   */
  record(event: UsageInput): Promise<void>;
  /** Meters every call of `fn`: duration, success or failure, and units read from the result. */
  wrap<A extends unknown[], R>(
    fn: (...args: A) => Promise<R>,
    describe: WrapDescription<A, R>,
  ): (...args: A) => Promise<R>;
  /** Writes everything accepted so far. */
  flush(): Promise<void>;
  /** Stops the timers, writes everything accepted, then refuses new events. */
  close(): Promise<void>;
  /** Whether the customer may use the feature now, from memory and the roll-ups. */
  check(customerId: string, feature: string): Promise<QuotaStatus>;
  costs(query: CostQuery): Promise<CostRow[]>;
  timeseries(query: TimeseriesQuery): Promise<TimeseriesRow[]>;
  /** Distinct customers with usage per bucket (optionally of one provider), from the roll-ups; buckets without any are left out. */
  uniqueCustomers(query: {
    from: Date;
    to: Date;
    granularity: Granularity;
    provider?: string;
  }): Promise<Array<{ bucket: Date; customers: number }>>;
  /** Cost rows as CSV (RFC 4180, decimal amounts in major units). */
  costsCsv(query: CostQuery): Promise<string>;
  /** API cost per customer in minor units of `currency` (the admin's `apiCosts` source). */
  apiCostSource(): {
    costs(query: {
      from: Date;
      to: Date;
      currency: string;
    }): Promise<{ total: number; byUser: Record<string, number> }>;
  };
  /** Month-end spend forecast for the month holding `at` (default now), in `currency` (default the FX base, else each currency). */
  forecast(query?: {
    at?: Date;
    currency?: string;
  }): Promise<{ period: string; spentMicros: number; forecastMicros: number; currency: string }>;
  budgets: {
    list(): Promise<BudgetStatus[]>;
    put(budget: BudgetInput): Promise<BudgetRecord>;
    /**
     * Adds the budget unless one with its id (default 'overall' or 'provider:<name>') exists: the
     * record, or null (nothing changed) when the id is taken, also by a concurrent create.
     */
    create(budget: BudgetInput): Promise<BudgetRecord | null>;
    delete(id: string): Promise<boolean>;
    /** Evaluates every budget now (also done after each flush): sends the alerts due, once each. */
    evaluate(): Promise<BudgetAlert[]>;
  };
  alerts: {
    list(query?: { budgetId?: string; period?: string; limit?: number }): Promise<BudgetAlertRecord[]>;
  };
  providers: {
    /** The configured route of a capability in a region, else its 'default' route; throws when none. */
    forRegion(region: string, capability: string): ProviderRoute;
    /**
     * Calls `call(provider)` with the region's provider, then its fallbacks while it throws;
     * records usage under the provider that answered (and a failed event for each that threw).
     */
    call<R>(
      region: string,
      capability: string,
      call: (provider: string) => Promise<R>,
      describe?: Omit<UsageInput, 'provider' | 'operation' | 'region' | 'units'> & {
        units?: Units | ((result: R) => Units);
      },
    ): Promise<{ provider: string; result: R }>;
  };
  priceBook: PriceBook;
  /** Applies the retention now (also done at most hourly after a flush); how many rows went. */
  prune(): Promise<{ events: number; minuteRollups: number }>;
  stats(): MeteringStats;
}

/** How `wrap` describes each call: fixed fields, or functions of the arguments and the result. */
export interface WrapDescription<A extends unknown[], R> {
  provider: string;
  operation: string;
  model?: string | ((args: A, result: R | undefined) => string | undefined);
  customerId?: string | ((args: A) => string | undefined);
  feature?: string | ((args: A) => string | undefined);
  region?: string | ((args: A) => string | undefined);
  /** Units from the result; default `openAIUnits` when the result has a `usage` object, else `{ requests: 1 }`. A failed call records `{ requests: 1 }`. */
  units?: (result: R, args: A) => Units;
  idempotencyKey?: (args: A) => string | undefined;
}
