// Timed runs on tinybench. A "run" is one tinybench run of one task; a figure is the runs' values
// (at least five), so BENCHMARKS.md can give the median with its min and max. Each run may start
// from a fresh state (`beforeRun`, untimed), which benchmarks of an ordered stream (webhook events)
// or of a batch (metering's flush) need.

import { cpus, freemem, release, totalmem, type } from 'node:os';
import { Bench, type Fn } from 'tinybench';

/** Timed runs per figure: BENCH_RUNS when set, never fewer than five. */
export const RUNS = Math.max(5, Number.parseInt(process.env.BENCH_RUNS ?? '5', 10) || 5);

export interface RunOptions {
  /** Timed runs (default {@link RUNS}). */
  runs?: number;
  /** Time budget of a run in ms (tinybench's `time`; default 1000). */
  time?: number;
  /** Minimum calls per run (tinybench's `iterations`; default 64). */
  iterations?: number;
  /** Warm up before the first run only (default), before every run, or never (an ordered stream). */
  warmup?: 'first' | 'every' | 'none';
  /** Untimed, before each run (and before the warm-up). */
  beforeRun?: () => unknown;
  /** Units of work one call does (events in a batch…), for the rate. Default 1. */
  unitsPerCall?: number;
}

export interface TimedRuns {
  /** Units of work per second in each run: calls × units over the run's summed call time. */
  perSecond: number[];
  /** Mean, median and 99th-percentile time of one call in each run, in ms. */
  meanMs: number[];
  p50Ms: number[];
  p99Ms: number[];
  /** Calls timed in each run. */
  calls: number[];
}

/** Times `fn` in `runs` separate tinybench runs. */
export async function timeRuns(name: string, fn: Fn, options: RunOptions = {}): Promise<TimedRuns> {
  const runs = options.runs ?? RUNS;
  const units = options.unitsPerCall ?? 1;
  const out: TimedRuns = { perSecond: [], meanMs: [], p50Ms: [], p99Ms: [], calls: [] };
  for (let run = 0; run < runs; run++) {
    await options.beforeRun?.();
    const warmup = options.warmup === 'every' || ((options.warmup ?? 'first') === 'first' && run === 0);
    const bench = new Bench({
      time: options.time ?? 1_000,
      iterations: options.iterations ?? 64,
      warmup,
      throws: true,
    });
    bench.add(name, fn);
    await bench.run();
    const result = bench.getTask(name)?.result;
    if (result?.state !== 'completed') {
      throw new Error(`${name}: the run ended ${result?.state ?? 'without a result'}`);
    }
    const calls = result.latency.samplesCount;
    const summed = result.latency.mean * calls;
    out.perSecond.push(summed > 0 ? (calls * units * 1000) / summed : 0);
    out.meanMs.push(result.latency.mean);
    out.p50Ms.push(result.latency.p50);
    out.p99Ms.push(result.latency.p99);
    out.calls.push(calls);
  }
  return out;
}

/**
 * Times one call per run of a batch job that reports how many units it did (events persisted, rows
 * loaded): each run is `beforeRun`, then a single timed call. Rates are units over the call's time.
 */
export async function timeBatches(
  name: string,
  job: () => Promise<number> | number,
  options: Pick<RunOptions, 'runs' | 'beforeRun'> = {},
): Promise<{ perSecond: number[]; ms: number[] }> {
  const units: number[] = [];
  const timed = await timeRuns(
    name,
    async () => {
      units.push(await job());
    },
    { runs: options.runs, beforeRun: options.beforeRun, time: 0, iterations: 1, warmup: 'none' },
  );
  return {
    ms: timed.meanMs,
    perSecond: timed.meanMs.map((ms, run) => (ms > 0 ? ((units[run] ?? 0) * 1000) / ms : 0)),
  };
}

/** The process's peak resident set size so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** The machine and runtime the figures were measured on. */
export function machine(): Record<string, string> {
  const cpu = cpus();
  return {
    CPU: `${cpu[0]?.model.trim() ?? 'unknown'} × ${cpu.length}`,
    Memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
    OS: `${type()} ${release()}`,
    Node: process.version,
  };
}
