// Figures for operators: the portal's money and dates (Intl.NumberFormat with the currency's own
// minor unit, Intl.DateTimeFormat), plus rates as percentages, months ('2026-03' → "Mar 2026"),
// short dates for tables, compact amounts for chart axes, and metered costs in micro-units, which
// keep their sub-cent digits when they are smaller than a cent ("$0.0042").

import { createFormatters } from '../../format/intl-format.js';

export interface AdminFormatters {
  readonly locale: string;
  /** Minor units of `currency` → "$1,234.50". */
  money(amount: number, currency: string): string;
  /** For chart axes: "$1.2K". */
  compactMoney(amount: number, currency: string): string;
  /**
   * Micro-units of `currency` (1_000_000 = 1.00) → "$1,234.50"; an amount under one cent keeps two
   * significant digits, "$0.0042", so a cost per call never reads "$0.00".
   */
  micros(amount: number, currency: string): string;
  /** Micro-units for chart axes: "$1.2K". */
  compactMicros(amount: number, currency: string): string;
  /** A fraction from 0 to 1 → "4.2%"; null → the messages' "n/a" (given by the caller). */
  percent(rate: number): string;
  /** An ISO time → "15 February 2026". */
  date(iso: string): string;
  /** An ISO time → "15 Feb 2026". */
  shortDate(iso: string): string;
  /** An ISO time → "15 Feb 2026, 9:30 am". */
  dateTime(iso: string): string;
  /** 'YYYY-MM' → "Mar 2026" (the month itself, whatever the time zone). */
  month(month: string): string;
  /** 'YYYY-MM-DD' or a UTC day's start → "14 Mar 2026" (the day itself, whatever the time zone). */
  day(day: string): string;
  /** A count → "1,234". */
  count(value: number): string;
  /** The number of minor-unit digits of a currency: 2 for AUD, 0 for JPY. */
  fractionDigits(currency: string): number;
}

/** Formatters for a locale (and a time zone; the reader's own when absent). */
export function createAdminFormatters(locale: string, timeZone?: string): AdminFormatters {
  const base = createFormatters(locale, timeZone);
  const zone = timeZone ? { timeZone } : {};
  const shortDates = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...zone,
  });
  const dateTimes = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    ...zone,
  });
  const months = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const days = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const subCent = new Map<string, Intl.NumberFormat>();
  const percents = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const counts = new Intl.NumberFormat(locale);
  const compact = new Map<string, Intl.NumberFormat>();

  function fractionDigits(currency: string): number {
    return (
      new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  }

  /** Micro-units → minor units, for display only (a fraction of a minor unit survives). */
  function minorOf(micros: number, currency: string): number {
    return micros / 10 ** (6 - fractionDigits(currency.toUpperCase()));
  }

  function compactMoney(amount: number, currency: string): string {
    const code = currency.toUpperCase();
    let format = compact.get(code);
    if (!format) {
      format = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: code,
        notation: 'compact',
        maximumFractionDigits: 1,
      });
      compact.set(code, format);
    }
    return format.format(amount / 10 ** fractionDigits(code));
  }

  function micros(amount: number, currency: string): string {
    const code = currency.toUpperCase();
    const digits = fractionDigits(code);
    const oneMinorUnit = 10 ** (6 - digits);
    if (amount === 0 || Math.abs(amount) >= oneMinorUnit) {
      return base.money({ amount: Math.round(amount / oneMinorUnit), currency: code });
    }
    let format = subCent.get(code);
    if (!format) {
      format = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: code,
        maximumSignificantDigits: 2,
      });
      subCent.set(code, format);
    }
    return format.format(amount / 1_000_000);
  }

  return {
    locale,
    money: (amount, currency) => base.money({ amount, currency }),
    compactMoney,
    micros,
    compactMicros: (amount, currency) => compactMoney(minorOf(amount, currency), currency),
    percent: (rate) => percents.format(rate),
    date: base.date,
    shortDate: (iso) => shortDates.format(new Date(iso)),
    dateTime: (iso) => dateTimes.format(new Date(iso)),
    month(month) {
      const [year, monthNumber] = month.split('-').map(Number);
      if (!year || !monthNumber) return month;
      return months.format(new Date(Date.UTC(year, monthNumber - 1, 1)));
    },
    day(day) {
      const time = Date.parse(day.length === 10 ? `${day}T00:00:00Z` : day);
      return Number.isNaN(time) ? day : days.format(new Date(time));
    },
    count: (value) => counts.format(value),
    fractionDigits,
  };
}
