import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costMicros, decimalToMicros, formatMicros, microsToMinor, parseDecimal } from './decimal.js';

describe('decimal prices', () => {
  it('prices tokens to the micro-unit: 1 200 input tokens at 2.00 per million are 2 400 micro-dollars', () => {
    expect(costMicros(1200, parseDecimal('2.00'), 1_000_000)).toBe(2400);
  });

  it('keeps fractions of a cent: 333 tokens at 0.025 per million are 8 micro-units (8.325 rounded)', () => {
    expect(costMicros(333, parseDecimal('0.025'), 1_000_000)).toBe(8);
  });

  it('rounds half a micro-unit up and less than half down', () => {
    expect(costMicros(1, parseDecimal('0.0000005'), 1)).toBe(1);
    expect(costMicros(1, parseDecimal('0.00000049'), 1)).toBe(0);
    expect(costMicros(3, parseDecimal('0.5'), 1_000_000)).toBe(2); // 1.5 → 2
  });

  it('is the exact cost rounded half up, for any quantity, price and divisor', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 999 }),
        fc.stringMatching(/^\d{0,8}$/),
        fc.constantFrom(1, 1000, 1_000_000),
        (units, whole, fraction, per) => {
          const price = fraction ? `${whole}.${fraction}` : String(whole);
          const result = BigInt(costMicros(units, parseDecimal(price), per));
          const { numerator, scale } = parseDecimal(price);
          const exact = BigInt(units) * numerator * 1_000_000n; // over 10^scale × per
          const denominator = 10n ** BigInt(scale) * BigInt(per);
          // result − 1/2 ≤ exact/denominator < result + 1/2
          expect(2n * exact >= (2n * result - 1n) * denominator).toBe(true);
          expect(2n * exact < (2n * result + 1n) * denominator).toBe(true);
        },
      ),
    );
  });

  it('refuses anything but a plain decimal string', () => {
    for (const bad of ['', '1e-6', '-1', '1.', '.5', ' 1', '1,5', 'NaN']) {
      expect(() => parseDecimal(bad)).toThrow(RangeError);
    }
  });
});

describe('amounts', () => {
  it('writes micro-units as major units with six decimals', () => {
    expect(formatMicros(1_234_567)).toBe('1.234567');
    expect(formatMicros(5)).toBe('0.000005');
    expect(formatMicros(0)).toBe('0.000000');
    expect(formatMicros(-2_500_000)).toBe('-2.500000');
  });

  it('turns a decimal budget into micro-units exactly', () => {
    expect(decimalToMicros('500.00')).toBe(500_000_000);
    expect(decimalToMicros('0.000001')).toBe(1);
  });

  it('rounds micro-units to cents half up', () => {
    expect(microsToMinor(12_345_000, 2)).toBe(1235);
    expect(microsToMinor(12_344_999, 2)).toBe(1234);
    expect(microsToMinor(4_999, 2)).toBe(0);
    expect(microsToMinor(5_000, 2)).toBe(1);
    expect(microsToMinor(1_500_000, 0)).toBe(2);
  });
});
