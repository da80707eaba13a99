// Reports over the roll-ups (never raw events): cost by any of the dimensions over any range, as
// rows, a time series or CSV, optionally converted into one currency; and the admin's API cost per
// customer in minor units.

import type { BillingStore, Granularity, UsageDimension, UsageRow } from '@billkit/core';
import { z } from 'zod';
import { formatMicros, microsToMinor } from './decimal.js';
import { parseMeteringInput } from './errors.js';
import { currencyExponent, currencySchema, type Fx } from './fx.js';
import { splitRange } from './periods.js';
import type {
  CostDimension,
  CostQuery,
  CostRow,
  Metering,
  TimeseriesQuery,
  TimeseriesRow,
  Units,
} from './types.js';

export const COST_DIMENSIONS: readonly CostDimension[] = [
  'provider',
  'operation',
  'model',
  'feature',
  'region',
  'customerId',
];

const dimensionSchema = z.enum(COST_DIMENSIONS as [CostDimension, ...CostDimension[]]);

const costQuerySchema = z
  .strictObject({
    from: z.date(),
    to: z.date(),
    groupBy: z
      .array(dimensionSchema)
      .refine((dimensions) => new Set(dimensions).size === dimensions.length, 'lists a dimension twice')
      .default([]),
    where: z.partialRecord(dimensionSchema, z.string().min(1).max(200).nullable()).optional(),
    currency: currencySchema.optional(),
  })
  .refine((query) => query.from < query.to, { path: ['to'], message: 'must be after from' });

const timeseriesQuerySchema = z
  .strictObject({
    from: z.date(),
    to: z.date(),
    granularity: z.enum(['minute', 'hour', 'day', 'month']),
    groupBy: z
      .array(dimensionSchema)
      .refine((dimensions) => new Set(dimensions).size === dimensions.length, 'lists a dimension twice')
      .default([]),
    where: z.partialRecord(dimensionSchema, z.string().min(1).max(200).nullable()).optional(),
    currency: currencySchema.optional(),
  })
  .refine((query) => query.from < query.to, { path: ['to'], message: 'must be after from' });

const uniqueCustomersQuerySchema = z
  .strictObject({
    from: z.date(),
    to: z.date(),
    granularity: z.enum(['minute', 'hour', 'day', 'month']),
    provider: z.string().min(1).max(200).optional(),
  })
  .refine((query) => query.from < query.to, { path: ['to'], message: 'must be after from' });

const apiCostQuerySchema = z.strictObject({ from: z.date(), to: z.date(), currency: currencySchema });

type ParsedCostQuery = z.infer<typeof costQuerySchema>;

const toStoreDimension = (dimension: CostDimension): UsageDimension =>
  dimension === 'customerId' ? 'userId' : dimension;

export interface Reports {
  costs(query: CostQuery): Promise<CostRow[]>;
  timeseries(query: TimeseriesQuery): Promise<TimeseriesRow[]>;
  costsCsv(query: CostQuery): Promise<string>;
  uniqueCustomers: Metering['uniqueCustomers'];
  apiCostSource: Metering['apiCostSource'];
}

/** Sums of one group (dimension values, in one currency or converted). */
interface Sum {
  /** What keeps rows apart besides the values: the bucket of a time series. */
  prefix: string;
  values: Array<string | null>;
  currency: string;
  costMicros: number;
  count: number;
  failures: number;
  units: Units;
}

