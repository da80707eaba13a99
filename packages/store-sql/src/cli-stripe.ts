// `billkit reconcile [--repair]` and `billkit sync`: the commands that read Stripe as well as the
// database. The store comes from DATABASE_URL, Stripe from STRIPE_SECRET_KEY (STRIPE_API_BASE
// points it elsewhere: the simulator's `billkit-stripe-sim`, stripe-mock), and the host's catalog
// (and any other createBilling option) from a config module.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type BackfillReport,
  type BillingOptions,
  createBilling,
  defineCatalog,
  type ReconcileProgress,
  type ReconcileReport,
} from '@billkit/core';
import type Stripe from 'stripe';
import { storeFromUrl } from './database-url.js';

export const STRIPE_USAGE = `Usage:
  billkit reconcile [--repair] [--since <date>] [--restart] [--config <file>] [--table-prefix <prefix>]
      Compares the mirror with Stripe (customers, subscriptions, payment methods, invoices,
      charges, refunds, disputes) and prints every difference; with --repair, fixes each from
      Stripe (audited). Exits 1 while differences remain unrepaired. A run cut off part-way
      resumes where it stopped (--restart starts over).
  billkit sync [--config <file>] [--table-prefix <prefix>]
      Imports an existing Stripe account into the database (customers with a user id in their
      billkit_user_id or user_id metadata, and everything under them).

Reads DATABASE_URL, STRIPE_SECRET_KEY and, to point at a Stripe stand-in, STRIPE_API_BASE
(http://127.0.0.1:12111). The config module (default ./billkit.config.mjs or .js) default-exports
createBilling's options without stripe and store: at least { catalog }.
`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Progress lines are redrawn in place on a terminal. */
  tty: boolean;
}

class UsageError extends Error {}

interface Parsed {
  repair: boolean;
  restart: boolean;
  since: Date | undefined;
  config: string | undefined;
  tablePrefix: string | undefined;
}

function parse(command: string, args: string[]): Parsed {
  const parsed: Parsed = {
    repair: false,
    restart: false,
    since: undefined,
    config: undefined,
    tablePrefix: undefined,
  };
  const value = (flag: string, index: number) => {
    const next = args[index + 1];
    if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
    return next;
  };
  for (let index = 0; index < args.length; index++) {
    const flag = args[index]!;
    if (command === 'reconcile' && flag === '--repair') parsed.repair = true;
    else if (command === 'reconcile' && flag === '--restart') parsed.restart = true;
    else if (command === 'reconcile' && flag === '--since') {
      const text = value(flag, index++);
      const since = new Date(text);
      if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(since.getTime())) {
        throw new UsageError(`--since takes a date such as 2026-01-31 (got ${JSON.stringify(text)}).`);
      }
      parsed.since = since;
    } else if (flag === '--config') parsed.config = value(flag, index++);
    else if (flag === '--table-prefix') parsed.tablePrefix = value(flag, index++);
    else throw new UsageError(`Unknown option for billkit ${command}: ${flag}`);
  }
  return parsed;
}

async function loadConfig(path: string | undefined): Promise<Omit<BillingOptions, 'stripe' | 'store'>> {
  const candidates = path ? [path] : ['billkit.config.mjs', 'billkit.config.js'];
  const file = candidates.map((candidate) => resolve(candidate)).find((candidate) => existsSync(candidate));
  if (!file) {
    throw new UsageError(
      path
        ? `No config module at ${path}.`
        : 'No billkit.config.mjs here: pass --config <file> (it exports { catalog }).',
    );
  }
  const loaded = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const config = loaded.default as Record<string, unknown> | undefined;
  if (!config || typeof config !== 'object' || !('catalog' in config)) {
    throw new UsageError(`${file} must default-export createBilling's options with a catalog.`);
  }
  const catalog = config.catalog as { fromLookupKey?: unknown };
  // A catalog made with defineCatalog, or the plain definition it takes.
  return {
    ...(config as Omit<BillingOptions, 'stripe' | 'store'>),
    catalog:
      typeof catalog.fromLookupKey === 'function' ? (catalog as never) : defineCatalog(catalog as never),
  };
}

