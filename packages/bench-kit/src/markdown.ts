// BENCHMARKS.md from the reports of one `pnpm bench`: the machine, the targets at a glance, then a
// section per benchmark with each figure's median, min–max, and ratio to its baseline.

import {
  type BenchReport,
  baselineOf,
  type Figure,
  formatNumber,
  formatRatio,
  ratio,
  spread,
  verdict,
} from './figures.js';

export interface BenchmarksPage {
  reports: BenchReport[];
  /** Machine and runtime, as from `machine()`. */
  machine: Record<string, string>;
  date: Date;
  /** Timed runs per speed figure. */
  runs: number;
  /** Benchmarks that failed to run, each with why. */
  failures?: Array<{ bench: string; reason: string }>;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function medianText(figure: Figure): string {
  return `${formatNumber(spread(figure.runs).median)} ${figure.unit}`;
}

function rangeOf(figure: Figure): string {
  if (figure.runs.length < 2) return '—';
  const { min, max } = spread(figure.runs);
  return `${formatNumber(min)} – ${formatNumber(max)}`;
}

function ratioCell(report: BenchReport, figure: Figure): string {
  const baseline = baselineOf(report, figure);
  return baseline ? `${formatRatio(ratio(figure, baseline))} ${baseline.name}` : '';
}

function targetCell(report: BenchReport, figure: Figure): string {
  const outcome = verdict(report, figure);
  if (!figure.target || !outcome) return '';
  return `${outcome === 'pass' ? '**pass**' : '**miss**'}: ${figure.target.text}`;
}

function targetRows(reports: BenchReport[]): string[] {
  const rows: string[] = [];
  for (const report of reports) {
    for (const figure of report.figures) {
      const outcome = verdict(report, figure);
      if (!figure.target || !outcome) continue;
      const baseline = baselineOf(report, figure);
      const measured =
        figure.target.on === 'ratio' && baseline
          ? `${formatRatio(ratio(figure, baseline))} (${medianText(figure)} vs ${medianText(baseline)})`
          : medianText(figure);
      rows.push(
        `| ${cell(figure.target.text)} | ${cell(`${report.title}: ${figure.name}`)} | ${measured} | ${outcome} |`,
      );
    }
  }
  return rows;
}

/** The whole of BENCHMARKS.md. */
export function renderBenchmarks(page: BenchmarksPage): string {
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Written by \`pnpm bench\` at the repository's root on ${page.date.toISOString().slice(0, 10)}; do not edit by hand.`,
    'Compare ratios between machines, not absolute numbers: every baseline was measured in the same',
    `run on the same machine. Speed figures are the median of ${page.runs} timed runs (tinybench), with the`,
    'slowest and fastest run beside it. A ratio is the figure over its baseline: for a rate, the share',
    "of the baseline's rate it reaches; for a time, how many times the baseline's time it takes.",
    'Targets are printed as pass or miss; no test asserts them.',
    '',
    '| Machine | |',
    '| --- | --- |',
    ...Object.entries(page.machine).map(([key, value]) => `| ${cell(key)} | ${cell(value)} |`),
    `| Date | ${page.date.toISOString()} |`,
    '',
  ];
  const targets = targetRows(page.reports);
  if (targets.length > 0) {
    lines.push(
      '## Targets',
      '',
      '| Target | Figure | Measured | Result |',
      '| --- | --- | --- | --- |',
      ...targets,
      '',
    );
  }
  if (page.failures && page.failures.length > 0) {
    lines.push('## Did not run', '');
    for (const failure of page.failures) lines.push(`- ${failure.bench}: ${failure.reason}`);
    lines.push('');
  }
  for (const report of page.reports) {
    lines.push(`## ${report.title}`, '', `\`${report.package}\`: ${report.description}`, '');
    const environment = Object.entries(report.environment ?? {});
    if (environment.length > 0) {
      lines.push(`${environment.map(([key, value]) => `${key}: ${value}`).join('; ')}.`, '');
    }
    lines.push(
      '| Figure | Median | Min – max | vs baseline | Target |',
      '| --- | --- | --- | --- | --- |',
      ...report.figures.map(
        (figure) =>
          `| ${cell(figure.note ? `${figure.name} (${figure.note})` : figure.name)} | ${medianText(figure)} | ${rangeOf(figure)} | ${cell(ratioCell(report, figure))} | ${cell(targetCell(report, figure))} |`,
      ),
      '',
    );
    for (const line of report.skipped ?? []) lines.push(`- Skipped: ${line}`);
    for (const line of report.notes ?? []) lines.push(`- ${line}`);
    if ((report.skipped?.length ?? 0) + (report.notes?.length ?? 0) > 0) lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