export function createReports(store: BillingStore, fx: Fx): Reports {
  const read = async (
    pieces: ReadonlyArray<{ from: Date; to: Date; granularity: Granularity }>,
    query: Pick<ParsedCostQuery, 'groupBy' | 'where'>,
  ): Promise<UsageRow[]> => {
    const groupBy = query.groupBy.map(toStoreDimension);
    const where = query.where
      ? Object.fromEntries(
          Object.entries(query.where).map(([name, value]) => [
            toStoreDimension(name as CostDimension),
            value,
          ]),
        )
      : undefined;
    const answers = await Promise.all(
      pieces.map((piece) => store.metering.usage({ ...piece, groupBy, ...(where ? { where } : {}) })),
    );
    return answers.flat();
  };

  /** Adds rows into sums keyed by `prefix` and the grouped values, converting into `currency` when given (once per group and source currency). */
  const sum = (
    rows: readonly UsageRow[],
    groupBy: readonly CostDimension[],
    currency: string | undefined,
    prefix: (row: UsageRow) => string,
  ): Map<string, Sum> => {
    const bySource = new Map<string, Sum>();
    for (const row of rows) {
      const values = groupBy.map((dimension) => row[toStoreDimension(dimension)] ?? null);
      const key = JSON.stringify([prefix(row), values, row.currency]);
      const total = bySource.get(key) ?? {
        prefix: prefix(row),
        values,
        currency: row.currency,
        costMicros: 0,
        count: 0,
        failures: 0,
        units: {},
      };
      total.costMicros += row.costMicros;
      total.count += row.count;
      total.failures += row.failures;
      addUnits(total.units, row.units);
      bySource.set(key, total);
    }
    if (currency === undefined) return bySource;
    const converted = new Map<string, Sum>();
    for (const total of bySource.values()) {
      const key = JSON.stringify([total.prefix, total.values, currency]);
      const into = converted.get(key) ?? {
        prefix: total.prefix,
        values: total.values,
        currency,
        costMicros: 0,
        count: 0,
        failures: 0,
        units: {},
      };
      into.costMicros += fx.convert(total.costMicros, total.currency, currency);
      into.count += total.count;
      into.failures += total.failures;
      addUnits(into.units, total.units);
      converted.set(key, into);
    }
    return converted;
  };

  const toRow = (total: Sum, groupBy: readonly CostDimension[]): CostRow => {
    const row: CostRow = {
      currency: total.currency,
      costMicros: total.costMicros,
      count: total.count,
      failures: total.failures,
      units: total.units,
    };
    groupBy.forEach((dimension, index) => {
      row[dimension] = total.values[index] ?? null;
    });
    return row;
  };

  const costs = async (input: CostQuery): Promise<CostRow[]> => {
    const query = parseMeteringInput(costQuerySchema, input, 'costs');
    const rows = await read(splitRange(query.from, query.to), query);
    const sums = [...sum(rows, query.groupBy, query.currency, () => '').values()];
    sums.sort((a, b) => compareSums(a, b));
    return sums.map((total) => toRow(total, query.groupBy));
  };

  const timeseries = async (input: TimeseriesQuery): Promise<TimeseriesRow[]> => {
    const query = parseMeteringInput(timeseriesQuerySchema, input, 'timeseries');
    const rows = await read([{ from: query.from, to: query.to, granularity: query.granularity }], query);
    const sums = sum(rows, query.groupBy, query.currency, (row) => row.bucket.toISOString()).values();
    const withBuckets = [...sums].map((total) => ({ bucket: new Date(total.prefix), total }));
    withBuckets.sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || compareSums(a.total, b.total));
    return withBuckets.map(({ bucket, total }) => ({ bucket, ...toRow(total, query.groupBy) }));
  };

  const costsCsv = async (input: CostQuery): Promise<string> => {
    const query = parseMeteringInput(costQuerySchema, input, 'costsCsv');
    const rows = await costs(query);
    const header = ['from', 'to', ...query.groupBy, 'currency', 'cost', 'count', 'failures'];
    const lines = rows.map((row) => [
      query.from.toISOString(),
      query.to.toISOString(),
      ...query.groupBy.map((dimension) => row[dimension] ?? ''),
      row.currency,
      formatMicros(row.costMicros),
      String(row.count),
      String(row.failures),
    ]);
    return toCsv(header, lines);
  };

  const apiCostSource: Metering['apiCostSource'] = () => ({
    async costs(input) {
      const query = parseMeteringInput(apiCostQuerySchema, input, 'apiCostSource.costs');
      const rows = await costs({ ...query, groupBy: ['customerId'] });
      const exponent = currencyExponent(query.currency);
      const byUser: Record<string, number> = {};
      let total = 0;
      for (const row of rows) {
        const minor = microsToMinor(row.costMicros, exponent);
        total += minor;
        if (row.customerId != null) byUser[row.customerId] = minor;
      }
      return { total, byUser };
    },
  });

  const uniqueCustomers: Metering['uniqueCustomers'] = async (input) => {
    const query = parseMeteringInput(uniqueCustomersQuerySchema, input, 'uniqueCustomers');
    const buckets = await store.metering.distinctUsers(query);
    return buckets.map(({ bucket, users }) => ({ bucket, customers: users }));
  };

  return { costs, timeseries, costsCsv, uniqueCustomers, apiCostSource };
}

function addUnits(total: Units, units: Units): void {
  for (const unit in units) total[unit] = (total[unit] ?? 0) + units[unit]!;
}

/** By the grouped values in order (null first), then currency. */
function compareSums(a: Sum, b: Sum): number {
  for (let i = 0; i < a.values.length; i++) {
    const byValue = compareNullsFirst(a.values[i] ?? null, b.values[i] ?? null);
    if (byValue !== 0) return byValue;
  }
  return compareStrings(a.currency, b.currency);
}

function compareNullsFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareStrings(a, b);
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** RFC 4180: a header, comma-separated fields quoted when they hold a comma, quote or line break, CRLF ends. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  // A leading = + - @ would be read as a formula by spreadsheets; amounts never start with one but '-'.
  const safe = /^[=+@]/.test(value) || /^-[^0-9]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
