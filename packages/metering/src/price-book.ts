// Price books: what each unit of each provider's operation costs, with effective dates. Prices are
// decimal strings turned into exact fractions; a call's cost is, per unit, units × price × 10^6 /
// per rounded half up to integer micro-units, summed over its units.

import { z } from 'zod';
import { costMicros, type Decimal, isDecimal, parseDecimal } from './decimal.js';
import { type InputIssue, MeteringInputError, parseMeteringInput } from './errors.js';
import { currencySchema } from './fx.js';
import type { PriceBook, PriceInput } from './types.js';

const name = z.string().min(1).max(200);
const day = z.iso.date();

const priceInputSchema = z
  .strictObject({
    provider: name,
    operation: name,
    model: name.optional(),
    unit: name,
    price: z.string().refine(isDecimal, "a decimal string such as '2.00'"),
    per: z.number().int().positive().max(1e12).default(1),
    currency: currencySchema,
    from: day,
    to: day.optional(),
  })
  .refine((entry) => entry.to === undefined || entry.to > entry.from, {
    path: ['to'],
    message: 'must be a day after from',
  });

const priceBookSchema = z.array(priceInputSchema);

const optionsSchema = z.strictObject({ currency: currencySchema.optional() }).optional();

type PriceEntry = z.infer<typeof priceInputSchema>;

/** One entry, ready for lookups. */
interface PriceLine {
  entry: PriceEntry;
  index: number;
  model: string | null;
  price: Decimal;
  fromMs: number;
  toMs: number;
}

/** A snapshot name such as 'gpt-4.1-2025-04-14' is priced as its model 'gpt-4.1' when it has no entry of its own. */
const SNAPSHOT_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;

/**
 * Validates and indexes a price book. Throws MeteringInputError when an entry is malformed, when
 * two entries of one provider, operation, model and unit overlap in time, or when one call could
 * have units priced in two currencies.
 *
 * @example definePriceBook([{ provider: 'openai', operation: 'chat', model: 'gpt-4.1', unit: 'input_tokens', price: '2.00', per: 1_000_000, currency: 'USD', from: '2025-01-01' }])
 */
export function definePriceBook(
  entries: readonly PriceInput[],
  options?: {
    /** The currency of calls that have no price at all (they cost 0); default the first entry's, else USD. */
    currency?: string;
  },
): PriceBook {
  const parsed = parseMeteringInput(priceBookSchema, entries, 'definePriceBook');
  const { currency: fallbackCurrency } = parseMeteringInput(optionsSchema, options, 'definePriceBook') ?? {};
  const lines = parsed.map(toLine);
  const groups = groupByOperation(lines);
  const issues = [...overlapIssues(lines), ...currencyIssues(groups)];
  if (issues.length > 0) {
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new MeteringInputError(`Invalid price book: ${summary}`, issues);
  }
  const defaultCurrency = fallbackCurrency ?? parsed[0]?.currency ?? 'USD';

  return {
    entries: Object.freeze(parsed.map((entry) => Object.freeze({ ...entry }))),
    cost(call) {
      const group = groups.get(operationKey(call.provider, call.operation)) ?? [];
      const atMs = call.at.getTime();
      const unpriced: string[] = [];
      let total = 0;
      let currency: string | null = null;
      for (const unit in call.units) {
        const quantity = call.units[unit]!;
        const line = priceLineFor(group, call.model ?? null, unit, atMs);
        if (!line) {
          if (quantity > 0) unpriced.push(unit);
          continue;
        }
        currency ??= line.entry.currency;
        total += costMicros(quantity, line.price, line.entry.per);
      }
      return {
        costMicros: total,
        currency: currency ?? group[0]?.entry.currency ?? defaultCurrency,
        unpriced,
      };
    },
  };
}

function toLine(entry: PriceEntry, index: number): PriceLine {
  return {
    entry,
    index,
    model: entry.model ?? null,
    price: parseDecimal(entry.price),
    fromMs: Date.parse(entry.from),
    toMs: entry.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(entry.to),
  };
}

