import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BillingStore, type InvoiceRecord, memoryStore, type SubscriptionRecord } from '@billkit/core';
import {
  aCredit,
  aCustomer,
  aDispute,
  anInvoice,
  anOutboxMessage,
  aPayment,
  aPaymentMethod,
  aRefund,
  aSubscription,
  aUsageEvent,
} from '@billkit/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { SqlDialect } from '../dialects/dialect.js';
import { mysqlDialect, mysqlStore } from '../dialects/mysql.js';
import { postgresDialect, postgresStore } from '../dialects/postgres.js';
import { sqliteDialect, sqliteStore } from '../dialects/sqlite.js';
import { mysqlTestDatabase, postgresTestDatabase } from '../dialects/test-databases.js';
import type { SqlBillingStore } from '../sql-store.js';
import { runMigrations } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations.js';

interface Target {
  name: string;
  skip?: string;
  dialect: SqlDialect;
  /**
   * A store on a database that is fresh for `database` (a new SQLite file, or a new table prefix
   * in the run's PostgreSQL schema / MySQL database); the same `database` and prefix reach the same tables.
   */
  store(database: string, prefix?: string): SqlBillingStore;
}

const sqliteDirectory = await mkdtemp(join(tmpdir(), 'billkit-migrate-'));
const postgres = await postgresTestDatabase();
const mysql = await mysqlTestDatabase();
const postgresPool = postgres.skip === undefined ? postgres.pool() : undefined;
const mysqlPool = mysql.skip === undefined ? mysql.pool() : undefined;
afterAll(async () => {
  await Promise.all([postgres.drop(), mysql.drop(), rm(sqliteDirectory, { recursive: true, force: true })]);
});

const targets: Target[] = [
  {
    name: 'sqlite',
    dialect: sqliteDialect,
    store: (database, prefix) =>
      sqliteStore({
        filename: join(sqliteDirectory, `${database}.db`),
        tablePrefix: prefix ?? `${database}_`,
      }),
  },
  {
    name: 'postgres',
    skip: postgres.skip,
    dialect: postgresDialect,
    store: (database, prefix) =>
      postgresStore({ pool: postgresPool!, tablePrefix: prefix ?? `${database}_` }),
  },
  {
    name: 'mysql',
    skip: mysql.skip,
    dialect: mysqlDialect,
    store: (database, prefix) => mysqlStore({ pool: mysqlPool!, tablePrefix: prefix ?? `${database}_` }),
  },
];

let databases = 0;
const freshDatabase = () => `m${++databases}`;

async function migrationRows(store: SqlBillingStore) {
  const rows = await store.db
    .selectFrom('migrations')
    .select(['version', 'name'])
    .orderBy('version')
    .execute();
  return rows.map((row) => ({ version: Number(row.version), name: row.name }));
}

/** A subscription's row in database form, every column of the latest schema. */
function subscriptionRow(dialect: SqlDialect, subscription: SubscriptionRecord): Record<string, unknown> {
  const date = (value: Date | null) => (value === null ? null : dialect.toDbDate(value));
  return {
    stripe_subscription_id: subscription.stripeSubscriptionId,
    stripe_customer_id: subscription.stripeCustomerId,
    user_id: subscription.userId,
    status: subscription.status,
    plan_id: subscription.planId,
    stripe_price_id: subscription.stripePriceId,
    interval: subscription.interval,
    quantity: subscription.quantity,
    amount: subscription.amount,
    currency: subscription.currency,
    current_period_start: dialect.toDbDate(subscription.currentPeriodStart),
    current_period_end: dialect.toDbDate(subscription.currentPeriodEnd),
    cancel_at_period_end: dialect.toDbBoolean(subscription.cancelAtPeriodEnd),
    cancel_at: date(subscription.cancelAt),
    canceled_at: date(subscription.canceledAt),
    ended_at: date(subscription.endedAt),
    trial_start: date(subscription.trialStart),
    trial_end: date(subscription.trialEnd),
    paused_collection: subscription.pausedCollection,
    past_due_since: date(subscription.pastDueSince),
    grace_extended_until: date(subscription.graceExtendedUntil),
    latest_invoice_id: subscription.latestInvoiceId,
    downgrade_until: date(subscription.scheduledDowngrade?.until ?? null),
    downgrade_from_plan_id: subscription.scheduledDowngrade?.fromPlanId ?? null,
    cancellation_reason: subscription.cancellationReason,
    cancellation_feedback: subscription.cancellationFeedback,
    created_at: dialect.toDbDate(subscription.createdAt),
    updated_at: dialect.toDbDate(subscription.updatedAt),
    watermark: subscription.watermark,
    version: subscription.version,
  };
}

