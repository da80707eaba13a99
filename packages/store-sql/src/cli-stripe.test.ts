// `billkit reconcile` and `billkit sync` run as a host's operator would: a process of their own,
// DATABASE_URL on a SQLite file, STRIPE_SECRET_KEY, and STRIPE_API_BASE pointing at the Stripe
// simulator listening on loopback. The test process keeps the mirror with webhooks first.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clockFromUnixSeconds, createBilling, defineCatalog } from '@billkit/core';
import { createStripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFromUrl } from './database-url.js';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const directory = await mkdtemp(join(tmpdir(), 'billkit-cli-stripe-'));
const definition = {
  currency: 'aud',
  plans: [
    {
      id: 'pro',
      name: 'Pro',
      features: ['Everything'],
      prices: [{ interval: 'month' as const, amount: 1000 }],
    },
  ],
};
const config = join(directory, 'billkit.config.mjs');
const mirrorUrl = `sqlite:${join(directory, 'mirror.db')}`;
const sim = createStripeSim();
const listening = await sim.listen();

function billkit(args: string[], env: Record<string, string | undefined> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        '--conditions=@billkit/source',
        '--import',
        'tsx',
        cli,
        ...args,
        ...(args.includes('--config') || args.includes('--help') ? [] : ['--config', config]),
      ],
      {
        env: {
          ...process.env,
          DATABASE_URL: mirrorUrl,
          STRIPE_SECRET_KEY: 'sk_test_operator',
          STRIPE_API_BASE: listening.url,
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let customerOne = '';

beforeAll(async () => {
  await writeFile(config, `export default { catalog: ${JSON.stringify(definition)} };\n`);
  const store = storeFromUrl(mirrorUrl);
  await store.migrate();
  const billing = createBilling({
    stripe: sim.stripe,
    store,
    catalog: defineCatalog(definition),
    // Stripe's time is the simulator's (a host's clock ahead of Stripe's makes webhooks look old).
    clock: clockFromUnixSeconds(() => sim.clock.now()),
  });
  await billing.catalog.sync();
  sim.webhooks.listen(async (request) => {
    await billing.sync.applyEvent(JSON.parse(await request.text()) as Stripe.Event);
    return new Response('ok');
  });
  for (const userId of ['user_1', 'user_2']) {
    await billing.customers.ensure({ userId, email: `${userId}@example.com.au`, name: 'Jo Citizen' });
    await billing.subscriptions.start({ userId, plan: 'pro', paymentMethodId: 'pm_card_visa' });
  }
  await sim.webhooks.flush();
  const one = (await store.customers.findByUserId('user_1'))!;
  customerOne = one.stripeCustomerId;
  await store.customers.upsert({
    ...one,
    email: 'drifted@example.com',
    watermark: one.watermark + 10,
    version: one.version + 1,
  });
  await store.close();
}, 60_000);

afterAll(async () => {
  await listening.close();
  await rm(directory, { recursive: true, force: true });
});

describe('billkit reconcile and billkit sync', { timeout: 60_000 }, () => {
  it('reports a difference (exit 1), repairs it with --repair, then finds none', async () => {
    const report = await billkit(['reconcile']);
    expect(report.code).toBe(1);
    expect(report.stdout).toContain(`customer ${customerOne} (user_1): differs [email]`);
    expect(report.stdout).toContain('1 difference (run with --repair to fix them from Stripe).');
    expect(report.stdout).toMatch(
      /Checked 2 customers, 2 subscriptions, 2 payment methods, 2 invoices, 2 payments/,
    );

    const repair = await billkit(['reconcile', '--repair']);
    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain(`customer ${customerOne} (user_1): differs [email] — repaired`);

    const clean = await billkit(['reconcile', '--since', '2020-01-01']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('0 differences: the mirror matches Stripe.');
  });

  it('imports the Stripe account into an empty database', async () => {
    const fresh = `sqlite:${join(directory, 'fresh.db')}`;

    const sync = await billkit(['sync'], { DATABASE_URL: fresh });

    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain(
      'Imported 2 customers, 2 subscriptions, 2 payment methods, 2 invoices, 2 payments, 0 refunds, 0 disputes',
    );
    expect((await billkit(['reconcile'], { DATABASE_URL: fresh })).stdout).toContain('0 differences');
  });

  it('refuses bad arguments and missing settings with one clear line and exit 2', async () => {
    const cases: [string[], Record<string, string | undefined>, string][] = [
      [
        ['reconcile', '--since', 'yesterday'],
        {},
        '--since takes a date such as 2026-01-31 (got "yesterday").',
      ],
      [['reconcile', '--fix'], {}, 'Unknown option for billkit reconcile: --fix'],
      [['sync', '--repair'], {}, 'Unknown option for billkit sync: --repair'],
      [['reconcile'], { STRIPE_SECRET_KEY: undefined }, 'STRIPE_SECRET_KEY is not set.'],
      [['reconcile'], { DATABASE_URL: undefined }, 'DATABASE_URL is not set.'],
      [['reconcile', '--config', 'nowhere.mjs'], {}, 'No config module at nowhere.mjs.'],
    ];
    for (const [args, env, message] of cases) {
      const run = await billkit(args, env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.split('\n')[0]).toBe(`billkit ${args[0]}: ${message}`);
    }
    const help = await billkit(['reconcile', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('billkit reconcile [--repair]');
  });
});
