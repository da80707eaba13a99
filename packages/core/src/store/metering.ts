// The metering part of the storage port (used by @billkit/metering): raw usage events of the host's
// external APIs (OpenAI, address providers, ...), their roll-ups per minute / hour / day / month
// so dashboards never scan raw events, budgets, and the record of alerts sent. Every store
// (memory, SQLite, PostgreSQL, MySQL) implements it and passes the metering part of
// `runStoreConformance`.
//
// Conventions: costs are integer micro-units of their currency (1 AUD = 1 000 000), never floats;
// unit quantities are non-negative safe integers (tokens, requests, characters); counts and sums
// come back as exact JavaScript numbers (never strings or bigints); times are UTC; buckets start at
// the UTC minute / hour / day / first of the month. Ids and dimension values are compared exactly
// (case-sensitive) and ordered byte by byte (binary collation), nulls first.

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
  /**
   * Unique, case-sensitive; the idempotency key when one was given (a second event with it is not
   * counted while the first is stored).
   */
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
  /** Quantities by unit: every unit key of the row's events, summed (a zero quantity included). */
  units: Record<string, number>;
}

export interface UsageQuery {
  from: Date;
  to: Date;
  /** The buckets to read: rows whose bucket starts in [from, to). */
  granularity: Granularity;
  /**
   * The dimensions to keep apart, in the order rows are sorted by; the others are summed over.
   * [] sums everything per bucket (and currency).
   */
  groupBy: readonly UsageDimension[];
  /**
   * Only events with these values, all of them (null matches events without one); a dimension
   * left out is not filtered. Filtering on a dimension does not group by it.
   */
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

/** An alert that was sent: at most one per budget, period, threshold and kind. */
export interface BudgetAlertRecord {
  id: string;
  budgetId: string;
  /** The budget's month 'YYYY-MM' for thresholds; the UTC day 'YYYY-MM-DD' for anomalies. */
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
   * dimensions and currency, and the bucket's distinct users, overall and per provider), all in
   * one transaction: afterwards each id is counted once however many times, and by however many
   * concurrent callers, it was recorded, and no reader ever sees part of a batch.
   *
   * `stored` and `duplicates` split the batch, each in the batch's order: an event is a duplicate
   * when its id is stored already or came earlier in the same batch (the first copy wins; a
   * duplicate's payload is ignored even when it differs), so `[a, b, a]` with `a` new gives
   * `{ stored: [a, b], duplicates: [a] }`. An id is forgotten when its event is pruned
   * (`pruneEvents`): recorded again after that, it counts again.
   */
  recordBatch(events: readonly UsageEventRecord[]): Promise<{ stored: string[]; duplicates: string[] }>;

  /**
   * Roll-up rows for the query, summed over the dimensions not grouped, one row per bucket,
   * combination of the grouped dimensions' values and currency (never one with no events).
   * Ordered by bucket, then the grouped dimensions in the order `groupBy` lists them (null first,
   * then byte order), then currency. A row has a key for each grouped dimension and none for the
   * others. Never reads raw events: pruning events changes no answer.
   */
  usage(query: UsageQuery): Promise<UsageRow[]>;

  /**
   * Distinct users (non-null `userId`) with events in each bucket that starts in [from, to),
   * optionally only events of one provider; a user counts once per bucket whatever the providers.
   * Oldest bucket first; buckets without a user are left out. Read from the roll-ups' user sets.
   */
  distinctUsers(query: {
    from: Date;
    to: Date;
    granularity: Granularity;
    provider?: string;
  }): Promise<Array<{ bucket: Date; users: number }>>;

  /**
   * Raw events with `at` in [from, to), oldest first (at, then id), a page at a time (for exports
   * and audits). `limit` as `pageLimit` takes it (default 100; not a whole number ≥ 1:
   * `InvalidInputError`). The cursor is `encodeCursor(['usageEvents', at ms, id])` of the page's
   * last event and the next page starts strictly after that key (`decodeKeyCursor('usageEvents',
   * after)`, which refuses another list's cursor with `InvalidInputError`); `nextCursor` is null
   * when no event follows the page.
   */
  events(query: { from: Date; to: Date; limit?: number; after?: string | null }): Promise<{
    items: UsageEventRecord[];
    nextCursor: string | null;
  }>;

  /** Deletes raw events with `at` strictly before `before` (roll-ups are kept); how many were deleted. */
  pruneEvents(before: Date): Promise<number>;
  /**
   * Deletes roll-ups of one granularity whose bucket starts strictly before `before` (a bucket
   * that `before` falls inside goes too), with those buckets' user sets; the other granularities
   * are untouched. Returns how many roll-up rows went: one per bucket, combination of all six
   * dimensions and currency (the user sets are not counted).
   */
  pruneRollups(granularity: Granularity, before: Date): Promise<number>;

  budgets: {
    /** Every budget, oldest first (createdAt, then id). */
    list(): Promise<BudgetRecord[]>;
    get(id: string): Promise<BudgetRecord | null>;
    /** Inserts, or replaces every field of the budget with the same id. */
    put(budget: BudgetRecord): Promise<void>;
    /**
     * Inserts the budget unless one with its id is stored: true for exactly one of any number of
     * concurrent callers, false (nothing written) after.
     */
    create(budget: BudgetRecord): Promise<boolean>;
    /** true when it was there. Its alerts are kept. */
    delete(id: string): Promise<boolean>;
  };

  alerts: {
    /**
     * Records an alert unless one with the same budget, period, threshold and kind is stored:
     * true for exactly one of any number of concurrent callers, false (nothing written) after.
     * The budget need not be stored (a deleted budget's alerts stay). Alert ids are unique.
     */
    claim(alert: BudgetAlertRecord): Promise<boolean>;
    /**
     * Newest first (at, then id, both descending), optionally one budget's and / or one period's;
     * at most `limit` (a whole number ≥ 1, as `pageLimit` takes it), all of them when none is given.
     */
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
