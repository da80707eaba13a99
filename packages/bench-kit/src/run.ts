// `pnpm bench` at the repository's root (see runner.ts). Usage:
//   pnpm bench                         every benchmark; writes BENCHMARKS.md
//   pnpm bench --only admin,metering   those packages; writes BENCHMARKS.md only with --out
//   pnpm bench --out FILE              write the page to FILE instead
// BENCH_RUNS=N sets the timed runs per figure (never fewer than five).

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBenchmarks } from './runner.js';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const { values } = parseArgs({
  options: { only: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help) {
  process.stdout.write('pnpm bench [--only pkg,pkg] [--out FILE]   (BENCH_RUNS=N, at least 5)\n');
  process.exit(0);
}
const only = values.only
  ?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const out = values.out ?? (only ? undefined : join(root, 'BENCHMARKS.md'));
const result = await runBenchmarks({ root, only, out });
if (!out) process.stdout.write(`\n${result.markdown}`);
for (const failure of result.failures)
  process.stderr.write(`did not run: ${failure.bench}: ${failure.reason}\n`);
process.exit(result.failures.length > 0 ? 1 : 0);
