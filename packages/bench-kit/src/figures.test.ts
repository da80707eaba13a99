import { describe, expect, it } from 'vitest';
import { type BenchReport, checkReport, formatNumber, median, ratio, spread, verdict } from './figures.js';

const report = (figures: BenchReport['figures']): BenchReport => ({
  title: 'Webhooks',
  package: '@billkit/store-sql',
  description: 'events applied',
  figures,
});

describe('figures', () => {
  it('gives the median of an odd and an even number of runs, with min and max', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spread([900, 1_100, 1_000, 950, 1_200])).toEqual({ median: 1_000, min: 900, max: 1_200 });
  });

  it('pairs runs measured side by side when taking a ratio to the baseline', () => {
    // Run 2 was slow for both: pairing keeps the ratio at a half where medians alone would not.
    const raw = {
      id: 'raw',
      name: 'raw INSERT',
      unit: 'events/s',
      better: 'higher' as const,
      runs: [1000, 200, 1000, 1000, 1000],
    };
    const route = { ...raw, id: 'pg', name: 'route', runs: [500, 100, 500, 500, 500], baseline: 'raw' };
    expect(ratio(route, raw)).toBe(0.5);
    const unpaired = { ...route, runs: [400, 600, 500] };
    expect(ratio(unpaired, raw)).toBe(0.5);
  });

  it('prints pass or miss against a ratio target and a value target', () => {
    const raw = {
      id: 'raw',
      name: 'raw',
      unit: 'events/s',
      better: 'higher' as const,
      runs: [1000, 1000, 1000, 1000, 1000],
    };
    const atLeastHalf = { on: 'ratio' as const, atLeast: 0.5, text: '≥ 50 % of raw' };
    const fast = {
      ...raw,
      id: 'fast',
      baseline: 'raw',
      runs: [600, 600, 600, 600, 600],
      target: atLeastHalf,
    };
    const slow = {
      ...raw,
      id: 'slow',
      baseline: 'raw',
      runs: [400, 400, 400, 400, 400],
      target: atLeastHalf,
    };
    const small = {
      id: 'kb',
      name: 'BillingPortal',
      unit: 'kB',
      better: 'lower' as const,
      runs: [36],
      target: { on: 'value' as const, atMost: 35, text: '≤ 35 kB' },
    };
    const r = report([raw, fast, slow, small]);
    expect(verdict(r, fast)).toBe('pass');
    expect(verdict(r, slow)).toBe('miss');
    expect(verdict(r, small)).toBe('miss');
    expect(verdict(r, raw)).toBeUndefined();
  });

  it('refuses a report it could not print truthfully', () => {
    const figure = { id: 'a', name: 'a', unit: 'ms', better: 'lower' as const, runs: [1] };
    expect(() => checkReport(report([figure, figure]))).toThrow(/two figures are called a/);
    expect(() => checkReport(report([{ ...figure, baseline: 'nope' }]))).toThrow(
      /nope, which is not reported/,
    );
    expect(() => checkReport(report([{ ...figure, runs: [] }]))).toThrow(/no runs/);
    expect(() => checkReport(report([{ ...figure, runs: [Number.NaN] }]))).toThrow(/not a measurement/);
  });

  it('formats numbers for reading', () => {
    expect(formatNumber(12_345.6)).toBe('12,346');
    expect(formatNumber(42.25)).toBe('42.3');
    expect(formatNumber(3.456)).toBe('3.46');
    expect(formatNumber(0.0123)).toBe('0.012');
  });
});
