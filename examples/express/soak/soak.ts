// `pnpm soak`: the soak of the Express example, with its figures. SOAK_SECONDS (60), SOAK_USERS
// (50), SOAK_EVENTS (10000) and SOAK_DATABASE_URL (a temporary SQLite file) change its size.
// Exits 1 when a request failed with a 5xx, a delivery was refused, or reconcile found a difference.

import { runSoak } from './run-soak.js';

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number.`);
  return value;
};
const log = (line: string) => process.stdout.write(`${line}\n`);

const report = await runSoak({
  seconds: number('SOAK_SECONDS', 60),
  users: number('SOAK_USERS', 50),
  events: number('SOAK_EVENTS', 10_000),
  ...(process.env.SOAK_DATABASE_URL ? { databaseUrl: process.env.SOAK_DATABASE_URL } : {}),
  log,
});
const serverErrors = Object.entries(report.portal.byStatus)
  .filter(([status]) => status.startsWith('5'))
  .reduce((sum, [, count]) => sum + count, 0);
const refused = Object.entries(report.webhooks.byStatus)
  .filter(([status]) => !status.startsWith('2'))
  .reduce((sum, [, count]) => sum + count, 0);
log(`soak: ${report.seconds.toFixed(1)} s on loopback, peak RSS ${report.peakRssMb} MB`);
log(
  `portal: ${report.portal.requests} requests (${report.portal.perSecond}/s), statuses ${JSON.stringify(report.portal.byStatus)}, p50 ${report.portal.p50} ms, p99 ${report.portal.p99} ms`,
);
log(
  `webhooks: ${report.webhooks.deliveries} deliveries (${report.webhooks.unique} events + ${report.webhooks.duplicates} duplicates, shuffled), ${report.webhooks.perSecond}/s, statuses ${JSON.stringify(report.webhooks.byStatus)}, p99 ${report.webhooks.p99} ms`,
);
log(`reconcile: checked ${JSON.stringify(report.checked)}; differences = ${report.differences}`);
process.exitCode = serverErrors > 0 || refused > 0 || report.differences > 0 ? 1 : 0;