/** An invoice's row and its lines' rows in database form, as a version 3 store wrote them. */
function invoiceRows(dialect: SqlDialect, invoice: InvoiceRecord) {
  const date = (value: Date | null) => (value === null ? null : dialect.toDbDate(value));
  return {
    stripe_invoice_id: invoice.stripeInvoiceId,
    stripe_customer_id: invoice.stripeCustomerId,
    user_id: invoice.userId,
    stripe_subscription_id: invoice.stripeSubscriptionId,
    number: invoice.number,
    status: invoice.status,
    billing_reason: invoice.billingReason,
    currency: invoice.currency,
    subtotal: invoice.subtotal,
    tax: invoice.tax,
    total: invoice.total,
    amount_due: invoice.amountDue,
    amount_paid: invoice.amountPaid,
    amount_remaining: invoice.amountRemaining,
    attempt_count: invoice.attemptCount,
    next_payment_attempt: date(invoice.nextPaymentAttempt),
    hosted_invoice_url: invoice.hostedInvoiceUrl,
    invoice_pdf: invoice.invoicePdf,
    period_start: dialect.toDbDate(invoice.periodStart),
    period_end: dialect.toDbDate(invoice.periodEnd),
    created_at: dialect.toDbDate(invoice.createdAt),
    finalized_at: date(invoice.finalizedAt),
    paid_at: date(invoice.paidAt),
    voided_at: date(invoice.voidedAt),
    watermark: invoice.watermark,
    lines: invoice.lines.map((line, position) => ({
      stripe_invoice_id: invoice.stripeInvoiceId,
      position,
      stripe_line_id: line.stripeLineId,
      description: line.description,
      amount: line.amount,
      quantity: line.quantity,
      proration: dialect.toDbBoolean(line.proration),
      tax: line.tax,
      stripe_price_id: line.stripePriceId,
      period_start: dialect.toDbDate(line.periodStart),
      period_end: dialect.toDbDate(line.periodEnd),
    })),
  };
}

