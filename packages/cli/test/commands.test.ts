// Every `billkit` command as an operator runs it: a process of its own, DATABASE_URL on a SQLite
// file, the Stripe simulator listening on loopback (`--sim`, STRIPE_API_BASE), and a config
// module with the catalog and a notifier. The test process plays the host first: two subscribers
// through the webhook route (one event failing), a month of API usage, an outbox left to flush.
// Then each command's happy path, and its refusals of bad arguments: exit 2 and one clear line.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockFromUnixSeconds, createBilling, defineCatalog } from '@billkit/core';
import { createMetering, defaultPriceBook } from '@billkit/metering';
import { storeFromUrl } from '@billkit/store-sql';
import { createStripeSim } from '@billkit/stripe-sim';
import { createWebhookHandler } from '@billkit/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billkit } from './run-billkit.js';

const directory = await mkdtemp(join(tmpdir(), 'billkit-cli-'));
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
const mailLog = join(directory, 'mail.log');
const mirrorUrl = `sqlite:${join(directory, 'mirror.db')}`;
const sim = createStripeSim({ now: new Date('2026-03-01T00:00:00Z') });
const listening = await sim.listen();

/** `billkit <args>` against the mirror and the simulator, with the config module. */
const run = (args: string[], env: Record<string, string | undefined> = {}) =>
  billkit([...args, ...(args.includes('--config') || args.includes('--help') ? [] : ['--config', config])], {
    DATABASE_URL: mirrorUrl,
    STRIPE_API_BASE: listening.url,
    ...env,
  });

let customerOne = '';
let failedEventId = '';
let appliedEventId = '';

beforeAll(async () => {
  await writeFile(
    config,
    [
      "import { appendFileSync } from 'node:fs';",
      `export default {`,
      `  catalog: ${JSON.stringify(definition)},`,
      `  notifier: { async notify(n) { appendFileSync(${JSON.stringify(mailLog)}, n.kind + ' ' + n.key + '\\n'); } },`,
      `};`,
      '',
    ].join('\n'),
  );
  const store = storeFromUrl(mirrorUrl);
  await store.migrate();
  const billing = createBilling({
    stripe: sim.stripe,
    store,
    catalog: defineCatalog(definition),
    clock: clockFromUnixSeconds(() => sim.clock.now()),
    // The outbox waits for `billkit notifications flush`.
    notifications: { sendAfterCommit: false },
  });
  await billing.catalog.sync();
  const route = createWebhookHandler({ billing, secret: 'whsec_cli_test' });
  sim.webhooks.listen(route, { secret: 'whsec_cli_test' });
  for (const userId of ['user_1', 'user_2']) {
    await billing.customers.ensure({ userId, email: `${userId}@example.com.au`, name: 'Jo Citizen' });
    await billing.subscriptions.start({ userId, plan: 'pro', paymentMethodId: 'pm_card_visa' });
  }
  await sim.webhooks.flush();
  // One delivery fails to apply: Stripe is down when the engine reads the customer back.
  sim.faults.inject({ method: 'GET', path: '/v1/customers/*', kind: 500, times: 20 });
  await sim.stripe.customers.update((await store.customers.findByUserId('user_2'))!.stripeCustomerId, {
    name: 'Jo Updated',
  });
  await sim.webhooks.flush();
  sim.faults.clear();
  const failed = await store.webhookEvents.listFailed();
  failedEventId = failed.items[0]?.eventId ?? '';
  appliedEventId = sim.webhooks.events().find((event) => event.type === 'invoice.paid')!.id;

  const one = (await store.customers.findByUserId('user_1'))!;
  customerOne = one.stripeCustomerId;
  await store.customers.upsert({
    ...one,
    email: 'drifted@example.com',
    watermark: one.watermark + 10,
    version: one.version + 1,
  });
  const metering = createMetering({ store, priceBook: defaultPriceBook(), clock: billing.clock });
  await metering.record({
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1-mini',
    units: { input_tokens: 1_000_000, output_tokens: 500_000 },
    customerId: 'user_1',
  });
  await metering.close();
  await store.close();
}, 60_000);

