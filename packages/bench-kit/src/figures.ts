// What a benchmark reports: figures (one value per timed run), each optionally measured against a
// baseline from the same run and held to a target. Only medians, spreads, ratios and verdicts are
// computed here; measuring is in measure.ts and writing in publish.ts / markdown.ts.

/** One measured quantity, with one value per timed run. */
export interface Figure {
  /** Unique within its report; a baseline is named by it. */
  id: string;
  /** What was measured, as a reader would say it. */
  name: string;
  /** `events/s`, `ms`, `kB`, `MB`…: the unit of every value in `runs`. */
  unit: string;
  /** Whether a larger value is the better one (rates) or a smaller (times, sizes, memory). */
  better: 'higher' | 'lower';
  /** One value per timed run: at least five for speed; one for a size or a peak. */
  runs: number[];
  /** The id of the figure in the same report this one is measured against. */
  baseline?: string;
  target?: Target;
  /** A short remark printed beside the figure. */
  note?: string;
}

/** A goal printed as pass or miss, never asserted. */
export interface Target {
  /** `value` holds the median to the bound; `ratio` holds the ratio to the baseline. */
  on: 'value' | 'ratio';
  atLeast?: number;
  atMost?: number;
  /** How the target reads, for instance "≥ 50 % of the raw INSERT". */
  text: string;
}

/** What one benchmark script measured: a section of BENCHMARKS.md. */
export interface BenchReport {
  /** The section's heading. */
  title: string;
  /** The workspace package the script belongs to. */
  package: string;
  /** What is measured and against what, in a sentence or two. */
  description: string;
  /** What the figures were measured on besides the machine, for instance the database's version. */
  environment?: Record<string, string>;
  figures: Figure[];
  /** Parts that could not run here, each with why. */
  skipped?: string[];
  notes?: string[];
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export type Verdict = 'pass' | 'miss';

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * The figure over its baseline: for a rate, the share of the baseline's rate it reaches; for a time,
 * how many times the baseline's time it takes. Runs are paired when both have the same number (run
 * i of each was measured side by side), and the median of the per-run ratios is taken; otherwise the
 * ratio of the medians.
 */
export function ratio(figure: Figure, baseline: Figure): number {
  if (figure.runs.length === baseline.runs.length) {
    return median(figure.runs.map((value, i) => value / baseline.runs[i]!));
  }
  return median(figure.runs) / median(baseline.runs);
}

export function baselineOf(report: BenchReport, figure: Figure): Figure | undefined {
  if (figure.baseline === undefined) return undefined;
  return report.figures.find((candidate) => candidate.id === figure.baseline);
}

/** Pass or miss against the figure's target; undefined when it has none. */
export function verdict(report: BenchReport, figure: Figure): Verdict | undefined {
  const target = figure.target;
  if (target === undefined) return undefined;
  let value: number;
  if (target.on === 'value') value = median(figure.runs);
  else {
    const baseline = baselineOf(report, figure);
    if (baseline === undefined) return undefined;
    value = ratio(figure, baseline);
  }
  if (target.atLeast !== undefined && value < target.atLeast) return 'miss';
  if (target.atMost !== undefined && value > target.atMost) return 'miss';
  return 'pass';
}

/** Throws on a report that cannot be read: duplicate ids, a missing baseline, empty or odd runs. */
export function checkReport(report: BenchReport): void {
  const ids = new Set<string>();
  for (const figure of report.figures) {
    if (ids.has(figure.id)) throw new Error(`${report.title}: two figures are called ${figure.id}`);
    ids.add(figure.id);
    if (figure.runs.length === 0 || figure.runs.some((value) => !Number.isFinite(value) || value < 0)) {
      throw new Error(`${report.title}: ${figure.id} has no runs or a value that is not a measurement`);
    }
  }
  for (const figure of report.figures) {
    if (figure.baseline !== undefined && !ids.has(figure.baseline)) {
      throw new Error(
        `${report.title}: ${figure.id} is measured against ${figure.baseline}, which is not reported`,
      );
    }
    if (figure.target?.on === 'ratio' && figure.baseline === undefined) {
      throw new Error(`${report.title}: ${figure.id} has a ratio target but no baseline`);
    }
  }
}

/** A number as a reader wants it: grouped thousands, three significant digits below 100. */
export function formatNumber(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-AU');
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  if (value === 0) return '0';
  return value.toPrecision(2);
}

export function formatRatio(value: number): string {
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}
