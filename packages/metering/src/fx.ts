// Currency conversion of micro-units through an FX table of decimal rates into one base currency:
// exact fractions, one half-up rounding per conversion.

import { z } from 'zod';
import { type Decimal, divideHalfUp, isDecimal, parseDecimal, pow10, toSafeNumber } from './decimal.js';
import { MissingExchangeRateError, parseMeteringInput } from './errors.js';
import type { FxTable } from './types.js';

export const currencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code such as AUD')
  .transform((code) => code.toUpperCase());

const rateSchema = z
  .string()
  .refine((rate) => isDecimal(rate) && parseDecimal(rate).numerator > 0n, 'a positive decimal string');

export const fxTableSchema = z.object({
  base: currencySchema,
  rates: z.record(currencySchema, rateSchema),
});

export interface Fx {
  /** The table's base currency, or null without a table. */
  readonly base: string | null;
  /** Whether `from` can be converted into `to`. */
  canConvert(from: string, to: string): boolean;
  /** `micros` of `from` in micro-units of `to`, half up; MissingExchangeRateError without a rate. */
  convert(micros: number, from: string, to: string): number;
}

/** An FX converter over `table` (rates: 1 unit of the currency = rate units of `base`). */
export function createFx(table?: FxTable): Fx {
  const parsed = table ? parseMeteringInput(fxTableSchema, table, 'fx') : null;
  const rates = new Map<string, Decimal>();
  if (parsed) {
    for (const [currency, rate] of Object.entries(parsed.rates)) rates.set(currency, parseDecimal(rate));
    rates.set(parsed.base, { numerator: 1n, scale: 0 });
  }

  const rateOf = (currency: string, target: string): Decimal => {
    const rate = rates.get(currency);
    if (!rate) throw new MissingExchangeRateError(currency, target);
    return rate;
  };

  return {
    base: parsed?.base ?? null,
    canConvert: (from, to) => from === to || (rates.has(from) && rates.has(to)),
    convert(micros, from, to) {
      if (from === to) return micros;
      const source = rateOf(from, to);
      const target = rateOf(to, to);
      // micros × (source in base) / (target in base), each rate an exact fraction.
      const numerator = BigInt(micros) * source.numerator * pow10(target.scale);
      const denominator = target.numerator * pow10(source.scale);
      return toSafeNumber(divideHalfUp(numerator, denominator));
    },
  };
}

/** Decimals of a currency's minor unit (2 for AUD and USD, 0 for JPY), as Intl knows them. */
export function currencyExponent(currency: string): number {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  return format.resolvedOptions().maximumFractionDigits ?? 2;
}
