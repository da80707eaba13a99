import { describe, expect, it } from 'vitest';
import { decimal, toCsv } from './csv.js';

describe('csv', () => {
  it('writes minor units as two-decimal amounts, negatives included', () => {
    expect([decimal(0), decimal(5), decimal(1000), decimal(-1234)]).toEqual([
      '0.00',
      '0.05',
      '10.00',
      '-12.34',
    ]);
  });

  it('quotes fields with commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    const csv = toCsv(
      ['a', 'b'],
      [
        ['x, y', 'say "hi"'],
        ['=SUM(A1)', '-12.34'],
      ],
    );
    expect(csv).toBe('a,b\r\n"x, y","say ""hi"""\r\n\'=SUM(A1),-12.34\r\n');
  });
});
