// The engine's own race, on real servers: 20 sign-ins of one user at once, spread over five copies
// of the host (five connection pools), make one Stripe customer and one mirrored row.

import { clockFromUnixSeconds, createBilling, defineCatalog } from '@billkit/core';
import { createStripeSim } from '@billkit/stripe-sim';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStore } from './dialects/mysql.js';
import { postgresStore } from './dialects/postgres.js';
import { mysqlTestDatabase, postgresTestDatabase, type TestDatabase } from './dialects/test-databases.js';
import type { SqlBillingStore } from './sql-store.js';

const catalog = defineCatalog({
  currency: 'aud',
  plans: [{ id: 'pro', name: 'Pro', prices: [{ interval: 'month', amount: 1000 }] }],
});

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

for (const target of targets) {
  const skip = target.database.skip;
  const title = `${target.name}: customers.ensure racing across copies`;
  (skip === undefined ? describe : describe.skip)(
    skip === undefined ? title : `${title} — skipped: ${skip}`,
    () => {
      it('makes one customer for 20 parallel ensure calls of one user over five copies', async () => {
        const sim = createStripeSim({ now: new Date('2026-01-15T00:00:00Z') });
        const stores: SqlBillingStore[] = Array.from({ length: 5 }, target.open);
        await Promise.all(stores.map((store) => store.migrate()));
        try {
          const copies = stores.map((store) =>
            createBilling({
              stripe: sim.stripe,
              store,
              catalog,
              clock: clockFromUnixSeconds(() => sim.clock.now()),
            }),
          );
          const records = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              copies[i % copies.length]!.customers.ensure({
                userId: `user_${target.name}`,
                email: 'jo@example.com.au',
              }),
            ),
          );
          expect(new Set(records.map((r) => r.stripeCustomerId)).size).toBe(1);
          expect((await sim.stripe.customers.list({ limit: 100 })).data).toHaveLength(1);
          const rows = await stores[0]!.customers.list({ limit: 100 });
          expect(rows.items.filter((c) => c.userId === `user_${target.name}`)).toHaveLength(1);
        } finally {
          await Promise.all(stores.map((store) => store.close()));
        }
      });
    },
  );
}
