export {
  type BenchReport,
  baselineOf,
  checkReport,
  type Figure,
  formatNumber,
  formatRatio,
  median,
  ratio,
  type Spread,
  spread,
  type Target,
  type Verdict,
  verdict,
} from './figures.js';
export { type BenchmarksPage, renderBenchmarks } from './markdown.js';
export {
  machine,
  peakRssMb,
  RUNS,
  type RunOptions,
  type TimedRuns,
  timeBatches,
  timeRuns,
} from './measure.js';
export { OUT_ENV, parseReports, publish } from './publish.js';
