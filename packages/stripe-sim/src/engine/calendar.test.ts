import { describe, expect, it } from 'vitest';
import { addIntervals, periodContaining } from './calendar.js';

const utc = (s: string) => Date.parse(s) / 1000;

describe('billing calendar', () => {
  it('keeps the anchor day across months, clamping to short months', () => {
    const jan31 = utc('2026-01-31T10:00:00Z');
    expect(addIntervals(jan31, 'month', 1)).toBe(utc('2026-02-28T10:00:00Z'));
    expect(addIntervals(jan31, 'month', 2)).toBe(utc('2026-03-31T10:00:00Z'));
    expect(addIntervals(jan31, 'year', 1)).toBe(utc('2027-01-31T10:00:00Z'));
  });

  it('finds the period that contains a moment', () => {
    const anchor = utc('2026-01-15T00:00:00Z');
    expect(periodContaining(anchor, 'month', 1, utc('2026-03-20T00:00:00Z'))).toEqual({
      start: utc('2026-03-15T00:00:00Z'),
      end: utc('2026-04-15T00:00:00Z'),
    });
  });
});
