// Australian GST arithmetic on integer minor units: the GST inside a GST-inclusive price (1/11 at
// 10%) and the GST added to a net price. Whole cents in, whole cents out; no float holds money.

/**
 * The GST contained in a GST-inclusive amount, to the nearest cent: one eleventh at 10%
 * (rate / (100 + rate) in general). Negative amounts (refunds, credits) mirror positive ones:
 * `gstFromInclusive(-t) === -gstFromInclusive(t)`.
 * @example gstFromInclusive(1000) // 91: A$10.00 includes A$0.91 GST
 */
export function gstFromInclusive(totalMinor: number, ratePercent = 10): number {
  assertWholeMinorUnits(totalMinor, 'totalMinor');
  assertWholePercent(ratePercent);
  // Reduce the fraction first (10/110 is 1/11), so a 10% total stays exact up to MAX_SAFE_INTEGER.
  const divisor = greatestCommonDivisor(ratePercent, 100 + ratePercent);
  const scaled = totalMinor * (ratePercent / divisor);
  if (!Number.isSafeInteger(scaled))
    throw new RangeError(`totalMinor ${totalMinor} is too large to tax exactly`);
  return divideRoundingHalfAwayFromZero(scaled, (100 + ratePercent) / divisor);
}

/**
 * The GST to add to a GST-exclusive amount at `ratePercent`, to the nearest cent, half a cent up
 * (away from zero, so refunds mirror charges).
 * @example gstFromExclusive(1000) // 100: A$10.00 plus A$1.00 GST
 */
export function gstFromExclusive(netMinor: number, ratePercent = 10): number {
  assertWholeMinorUnits(netMinor, 'netMinor');
  assertWholePercent(ratePercent);
  const scaled = netMinor * ratePercent;
  if (!Number.isSafeInteger(scaled)) throw new RangeError(`netMinor ${netMinor} is too large to tax exactly`);
  return divideRoundingHalfAwayFromZero(scaled, 100);
}

function assertWholeMinorUnits(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be whole minor units, got ${value}`);
}

function assertWholePercent(ratePercent: number): void {
  if (!Number.isSafeInteger(ratePercent) || ratePercent < 0 || ratePercent > 1000) {
    throw new RangeError(`ratePercent must be a whole percentage from 0 to 1000, got ${ratePercent}`);
  }
}

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b);
}

/**
 * `numerator / denominator` to the nearest integer, halves away from zero. Works from the integer
 * remainder, so the answer is exact for every safe integer (a float quotient is not).
 */
function divideRoundingHalfAwayFromZero(numerator: number, denominator: number): number {
  const magnitude = Math.abs(numerator);
  const remainder = magnitude % denominator;
  const quotient = (magnitude - remainder) / denominator;
  const rounded = remainder * 2 >= denominator ? quotient + 1 : quotient;
  // `0 - rounded`, not `-rounded`: a tiny refund's GST is 0, never -0.
  return numerator < 0 ? 0 - rounded : rounded;
}
