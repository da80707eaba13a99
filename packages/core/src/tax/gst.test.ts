import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gstFromExclusive, gstFromInclusive } from './gst.js';

/** The exact rational `numerator / denominator` rounded half up, in BigInt: the properties' oracle. */
function exactHalfUp(numerator: bigint, denominator: bigint): number {
  return Number((numerator * 2n + denominator) / (denominator * 2n));
}

describe('gstFromInclusive', () => {
  it('finds A$0.91 of GST in a A$10.00 GST-inclusive price', () => {
    expect(gstFromInclusive(1000)).toBe(91);
  });

  it('finds exactly A$1.00 in A$11.00 and nothing in A$0.00', () => {
    expect(gstFromInclusive(1100)).toBe(100);
    expect(gstFromInclusive(0)).toBe(0);
  });

  it('rounds to the nearest cent both ways', () => {
    expect(gstFromInclusive(5)).toBe(0); // 0.4545…
    expect(gstFromInclusive(6)).toBe(1); // 0.5454…
    expect(gstFromInclusive(16)).toBe(1); // 1.4545…
    expect(gstFromInclusive(17)).toBe(2); // 1.5454…
  });

  it('gives a refund the same GST as the charge, negated', () => {
    expect(gstFromInclusive(-1000)).toBe(-91);
    expect(gstFromInclusive(-6)).toBe(-1);
    expect(Object.is(gstFromInclusive(-5), 0)).toBe(true);
  });

  it('stays exact beyond where a float quotient would round wrongly', () => {
    // Math.round(total / 11) gives 818836295885545 here: the float quotient lands on .5.
    const total = 9_007_199_254_740_989;
    expect(gstFromInclusive(total)).toBe(818_836_295_885_544);
    expect(gstFromInclusive(total)).toBe(exactHalfUp(BigInt(total), 11n));
  });

  it('refuses fractions of a cent', () => {
    expect(() => gstFromInclusive(10.5)).toThrow(RangeError);
    expect(() => gstFromInclusive(Number.NaN)).toThrow(RangeError);
  });

  it('is the exact eleventh rounded half up, from zero to the total, for any total to A$10m', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (total) => {
        const gst = gstFromInclusive(total);
        expect(gst).toBe(exactHalfUp(BigInt(total), 11n));
        expect(gst).toBeGreaterThanOrEqual(0);
        expect(gst).toBeLessThanOrEqual(total);
      }),
    );
  });

  it('mirrors refunds and charges for any amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (total) => {
        expect(gstFromInclusive(-total)).toBe(0 - gstFromInclusive(total));
      }),
    );
  });
});

describe('gstFromExclusive', () => {
  it('adds A$1.00 of GST to a A$10.00 net price', () => {
    expect(gstFromExclusive(1000)).toBe(100);
  });

  it('rounds half a cent up, and a refund mirrors it', () => {
    expect(gstFromExclusive(5)).toBe(1); // 0.5
    expect(gstFromExclusive(4)).toBe(0); // 0.4
    expect(gstFromExclusive(-5)).toBe(-1);
  });

  it('takes another whole-percent rate', () => {
    expect(gstFromExclusive(1000, 15)).toBe(150);
    expect(gstFromExclusive(1234, 0)).toBe(0);
  });

  it('refuses a fractional rate or a fraction of a cent', () => {
    expect(() => gstFromExclusive(1000, 7.5)).toThrow(RangeError);
    expect(() => gstFromExclusive(0.5)).toThrow(RangeError);
  });

  it('equals the exact rate × net rounded half up for any net price and rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        (net, rate) => {
          expect(gstFromExclusive(net, rate)).toBe(exactHalfUp(BigInt(net) * BigInt(rate), 100n));
        },
      ),
    );
  });
});
