// Reads an amount an operator typed ("10", "1,234.50", "$10.5", "A$ 10") as integer minor units, with
// the locale's own decimal separator; anything else (a sign, letters inside, more decimals than the
// currency has) is null.

/** Minor units for `text`, or null when it is not a positive amount with at most `fractionDigits` decimals. */
export function parseMoneyInput(text: string, locale: string, fractionDigits: number): number | null {
  const decimal =
    new Intl.NumberFormat(locale).formatToParts(1.1).find((part) => part.type === 'decimal')?.value ?? '.';
  // A currency symbol or code may stand before or after the number ("$10", "A$10", "10 AUD").
  const bare = text
    .replace(/\s/g, '')
    .replace(/^[A-Za-z]{0,3}\p{Sc}?/u, '')
    .replace(/\p{Sc}?[A-Za-z]{0,3}$/u, '');
  if (!/^[\d.,'’]+$/.test(bare)) return null;
  const [whole = '', fraction = '', ...rest] = bare.split(decimal);
  if (rest.length > 0) return null;
  const wholeDigits = whole.replace(/[.,'’]/g, '');
  if (!/^\d*$/.test(fraction) || fraction.length > fractionDigits) return null;
  if (!wholeDigits && !fraction) return null;
  const minor =
    Number(wholeDigits || '0') * 10 ** fractionDigits + Number(fraction.padEnd(fractionDigits, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor <= 0) return null;
  return minor;
}
