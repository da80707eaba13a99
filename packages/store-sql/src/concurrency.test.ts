// Races between separate stores on one real database, as between copies of a host behind a load
// balancer: each store has its own connection pool.

import { type BillingStore, UniqueViolationError } from '@billkit/core';
import {
  aCustomer,
  anAuditEntry,
  anInvoice,
  anOutboxMessage,
  aSubscription,
  aWebhookEvent,
} from '@billkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore } from './dialects/mysql.js';
import { postgresStore } from './dialects/postgres.js';
import { mysqlTestDatabase, postgresTestDatabase, type TestDatabase } from './dialects/test-databases.js';
import type { SqlBillingStore } from './sql-store.js';

const COPIES = 5;
const ATTEMPTS = 20;

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
  const suite = skip === undefined ? describe : describe.skip;
  suite(
    skip === undefined ? `${target.name}: copies racing` : `${target.name}: copies racing — skipped: ${skip}`,
    () => {
      let copies: SqlBillingStore[] = [];
      /** The store that attempt `index` runs on: the attempts are spread over every copy. */
      const copy = (index: number): BillingStore => copies[index % copies.length]!;

      beforeAll(async () => {
        copies = Array.from({ length: COPIES }, target.open);
        await Promise.all(copies.map((store) => store.migrate()));
      });
      afterAll(() => Promise.all(copies.map((store) => store.close())));

      it(`keeps one customer when ${ATTEMPTS} inserts for one user race across ${COPIES} copies`, async () => {
        const userId = aCustomer().userId;
        const candidates = Array.from({ length: ATTEMPTS }, () => aCustomer({ userId }));

        const outcomes = await Promise.allSettled(
          candidates.map((candidate, index) =>
            copy(index).transaction(async (tx) => {
              await tx.customers.insert(candidate);
              await tx.audit.append(anAuditEntry({ subjectId: candidate.stripeCustomerId, userId }));
            }),
          ),
        );

        const winners = outcomes.flatMap((outcome, index) =>
          outcome.status === 'fulfilled' ? [candidates[index]] : [],
        );
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(UniqueViolationError);
        }
        expect(await copy(1).customers.findByUserId(userId)).toEqual(winners[0]);
        const { items: entries } = await copy(2).audit.list({ userId });
        expect(entries.map((entry) => entry.subjectId)).toEqual([winners[0]?.stripeCustomerId]);
      });

      it(`applies an event once when ${ATTEMPTS} deliveries of it race across ${COPIES} copies`, async () => {
        const event = aWebhookEvent({ type: 'customer.subscription.updated' });
        const subscription = aSubscription();
        const now = new Date('2025-01-01T00:00:02.000Z');

        const deliveries = await Promise.all(
          Array.from({ length: ATTEMPTS }, async (_, index) => {
            const store = copy(index);
            await store.webhookEvents.record({ ...event, receivedAt: new Date(now.getTime() + index) });
            const claimed = await store.webhookEvents.claim(event.eventId, {
              now,
              leaseUntil: new Date(now.getTime() + 30_000),
            });
            if (claimed === null) return 'duplicate';
            await store.transaction(async (tx) => {
              await tx.subscriptions.upsert(subscription);
              await tx.audit.append(anAuditEntry({ subjectType: 'webhook_event', subjectId: event.eventId }));
            });
            const completed = await store.webhookEvents.complete(event.eventId, {
              status: 'applied',
              at: now,
              attempt: claimed.attempts,
            });
            return completed ? 'applied' : 'taken over';
          }),
        );

        expect(deliveries.filter((delivery) => delivery === 'applied')).toHaveLength(1);
        expect(deliveries.filter((delivery) => delivery === 'duplicate')).toHaveLength(ATTEMPTS - 1);
        const stored = await copy(3).webhookEvents.get(event.eventId);
        expect(stored).toMatchObject({ status: 'applied', attempts: 1, leaseUntil: null });
        expect((await copy(4).audit.list({ subjectId: event.eventId })).items).toHaveLength(1);
      });

      it(`enqueues a notification once when ${ATTEMPTS} copies enqueue its key at once`, async () => {
        const key = anOutboxMessage().key;
        // Due only in 2100: the other tests' senders leave it alone.
        const availableAt = new Date('2100-01-01T00:00:00.000Z');
        const results = await Promise.all(
          Array.from({ length: ATTEMPTS }, (_, index) =>
            copy(index).outbox.enqueue(anOutboxMessage({ key, availableAt })),
          ),
        );

        expect(results.filter((result) => result === 'enqueued')).toHaveLength(1);
        expect(results.filter((result) => result === 'duplicate')).toHaveLength(ATTEMPTS - 1);
      });

      it(`sends each of 40 notifications once when ${COPIES} copies drain the outbox at once`, async () => {
        const messages = Array.from({ length: 40 }, () => anOutboxMessage());
        for (const message of messages) await copy(0).outbox.enqueue(message);
        const now = new Date('2025-01-01T00:00:01.000Z');
        const at = { now, leaseUntil: new Date(now.getTime() + 30_000), limit: 3 };

        const sentByCopy = await Promise.all(
          copies.map(async (store) => {
            const sent: string[] = [];
            for (;;) {
              const claimed = await store.outbox.claimDue(at);
              if (claimed.length === 0) return sent;
              for (const message of claimed) {
                expect(message.attempts).toBe(1);
                expect(await store.outbox.markSent(message.id, { at: now, attempt: message.attempts })).toBe(
                  true,
                );
                sent.push(message.id);
              }
            }
          }),
        );

        const sent = sentByCopy.flat();
        expect(new Set(sent).size).toBe(sent.length);
        expect(sent.sort()).toEqual(messages.map((message) => message.id).sort());
        expect((await copy(1).outbox.list({ status: 'sent', limit: 1000 })).items).toHaveLength(40);
      });

      it('leaves nothing behind, for any copy to see, when a transaction throws midway', async () => {
        const customer = aCustomer();
        const owner = { userId: customer.userId, stripeCustomerId: customer.stripeCustomerId };
        const subscription = aSubscription(owner);
        const invoice = anInvoice(owner);
        const event = aWebhookEvent();
        const failure = new Error('the Stripe call after the writes failed');

        const transaction = copy(0).transaction(async (tx) => {
          await tx.customers.insert(customer);
          await tx.subscriptions.upsert(subscription);
          await tx.invoices.upsert(invoice);
          await tx.webhookEvents.record(event);
          await tx.webhookEvents.claim(event.eventId, {
            now: new Date(),
            leaseUntil: new Date(Date.now() + 30_000),
          });
          await tx.audit.append(anAuditEntry({ userId: customer.userId }));
          throw failure;
        });

        await expect(transaction).rejects.toBe(failure);
        for (const store of copies) {
          expect(await store.customers.findByUserId(customer.userId)).toBeNull();
          expect(await store.subscriptions.listByUserId(customer.userId)).toEqual([]);
          expect(await store.invoices.findByStripeId(invoice.stripeInvoiceId)).toBeNull();
          expect(await store.webhookEvents.get(event.eventId)).toBeNull();
          expect((await store.audit.list({ userId: customer.userId })).items).toEqual([]);
        }
        // The ids are free: the same rows can be written for real afterwards.
        await copy(1).customers.insert(customer);
        expect(await copy(2).webhookEvents.record(event)).toBe('recorded');
      });
    },
  );
}
