import { describe, expect, it } from 'vitest';
import { lastDayOf, monthsOf, parseRange, quartersOf } from './periods.js';

const d = (iso: string) => new Date(iso);

describe('periods', () => {
  it('splits a range into the calendar months it overlaps, clipped to the range', () => {
    const months = monthsOf(d('2026-01-15T00:00:00Z'), d('2026-03-10T00:00:00Z'));
    expect(months.map((m) => [m.label, m.from.toISOString(), m.to.toISOString()])).toEqual([
      ['2026-01', '2026-01-15T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['2026-02', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['2026-03', '2026-03-01T00:00:00.000Z', '2026-03-10T00:00:00.000Z'],
    ]);
  });

  it('names quarters by the calendar year (Jan–Mar is Q1) and crosses years', () => {
    const quarters = quartersOf(d('2025-11-01T00:00:00Z'), d('2026-07-01T00:00:00Z'));
    expect(quarters.map((q) => q.label)).toEqual(['2025-Q4', '2026-Q1', '2026-Q2']);
    expect(quarters[0]!.from.toISOString()).toBe('2025-11-01T00:00:00.000Z');
  });

  it('dates a period by its last day', () => {
    expect(lastDayOf({ to: d('2026-03-01T00:00:00Z') })).toBe('2026-02-28');
  });

  it('reads dates as ISO days or times and refuses a backwards range', () => {
    expect(parseRange({ from: '2026-01-01', to: '2026-02-01T10:00:00+10:00' }, 't')).toMatchObject({
      from: d('2026-01-01T00:00:00Z'),
      to: d('2026-02-01T00:00:00Z'),
    });
    expect(() => parseRange({ from: '2026-02-01', to: '2026-01-01' }, 't')).toThrow(/from must be before to/);
    expect(() => parseRange({ from: 'yesterday', to: '2026-01-01' }, 't')).toThrow(/Invalid input/);
  });
});