afterAll(async () => {
  await listening.close();
  await rm(directory, { recursive: true, force: true });
});

describe('billkit, each command', { timeout: 60_000 }, () => {
  it('catalog sync: finds the catalog in Stripe already', async () => {
    const sync = await run(['catalog', 'sync', '--sim']);

    expect(sync.stderr).toBe('');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('price billkit_pro_month: unchanged');
  });

  it('webhooks replay: one event by id, then every failed one', async () => {
    expect(failedEventId).toMatch(/^evt_/);

    const one = await run(['webhooks', 'replay', appliedEventId, '--sim']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`${appliedEventId}: (applied|skipped)`));

    const failed = await run(['webhooks', 'replay', '--failed', '--sim']);
    expect(failed.stdout).toContain(`${failedEventId}: applied`);
    expect(failed.code).toBe(0);
    expect((await run(['webhooks', 'replay', '--failed', '--sim'])).stdout).toContain(
      'Replayed 0 of 0 events.',
    );
  });

  it('reconcile: reports a difference (exit 1), repairs it with --repair, then finds none', async () => {
    const report = await run(['reconcile', '--sim']);
    expect(report.code).toBe(1);
    expect(report.stdout).toContain(`customer ${customerOne} (user_1): differs [email]`);
    expect(report.stdout).toMatch(
      /Checked 2 customers, 2 subscriptions, 2 payment methods, 2 invoices, 2 payments/,
    );

    const repair = await run(['reconcile', '--sim', '--repair']);
    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain(`customer ${customerOne} (user_1): differs [email] — repaired`);

    const clean = await run(['reconcile', '--sim', '--since', '2020-01-01']);
    expect(clean.stdout).toContain('0 differences: the database matches Stripe.');
    expect(clean.code).toBe(0);
  });

  it('sync: imports the Stripe account into an empty database, which then reconciles clean', async () => {
    const fresh = `sqlite:${join(directory, 'fresh.db')}`;

    const sync = await run(['sync', '--sim'], { DATABASE_URL: fresh });

    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain(
      'Imported 2 customers, 2 subscriptions, 2 payment methods, 2 invoices, 2 payments, 0 refunds, 0 disputes',
    );
    expect((await run(['reconcile', '--sim'], { DATABASE_URL: fresh })).stdout).toContain('0 differences');
  });

  it('notifications flush: sends what waits in the outbox through the config’s notifier, once', async () => {
    const flush = await run(['notifications', 'flush', '--sim']);

    expect(flush.code).toBe(0);
    expect(flush.stdout).toMatch(/^Sent [1-9]\d*, failed 0\.\n$/);
    const mail = await readFile(mailLog, 'utf8');
    expect(mail).toContain('receipt ');
    expect((await run(['notifications', 'flush', '--sim'])).stdout).toBe('Sent 0, failed 0.\n');
  });

  it('report: MRR with its monthly movements, GST, the journal, as text and CSV, without Stripe', async () => {
    const range = ['--from', '2026-03-01', '--to', '2026-04-01'];

    const mrr = await run(['report', 'mrr', ...range]);
    expect(mrr.stderr).toBe('');
    expect(mrr.code).toBe(0);
    expect(mrr.stdout).toContain('MRR at 2026-04-01: AUD 20.00 (ARR AUD 240.00)');
    expect(mrr.stdout).toMatch(/2026-03\s+20\.00/);
    const mrrCsv = await run(['report', 'mrr', ...range, '--csv']);
    expect(mrrCsv.stdout.split('\r\n')[0]).toBe(
      'month,new,expansion,contraction,churned,reactivated,netNew,mrr,customers',
    );
    expect(mrrCsv.stdout).toContain('2026-03,20.00,0.00,0.00,0.00,0.00,20.00,20.00,2');

    const gst = await run(['report', 'gst', ...range, '--csv']);
    expect(gst.code).toBe(0);
    expect(gst.stdout.length).toBeGreaterThan(0);
    const journal = await run(['report', 'journal', ...range]);
    expect(journal.code).toBe(0);
    expect(Array.isArray(JSON.parse(journal.stdout))).toBe(true);
  });

  it('usage summary: API spend by provider', async () => {
    const usage = await run(['usage', 'summary', '--from', '2026-02-01', '--to', '2026-04-01']);

    expect(usage.code).toBe(0);
    expect(usage.stdout).toContain('API usage from 2026-02-01 to 2026-04-01, by provider:');
    // gpt-4.1-mini: 1M input tokens at US$0.40 and 0.5M output at US$1.60 a million.
    expect(usage.stdout).toMatch(/openai\s+1\s+0\s+USD 1\.2000/);
  });

  it('refuses bad arguments and missing settings with one clear line and exit 2', async () => {
    const cases: [string[], Record<string, string | undefined>, string][] = [
      [
        ['reconcile', '--sim', '--since', 'yesterday'],
        {},
        'billkit reconcile: --since takes a date such as 2026-01-31 (got "yesterday").',
      ],
      [['reconcile', '--fix'], {}, 'billkit reconcile: Unknown option for billkit reconcile: --fix'],
      [['sync', '--repair'], {}, 'billkit sync: Unknown option for billkit sync: --repair'],
      [
        ['reconcile'],
        {},
        'billkit reconcile: STRIPE_SECRET_KEY is not set (or pass --sim for the Stripe simulator).',
      ],
      [['reconcile', '--sim'], { DATABASE_URL: undefined }, 'billkit reconcile: DATABASE_URL is not set.'],
      [
        ['reconcile', '--sim', '--config', 'nowhere.mjs'],
        {},
        'billkit reconcile: No config module at nowhere.mjs.',
      ],
      [
        ['catalog', 'sync', 'extra', '--sim'],
        {},
        'billkit catalog sync: Unexpected argument for billkit catalog sync: extra',
      ],
      [['webhooks', 'replay', '--sim'], {}, 'billkit webhooks replay: Name one event id, or pass --failed.'],
      [
        ['webhooks', 'replay', 'cus_123', '--sim'],
        {},
        'billkit webhooks replay: cus_123 is not a Stripe event id (evt_...).',
      ],
      [
        ['notifications', 'flush', '--limit', '0'],
        {},
        'billkit notifications flush: --limit takes a whole number from 1 to 10000 (got "0").',
      ],
      [
        ['report', 'arr', '--from', '2026-01-01', '--to', '2026-02-01'],
        {},
        'billkit report: billkit report takes mrr, gst or journal (got arr).',
      ],
      [
        ['report', 'mrr', '--to', '2026-02-01'],
        {},
        'billkit report: --from is required (a date such as 2026-01-31).',
      ],
      [
        ['report', 'mrr', '--from', '2026-02-01', '--to', '2026-01-01'],
        {},
        'billkit report: --from must be before --to.',
      ],
      [
        ['usage', 'summary', '--from', 'soon'],
        {},
        'billkit usage summary: --from takes a date such as 2026-01-31 (got "soon").',
      ],
    ];
    for (const [args, env, message] of cases) {
      const refused = await run(args, env);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr.split('\n')[0], args.join(' ')).toBe(message);
    }
  });

  it('answers --help for every command, and for none', async () => {
    for (const command of [
      ['migrate'],
      ['catalog', 'sync'],
      ['sync'],
      ['reconcile'],
      ['webhooks', 'replay'],
      ['notifications', 'flush'],
      ['report'],
      ['usage', 'summary'],
    ]) {
      const help = await billkit([...command, '--help']);
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout, command.join(' ')).toContain(`Usage: billkit ${command.join(' ')}`);
    }
    const all = await billkit(['--help']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('billkit report mrr|gst|journal');
  });
});