async function stripeFrom(env: NodeJS.ProcessEnv): Promise<Stripe> {
  const key = env.STRIPE_SECRET_KEY;
  if (!key) throw new UsageError('STRIPE_SECRET_KEY is not set.');
  const { default: StripeClient } = await import('stripe');
  const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null;
  return new StripeClient(key, {
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
    maxNetworkRetries: 2,
  });
}

export async function stripeCommand(
  command: 'reconcile' | 'sync',
  args: string[],
  env: NodeJS.ProcessEnv,
  io: Io,
): Promise<number> {
  let parsed: Parsed;
  let options: Omit<BillingOptions, 'stripe' | 'store'>;
  let stripe: Stripe;
  try {
    parsed = parse(command, args);
    if (!env.DATABASE_URL) throw new UsageError('DATABASE_URL is not set.');
    stripe = await stripeFrom(env);
    options = await loadConfig(parsed.config);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`billkit ${command}: ${error.message}\n\n${STRIPE_USAGE}`);
    return 2;
  }
  const store = storeFromUrl(
    env.DATABASE_URL,
    parsed.tablePrefix === undefined ? {} : { tablePrefix: parsed.tablePrefix },
  );
  const onProgress = progressLine(command, io);
  try {
    await store.migrate();
    const billing = createBilling({ ...options, stripe, store });
    if (command === 'sync') {
      const report = await billing.backfill({ onProgress });
      onProgress.end();
      io.out(backfillSummary(report));
      return 0;
    }
    const report = await billing.reconcile({
      repair: parsed.repair,
      restart: parsed.restart,
      onProgress,
      ...(parsed.since ? { since: parsed.since } : {}),
    });
    onProgress.end();
    io.out(reconcileSummary(report, parsed.repair));
    return report.differences.some((difference) => !difference.repaired) ? 1 : 0;
  } catch (error) {
    onProgress.end();
    io.err(`billkit ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

/** One line of progress: redrawn in place on a terminal, else every 100 customers. */
function progressLine(command: string, io: Io): ((progress: ReconcileProgress) => void) & { end(): void } {
  let drawn = false;
  const draw = (progress: ReconcileProgress) => {
    const line = `${command}: ${progress.customers} customers, ${progress.differences} differences`;
    if (io.tty) {
      io.err(`\r${line}`);
      drawn = true;
    } else if (progress.customers % 100 === 0) io.err(`${line}\n`);
  };
  return Object.assign(draw, {
    end() {
      if (drawn) io.err('\n');
      drawn = false;
    },
  });
}

function reconcileSummary(report: ReconcileReport, repair: boolean): string {
  const lines = report.differences.map(
    (d) =>
      `  ${d.kind} ${d.id}${d.userId ? ` (${d.userId})` : ''}: ${d.problem.replaceAll('_', ' ')}` +
      (d.fields.length > 0 ? ` [${d.fields.join(', ')}]` : '') +
      (d.repaired ? ' — repaired' : ''),
  );
  const checked = Object.entries(report.checked)
    .map(([kind, count]) => `${count} ${kind.replace('_', ' ')}${count === 1 ? '' : 's'}`)
    .join(', ');
  const count = report.differences.length;
  const repaired = report.differences.filter((d) => d.repaired).length;
  const verdict =
    count === 0
      ? '0 differences: the mirror matches Stripe.'
      : `${count} difference${count === 1 ? '' : 's'}${repair ? `, ${repaired} repaired` : ' (run with --repair to fix them from Stripe)'}.`;
  return `${lines.length > 0 ? `${lines.join('\n')}\n` : ''}Checked ${checked}${report.resumed ? ' (resumed)' : ''}.\n${verdict}\n`;
}

function backfillSummary(report: BackfillReport): string {
  const imported = Object.entries(report.imported)
    .map(([kind, count]) => `${count} ${kind.replace('_', ' ')}${count === 1 ? '' : 's'}`)
    .join(', ');
  const skipped = report.skipped.map(
    (s) => `  skipped ${s.stripeCustomerId}: ${s.reason.replaceAll('_', ' ')}`,
  );
  return `${skipped.length > 0 ? `${skipped.join('\n')}\n` : ''}Imported ${imported}; ${report.unchanged} already up to date.\n`;
}
