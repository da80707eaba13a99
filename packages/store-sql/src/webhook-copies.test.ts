// Two copies of the webhook route, each with its own database connection (two hosts behind a load
// balancer), receive the same Stripe delivery at the same moment: the event is applied once.

import { createWebhookHandler } from '@billkit/webhooks';
import type Stripe from 'stripe';
import StripeClient from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStore } from './dialects/mysql.js';
import { postgresStore } from './dialects/postgres.js';
import { mysqlTestDatabase, postgresTestDatabase, type TestDatabase } from './dialects/test-databases.js';
import type { SqlBillingStore } from './sql-store.js';

const SECRET = 'whsec_copies_secret';

const postgres = await postgresTestDatabase();
const mysql = await mysqlTestDatabase();
afterAll(() => Promise.all([postgres.drop(), mysql.drop()]));

const targets = [
  {
    name: 'postgres',
    database: postgres as TestDatabase<unknown>,
    open: () => postgresStore({ pool: postgres.pool() }),
  },
  { name: 'mysql', database: mysql as TestDatabase<unknown>, open: () => mysqlStore({ pool: mysql.pool() }) },
];

function delivery(event: object): Request {
  const payload = JSON.stringify(event);
  return new Request('http://localhost/webhooks/stripe', {
    method: 'POST',
    headers: {
      'stripe-signature': StripeClient.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
    },
    body: payload,
  });
}

for (const target of targets) {
  const skip = target.database.skip;
  const title = `${target.name}: two webhook route copies`;
  (skip === undefined ? describe : describe.skip)(
    skip === undefined ? title : `${title} — skipped: ${skip}`,
    () => {
      it('applies an event delivered to both copies at the same moment exactly once', async () => {
        const stores: SqlBillingStore[] = [target.open(), target.open()];
        await Promise.all(stores.map((store) => store.migrate()));
        const applied: string[] = [];
        const handlers = stores.map((store) =>
          createWebhookHandler({
            billing: {
              store,
              sync: {
                applyEvent: async (event: Stripe.Event) => {
                  applied.push(event.id);
                  await new Promise((resolve) => setTimeout(resolve, 20)); // the work takes a moment
                  return { status: 'applied' as const };
                },
              },
            },
            secret: SECRET,
          }),
        );
        try {
          for (let round = 0; round < 10; round++) {
            const event = {
              id: `evt_copies_${target.name}_${round}`,
              object: 'event',
              type: 'customer.updated',
              created: Math.floor(Date.now() / 1000),
              data: { object: { id: 'cus_1', object: 'customer' } },
              livemode: false,
              pending_webhooks: 2,
              request: { id: null, idempotency_key: null },
              api_version: '2026-10-28.endive',
            };
            const responses = await Promise.all(handlers.map((handler) => handler(delivery(event))));
            expect(responses.map((r) => r.status)).toEqual([200, 200]);
            expect(await stores[0]!.webhookEvents.get(event.id)).toMatchObject({
              status: 'applied',
              attempts: 1,
            });
          }
          expect(applied).toHaveLength(10);
          expect(new Set(applied).size).toBe(10);
        } finally {
          await Promise.all(stores.map((store) => store.close()));
        }
      });
    },
  );
}
