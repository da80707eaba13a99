// A host process for the process-death test: Billkit on the database in DATABASE_URL, Stripe at
// STRIPE_API_BASE (the simulator in the test's process, whose time is in CLOCK_FILE), the webhook
// route and a few operator routes on 127.0.0.1:PORT. CRASH_AT makes it stop dead at one point, print `CRASH_POINT <where>`
// and wait there for the test's SIGKILL:
//   apply  inside the first transaction a webhook delivery opens, after its writes, before commit;
//   flush  in the notifier, after the first message reached the mail provider, before the outbox
//          hears it was sent.
// The mail provider is a directory: one file per message key, created exclusively, as a provider
// that honours an idempotency key answers a repeated send without sending again.

import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { type BillingStore, createBilling, defineCatalog, type Notifier } from '@billkit/core';
import { createWebhookHandler, toExpress } from '@billkit/webhooks';
import Stripe from 'stripe';
import { storeFromUrl } from '../src/database-url.js';

const env = process.env;
const crashAt = env.CRASH_AT ?? 'none';
const mailbox = env.MAILBOX!;
const inWebhook = new AsyncLocalStorage<true>();

/** Stops here until the test kills the process. */
function crash(where: string): Promise<never> {
  process.stdout.write(`CRASH_POINT ${where}\n`);
  return new Promise<never>(() => {});
}

function crashingStore(store: BillingStore): BillingStore {
  if (crashAt !== 'apply') return store;
  let crashed = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'transaction') return Reflect.get(target, property, receiver);
      return (fn: Parameters<BillingStore['transaction']>[0]) =>
        target.transaction(async (session) => {
          const value = await fn(session);
          if (inWebhook.getStore() && !crashed) {
            crashed = true;
            await crash('apply');
          }
          return value;
        });
    },
  });
}

const idempotentMail: Notifier = {
  async notify(notification) {
    const file = join(mailbox, createHash('sha256').update(notification.key).digest('hex'));
    appendFileSync(join(mailbox, 'attempts.log'), `${notification.key}\n`);
    try {
      writeFileSync(file, JSON.stringify({ key: notification.key, kind: notification.kind }), { flag: 'wx' });
    } catch (error) {
      // Sent before (the idempotency key): the provider answers without sending again.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (crashAt === 'flush') await crash('flush');
  },
};

const base = new URL(env.STRIPE_API_BASE!);
const stripe = new Stripe('sk_test_process_death', {
  host: base.hostname,
  port: Number(base.port),
  protocol: 'http',
  maxNetworkRetries: 2,
});
const store = storeFromUrl(env.DATABASE_URL!);
await store.migrate();
const offset = Number(env.CLOCK_OFFSET_MS ?? 0);
const billing = createBilling({
  stripe,
  store: crashingStore(store),
  catalog: defineCatalog({
    currency: 'aud',
    plans: [{ id: 'pro', name: 'Pro', prices: [{ interval: 'month', amount: 1000 }] }],
  }),
  notifier: idempotentMail,
  notifications: { sendAfterCommit: false },
  // Stripe's time (the simulator's, which the test moves and writes to CLOCK_FILE), plus the
  // time since the last process died (its leases have run out).
  clock: { now: () => new Date(Number(readFileSync(env.CLOCK_FILE!, 'utf8')) * 1000 + offset) },
});
await billing.catalog.sync();
const webhooks = toExpress(createWebhookHandler({ billing, secret: env.WEBHOOK_SECRET!, leaseSeconds: 1 }));

const json = async (request: import('node:http').IncomingMessage) => {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body ? (JSON.parse(body) as Record<string, string>) : {};
};

const server = createServer((request, response) => {
  const answer = (value: unknown) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(value));
  };
  const route = async () => {
    if (request.url === '/webhooks/stripe') return inWebhook.run(true, () => webhooks(request, response));
    if (request.url === '/subscribe') {
      const { userId } = await json(request);
      await billing.customers.ensure({
        userId: userId!,
        email: `${userId}@example.com.au`,
        name: 'Jo Citizen',
      });
      const started = await billing.subscriptions.start({
        userId: userId!,
        plan: 'pro',
        paymentMethodId: 'pm_card_visa',
      });
      return answer({ subscription: started.subscription.stripeSubscriptionId });
    }
    if (request.url === '/cancel') {
      const { userId } = await json(request);
      return answer(await billing.subscriptions.cancel({ userId: userId!, reason: 'too_expensive' }));
    }
    if (request.url === '/flush') return answer(await billing.notifications.flush());
    if (request.url === '/reconcile') return answer(await billing.reconcile());
    response.statusCode = 404;
    response.end();
  };
  route().catch((error: unknown) => {
    response.statusCode = 500;
    response.end(JSON.stringify({ error: String(error) }));
  });
});
server.listen(Number(env.PORT), '127.0.0.1', () => process.stdout.write('READY\n'));
