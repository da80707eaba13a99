import { describe, expect, it } from 'vitest';
import { forecastMonthEnd } from './forecast.js';
import { splitRange } from './periods.js';

const at = (iso: string) => new Date(iso);
const describePieces = (from: string, to: string) =>
  splitRange(at(from), at(to)).map(
    (piece) => `${piece.granularity} ${piece.from.toISOString()} ${piece.to.toISOString()}`,
  );

describe('splitting a range into roll-up buckets', () => {
  it('reads a whole month as one month bucket', () => {
    expect(describePieces('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual([
      'month 2026-03-01T00:00:00.000Z 2026-04-01T00:00:00.000Z',
    ]);
  });

  it('reads ragged ends with finer buckets, and the middle with the coarsest', () => {
    expect(describePieces('2026-02-27T22:30:00Z', '2026-04-02T01:15:00Z')).toEqual([
      'minute 2026-02-27T22:30:00.000Z 2026-02-27T23:00:00.000Z',
      'hour 2026-02-27T23:00:00.000Z 2026-02-28T00:00:00.000Z',
      'day 2026-02-28T00:00:00.000Z 2026-03-01T00:00:00.000Z',
      'month 2026-03-01T00:00:00.000Z 2026-04-01T00:00:00.000Z',
      'day 2026-04-01T00:00:00.000Z 2026-04-02T00:00:00.000Z',
      'hour 2026-04-02T00:00:00.000Z 2026-04-02T01:00:00.000Z',
      'minute 2026-04-02T01:00:00.000Z 2026-04-02T01:15:00.000Z',
    ]);
  });

  it('counts a minute when it starts inside the range', () => {
    expect(describePieces('2026-03-01T10:00:30Z', '2026-03-01T10:02:10Z')).toEqual([
      'minute 2026-03-01T10:01:00.000Z 2026-03-01T10:03:00.000Z',
    ]);
  });
});

describe('month-end forecast', () => {
  it('extends the month so far at its pace', () => {
    // 10 of March's 31 days gone, 10 spent → 31 at month end.
    expect(forecastMonthEnd(10_000_000, at('2026-03-11T00:00:00Z'))).toBe(31_000_000);
  });

  it('rounds the projection half up to a micro-unit', () => {
    // 1 micro over 1 day of 31 → 31; over 3 days → 1 + 28/3 = 10.33 → 10
    expect(forecastMonthEnd(1, at('2026-03-04T00:00:00Z'))).toBe(10);
  });

  it('forecasts what is spent at the very start of the month', () => {
    expect(forecastMonthEnd(5, at('2026-03-01T00:00:00Z'))).toBe(5);
  });
});
