// Conversions between record fields and column values. Drivers disagree on what they hand back
// (pg's int8 as text, 0/1 for booleans, Dates or UTC text), so every read goes through here.

import type { SqlDialect } from './dialects/dialect.js';
import type { DbBoolean, DbDate, DbInteger } from './schema.js';

/** An integer column as a JS number (bigints come back as text from some drivers). */
export function toNumber(value: DbInteger): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toNumberOrNull(value: DbInteger | null): number | null {
  return value === null ? null : toNumber(value);
}

export function toBoolean(value: DbBoolean): boolean {
  return value === true || value === 1 || (value as unknown) === '1';
}

export function dateOrNull(dialect: SqlDialect, value: DbDate | null): Date | null {
  return value === null ? null : dialect.fromDbDate(value);
}

export function dbDateOrNull(dialect: SqlDialect, value: Date | null): DbDate | null {
  return value === null ? null : dialect.toDbDate(value);
}

// JSON columns keep Dates as `{ "$date": "<ISO>" }`, so a Date written comes back a Date.
const DATE_TAG = '$date';

/** JSON text of a value, with its Dates tagged so `parseJson` revives them. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, function replace(this: Record<string, unknown>, key: string, item: unknown) {
    const original = this[key];
    if (original instanceof Date) return { [DATE_TAG]: original.toISOString() };
    return item;
  });
}

/** Parses JSON text written by `stringifyJson` (some drivers hand JSON columns back already parsed). */
export function parseJson<T>(text: string | object): T {
  if (typeof text !== 'string') return reviveDates(text) as T;
  return JSON.parse(text, (_key, item: unknown) => reviveDate(item)) as T;
}

function reviveDate(item: unknown): unknown {
  if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
    const keys = Object.keys(item);
    const tagged = (item as Record<string, unknown>)[DATE_TAG];
    if (keys.length === 1 && typeof tagged === 'string') return new Date(tagged);
  }
  return item;
}

function reviveDates(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveDates);
  if (value !== null && typeof value === 'object') {
    const revived = reviveDate(value);
    if (revived instanceof Date) return revived;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reviveDates(item)]));
  }
  return value;
}
