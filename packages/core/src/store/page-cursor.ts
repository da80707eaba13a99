// Page cursors for every store: opaque base64url strings naming the list they came from and the
// sort key of a page's last row, so each adapter pages the same way and refuses another list's cursor.

import { InvalidInputError } from '../errors/billing-error.js';

export const DEFAULT_PAGE_LIMIT = 100;

/** The page size asked for, or the default; anything but a whole number ≥ 1 is refused. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidInputError('A page limit must be a whole number of at least 1.', [
      { path: 'limit', message: `expected an integer ≥ 1, got ${limit}` },
    ]);
  }
  return limit;
}

/** A card-expiry month (`listExpiring`'s `through`), when it is a whole year and a month from 1 to 12. */
export function checkExpiryMonth(through: { year: number; month: number }): { year: number; month: number } {
  const { year, month } = through;
  if (Number.isInteger(year) && Number.isInteger(month) && month >= 1 && month <= 12) return { year, month };
  throw new InvalidInputError('An expiry month must be a whole year and a month from 1 to 12.', [
    { path: 'through', message: `expected { year, month: 1–12 }, got { year: ${year}, month: ${month} }` },
  ]);
}

/**
 * The first instant (UTC) of a card's expiry month: the time in the expiring list's sort key and
 * cursor, so that list pages like the lists ordered by creation.
 */
export function expiryMonthStart(year: number, month: number): Date {
  const start = new Date(0);
  start.setUTCFullYear(year, month - 1, 1);
  return start;
}

export function encodeCursor(value: unknown[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '');
}

function decodeCursor(cursor: string): unknown {
  try {
    const binary = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** The cursor of a list sorted by (createdAt, id): `encodeCursor([list, createdAt ms, id])`. */
export function decodeKeyCursor(list: string, cursor: string): { createdAt: Date; id: string } {
  const value = decodeCursor(cursor);
  if (
    Array.isArray(value) &&
    value.length === 3 &&
    value[0] === list &&
    typeof value[1] === 'number' &&
    typeof value[2] === 'string'
  ) {
    return { createdAt: new Date(value[1]), id: value[2] };
  }
  throw invalidCursor();
}

/** The audit log's cursor: `encodeCursor(['audit', sequence])`. */
export function decodeAuditCursor(cursor: string): number {
  const value = decodeCursor(cursor);
  if (Array.isArray(value) && value.length === 2 && value[0] === 'audit' && Number.isInteger(value[1])) {
    return value[1] as number;
  }
  throw invalidCursor();
}

function invalidCursor(): InvalidInputError {
  return new InvalidInputError('This page cursor was not issued by this list.', [
    { path: 'after', message: 'unknown cursor' },
  ]);
}
