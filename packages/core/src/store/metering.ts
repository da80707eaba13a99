// The metering part of the storage port (used by @billkit/metering): raw usage events of the host's
// external APIs (OpenAI, address providers, ...), their roll-ups per minute / hour / day / month
// so dashboards never scan raw events, budgets, and the record of alerts sent. Every store
// (memory, SQLite, PostgreSQL, MySQL) implements it and passes the metering part of
// `runStoreConformance`.
//
// Conventions: costs are integer micro-units of their currency (1 AUD = 1 000 000), never floats;
// unit quantities are non-negative safe integers (tokens, requests, characters); times are UTC;
// buckets start at the UTC minute / hour / day / first of the month.

export type Granularity = 'minute' | 'hour' | 'day' | 'month';

export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day', 'month'];

/** What usage can be grouped and filtered by. `userId` is the host's user id (the customer). */
export type UsageDimension = 'provider' | 'operation' | 'model' | 'feature' | 'region' | 'userId';

export const USAGE_DIMENSIONS: readonly UsageDimension[] = [
  'provider',
  'operation',
  'model',
  'feature',
  'region',
  'userId',
];

/** One metered call. */
export interface UsageEventRecord {
  /** Unique; the idempotency key when one was given (a second event with it is not counted). */
  id: string;
  at: Date;
  provider: string;
  operation: string;
  model: string | null;
  feature: string | null;
  region: string | null;
  userId: string | null;
  /** Quantities by unit: `{ input_tokens: 1200, output_tokens: 300 }`, `{ requests: 1 }`. */
  units: Record<string, number>;
  /** The cost of the call, micro-units of `currency`, priced when it was recorded. */
  costMicros: number;
  currency: string;
  /** How long the call took, when it was timed (`wrap`). */
  durationMs: number | null;
  /** false when the metered call threw. */
  success: boolean;
}

/** One roll-up row: a bucket of one granularity and one combination of the grouped dimensions. */
export interface UsageRow {
  bucket: Date;
  /** The grouped dimensions' values (null where the events had none); absent when not grouped. */
  provider?: string | null;
  operation?: string | null;
  model?: string | null;
  feature?: string | null;
  region?: string | null;
  userId?: string | null;
  currency: string;
  /** Events. */
  count: number;
  /** Of them, failed (`success` false). */
  failures: number;
  costMicros: number;
  /** Quantities by unit. */
  units: Record<string, number>;
}

export interface UsageQuery {
  from: Date;
  to: Date;
  /** The buckets to read: rows whose bucket starts in [from, to). */
  granularity: Granularity;
  /** The dimensions to keep apart; the others are summed over. [] sums everything per bucket. */
  groupBy: readonly UsageDimension[];
  /** Only events with these values (null matches events without one). */
  where?: Partial<Record<UsageDimension, string | null>>;
}

export interface BudgetRecord {
  id: string;
  /** What it caps: all spend, or one provider's. */
  scope: { kind: 'overall' } | { kind: 'provider'; provider: string };
  /** The cap per calendar month, micro-units of `currency`. */
  amountMicros: number;
  currency: string;
  /** Percentages of the cap that alert, ascending: [50, 80, 100]. */
  thresholds: number[];
  createdAt: Date;
  updatedAt: Date;
}

/** An alert that was sent: at most one per budget, period and threshold. */
export interface BudgetAlertRecord {
  id: string;
  budgetId: string;
  /** 'YYYY-MM' */
  period: string;
  /** The percentage crossed, or 0 for a spend-rate anomaly. */
  threshold: number;
  kind: 'threshold' | 'anomaly';
  /** Spend in the period when it fired, micro-units of the budget's currency. */
  spentMicros: number;
  at: Date;
}

export interface MeteringRepository {
  /**
   * Stores the events whose ids are not stored yet and adds exactly those to the roll-ups of
   * every granularity (count, failures, cost and units per bucket and per combination of all six
   * dimensions, and the bucket's distinct users), all in one transaction: afterwards each id is
   * counted once however many times, and by however many concurrent callers, it was recorded.
   * Returns the ids stored and the ids that were already there.
   */
  recordBatch(events: readonly UsageEventRecord[]): Promise<{ stored: string[]; duplicates: string[] }>;

  /**
   * Roll-up rows for the query, summed over the dimensions not grouped, ordered by bucket then the
   * grouped dimensions (nulls first), one row per bucket, combination and currency. Never reads
   * raw events.
   */
  usage(query: UsageQuery): Promise<UsageRow[]>;

  /** Distinct users with events in each bucket of [from, to) (optionally one provider's), by bucket. */
  distinctUsers(query: {
    from: Date;
    to: Date;
    granularity: Granularity;
    provider?: string;
  }): Promise<Array<{ bucket: Date; users: number }>>;

  /** Raw events in [from, to), oldest first (at, then id), a page at a time (for exports and audits). */
  events(query: { from: Date; to: Date; limit?: number; after?: string | null }): Promise<{
    items: UsageEventRecord[];
    nextCursor: string | null;
  }>;

  /** Deletes raw events before `before` (roll-ups are kept); how many were deleted. */
  pruneEvents(before: Date): Promise<number>;
  /** Deletes roll-ups of one granularity whose bucket starts before `before`; how many rows. */
  pruneRollups(granularity: Granularity, before: Date): Promise<number>;

  budgets: {
    list(): Promise<BudgetRecord[]>;
    get(id: string): Promise<BudgetRecord | null>;
    /** Inserts or replaces by id. */
    put(budget: BudgetRecord): Promise<void>;
    /** true when it was there. Its alerts are kept. */
    delete(id: string): Promise<boolean>;
  };

  alerts: {
    /**
     * Records an alert unless one with the same budget, period, threshold and kind is stored:
     * true for exactly one of any number of concurrent callers, false (nothing written) after.
     */
    claim(alert: BudgetAlertRecord): Promise<boolean>;
    /** Newest first (at, then id), optionally one budget's or one period's. */
    list(query?: { budgetId?: string; period?: string; limit?: number }): Promise<BudgetAlertRecord[]>;
  };
}

/** The first instant of the bucket of `granularity` that holds `at` (UTC). */
export function bucketStart(at: Date, granularity: Granularity): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  switch (granularity) {
    case 'minute':
      return new Date(Date.UTC(y, m, d, at.getUTCHours(), at.getUTCMinutes()));
    case 'hour':
      return new Date(Date.UTC(y, m, d, at.getUTCHours()));
    case 'day':
      return new Date(Date.UTC(y, m, d));
    case 'month':
      return new Date(Date.UTC(y, m, 1));
  }
}
