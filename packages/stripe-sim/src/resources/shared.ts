// Pieces every resource handler uses: addresses, metadata, and "change this object and send the
// `*.updated` event with previous_attributes" done one way.

import type Stripe from 'stripe';
import { changedAttributes, type SimContext, snapshot } from '../engine/context.js';
import { invalidRequest } from '../errors.js';
import type { Params } from '../http/params.js';

const ADDRESS_KEYS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const;

/** Reads an `address[...]` hash into Stripe's Address shape (every key present, null when not sent). */
export function readAddress(
  params: Params | undefined,
  current?: Stripe.Address | null,
): Stripe.Address | null {
  if (!params) return current ?? null;
  const address: Stripe.Address = {
    city: current?.city ?? null,
    country: current?.country ?? null,
    line1: current?.line1 ?? null,
    line2: current?.line2 ?? null,
    postal_code: current?.postal_code ?? null,
    state: current?.state ?? null,
  };
  for (const key of ADDRESS_KEYS) {
    const value = params.nullableString(key);
    if (value !== undefined) address[key] = value;
  }
  params.done();
  if (address.country && !/^[A-Z]{2}$/.test(address.country)) {
    throw invalidRequest(
      `Country '${address.country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.`,
      'address[country]',
    );
  }
  return address;
}

/**
 * Applies `mutate` to a stored object and, if anything changed, sends `eventType` with the old
 * values as previous_attributes. Returns the object.
 */
export function updateWithEvent<T extends { object: string }>(
  sim: SimContext,
  object: T,
  eventType: string,
  mutate: (object: T) => void,
  domain: string | null = null,
): T {
  const before = snapshot(object);
  mutate(object);
  const changes = changedAttributes(before, object);
  if (Object.keys(changes).length > 0) {
    sim.emit(eventType, object as unknown as { object: string }, changes, domain);
  }
  return object;
}

/** Stripe ids or expanded objects: the id either way. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

/** Minor units have no decimals for these currencies (Stripe's zero-decimal list). */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

export function isZeroDecimal(currency: string): boolean {
  return ZERO_DECIMAL.has(currency.toLowerCase());
}

/** Reads and checks a currency param (three lowercase letters, as Stripe stores it). */
export function readCurrency(params: Params, key = 'currency', required = true): string | undefined {
  const value = required ? params.string(key) : params.optionalString(key);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (!/^[a-z]{3}$/.test(lower)) {
    throw invalidRequest(
      `Invalid currency: ${value}. Stripe currently supports these currencies: aud, usd, eur, gbp, nzd, ...`,
      key,
    );
  }
  return lower;
}

/** Stripe's decimal strings (`unit_amount_decimal`); the client types them as its Decimal class. */
export function decimal(value: string | number): Stripe.Decimal {
  return String(value) as unknown as Stripe.Decimal;
}
