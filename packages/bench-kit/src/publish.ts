// How a benchmark script hands its figures on: a table on stdout for whoever runs it alone, and,
// under the root `pnpm bench`, one JSON line appended to the file named by BILLKIT_BENCH_OUT (a
// package's bench may be several scripts, each appending its own report).

import { appendFileSync } from 'node:fs';
import {
  type BenchReport,
  baselineOf,
  checkReport,
  formatNumber,
  formatRatio,
  ratio,
  spread,
  verdict,
} from './figures.js';

export const OUT_ENV = 'BILLKIT_BENCH_OUT';

/** Prints the report and, under the root runner, records it for BENCHMARKS.md. */
export function publish(report: BenchReport): void {
  checkReport(report);
  process.stdout.write(`\n${report.title} (${report.package})\n`);
  console.table(
    report.figures.map((figure) => {
      const { median, min, max } = spread(figure.runs);
      const baseline = baselineOf(report, figure);
      const outcome = verdict(report, figure);
      return {
        figure: figure.name,
        median: `${formatNumber(median)} ${figure.unit}`,
        'min – max': figure.runs.length > 1 ? `${formatNumber(min)} – ${formatNumber(max)}` : '',
        'vs baseline': baseline ? formatRatio(ratio(figure, baseline)) : '',
        target: figure.target ? `${figure.target.text}: ${outcome}` : '',
      };
    }),
  );
  for (const line of report.skipped ?? []) process.stdout.write(`skipped: ${line}\n`);
  const out = process.env[OUT_ENV];
  if (out) appendFileSync(out, `${JSON.stringify(report)}\n`);
}

/** Reads the reports a run appended to `file` (see {@link publish}). */
export function parseReports(text: string): BenchReport[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const report = JSON.parse(line) as BenchReport;
      checkReport(report);
      return report;
    });
}