async function using<T>(stores: SqlBillingStore[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

for (const target of targets) {
  const suite = target.skip === undefined ? describe : describe.skip;
  const title =
    target.skip === undefined
      ? `${target.name} migrations`
      : `${target.name} migrations — skipped: ${target.skip}`;

  suite(title, () => {
    it('creates every table on a fresh database and records each migration', async () => {
      const store = target.store(freshDatabase());
      await using([store], async () => {
        const result = await store.migrateWithReport();

        expect(result.ok).toBe(true);
        expect(result.migrations.map((migration) => migration.status)).toEqual(
          MIGRATIONS.map(() => 'applied'),
        );
        expect(await migrationRows(store)).toEqual(
          MIGRATIONS.map(({ version, name }) => ({ version, name })),
        );
        const customer = aCustomer();
        await store.customers.insert(customer);
        expect(await store.customers.findByUserId(customer.userId)).toEqual(customer);
        expect(await store.webhookEvents.listFailed()).toEqual({ items: [], nextCursor: null });
        const event = aUsageEvent();
        expect(await store.metering.recordBatch([event])).toEqual({ stored: [event.id], duplicates: [] });
      });
    });

    it('does nothing when run again, and keeps the rows already stored', async () => {
      const database = freshDatabase();
      const store = target.store(database);
      await using([store], async () => {
        await store.migrate();
        const customer = aCustomer();
        await store.customers.insert(customer);

        const again = await store.migrateWithReport();
        await store.migrate();

        expect(again.migrations.map((migration) => migration.status)).toEqual(
          MIGRATIONS.map(() => 'already applied'),
        );
        expect(await migrationRows(store)).toHaveLength(MIGRATIONS.length);
        expect((await store.customers.list()).items).toEqual([customer]);
      });
    });

    it('upgrades a database at version 1 to credits and the outbox, keeping the rows already stored', async () => {
      const database = freshDatabase();
      const store = target.store(database);
      await using([store], async () => {
        const prefix = `${database}_`;
        expect((await runMigrations(store.db, target.dialect, prefix, MIGRATIONS.slice(0, 1))).ok).toBe(true);
        const customer = aCustomer();
        await store.customers.insert(customer);

        const upgrade = await store.migrateWithReport();

        expect(upgrade.migrations.map((migration) => migration.status)).toEqual([
          'already applied',
          ...MIGRATIONS.slice(1).map(() => 'applied'),
        ]);
        expect((await store.customers.list()).items).toEqual([customer]);
        const credit = aCredit({ userId: customer.userId });
        await store.credits.upsert(credit);
        expect((await store.credits.listByUserId(customer.userId)).items).toEqual([credit]);
        const message = anOutboxMessage({ userId: customer.userId });
        expect(await store.outbox.enqueue(message)).toBe('enqueued');
        expect((await store.outbox.list()).items).toEqual([message]);
      });
    });

    it('upgrades a database at version 2 with a refund and a dispute, which read back with the defaults of the new fields', async () => {
      const database = freshDatabase();
      const store = target.store(database);
      await using([store], async () => {
        const prefix = `${database}_`;
        expect((await runMigrations(store.db, target.dialect, prefix, MIGRATIONS.slice(0, 2))).ok).toBe(true);
        const refund = aRefund({ stripeInvoiceId: null, tax: 0, actor: null, note: null });
        const dispute = aDispute({ evidenceSubmissionCount: 0, closedAt: null });
        const toDb = target.dialect.toDbDate;
        // The rows as a version 2 store wrote them: the columns of migration 3 are not there yet.
        await store.db
          .insertInto('refunds')
          .values({
            stripe_refund_id: refund.stripeRefundId,
            stripe_charge_id: refund.stripeChargeId,
            stripe_customer_id: refund.stripeCustomerId,
            user_id: refund.userId,
            amount: refund.amount,
            currency: refund.currency,
            status: refund.status,
            reason: refund.reason,
            created_at: toDb(refund.createdAt),
            watermark: refund.watermark,
          } as never)
          .execute();
        await store.db
          .insertInto('disputes')
          .values({
            stripe_dispute_id: dispute.stripeDisputeId,
            stripe_charge_id: dispute.stripeChargeId,
            user_id: dispute.userId,
            amount: dispute.amount,
            currency: dispute.currency,
            status: dispute.status,
            reason: dispute.reason,
            evidence_due_by: toDb(dispute.evidenceDueBy!),
            created_at: toDb(dispute.createdAt),
            watermark: dispute.watermark,
          } as never)
          .execute();
        const payment = aPayment();
        await store.payments.upsert(payment);
        const card = aPaymentMethod({ expYear: 2025, expMonth: 6 });
        await store.paymentMethods.upsert(card);

        const upgrade = await store.migrateWithReport();

        expect(upgrade.migrations.map((migration) => migration.status)).toEqual([
          'already applied',
          'already applied',
          ...MIGRATIONS.slice(2).map(() => 'applied'),
        ]);
        expect(await store.refunds.findByStripeId(refund.stripeRefundId)).toEqual(refund);
        expect(await store.disputes.findByStripeId(dispute.stripeDisputeId)).toEqual(dispute);
        expect(await store.payments.listByInvoice(payment.stripeInvoiceId!)).toEqual([payment]);
        expect(await store.paymentMethods.listExpiring({ through: { year: 2025, month: 6 } })).toEqual({
          items: [card],
          nextCursor: null,
        });
        const detailed = {
          ...refund,
          stripeInvoiceId: payment.stripeInvoiceId,
          tax: 45,
          actor: 'admin:7',
          note: 'Goodwill',
          watermark: refund.watermark + 1,
        };
        expect(await store.refunds.upsert(detailed)).toBe('updated');
        expect(await store.refunds.listByInvoice(payment.stripeInvoiceId!)).toEqual([detailed]);
      });
    });

    it('upgrades a database at version 3 with a subscription, which reads back without a grace extension and starts an empty MRR ledger', async () => {
      const database = freshDatabase();
      const store = target.store(database);
      await using([store], async () => {
        const prefix = `${database}_`;
        expect((await runMigrations(store.db, target.dialect, prefix, MIGRATIONS.slice(0, 3))).ok).toBe(true);
        const subscription = aSubscription({
          status: 'past_due',
          pastDueSince: new Date('2025-03-01T00:00:00Z'),
        });
        const { grace_extended_until: _absent, ...row } = subscriptionRow(target.dialect, subscription);
        // The row as a version 3 store wrote it: the column of migration 4 is not there yet.
        await store.db
          .insertInto('subscriptions')
          .values(row as never)
          .execute();

        const upgrade = await store.migrateWithReport();

        expect(upgrade.migrations.map((migration) => migration.status)).toEqual([
          ...MIGRATIONS.slice(0, 3).map(() => 'already applied'),
          ...MIGRATIONS.slice(3).map(() => 'applied'),
        ]);
        expect(await store.subscriptions.findByStripeId(subscription.stripeSubscriptionId)).toEqual(
          subscription,
        );
        expect(await store.mrr.list()).toEqual({ items: [], nextCursor: null });
        const extended = {
          ...subscription,
          graceExtendedUntil: new Date('2025-03-20T12:00:00.250Z'),
          watermark: subscription.watermark + 1,
        };
        expect(await store.subscriptions.upsert(extended)).toBe('updated');
        expect(await store.subscriptions.findByStripeId(subscription.stripeSubscriptionId)).toEqual(extended);
        expect(await store.analytics.subscriptionStatusCounts()).toEqual({ past_due: 1 });
      });
    });

    it('upgrades a database at version 3 with paid invoices, whose GST share and service period it computes for the analytics', async () => {
      const database = freshDatabase();
      const store = target.store(database);
      const reference = memoryStore();
      await using([store], async () => {
        const prefix = `${database}_`;
        expect((await runMigrations(store.db, target.dialect, prefix, MIGRATIONS.slice(0, 3))).ok).toBe(true);
        const line = (start: string, end: string) => ({
          ...anInvoice().lines[0]!,
          periodStart: new Date(start),
          periodEnd: new Date(end),
        });
        const invoices = [
          // Lines spanning more than the invoice's own period; GST half a cent rounds up.
          anInvoice({
            total: 1_005,
            tax: 91,
            amountPaid: 1_005,
            lines: [
              line('2025-01-10T06:00:00.000Z', '2025-02-10T06:00:00.000Z'),
              line('2025-01-01T00:00:00.000Z', '2025-01-20T00:00:00.000Z'),
            ],
          }),
          // No lines: its own period; paid more than its total; amounts past 32 bits.
          anInvoice({
            total: 6_000_000_000,
            tax: 545_454_545,
            amountPaid: 6_000_000_100,
            periodStart: new Date('2025-01-05T12:00:00.500Z'),
            periodEnd: new Date('2026-01-05T12:00:00.499Z'),
            lines: [],
          }),
          // A period that ends before it starts (half a day): all earned at once.
          anInvoice({
            periodStart: new Date('2025-01-15T12:00:00.000Z'),
            periodEnd: new Date('2025-01-15T00:00:00.000Z'),
            lines: [],
          }),
        ];
        const refund = aRefund({ stripeInvoiceId: invoices[0]!.stripeInvoiceId, amount: 300, tax: 27 });
        // The rows as a version 3 store wrote them: the columns of migration 4 are not there yet.
        for (const invoice of invoices) {
          const { lines, ...row } = invoiceRows(target.dialect, invoice);
          await store.db
            .insertInto('invoices')
            .values(row as never)
            .execute();
          if (lines.length > 0)
            await store.db
              .insertInto('invoice_lines')
              .values(lines as never)
              .execute();
          await reference.invoices.upsert(invoice);
        }
        await reference.refunds.upsert(refund);

        expect((await store.migrateWithReport()).ok).toBe(true);
        await store.refunds.upsert(refund);

        const january = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-02-01T00:00:00Z') };
        const instants = ['2025-01-01', '2025-01-16', '2025-02-01', '2025-07-01', '2026-02-01'].map(
          (day) => new Date(`${day}T00:00:00.000Z`),
        );
        for (const analytics of [
          (s: BillingStore) => s.analytics.sales({ ...january, currency: 'aud' }),
          (s: BillingStore) => s.analytics.recognition({ currency: 'aud', at: instants }),
          (s: BillingStore) => s.analytics.customerRevenue({ ...january, currency: 'aud' }),
        ]) {
          expect(await analytics(store)).toEqual(await analytics(reference));
        }
        expect((await store.analytics.sales({ ...january, currency: 'aud' })).tax).toBe(
          91 + 545_454_545 + 100,
        );
        // Written again by the repository, the invoices give the same figures.
        for (const invoice of invoices) {
          expect(await store.invoices.upsert({ ...invoice, watermark: invoice.watermark + 1 })).toBe(
            'updated',
          );
        }
        expect(await store.analytics.recognition({ currency: 'aud', at: instants })).toEqual(
          await reference.analytics.recognition({ currency: 'aud', at: instants }),
        );
      });
    });

    it('upgrades a database at version 4 to metering, keeping the rows already stored', async () => {
      const database = freshDatabase();
      const store = target.store(database);
      await using([store], async () => {
        const prefix = `${database}_`;
        expect((await runMigrations(store.db, target.dialect, prefix, MIGRATIONS.slice(0, 4))).ok).toBe(true);
        const customer = aCustomer();
        await store.customers.insert(customer);

        const upgrade = await store.migrateWithReport();

        expect(upgrade.migrations.map((migration) => migration.status)).toEqual([
          ...MIGRATIONS.slice(0, 4).map(() => 'already applied'),
          ...MIGRATIONS.slice(4).map(() => 'applied'),
        ]);
        expect(await store.customers.findByUserId(customer.userId)).toEqual(customer);
        const always = { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') };
        expect(await store.metering.events(always)).toEqual({ items: [], nextCursor: null });
        const event = aUsageEvent({ costMicros: 2 ** 40 });
        await store.metering.recordBatch([event, event]);
        expect(await store.metering.events(always)).toEqual({ items: [event], nextCursor: null });
        expect(await store.metering.usage({ ...always, granularity: 'month', groupBy: [] })).toMatchObject([
          { count: 1, costMicros: 2 ** 40, units: event.units },
        ]);
      });
    });

    it('applies each migration once when two stores migrate one database at the same time', async () => {
      const database = freshDatabase();
      const first = target.store(database);
      const second = target.store(database);
      await using([first, second], async () => {
        const results = await Promise.all([first.migrateWithReport(), second.migrateWithReport()]);

        expect(results.every((result) => result.ok)).toBe(true);
        const statuses = results.map((result) => result.migrations[0]?.status).sort();
        expect(statuses).toEqual(['already applied', 'applied']);
        expect(await migrationRows(first)).toHaveLength(MIGRATIONS.length);
      });
    });

    it('keeps stores with different table prefixes apart in one database', async () => {
      const database = freshDatabase();
      const ours = target.store(database, `${database}_ours_`);
      const theirs = target.store(database, `${database}_theirs_`);
      await using([ours, theirs], async () => {
        await Promise.all([ours.migrate(), theirs.migrate()]);
        const customer = aCustomer();

        await ours.customers.insert(customer);
        await theirs.customers.insert({ ...customer, name: 'The same ids in other tables' });

        expect(await ours.customers.findByUserId(customer.userId)).toEqual(customer);
        expect((await theirs.customers.findByUserId(customer.userId))?.name).toBe(
          'The same ids in other tables',
        );
      });
    });

    it('reports a failing migration, leaves the later ones for the next run, and releases the lock', async () => {
      const database = freshDatabase();
      const store = target.store(database);
      const prefix = `${database}_`;
      const failing: Migration = {
        version: 1001,
        name: 'a migration that fails',
        up: async ({ db }) => {
          await db.schema.createTable('no_such_table').addColumn('id', 'integer').execute();
          throw new Error('the migration broke');
        },
      };
      const later: Migration = { version: 1002, name: 'a later migration', up: async () => {} };
      await using([store], async () => {
        const result = await runMigrations(store.db, target.dialect, prefix, [...MIGRATIONS, failing, later]);

        expect(result.ok).toBe(false);
        expect(result.migrations.slice(-2)).toEqual([
          { version: 1001, name: 'a migration that fails', status: 'failed', error: 'the migration broke' },
          { version: 1002, name: 'a later migration', status: 'not run' },
        ]);
        expect(await migrationRows(store)).toHaveLength(MIGRATIONS.length);
        // The lock is free again: a run with the shipped migrations answers at once.
        expect((await store.migrateWithReport()).ok).toBe(true);
        await expect(store.migrate()).resolves.toBeUndefined();
      });
    });
  });
}
