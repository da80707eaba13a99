// How emails write money, dates, cards and links for the reader's locale and time zone. Templates
// get one EmailFormat and never call Intl themselves, so every message reads the same way.

import { formatMoney } from '../money.js';

export interface EmailFormat {
  /** `$10.00` for 1000 aud in en-AU. */
  money(amount: number, currency: string): string;
  /** `15 February 2026`, in the configured time zone; a string that is not a date is returned as is. */
  date(iso: string): string;
  /** `1 March 2026 at 10:59 am AEDT`, for a deadline where the hour matters. */
  dateTime(iso: string): string;
  /** `March 2027`, for a card's expiry month. */
  monthYear(month: number, year: number): string;
}

export function createEmailFormat(locale: string, timeZone: string): EmailFormat {
  const day = { day: 'numeric', month: 'long', year: 'numeric', timeZone } as const;
  const dates = new Intl.DateTimeFormat(locale, day);
  const times = new Intl.DateTimeFormat(locale, {
    ...day,
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  // An expiry month is a calendar month, not an instant: read it in UTC so no zone shifts it.
  const months = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return {
    money: (amount, currency) => formatMoney({ amount, currency }, locale),
    date: (iso) => formatInstant(dates, iso),
    dateTime: (iso) => formatInstant(times, iso),
    monthYear: (month, year) => months.format(new Date(Date.UTC(year, month - 1, 1))),
  };
}

function formatInstant(formatter: Intl.DateTimeFormat, iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : formatter.format(at);
}

/** The URL when it is an http(s) link, else null: a button never points anywhere else. */
export function safeLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

const CARD_BRANDS: Record<string, string> = {
  amex: 'American Express',
  diners: 'Diners Club',
  discover: 'Discover',
  eftpos_au: 'eftpos',
  jcb: 'JCB',
  mastercard: 'Mastercard',
  unionpay: 'UnionPay',
  visa: 'Visa',
};

/** `Visa ending in 4242`, `card ending in 4242` or `card`: a brand and the last four digits, never more. */
export function describeCard(brand: string | null, last4: string | null): string {
  const name = brand ? (CARD_BRANDS[brand] ?? capitalise(brand.replaceAll('_', ' '))) : 'card';
  const digits = last4?.replace(/\D/g, '').slice(-4);
  return digits ? `${name} ending in ${digits}` : name;
}

/** `Payment failed` from `payment.failed`; `Product not received` from `product_not_received`. */
export function humanise(code: string): string {
  return capitalise(code.replace(/[._]+/g, ' ').trim());
}

function capitalise(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}
