import { describe, expect, it } from 'vitest';
import { timeBatches, timeRuns } from './measure.js';

describe('timed runs', () => {
  it('times at least five tinybench runs, each from a fresh state, and gives per-run rates and p99', async () => {
    let fresh = 0;
    let calls = 0;
    const timed = await timeRuns(
      'sleep a millisecond',
      async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
      { time: 20, iterations: 5, beforeRun: () => fresh++ },
    );
    expect(fresh).toBe(5);
    expect(timed.perSecond).toHaveLength(5);
    for (const [run, rate] of timed.perSecond.entries()) {
      // A call takes at least a millisecond, so no run can exceed 1,000 calls a second.
      expect(rate).toBeGreaterThan(0);
      expect(rate).toBeLessThanOrEqual(1000);
      expect(timed.p99Ms[run]).toBeGreaterThanOrEqual(timed.p50Ms[run]!);
      expect(timed.calls[run]).toBeGreaterThanOrEqual(5);
    }
    expect(calls).toBeGreaterThanOrEqual(25);
  });

  it('rates a batch job by the units it reports, one timed call per run', async () => {
    let jobs = 0;
    const timed = await timeBatches('batch', async () => {
      jobs++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 50;
    });
    expect(jobs).toBe(5);
    for (const [run, rate] of timed.perSecond.entries()) {
      expect(timed.ms[run]).toBeGreaterThanOrEqual(4);
      expect(rate).toBeCloseTo((50 * 1000) / timed.ms[run]!, 6);
    }
  });
});