function operationKey(provider: string, operation: string): string {
  return `${provider}\u0000${operation}`;
}

function groupByOperation(lines: readonly PriceLine[]): Map<string, PriceLine[]> {
  const groups = new Map<string, PriceLine[]>();
  for (const line of lines) {
    const key = operationKey(line.entry.provider, line.entry.operation);
    const group = groups.get(key) ?? [];
    group.push(line);
    groups.set(key, group);
  }
  return groups;
}

/** The line in force for a unit: the model's own (or its snapshot's model's), else the model-less one. */
function priceLineFor(
  group: readonly PriceLine[],
  model: string | null,
  unit: string,
  atMs: number,
): PriceLine | undefined {
  if (model !== null) {
    const own = latestInForce(group, model, unit, atMs);
    if (own) return own;
    const base = model.replace(SNAPSHOT_SUFFIX, '');
    if (base !== model) {
      const ofBase = latestInForce(group, base, unit, atMs);
      if (ofBase) return ofBase;
    }
  }
  return latestInForce(group, null, unit, atMs);
}

/** Of the lines in force at `atMs`, the one with the latest `from`. */
function latestInForce(
  group: readonly PriceLine[],
  model: string | null,
  unit: string,
  atMs: number,
): PriceLine | undefined {
  let best: PriceLine | undefined;
  for (const line of group) {
    if (line.model !== model || line.entry.unit !== unit) continue;
    if (line.fromMs > atMs || atMs >= line.toMs) continue;
    if (!best || line.fromMs > best.fromMs) best = line;
  }
  return best;
}

/** Two entries for the same thing starting the same day, or one ending after the next starts. */
function overlapIssues(lines: readonly PriceLine[]): InputIssue[] {
  const byThing = new Map<string, PriceLine[]>();
  for (const line of lines) {
    const { provider, operation, unit } = line.entry;
    const key = JSON.stringify([provider, operation, line.model, unit]);
    byThing.set(key, [...(byThing.get(key) ?? []), line]);
  }
  const issues: InputIssue[] = [];
  for (const same of byThing.values()) {
    const sorted = [...same].sort((a, b) => a.fromMs - b.fromMs);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1]!;
      const next = sorted[i]!;
      if (previous.fromMs === next.fromMs) {
        issues.push({
          path: String(next.index),
          message: `duplicates entry ${previous.index}: same provider, operation, model, unit and from`,
        });
      } else if (previous.toMs > next.fromMs && previous.entry.to !== undefined) {
        issues.push({
          path: String(next.index),
          message: `overlaps entry ${previous.index}, which runs until ${previous.entry.to}`,
        });
      }
    }
  }
  return issues;
}

/**
 * A call of one provider, operation and model must price all its units in one currency on any
 * day. What is in force only changes where an entry starts or ends, so those days are checked.
 */
function currencyIssues(groups: Map<string, PriceLine[]>): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const group of groups.values()) {
    const models = new Set<string | null>([null, ...group.map((line) => line.model)]);
    const units = new Set(group.map((line) => line.entry.unit));
    const days = new Set(group.flatMap((line) => [line.fromMs, line.toMs]));
    for (const model of models) {
      for (const dayMs of days) {
        if (!Number.isFinite(dayMs)) continue;
        const inForce = [...units]
          .map((unit) => priceLineFor(group, model, unit, dayMs))
          .filter((line) => line !== undefined);
        const currencies = new Set(inForce.map((line) => line.entry.currency));
        if (currencies.size <= 1) continue;
        const { provider, operation } = group[0]!.entry;
        issues.push({
          path: String(inForce[0]!.index),
          message: `${provider} ${operation}${model ? ` ${model}` : ''} is priced in ${[...currencies].join(' and ')} on ${new Date(dayMs).toISOString().slice(0, 10)}: one call must be priced in one currency`,
        });
        break;
      }
    }
  }
  return issues;
}
