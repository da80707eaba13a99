// The root `pnpm bench`: finds every workspace package with a `bench` script, runs each in turn
// (one at a time, so they do not share the CPU), collects the reports they publish, and writes
// BENCHMARKS.md. A benchmark that fails is named under "Did not run" with its exit, and the others
// still run; the command then exits 1.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from './figures.js';
import { renderBenchmarks } from './markdown.js';
import { machine, RUNS } from './measure.js';
import { OUT_ENV, parseReports } from './publish.js';

export interface BenchPackage {
  name: string;
  dir: string;
}

/** Workspace packages (under packages/ and examples/) whose package.json has a `bench` script. */
export function findBenchPackages(root: string): BenchPackage[] {
  const found: BenchPackage[] = [];
  for (const folder of ['packages', 'examples']) {
    let entries: string[];
    try {
      entries = readdirSync(join(root, folder));
    } catch {
      continue;
    }
    for (const entry of entries.sort()) {
      const dir = join(root, folder, entry);
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          scripts?: Record<string, string>;
        };
        if (manifest.name && manifest.scripts?.bench) found.push({ name: manifest.name, dir });
      } catch {
        // not a package
      }
    }
  }
  return found;
}

export interface RunBenchmarksOptions {
  root: string;
  /** Only these packages (full name or the part after the scope). */
  only?: string[];
  /** Where to write the page; omitted, nothing is written. */
  out?: string;
  /** Passed on to each benchmark as BENCH_RUNS. */
  runs?: number;
  log?: (line: string) => void;
  /** Keep the benchmarks' own output off the terminal (tests). */
  quiet?: boolean;
}

export interface BenchmarksRun {
  reports: BenchReport[];
  failures: Array<{ bench: string; reason: string }>;
  markdown: string;
}

function runScript(dir: string, env: NodeJS.ProcessEnv, quiet: boolean): Promise<number | string> {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['run', '--silent', 'bench'], {
      cwd: dir,
      env,
      stdio: quiet ? 'ignore' : 'inherit',
    });
    child.on('error', (error) => resolve(error.message));
    child.on('close', (code, signal) => resolve(signal ? `killed by ${signal}` : (code ?? 1)));
  });
}

export async function runBenchmarks(options: RunBenchmarksOptions): Promise<BenchmarksRun> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const runs = Math.max(5, options.runs ?? RUNS);
  const wanted = options.only?.map((name) => name.replace(/^@[^/]+\//, ''));
  const packages = findBenchPackages(options.root).filter(
    (pkg) => !wanted || wanted.includes(pkg.name.replace(/^@[^/]+\//, '')),
  );
  if (wanted) {
    const unknown = wanted.filter(
      (name) => !packages.some((pkg) => pkg.name.endsWith(`/${name}`) || pkg.name === name),
    );
    if (unknown.length > 0) throw new Error(`no benchmark in ${unknown.join(', ')}`);
  }
  const startedAt = new Date();
  const where = machine();
  const scratch = mkdtempSync(join(tmpdir(), 'billkit-bench-run-'));
  const reports: BenchReport[] = [];
  const failures: BenchmarksRun['failures'] = [];
  try {
    for (const [index, pkg] of packages.entries()) {
      log(`\n━━ ${index + 1}/${packages.length} ${pkg.name}: pnpm bench`);
      const out = join(scratch, `${index}.jsonl`);
      writeFileSync(out, '');
      const exit = await runScript(
        pkg.dir,
        { ...process.env, [OUT_ENV]: out, BENCH_RUNS: String(runs) },
        options.quiet ?? false,
      );
      let published: BenchReport[] = [];
      try {
        published = parseReports(readFileSync(out, 'utf8'));
      } catch (error) {
        failures.push({
          bench: pkg.name,
          reason: `its report could not be read: ${(error as Error).message}`,
        });
      }
      reports.push(...published);
      if (exit !== 0) {
        failures.push({
          bench: pkg.name,
          reason: typeof exit === 'number' ? `exited with ${exit} (its output shows why)` : exit,
        });
      } else if (published.length === 0) {
        failures.push({ bench: pkg.name, reason: 'finished without publishing a report' });
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const markdown = renderBenchmarks({ reports, machine: where, date: startedAt, runs, failures });
  if (options.out) {
    writeFileSync(options.out, markdown);
    log(
      `\nWrote ${options.out}: ${reports.length} reports${failures.length ? `, ${failures.length} failed` : ''}.`,
    );
  }
  return { reports, failures, markdown };
}
