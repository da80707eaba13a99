#!/usr/bin/env node
// The README's quick start (`npm run demo`, `npm test`) on a machine with only Node and npm: finds the
// pinned pnpm (or runs it through npx), installs the workspace when needed, then runs the demo or
// builds and runs every test, ending with one `tests: N passed, M failed, K skipped` line for CI.
// Node builtins only: this runs before any dependency is installed.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = join(root, '.vitest-results.json');
const installStamp = join(root, 'node_modules', '.quickstart-installed');
const isWindows = process.platform === 'win32';

const commands = {
  demo: runDemo,
  test: runTests,
};

main();

function main() {
  const name = process.argv[2];
  const command = commands[name];
  if (!command) {
    fail(`usage: node scripts/quickstart.mjs <${Object.keys(commands).join('|')}>`);
  }
  const pnpm = findPnpm(pinnedPnpmVersion());
  installIfNeeded(pnpm);
  command(pnpm);
}

function runDemo() {
  step(
    'Running the demo: the Express example host (examples/express) on the Stripe simulator; Ctrl-C stops it',
  );
  // Ctrl-C reaches the host too, which closes and exits 0: wait for it rather than die first.
  process.on('SIGINT', () => {});
  const result = spawnSync(
    process.execPath,
    ['--conditions=@billkit/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: join(root, 'examples', 'express'),
      stdio: 'inherit',
      env: process.env,
    },
  );
  if (result.error) fail(`Could not start the demo: ${result.error.message}`);
  if (result.status !== 0) fail('The demo failed.');
}

function runTests(pnpm) {
  step('Building every package (pnpm build)');
  run(pnpm, ['build'], 'The build failed, so the tests were not run.');

  step('Running every test in the workspace (vitest)');
  rmSync(resultsFile, { force: true });
  const vitest = spawn(pnpm, [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
  ]);

  const counts = readCounts();
  if (!counts) {
    fail(`vitest exited with code ${vitest.status} and wrote no readable results to ${resultsFile}.`);
  }
  console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  if (counts.failed > 0) fail(`${counts.failed} test(s) failed.`);
  if (counts.passed === 0) fail('No test ran: vitest found no test to pass.');
  if (vitest.status !== 0) {
    fail(`vitest exited with code ${vitest.status} although no test failed; see above.`);
  }
}

/** Counts from vitest's JSON report; a test file that failed to load counts as one failed test. */
function readCounts() {
  let report;
  try {
    report = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    return null;
  }
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !file.assertionResults?.some((test) => test.status === 'failed'),
  );
  for (const file of brokenFiles) {
    console.error(`A test file failed outside any test: ${file.name}\n${file.message ?? ''}`);
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + brokenFiles.length,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

/** The version in package.json's `packageManager` field, e.g. `pnpm@12.4.2` → `12.4.2`. */
function pinnedPnpmVersion() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const match = /^pnpm@(\d+\.\d+\.\d+)/.exec(manifest.packageManager ?? '');
  if (!match) fail('package.json has no "packageManager": "pnpm@x.y.z" field.');
  return match[1];
}

/** The pnpm on PATH when it is the pinned version; otherwise the pinned version through npx. */
function findPnpm(version) {
  const probe = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8', shell: isWindows });
  const found = probe.status === 0 ? probe.stdout.trim() : null;
  if (found === version) return { command: 'pnpm', prefix: [] };
  step(
    found
      ? `pnpm ${found} is on PATH but this repo pins ${version}: using npx --yes pnpm@${version}`
      : `pnpm is not installed: using npx --yes pnpm@${version} (downloads it once)`,
  );
  return { command: 'npx', prefix: ['--yes', `pnpm@${version}`] };
}

/** Installs dependencies when node_modules is missing or older than pnpm-lock.yaml. */
function installIfNeeded(pnpm) {
  const lockfile = join(root, 'pnpm-lock.yaml');
  const installed = lastInstallTime();
  if (installed !== null && installed >= statSync(lockfile).mtimeMs) return;
  step(
    installed === null
      ? 'No node_modules yet: installing dependencies (pnpm install --frozen-lockfile)'
      : 'pnpm-lock.yaml is newer than node_modules: installing dependencies (pnpm install --frozen-lockfile)',
  );
  run(
    pnpm,
    ['install', '--frozen-lockfile'],
    'Installing dependencies failed. If pnpm-lock.yaml is out of date, run `pnpm install` and commit the lockfile.',
  );
  // pnpm leaves node_modules untouched when it was already up to date: note that it was checked.
  writeFileSync(installStamp, `${new Date().toISOString()}\n`);
}

/** When node_modules was last installed (or found up to date), or null if it never was. */
function lastInstallTime() {
  const pnpmState = join(root, 'node_modules', '.modules.yaml');
  if (!existsSync(pnpmState)) return null;
  const stamp = existsSync(installStamp) ? statSync(installStamp).mtimeMs : 0;
  return Math.max(statSync(pnpmState).mtimeMs, stamp);
}

function run(pnpm, args, message) {
  const result = spawn(pnpm, args);
  if (result.status !== 0) fail(message);
}

function spawn(pnpm, args) {
  const result = spawnSync(pnpm.command, [...pnpm.prefix, ...args], {
    cwd: root,
    stdio: 'inherit',
    shell: isWindows,
    env: withLocalNodeHeaders(process.env),
  });
  if (result.error) fail(`Could not start ${pnpm.command}: ${result.error.message}`);
  return result;
}

/**
 * better-sqlite3 compiles with node-gyp, which otherwise downloads Node's headers: point it at the
 * ones installed with Node when they are there, so an install needs no network beyond the registry.
 */
function withLocalNodeHeaders(env) {
  if (env.npm_config_nodedir || !existsSync('/usr/include/node/node.h')) return env;
  return { ...env, npm_config_nodedir: '/usr' };
}

function step(message) {
  console.log(`\n> ${message}\n`);
}

function fail(message) {
  console.error(`\n✖ ${message}`);
  process.exit(1);
}
