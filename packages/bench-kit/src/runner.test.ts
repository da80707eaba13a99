import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from './figures.js';
import { findBenchPackages, runBenchmarks } from './runner.js';

// A workspace of three packages: one whose bench publishes a report, one whose bench fails after
// publishing part of its figures, and one without a bench.
const root = mkdtempSync(join(tmpdir(), 'billkit-bench-runner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const report: BenchReport = {
  title: 'Invoice PDFs',
  package: '@demo/pdf',
  description: 'PDFs rendered per second.',
  figures: [
    { id: 'floor', name: 'pdf-lib floor', unit: 'PDFs/s', better: 'higher', runs: [400, 410, 390, 405, 395] },
    {
      id: 'ours',
      name: 'tax invoice',
      unit: 'PDFs/s',
      better: 'higher',
      runs: [200, 205, 195, 202, 198],
      baseline: 'floor',
    },
  ],
};

function aPackage(folder: string, name: string, bench?: string): void {
  const dir = join(root, 'packages', folder);
  mkdirSync(dir, { recursive: true });
  const scripts = bench ? { bench: 'node bench.mjs' } : {};
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, scripts }));
  if (bench) writeFileSync(join(dir, 'bench.mjs'), bench);
}

const publishing = (r: BenchReport, exitCode = 0) => `
import { appendFileSync } from 'node:fs';
if (process.env.BENCH_RUNS !== '5') throw new Error('runs not passed on: ' + process.env.BENCH_RUNS);
appendFileSync(process.env.BILLKIT_BENCH_OUT, ${JSON.stringify(`${JSON.stringify(r)}\n`)});
process.exit(${exitCode});
`;

aPackage('pdf', '@demo/pdf', publishing(report));
aPackage('broken', '@demo/broken', publishing({ ...report, title: 'Half done', package: '@demo/broken' }, 3));
aPackage('plain', '@demo/plain');

describe('pnpm bench at the root', () => {
  it('finds the packages that have a bench script', () => {
    expect(findBenchPackages(root).map((pkg) => pkg.name)).toEqual(['@demo/broken', '@demo/pdf']);
  });

  it('runs each, writes BENCHMARKS.md from what they published, and names the one that failed', async () => {
    const out = join(root, 'BENCHMARKS.md');
    const run = await runBenchmarks({ root, out, runs: 5, log: () => {}, quiet: true });
    expect(run.reports.map((r) => r.title)).toEqual(['Half done', 'Invoice PDFs']);
    expect(run.failures).toEqual([{ bench: '@demo/broken', reason: 'exited with 3 (its output shows why)' }]);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('## Invoice PDFs');
    expect(page).toContain('| tax invoice | 200 PDFs/s | 195 – 205 | 0.50× pdf-lib floor |  |');
    expect(page).toContain('## Did not run');
    expect(page).toContain('- @demo/broken: exited with 3');
  }, 30_000);

  it('runs only the packages asked for, and refuses one that has no benchmark', async () => {
    const run = await runBenchmarks({ root, only: ['pdf'], runs: 5, log: () => {}, quiet: true });
    expect(run.reports.map((r) => r.package)).toEqual(['@demo/pdf']);
    expect(run.failures).toEqual([]);
    await expect(runBenchmarks({ root, only: ['plain'], log: () => {}, quiet: true })).rejects.toThrow(
      'no benchmark in plain',
    );
  }, 30_000);
});
