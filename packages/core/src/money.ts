// Money: an integer count of minor units and an ISO currency. Arithmetic lives here and only here.

export interface Money {
  /** Integer minor units (cents). Never a float. */
  amount: number;
  /** Lowercase ISO 4217 code, as Stripe writes it: 'aud'. */
  currency: string;
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Money needs whole minor units, got ${amount}`);
  return { amount, currency: currency.toLowerCase() };
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new RangeError(`Cannot combine ${a.currency} with ${b.currency}`);
}

/** A price per month, to compare plans billed at different intervals. */
export function monthlyEquivalent(
  amount: number,
  interval: 'day' | 'week' | 'month' | 'year',
  count = 1,
): number {
  const perMonth = { day: 365 / 12, week: 52 / 12, month: 1, year: 1 / 12 }[interval];
  return (amount * perMonth) / count;
}

const formats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/** For people: `A$10.00`, through Intl.NumberFormat (one formatter per locale and currency, reused). */
export function formatMoney(value: Money, locale = 'en-AU'): string {
  const key = `${locale}:${value.currency}`;
  let entry = formats.get(key);
  if (!entry) {
    const format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: value.currency.toUpperCase(),
    });
    entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formats.set(key, entry);
  }
  return entry.format.format(value.amount / 10 ** entry.digits);
}
