// What a command runs against: the store in DATABASE_URL, Stripe (STRIPE_SECRET_KEY, or the
// simulator with --sim), and the host's createBilling options from its config module.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BillingOptions, createBilling, defineCatalog } from '@billkit/core';
import { type SqlBillingStore, storeFromUrl } from '@billkit/store-sql';
import type Stripe from 'stripe';
import { type Parsed, UsageError } from './args.js';

/** The simulator's address when `--sim` names none (`billkit-stripe-sim`'s default port). */
export const DEFAULT_SIM_URL = 'http://127.0.0.1:12111';

/** The options every command that opens the database or Stripe takes. */
export const COMMON_FLAGS = {
  config: { value: true },
  'table-prefix': { value: true },
  sim: {},
} as const;

export type HostConfig = Omit<BillingOptions, 'stripe' | 'store'> & {
  /** For `billkit usage summary`: the price book (@billkit/metering). */
  priceBook?: unknown;
};

export function openStore(parsed: Parsed, env: NodeJS.ProcessEnv): SqlBillingStore {
  const url = env.DATABASE_URL;
  if (!url) throw new UsageError('DATABASE_URL is not set.');
  const prefix = parsed.flags.get('table-prefix');
  try {
    return storeFromUrl(url, typeof prefix === 'string' ? { tablePrefix: prefix } : {});
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Stripe from STRIPE_SECRET_KEY; with --sim, the simulator at STRIPE_API_BASE (default
 * http://127.0.0.1:12111) with a test key. STRIPE_API_BASE also points a real key elsewhere.
 */
export async function openStripe(parsed: Parsed, env: NodeJS.ProcessEnv): Promise<Stripe> {
  const sim = parsed.flags.has('sim');
  const key = env.STRIPE_SECRET_KEY ?? (sim ? 'sk_test_billkit_simulator' : undefined);
  if (!key) throw new UsageError('STRIPE_SECRET_KEY is not set (or pass --sim for the Stripe simulator).');
  if (sim && !key.startsWith('sk_test_') && !key.startsWith('rk_test_')) {
    throw new UsageError('--sim takes a test key (sk_test_...) in STRIPE_SECRET_KEY, or none.');
  }
  const base = env.STRIPE_API_BASE ?? (sim ? DEFAULT_SIM_URL : undefined);
  let url: URL | null = null;
  if (base) {
    try {
      url = new URL(base);
    } catch {
      throw new UsageError(`STRIPE_API_BASE is not a URL: ${base}`);
    }
  }
  const { default: StripeClient } = await import('stripe');
  return new StripeClient(key, {
    ...(url
      ? {
          host: url.hostname,
          port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          protocol: url.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
    maxNetworkRetries: 2,
  });
}

/** The config module: `--config <file>`, else ./billkit.config.mjs or ./billkit.config.js. */
export async function loadConfig(parsed: Parsed, options: { catalog: boolean }): Promise<HostConfig> {
  const path = parsed.flags.get('config');
  const candidates = typeof path === 'string' ? [path] : ['billkit.config.mjs', 'billkit.config.js'];
  const file = candidates.map((candidate) => resolve(candidate)).find((candidate) => existsSync(candidate));
  if (!file) {
    if (typeof path === 'string') throw new UsageError(`No config module at ${path}.`);
    if (options.catalog) {
      throw new UsageError('No billkit.config.mjs here: pass --config <file> (it exports { catalog }).');
    }
    return {} as HostConfig;
  }
  const loaded = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const config = loaded.default as Record<string, unknown> | undefined;
  if (!config || typeof config !== 'object' || (options.catalog && !('catalog' in config))) {
    throw new UsageError(`${file} must default-export createBilling's options with a catalog.`);
  }
  const catalog = config.catalog as { fromLookupKey?: unknown } | undefined;
  return {
    ...(config as HostConfig),
    // A catalog made with defineCatalog, or the plain definition it takes.
    ...(catalog
      ? {
          catalog:
            typeof catalog.fromLookupKey === 'function'
              ? (catalog as never)
              : defineCatalog(catalog as never),
        }
      : {}),
  };
}

export type Billing = ReturnType<typeof createBilling>;

/**
 * The engine on this database and Stripe, with the config's options. A command that writes brings
 * the schema up to date first; a `readOnly` one (reports) neither migrates nor needs Stripe.
 */
export async function openBilling(
  parsed: Parsed,
  env: NodeJS.ProcessEnv,
  options: { readOnly?: boolean } = {},
): Promise<{ billing: Billing; store: SqlBillingStore; config: HostConfig }> {
  const stripe =
    !options.readOnly || env.STRIPE_SECRET_KEY || parsed.flags.has('sim')
      ? await openStripe(parsed, env)
      : await readOnlyStripe();
  const config = await loadConfig(parsed, { catalog: true });
  const store = openStore(parsed, env);
  try {
    if (!options.readOnly) await store.migrate();
    return { billing: createBilling({ ...config, stripe, store }), store, config };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * For commands that only read the database (reports): a client whose every call fails with
 * Stripe's "invalid API key", so a command that should not call Stripe cannot do so quietly.
 */
async function readOnlyStripe(): Promise<Stripe> {
  const { default: StripeClient } = await import('stripe');
  return new StripeClient('sk_test_billkit_cli_reads_the_database_only', {
    host: '127.0.0.1',
    port: 9,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}
