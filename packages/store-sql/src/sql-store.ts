// The shared query layer: one BillingStore over Kysely for every dialect. The dialect file gives
// the few things that differ (types, upserts, locks, error codes); everything else is here.

import type { BillingStore, StoreSession } from '@billkit/core';
import { Kysely, type Dialect as KyselyDialect } from 'kysely';
import type { Executor, SqlDialect } from './dialects/dialect.js';
import { type MigrateResult, MigrationError, runMigrations } from './migrations/migrate.js';
import { analyticsQueries } from './repositories/analytics.js';
import { auditChain, auditLog } from './repositories/audit-log.js';
import { checkpoints } from './repositories/checkpoints.js';
import { creditRepository } from './repositories/credits.js';
import { customerRepository } from './repositories/customers.js';
import { invoiceRepository } from './repositories/invoices.js';
import { meteringRepository } from './repositories/metering.js';
import { mrrLedger } from './repositories/mrr-ledger.js';
import { notificationOutbox } from './repositories/outbox.js';
import { paymentMethodRepository } from './repositories/payment-methods.js';
import { disputeRepository, paymentRepository, refundRepository } from './repositories/payments.js';
import { subscriptionRepository } from './repositories/subscriptions.js';
import { webhookEventRepository } from './repositories/webhook-events.js';
import type { Database } from './schema.js';
import type { SqlContext } from './sql-context.js';
import { checkTablePrefix, DEFAULT_TABLE_PREFIX, TablePrefixPlugin } from './table-prefix.js';

/** Options every SQL store takes. */
export interface SqlStoreOptions {
  /**
   * Put before every table name, so Billkit's tables never collide with the host's.
   * @default 'billkit_'
   */
  tablePrefix?: string;
}

/** A BillingStore on SQL: the port, plus the migration report and the Kysely instance it runs on. */
export interface SqlBillingStore extends BillingStore {
  /** Like `migrate()`, but answers what happened to each migration instead of throwing. */
  migrateWithReport(): Promise<MigrateResult>;
  /** The Kysely instance (table names as written in the schema, without the prefix). */
  readonly db: Kysely<Database>;
}

export function createSqlStore(
  dialect: SqlDialect,
  kyselyDialect: KyselyDialect,
  options: SqlStoreOptions = {},
): SqlBillingStore {
  const prefix = checkTablePrefix(options.tablePrefix ?? DEFAULT_TABLE_PREFIX);
  const db = new Kysely<Database>({ dialect: kyselyDialect, plugins: [new TablePrefixPlugin(prefix)] });
  const sessionOn = (executor: Executor, inTransaction: boolean): StoreSession =>
    createSession({ db: executor, dialect, prefix, inTransaction });
  const migrateWithReport = () => runMigrations(db, dialect, prefix);

  return {
    name: dialect.name,
    capabilities: { ...dialect.capabilities },
    db,
    ...sessionOn(db, false),
    analytics: analyticsQueries({ db, dialect, prefix, inTransaction: false }),
    metering: meteringRepository({ db, dialect, prefix, inTransaction: false }),
    auditChain: auditChain({ db, dialect, prefix, inTransaction: false }),
    checkpoints: checkpoints({ db, dialect, prefix, inTransaction: false }),
    transaction: (fn) => db.transaction().execute((transaction) => fn(sessionOn(transaction, true))),
    migrate: async () => {
      const result = await migrateWithReport();
      if (!result.ok) throw new MigrationError(result);
    },
    migrateWithReport,
    close: () => db.destroy(),
  };
}

function createSession(context: SqlContext): StoreSession {
  return {
    customers: customerRepository(context),
    subscriptions: subscriptionRepository(context),
    paymentMethods: paymentMethodRepository(context),
    invoices: invoiceRepository(context),
    payments: paymentRepository(context),
    refunds: refundRepository(context),
    disputes: disputeRepository(context),
    webhookEvents: webhookEventRepository(context),
    audit: auditLog(context),
    credits: creditRepository(context),
    outbox: notificationOutbox(context),
    mrr: mrrLedger(context),
  };
}
