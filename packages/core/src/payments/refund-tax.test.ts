import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gstShare, refundTax } from './refund-tax.js';

describe('refundTax', () => {
  it('adds up to the GST of what was refunded, however the refunds are split', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 10 }),
        (total, parts) => {
          // GST-inclusive: 1/11 of the total, to the nearest cent.
          const invoice = { total, tax: Math.floor((2 * total + 11) / 22) };
          let before = 0;
          let sum = 0;
          for (const part of parts) {
            const amount = Math.min(part, total - before);
            if (amount <= 0) break;
            sum += refundTax(invoice, before, amount);
            before += amount;
          }
          expect(sum).toBe(gstShare(invoice.tax, total, before));
          expect(sum).toBeLessThanOrEqual(invoice.tax);
          if (before === total) expect(sum).toBe(invoice.tax);
        },
      ),
    );
  });

  it('gives 91 cents back on a whole A$10.00 refund, and 46 + 45 on two halves', () => {
    const invoice = { total: 1000, tax: 91 };
    expect(refundTax(invoice, 0, 1000)).toBe(91);
    expect([refundTax(invoice, 0, 500), refundTax(invoice, 500, 500)]).toEqual([46, 45]);
  });
});
