import { describe, expect, it } from 'vitest';
import { parseMoneyInput } from './money-input.js';

describe('parseMoneyInput', () => {
  it('reads what operators type as minor units', () => {
    expect(parseMoneyInput('10', 'en-AU', 2)).toBe(1000);
    expect(parseMoneyInput('10.5', 'en-AU', 2)).toBe(1050);
    expect(parseMoneyInput(' $1,234.56 ', 'en-AU', 2)).toBe(123456);
    expect(parseMoneyInput('A$ 2.50', 'en-AU', 2)).toBe(250);
    expect(parseMoneyInput('.75', 'en-AU', 2)).toBe(75);
    expect(parseMoneyInput('1.234,5', 'de-DE', 2)).toBe(123450);
    expect(parseMoneyInput('500', 'ja-JP', 0)).toBe(500);
  });

  it('refuses what is not a positive amount in the currency’s minor unit', () => {
    for (const text of ['', 'abc', '-5', '0', '0.00', '1.234', '10.5.1', '1e3', '12abc34', '5.5'])
      expect(parseMoneyInput(text, text === '5.5' ? 'ja-JP' : 'en-AU', text === '5.5' ? 0 : 2)).toBeNull();
  });
});
