// PCI scope (SAQ-A): after a whole journey through the HTTP surface — subscribe, add and switch
// cards, change plan, pay, refund, cancel, resume, every webhook applied — nothing Billkit keeps
// holds a card number, a card security code or a secret key: not the SQLite database (its rows and
// its raw file), not what the engine or the server logged, not the audit log. The scanner is checked
// on planted samples first, so "none found" means something.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin } from '@billkit/admin';
import { sqliteStore } from '@billkit/store-sql';
import { afterAll, describe, expect, it } from 'vitest';
import { adminModule } from '../src/index.js';
import {
  deliverWebhooksToServer,
  get,
  givenServer,
  memoryLogger,
  send,
  WEBHOOK_SECRET,
} from './support/world.js';

const directory = await mkdtemp(join(tmpdir(), 'billkit-pci-'));
afterAll(() => rm(directory, { recursive: true, force: true }));

const STRIPE_SECRET = 'sk_test_51PciScopeSecretKeyThatMustNeverBeStored0000';

/** Card brands' leading digits (IIN ranges): Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay. */
const CARD_PREFIX = /^(4|5[1-5]|2[2-7]|3[47]|3[0689]|6)/;

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** What in `text` looks like card data or a secret: the finding and a little context. */
function cardDataIn(text: string): string[] {
  const found: string[] = [];
  // 13-19 digits, alone or in groups split by single spaces or dashes: a token of its own, not the
  // digits inside a longer number or an id (a UUID, a Stripe id).
  for (const match of text.matchAll(/(?<![\dA-Za-z])(?:\d[ -]?){12,18}\d(?![\dA-Za-z])/g)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits))
      found.push(
        `card number ${digits.slice(0, 6)}… in …${text.slice(Math.max(0, match.index - 30), match.index)}`,
      );
  }
  for (const match of text.matchAll(
    /["']?(cvc|cvv|cvc2|cvv2|security_?code|card_?code)["']?\s*[:=]\s*["']?\d{3,4}\b/gi,
  ))
    found.push(`security code field ${match[0]}`);
  for (const match of text.matchAll(/\b(sk|rk)_(live|test)_[A-Za-z0-9]{8,}|\bwhsec_[A-Za-z0-9_]{8,}/g))
    found.push(`secret ${match[0].slice(0, 12)}…`);
  return found;
}

describe('the scanner', () => {
  it('finds planted card numbers, security codes and secrets, and passes ids, timestamps and amounts', () => {
    const planted = [
      '{"number":"4242424242424242"}',
      'card 5555 5555 5555 4444 on file',
      'amex 3782-822463-10005',
      '{"cvc":"123"}',
      'cvv=9876',
      `key ${STRIPE_SECRET}`,
      `webhook ${WEBHOOK_SECRET}`,
    ];
    for (const text of planted) expect(cardDataIn(text), text).not.toEqual([]);

    const innocent =
      '{"id":"in_1QabcDEF23","at":1768435200000,"amount":1100,"last4":"4242","exp_month":12,' +
      '"exp_year":2030,"fingerprint":"Xt5EWLLDS7FJjR1c","cvc_check":"pass","abn":"12 345 678 901",' +
      '"seq":4242424242424241,"phone":"+61 2 9999 0000"}';
    expect(cardDataIn(innocent)).toEqual([]);
  });
});

describe('PCI scope after a whole journey', () => {
  it('keeps no card number, security code or secret in the store, the logs or the audit log', async () => {
    const store = sqliteStore({ filename: join(directory, 'billing.db') });
    await store.migrate();
    const engineLog = memoryLogger();
    // The admin module is made once the engine is: the server forwards to it.
    let admin: ReturnType<typeof adminModule> | undefined;
    const world = await givenServer({
      store,
      engineLogger: engineLog.logger,
      server: { admin: { prefix: '/admin', handle: (request, context) => admin!.handle(request, context) } },
    });
    admin = adminModule(createAdmin({ billing: world.billing }));
    deliverWebhooksToServer(world);
    const { sim, billing } = world;
    const server = { handler: world.handler };
    const serverLog = { logged: world.logged };
    const ok = async (request: Request) => {
      const response = await server.handler(request);
      const body = await response.text();
      expect(response.status, `${request.method} ${request.url}: ${body}`).toBeLessThan(300);
      return body;
    };

    try {
      // Subscribe with one card, add a second through a SetupIntent (as Stripe Elements does), make it the default.
      await ok(send('POST', '/subscription', { plan: 'pro', paymentMethodId: 'pm_card_au' }));
      const { setupIntentId } = JSON.parse(await ok(send('POST', '/payment-methods/setup-intent', {}))) as {
        setupIntentId: string;
      };
      const confirmed = await sim.stripe.setupIntents.confirm(setupIntentId, {
        payment_method: 'pm_card_mastercard',
      });
      await sim.webhooks.flush();
      await ok(send('POST', `/payment-methods/${confirmed.payment_method as string}/default`, {}));
      await ok(
        send('PUT', '/billing-address', {
          name: 'Résumé Co Pty Ltd',
          address: { line1: '1 George St', city: 'Sydney', state: 'NSW', postalCode: '2000', country: 'AU' },
          abn: '51 824 753 556',
        }),
      );
      await ok(send('POST', '/subscription/change', { plan: 'business' }));
      await sim.webhooks.flush();
      const { invoices } = JSON.parse(await ok(get('/invoices'))) as { invoices: Array<{ id: string }> };
      await ok(get(`/invoices/${invoices[0]!.id}/pdf`));
      await ok(
        send(
          'POST',
          '/admin/refunds',
          { invoiceId: invoices[0]!.id, amount: 100, reason: 'requested_by_customer' },
          { user: 'ops_1', admin: true },
        ),
      );
      await ok(send('POST', '/subscription/cancel', { atPeriodEnd: true }));
      await ok(send('POST', '/subscription/resume', {}));
      await sim.webhooks.flush();

      // Every table there is, read past the store's prefix plugin.
      const database = store.db.withoutPlugins();
      const tables = (await database
        .selectFrom('sqlite_master' as never)
        .select('name' as never)
        .where('type' as never, '=', 'table' as never)
        .execute()) as Array<{ name: string }>;
      const rows: string[] = [];
      for (const { name } of tables) {
        const stored = await database
          .selectFrom(name as never)
          .selectAll()
          .execute();
        rows.push(`${name}: ${JSON.stringify(stored)}`);
      }
      expect(rows.join('\n')).toContain('pm_');
      const audit = await billing.audit.list({ limit: 1000 });
      expect(audit.items.length).toBeGreaterThan(5);
      await store.close();
      const files = (await readdir(directory)).filter((file) => file.startsWith('billing.db'));
      const raw = await Promise.all(
        files.map(async (file) => (await readFile(join(directory, file))).toString('latin1')),
      );

      const scanned = {
        store: cardDataIn(rows.join('\n')),
        databaseFiles: cardDataIn(raw.join('\n')),
        engineLog: cardDataIn(JSON.stringify(engineLog.logged)),
        serverLog: cardDataIn(JSON.stringify(serverLog.logged)),
        audit: cardDataIn(JSON.stringify(audit.items)),
      };
      expect(scanned).toEqual({ store: [], databaseFiles: [], engineLog: [], serverLog: [], audit: [] });
    } finally {
      await store.close().catch(() => {});
    }
  }, 60_000);
});
