// Amounts and dates in the reader's language: money through Intl.NumberFormat with the currency's
// own minor unit (cents, or none for yen), dates through Intl.DateTimeFormat.

import type { MoneyJson } from '@billkit/server/contract';

export interface Formatters {
  readonly locale: string;
  /** `{ amount: 1000, currency: 'aud' }` → "$10.00" in en-AU, "A$10.00" in en-GB. */
  money(money: MoneyJson): string;
  /** An ISO time as a date: "15 February 2026" in en-AU. */
  date(iso: string): string;
}

/** Formatters for a locale (and a time zone; the reader's own when absent). */
export function createFormatters(locale: string, timeZone?: string): Formatters {
  const currencies = new Map<string, Intl.NumberFormat>();
  const dates = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    ...(timeZone ? { timeZone } : {}),
  });

  function currencyFormat(currency: string): Intl.NumberFormat {
    const code = currency.toUpperCase();
    let format = currencies.get(code);
    if (!format) {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency: code });
      currencies.set(code, format);
    }
    return format;
  }

  return {
    locale,
    money({ amount, currency }) {
      const format = currencyFormat(currency);
      // Display only: the integer minor units are scaled once, here, and never computed with.
      const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(amount / 10 ** digits);
    },
    date: (iso) => dates.format(new Date(iso)),
  };
}
