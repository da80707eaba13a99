// Exact decimal arithmetic for prices and rates: a decimal string becomes a BigInt rational, and
// results are rounded half up once, to integer micro-units. No float ever holds money here.

/** A non-negative decimal as an exact fraction: `numerator / 10^scale`. */
export interface Decimal {
  numerator: bigint;
  scale: number;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A decimal string in plain notation ('2.00', '0.025', '15'), as an exact fraction. */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`Not a decimal number: ${JSON.stringify(text)}`);
  const fraction = match[2] ?? '';
  return { numerator: BigInt(match[1]! + fraction), scale: fraction.length };
}

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

export function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** numerator / denominator rounded half up (towards +∞ on a tie), for a positive denominator. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('divideHalfUp needs a positive denominator');
  const twice = 2n * numerator + denominator;
  const divisor = 2n * denominator;
  // BigInt division truncates towards zero; floor it for negative numerators.
  const quotient = twice / divisor;
  return twice % divisor !== 0n && twice < 0n ? quotient - 1n : quotient;
}

/** The cost of `units` at `price` (major units) for every `per` units, in micro-units, half up. */
export function costMicros(units: number, price: Decimal, per: number): number {
  const numerator = BigInt(units) * price.numerator * 1_000_000n;
  const denominator = pow10(price.scale) * BigInt(per);
  return toSafeNumber(divideHalfUp(numerator, denominator));
}

/** A decimal amount of major units ('500.00') in micro-units, half up past the sixth decimal. */
export function decimalToMicros(text: string): number {
  const value = parseDecimal(text);
  return toSafeNumber(divideHalfUp(value.numerator * 1_000_000n, pow10(value.scale)));
}

/** Micro-units as a decimal string of major units with six decimals: 1234567 → '1.234567'. */
export function formatMicros(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const digits = String(Math.abs(micros)).padStart(7, '0');
  return `${sign}${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

/** Micro-units into minor units of a currency with `exponent` decimals (2 for AUD), half up. */
export function microsToMinor(micros: number, exponent: number): number {
  if (exponent >= 6) return micros * 10 ** (exponent - 6);
  return toSafeNumber(divideHalfUp(BigInt(micros), pow10(6 - exponent)));
}

export function toSafeNumber(value: bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`Amount out of range: ${value}`);
  return number;
}
