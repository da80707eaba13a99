// The schema's versions, oldest first. Forward only: a released migration is never edited or
// removed; a change to the schema is a new entry at the end with the next version number.

import { GENESIS_HASH } from '@billkit/core';
import {
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Expression,
  type RawBuilder,
  sql,
} from 'kysely';
import type { ColumnTypes, Executor, SqlDialect } from '../dialects/dialect.js';
import { floorDivide } from '../integer-division.js';
import type { TableName } from '../schema.js';

export interface MigrationContext {
  db: Executor;
  /** The dialect's expressions, for migrations that compute new columns from stored rows. */
  dialect: SqlDialect;
  types: ColumnTypes;
  /** The table prefix, for the names of constraints and indexes (tables get it from the plugin). */
  prefix: string;
  /** Adds the dialect's table options (engine, charset) to a CREATE TABLE. */
  finish<T extends string>(builder: CreateTableBuilder<T, any>): CreateTableBuilder<T, any>;
  /** Drops one of Billkit's indexes from `table`; `name` is without the prefix. */
  dropIndex(name: string, table: TableName): Promise<void>;
}

export interface Migration {
  version: number;
  name: string;
  up(context: MigrationContext): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'mirror tables, webhook inbox and audit log',
    up: createMirrorTables,
  },
  {
    version: 2,
    name: 'credits and notification outbox',
    up: createCreditsAndOutbox,
  },
  {
    version: 3,
    name: 'refund and dispute details, lists by invoice and by card expiry',
    up: addRefundAndDisputeDetails,
  },
  {
    version: 4,
    name: 'MRR ledger, extended grace, indexes for analytics',
    up: addAnalytics,
  },
  {
    version: 5,
    name: 'API usage metering: events, roll-ups, distinct users, budgets and alerts',
    up: createMeteringTables,
  },
  {
    version: 6,
    name: 'audit log hash chain (each entry linked to the one before it) and request ids',
    up: addAuditChain,
  },
  {
    version: 7,
    name: 'checkpoints of long jobs (the reconcile cursor)',
    up: createCheckpoints,
  },
];

async function createMirrorTables({ db, types: t, prefix, finish }: MigrationContext): Promise<void> {
  const schema = db.schema;
  const index = (name: string) => schema.createIndex(`${prefix}${name}`);

  await finish(
    schema
      .createTable('customers')
      .addColumn('stripe_customer_id', t.id, (c) => c.notNull())
      .addColumn('user_id', t.id, (c) => c.notNull())
      .addColumn('email', t.text)
      .addColumn('name', t.text)
      .addColumn('address', t.longText)
      .addColumn('tax_id_type', t.short)
      .addColumn('tax_id_value', t.text)
      .addColumn('currency', t.short)
      .addColumn('balance', t.bigint, (c) => c.notNull())
      .addColumn('default_payment_method_id', t.id)
      .addColumn('deleted', t.boolean, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('watermark', t.bigint, (c) => c.notNull())
      .addColumn('version', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}customers_pkey`, ['stripe_customer_id'])
      .addUniqueConstraint(`${prefix}customers_user_id_key`, ['user_id']),
  ).execute();
  await index('customers_created_idx')
    .on('customers')
    .columns(['created_at', 'stripe_customer_id'])
    .execute();

  await finish(
    schema
      .createTable('subscriptions')
      .addColumn('stripe_subscription_id', t.id, (c) => c.notNull())
      .addColumn('stripe_customer_id', t.id, (c) => c.notNull())
      .addColumn('user_id', t.id, (c) => c.notNull())
      .addColumn('status', t.short, (c) => c.notNull())
      .addColumn('plan_id', t.id)
      .addColumn('stripe_price_id', t.id, (c) => c.notNull())
      .addColumn('interval', t.short, (c) => c.notNull())
      .addColumn('quantity', t.bigint, (c) => c.notNull())
      .addColumn('amount', t.bigint, (c) => c.notNull())
      .addColumn('currency', t.short, (c) => c.notNull())
      .addColumn('current_period_start', t.timestamp, (c) => c.notNull())
      .addColumn('current_period_end', t.timestamp, (c) => c.notNull())
      .addColumn('cancel_at_period_end', t.boolean, (c) => c.notNull())
      .addColumn('cancel_at', t.timestamp)
      .addColumn('canceled_at', t.timestamp)
      .addColumn('ended_at', t.timestamp)
      .addColumn('trial_start', t.timestamp)
      .addColumn('trial_end', t.timestamp)
      .addColumn('paused_collection', t.short)
      .addColumn('past_due_since', t.timestamp)
      .addColumn('latest_invoice_id', t.id)
      .addColumn('downgrade_until', t.timestamp)
      .addColumn('downgrade_from_plan_id', t.id)
      .addColumn('cancellation_reason', t.text)
      .addColumn('cancellation_feedback', t.text)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('watermark', t.bigint, (c) => c.notNull())
      .addColumn('version', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}subscriptions_pkey`, ['stripe_subscription_id']),
  ).execute();
  await index('subscriptions_user_idx')
    .on('subscriptions')
    .columns(['user_id', 'created_at', 'stripe_subscription_id'])
    .execute();
  await index('subscriptions_customer_idx').on('subscriptions').column('stripe_customer_id').execute();
  await index('subscriptions_created_idx')
    .on('subscriptions')
    .columns(['created_at', 'stripe_subscription_id'])
    .execute();
  await index('subscriptions_status_idx')
    .on('subscriptions')
    .columns(['status', 'current_period_end'])
    .execute();

  await finish(
    schema
      .createTable('payment_methods')
      .addColumn('stripe_payment_method_id', t.id, (c) => c.notNull())
      .addColumn('stripe_customer_id', t.id, (c) => c.notNull())
      .addColumn('user_id', t.id, (c) => c.notNull())
      .addColumn('type', t.short, (c) => c.notNull())
      .addColumn('brand', t.short)
      .addColumn('last4', t.short)
      .addColumn('exp_month', t.integer)
      .addColumn('exp_year', t.integer)
      .addColumn('wallet', t.short)
      .addColumn('is_default', t.boolean, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('watermark', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}payment_methods_pkey`, ['stripe_payment_method_id']),
  ).execute();
  await index('payment_methods_customer_idx')
    .on('payment_methods')
    .columns(['stripe_customer_id', 'created_at', 'stripe_payment_method_id'])
    .execute();
  await index('payment_methods_user_idx').on('payment_methods').column('user_id').execute();

  await finish(
    schema
      .createTable('invoices')
      .addColumn('stripe_invoice_id', t.id, (c) => c.notNull())
      .addColumn('stripe_customer_id', t.id, (c) => c.notNull())
      .addColumn('user_id', t.id)
      .addColumn('stripe_subscription_id', t.id)
      .addColumn('number', t.short)
      .addColumn('status', t.short, (c) => c.notNull())
      .addColumn('billing_reason', t.short)
      .addColumn('currency', t.short, (c) => c.notNull())
      .addColumn('subtotal', t.bigint, (c) => c.notNull())
      .addColumn('tax', t.bigint, (c) => c.notNull())
      .addColumn('total', t.bigint, (c) => c.notNull())
      .addColumn('amount_due', t.bigint, (c) => c.notNull())
      .addColumn('amount_paid', t.bigint, (c) => c.notNull())
      .addColumn('amount_remaining', t.bigint, (c) => c.notNull())
      .addColumn('attempt_count', t.integer, (c) => c.notNull())
      .addColumn('next_payment_attempt', t.timestamp)
      .addColumn('hosted_invoice_url', t.text)
      .addColumn('invoice_pdf', t.text)
      .addColumn('period_start', t.timestamp, (c) => c.notNull())
      .addColumn('period_end', t.timestamp, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('finalized_at', t.timestamp)
      .addColumn('paid_at', t.timestamp)
      .addColumn('voided_at', t.timestamp)
      .addColumn('watermark', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}invoices_pkey`, ['stripe_invoice_id']),
  ).execute();
  await index('invoices_user_idx')
    .on('invoices')
    .columns(['user_id', 'created_at', 'stripe_invoice_id'])
    .execute();
  await index('invoices_created_idx').on('invoices').columns(['created_at', 'stripe_invoice_id']).execute();
  await index('invoices_customer_idx').on('invoices').column('stripe_customer_id').execute();
  await index('invoices_subscription_idx').on('invoices').column('stripe_subscription_id').execute();
  await index('invoices_status_idx').on('invoices').columns(['status', 'created_at']).execute();

  await finish(
    schema
      .createTable('invoice_lines')
      .addColumn('stripe_invoice_id', t.id, (c) => c.notNull())
      .addColumn('position', t.integer, (c) => c.notNull())
      .addColumn('stripe_line_id', t.id, (c) => c.notNull())
      .addColumn('description', t.text)
      .addColumn('amount', t.bigint, (c) => c.notNull())
      .addColumn('quantity', t.bigint)
      .addColumn('proration', t.boolean, (c) => c.notNull())
      .addColumn('tax', t.bigint, (c) => c.notNull())
      .addColumn('stripe_price_id', t.id)
      .addColumn('period_start', t.timestamp, (c) => c.notNull())
      .addColumn('period_end', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}invoice_lines_pkey`, ['stripe_invoice_id', 'position']),
  ).execute();
  await index('invoice_lines_price_idx').on('invoice_lines').column('stripe_price_id').execute();

  await finish(
    schema
      .createTable('payments')
      .addColumn('stripe_charge_id', t.id, (c) => c.notNull())
      .addColumn('stripe_payment_intent_id', t.id)
      .addColumn('stripe_customer_id', t.id)
      .addColumn('user_id', t.id)
      .addColumn('stripe_invoice_id', t.id)
      .addColumn('status', t.short, (c) => c.notNull())
      .addColumn('amount', t.bigint, (c) => c.notNull())
      .addColumn('currency', t.short, (c) => c.notNull())
      .addColumn('fee', t.bigint)
      .addColumn('net', t.bigint)
      .addColumn('amount_refunded', t.bigint, (c) => c.notNull())
      .addColumn('refunded', t.boolean, (c) => c.notNull())
      .addColumn('disputed', t.boolean, (c) => c.notNull())
      .addColumn('failure_code', t.short)
      .addColumn('failure_message', t.text)
      .addColumn('brand', t.short)
      .addColumn('last4', t.short)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('watermark', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}payments_pkey`, ['stripe_charge_id']),
  ).execute();
  await index('payments_user_idx')
    .on('payments')
    .columns(['user_id', 'created_at', 'stripe_charge_id'])
    .execute();
  await index('payments_created_idx').on('payments').columns(['created_at', 'stripe_charge_id']).execute();
  await index('payments_invoice_idx').on('payments').column('stripe_invoice_id').execute();
  await index('payments_intent_idx').on('payments').column('stripe_payment_intent_id').execute();
  await index('payments_customer_idx').on('payments').column('stripe_customer_id').execute();

  await finish(
    schema
      .createTable('refunds')
      .addColumn('stripe_refund_id', t.id, (c) => c.notNull())
      .addColumn('stripe_charge_id', t.id)
      .addColumn('stripe_customer_id', t.id)
      .addColumn('user_id', t.id)
      .addColumn('amount', t.bigint, (c) => c.notNull())
      .addColumn('currency', t.short, (c) => c.notNull())
      .addColumn('status', t.short, (c) => c.notNull())
      .addColumn('reason', t.short)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('watermark', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}refunds_pkey`, ['stripe_refund_id']),
  ).execute();
  await index('refunds_charge_idx')
    .on('refunds')
    .columns(['stripe_charge_id', 'created_at', 'stripe_refund_id'])
    .execute();
  await index('refunds_created_idx').on('refunds').columns(['created_at', 'stripe_refund_id']).execute();

  await finish(
    schema
      .createTable('disputes')
      .addColumn('stripe_dispute_id', t.id, (c) => c.notNull())
      .addColumn('stripe_charge_id', t.id, (c) => c.notNull())
      .addColumn('user_id', t.id)
      .addColumn('amount', t.bigint, (c) => c.notNull())
      .addColumn('currency', t.short, (c) => c.notNull())
      .addColumn('status', t.short, (c) => c.notNull())
      .addColumn('reason', t.short, (c) => c.notNull())
      .addColumn('evidence_due_by', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('watermark', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}disputes_pkey`, ['stripe_dispute_id']),
  ).execute();
  await index('disputes_created_idx').on('disputes').columns(['created_at', 'stripe_dispute_id']).execute();
  await index('disputes_charge_idx').on('disputes').column('stripe_charge_id').execute();

  await finish(
    schema
      .createTable('webhook_events')
      .addColumn('event_id', t.id, (c) => c.notNull())
      .addColumn('type', t.short, (c) => c.notNull())
      .addColumn('stripe_created', t.timestamp, (c) => c.notNull())
      .addColumn('payload', t.longText, (c) => c.notNull())
      .addColumn('status', t.short, (c) => c.notNull())
      .addColumn('attempts', t.integer, (c) => c.notNull())
      .addColumn('last_error', t.text)
      .addColumn('note', t.text)
      .addColumn('received_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('lease_until', t.timestamp)
      .addPrimaryKeyConstraint(`${prefix}webhook_events_pkey`, ['event_id']),
  ).execute();
  await index('webhook_events_status_idx')
    .on('webhook_events')
    .columns(['status', 'received_at', 'event_id'])
    .execute();

  await finish(
    schema
      .createTable('audit_log')
      .addColumn('seq', t.sequenceKey)
      .addColumn('id', t.id, (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('actor', t.id, (c) => c.notNull())
      .addColumn('action', t.short, (c) => c.notNull())
      .addColumn('subject_type', t.short, (c) => c.notNull())
      .addColumn('subject_id', t.id, (c) => c.notNull())
      .addColumn('user_id', t.id)
      .addColumn('data', t.longText, (c) => c.notNull())
      .addUniqueConstraint(`${prefix}audit_log_id_key`, ['id']),
  ).execute();
  await index('audit_log_subject_idx').on('audit_log').columns(['subject_id', 'seq']).execute();
  await index('audit_log_user_idx').on('audit_log').columns(['user_id', 'seq']).execute();
  await index('audit_log_at_idx').on('audit_log').column('at').execute();
}

async function createCreditsAndOutbox({ db, types: t, prefix, finish }: MigrationContext): Promise<void> {
  const schema = db.schema;
  const index = (name: string) => schema.createIndex(`${prefix}${name}`);

  await finish(
    schema
      .createTable('credits')
      .addColumn('stripe_balance_transaction_id', t.id, (c) => c.notNull())
      .addColumn('stripe_customer_id', t.id, (c) => c.notNull())
      .addColumn('user_id', t.id)
      .addColumn('amount', t.bigint, (c) => c.notNull())
      .addColumn('currency', t.short, (c) => c.notNull())
      .addColumn('type', t.short, (c) => c.notNull())
      .addColumn('description', t.text)
      .addColumn('stripe_invoice_id', t.id)
      .addColumn('ending_balance', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('watermark', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}credits_pkey`, ['stripe_balance_transaction_id']),
  ).execute();
  await index('credits_user_idx')
    .on('credits')
    .columns(['user_id', 'created_at', 'stripe_balance_transaction_id'])
    .execute();
  await index('credits_created_idx')
    .on('credits')
    .columns(['created_at', 'stripe_balance_transaction_id'])
    .execute();
  await index('credits_customer_idx').on('credits').column('stripe_customer_id').execute();
  await index('credits_invoice_idx').on('credits').column('stripe_invoice_id').execute();

  await finish(
    schema
      .createTable('outbox')
      .addColumn('id', t.id, (c) => c.notNull())
      .addColumn('key', t.id, (c) => c.notNull())
      .addColumn('kind', t.short, (c) => c.notNull())
      .addColumn('user_id', t.id, (c) => c.notNull())
      .addColumn('email', t.text)
      .addColumn('data', t.longText, (c) => c.notNull())
      .addColumn('status', t.short, (c) => c.notNull())
      .addColumn('attempts', t.integer, (c) => c.notNull())
      .addColumn('last_error', t.text)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('available_at', t.timestamp, (c) => c.notNull())
      .addColumn('sent_at', t.timestamp)
      .addColumn('lease_until', t.timestamp)
      .addPrimaryKeyConstraint(`${prefix}outbox_pkey`, ['id'])
      .addUniqueConstraint(`${prefix}outbox_key_key`, ['key']),
  ).execute();
  // claimDue: due pending / failed messages by status and time, and sending ones by lease.
  await index('outbox_status_available_idx').on('outbox').columns(['status', 'available_at']).execute();
  await index('outbox_status_lease_idx').on('outbox').columns(['status', 'lease_until']).execute();
  await index('outbox_created_idx').on('outbox').columns(['created_at', 'id']).execute();
  await index('outbox_status_created_idx').on('outbox').columns(['status', 'created_at', 'id']).execute();
  await index('outbox_user_idx').on('outbox').column('user_id').execute();
}

async function addRefundAndDisputeDetails({
  db,
  types: t,
  prefix,
  dropIndex,
}: MigrationContext): Promise<void> {
  const schema = db.schema;
  const index = (name: string) => schema.createIndex(`${prefix}${name}`);
  // One column per statement: SQLite's ALTER TABLE adds one at a time. A NOT NULL column needs a
  // default there too; the defaults are what rows written before this migration read back.
  const addColumn = (
    table: 'refunds' | 'disputes',
    column: string,
    type: RawBuilder<unknown>,
    build: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder = (same) => same,
  ) => schema.alterTable(table).addColumn(column, type, build).execute();

  await addColumn('refunds', 'stripe_invoice_id', t.id);
  await addColumn('refunds', 'tax', t.bigint, (c) => c.notNull().defaultTo(0));
  await addColumn('refunds', 'actor', t.id);
  await addColumn('refunds', 'note', t.text);
  await addColumn('disputes', 'evidence_submission_count', t.integer, (c) => c.notNull().defaultTo(0));
  await addColumn('disputes', 'closed_at', t.timestamp);

  await index('refunds_invoice_idx')
    .on('refunds')
    .columns(['stripe_invoice_id', 'created_at', 'stripe_refund_id'])
    .execute();
  // payments.listByInvoice: in order from the index; it also serves every lookup the one-column
  // index of migration 1 served, so that one goes (after this one exists).
  await index('payments_invoice_created_idx')
    .on('payments')
    .columns(['stripe_invoice_id', 'created_at', 'stripe_charge_id'])
    .execute();
  await dropIndex('payments_invoice_idx', 'payments');
  // paymentMethods.listExpiring: cards (type = 'card') in expiry order.
  await index('payment_methods_expiry_idx')
    .on('payment_methods')
    .columns(['type', 'exp_year', 'exp_month', 'stripe_payment_method_id'])
    .execute();
}

async function addAnalytics({ db, dialect, types: t, prefix, finish }: MigrationContext): Promise<void> {
  const schema = db.schema;
  const index = (name: string) => schema.createIndex(`${prefix}${name}`);
  // One column per statement, as in migration 3 (SQLite).
  const addColumn = (
    table: 'subscriptions' | 'invoices',
    column: string,
    type: RawBuilder<unknown>,
    build: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder = (same) => same,
  ) => schema.alterTable(table).addColumn(column, type, build).execute();

  await addColumn('subscriptions', 'grace_extended_until', t.timestamp);

  await finish(
    schema
      .createTable('mrr_movements')
      .addColumn('id', t.id, (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('stripe_subscription_id', t.id, (c) => c.notNull())
      .addColumn('user_id', t.id, (c) => c.notNull())
      .addColumn('currency', t.short, (c) => c.notNull())
      .addColumn('mrr', t.bigint, (c) => c.notNull())
      .addColumn('delta', t.bigint, (c) => c.notNull())
      .addColumn('kind', t.short, (c) => c.notNull())
      .addColumn('customer_mrr', t.bigint, (c) => c.notNull())
      .addColumn('plan_id', t.id)
      .addPrimaryKeyConstraint(`${prefix}mrr_movements_pkey`, ['id']),
  ).execute();
  // mrrAt and mrrMovements: one currency's entries before an instant or in a range.
  await index('mrr_movements_currency_at_idx').on('mrr_movements').columns(['currency', 'at']).execute();
  // stateOf and a user's list.
  await index('mrr_movements_user_idx')
    .on('mrr_movements')
    .columns(['user_id', 'currency', 'at', 'id'])
    .execute();
  // A subscription's newest entry (its MRR now) and trial conversions.
  await index('mrr_movements_subscription_idx')
    .on('mrr_movements')
    .columns(['stripe_subscription_id', 'at', 'id'])
    .execute();
  // The whole ledger in order (list without a user).
  await index('mrr_movements_at_idx').on('mrr_movements').columns(['at', 'id']).execute();

  // Revenue analytics read the GST share and the service period from the invoice's row; rows
  // written before this migration get them here, from their own columns and their lines.
  await addColumn('invoices', 'gst_paid', t.bigint, (c) => c.notNull().defaultTo(0));
  await addColumn('invoices', 'service_start_ms', t.bigint, (c) => c.notNull().defaultTo(0));
  await addColumn('invoices', 'service_days', t.bigint, (c) => c.notNull().defaultTo(0));
  await fillInvoiceAnalytics(db, dialect);

  // sales, recognition and customerRevenue: paid invoices of one currency by payment time.
  await index('invoices_paid_idx').on('invoices').columns(['status', 'currency', 'paid_at']).execute();
  // trials: subscriptions whose trial ends in a range. (payments, refunds and disputes by creation
  // time, charges by invoice and a user's subscriptions newest first have their indexes already.)
  await index('subscriptions_trial_end_idx').on('subscriptions').column('trial_end').execute();
  // recoveries: an invoice's earliest failed charge, found from the index alone (one column
  // ahead of the rest so that MySQL, which has no partial indexes, uses it the same way).
  await index('payments_failed_idx')
    .on('payments')
    .columns(['status', 'stripe_invoice_id', 'created_at', 'stripe_charge_id'])
    .execute();
}

async function createMeteringTables({ db, types: t, prefix, finish }: MigrationContext): Promise<void> {
  const schema = db.schema;
  const index = (name: string) => schema.createIndex(`${prefix}${name}`);

  await finish(
    schema
      .createTable('usage_events')
      .addColumn('id', t.id, (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('provider', t.id, (c) => c.notNull())
      .addColumn('operation', t.id, (c) => c.notNull())
      .addColumn('model', t.id)
      .addColumn('feature', t.id)
      .addColumn('region', t.id)
      .addColumn('user_id', t.id)
      .addColumn('units', t.longText, (c) => c.notNull())
      .addColumn('cost_micros', t.bigint, (c) => c.notNull())
      .addColumn('currency', t.id, (c) => c.notNull())
      .addColumn('duration_ms', t.bigint)
      .addColumn('success', t.boolean, (c) => c.notNull())
      .addColumn('batch_token', t.id)
      .addPrimaryKeyConstraint(`${prefix}usage_events_pkey`, ['id']),
  ).execute();
  // events() pages and pruneEvents() deletes in (at, id) order.
  await index('usage_events_at_idx').on('usage_events').columns(['at', 'id']).execute();

  // The key is a hash of the dimensions (`series`), not the dimension columns themselves: eight
  // varchar(255) utf8mb4 columns exceed InnoDB's 3 072-byte key, and NULLs would be distinct in a
  // unique key. The primary key's prefix (granularity, bucket) is what usage() reads by.
  await finish(
    schema
      .createTable('usage_rollups')
      .addColumn('granularity', t.short, (c) => c.notNull())
      .addColumn('bucket', t.timestamp, (c) => c.notNull())
      .addColumn('series', t.id, (c) => c.notNull())
      .addColumn('provider', t.id, (c) => c.notNull())
      .addColumn('operation', t.id, (c) => c.notNull())
      .addColumn('model', t.id)
      .addColumn('feature', t.id)
      .addColumn('region', t.id)
      .addColumn('user_id', t.id)
      .addColumn('currency', t.id, (c) => c.notNull())
      .addColumn('event_count', t.bigint, (c) => c.notNull())
      .addColumn('failure_count', t.bigint, (c) => c.notNull())
      .addColumn('cost_micros', t.bigint, (c) => c.notNull())
      // The unit sums: one object per row, added to in place (a row per unit cost a write each).
      .addColumn('units', t.json, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}usage_rollups_pkey`, ['granularity', 'bucket', 'series']),
  ).execute();
  await finish(
    schema
      .createTable('usage_budgets')
      .addColumn('id', t.id, (c) => c.notNull())
      .addColumn('scope_kind', t.short, (c) => c.notNull())
      .addColumn('scope_provider', t.id)
      .addColumn('amount_micros', t.bigint, (c) => c.notNull())
      .addColumn('currency', t.short, (c) => c.notNull())
      .addColumn('thresholds', t.text, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}usage_budgets_pkey`, ['id']),
  ).execute();
  await index('usage_budgets_created_idx').on('usage_budgets').columns(['created_at', 'id']).execute();

  // The unique key is what makes a claim happen once. The threshold is text (the number as
  // `String(n)` writes it), so a fractional percentage is kept and compared exactly.
  await finish(
    schema
      .createTable('usage_alerts')
      .addColumn('id', t.id, (c) => c.notNull())
      .addColumn('budget_id', t.id, (c) => c.notNull())
      .addColumn('period', t.short, (c) => c.notNull())
      .addColumn('threshold', t.short, (c) => c.notNull())
      .addColumn('kind', t.short, (c) => c.notNull())
      .addColumn('spent_micros', t.bigint, (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}usage_alerts_pkey`, ['id'])
      .addUniqueConstraint(`${prefix}usage_alerts_claim_key`, ['budget_id', 'period', 'threshold', 'kind']),
  ).execute();
  await index('usage_alerts_at_idx').on('usage_alerts').columns(['at', 'id']).execute();
}

/**
 * Computes migration 4's invoice columns for the rows already stored, as the invoice repository
 * writes them: `gstShare` (half up, in integers) and the service period of the lines.
 */
async function fillInvoiceAnalytics(db: Executor, dialect: SqlDialect): Promise<void> {
  const invoice = (column: string) => sql.ref(`invoices.${column}`);
  const lines = (aggregate: 'min' | 'max', column: 'period_start' | 'period_end') =>
    db
      .selectFrom('invoice_lines as l')
      .select(sql`${sql.raw(aggregate)}(${sql.ref(`l.${column}`)})`.as(column))
      .where(sql<boolean>`${sql.ref('l.stripe_invoice_id')} = ${invoice('stripe_invoice_id')}`);
  const startMs = dialect.epochMilliseconds(
    sql`coalesce(${lines('min', 'period_start')}, ${invoice('period_start')})`,
  );
  const endMs = dialect.epochMilliseconds(
    sql`coalesce(${lines('max', 'period_end')}, ${invoice('period_end')})`,
  );
  const [tax, total, paid] = [invoice('tax'), invoice('total'), invoice('amount_paid')];
  const wide = (value: Expression<unknown>) => dialect.wideInteger(value);
  const paidUpToTotal = sql`case when ${paid} < ${total} then ${paid} else ${total} end`;
  const share = dialect.integerDivide(
    sql`2 * ${wide(tax)} * ${wide(paidUpToTotal)} + ${wide(total)}`,
    sql`2 * ${wide(total)}`,
  );
  await db
    .updateTable('invoices')
    .set({
      gst_paid: sql`case when ${total} > 0 and ${tax} > 0 and ${paid} > 0 then ${share} else 0 end`,
      service_start_ms: startMs,
      service_days: floorDivide(dialect, sql`${endMs} - ${startMs}`, 86_400_000),
    })
    .execute();
}

/**
 * The audit log's hash chain: an entry's position and hash (null until `auditChain.seal` links
 * it), and the chain's head in a table of its own, one row, so entries deleted from the end are
 * missed and concurrent seals take turns on one lock. Entries stored before this migration are
 * linked by the first seal.
 */
async function addAuditChain({ db, types: t, prefix, finish }: MigrationContext): Promise<void> {
  const schema = db.schema;
  // One column per statement (SQLite).
  await schema.alterTable('audit_log').addColumn('chain_position', t.bigint).execute();
  await schema.alterTable('audit_log').addColumn('chain_hash', t.short).execute();
  // The request an entry was written for (`billing.withRequest`), hashed with the rest of it.
  await schema.alterTable('audit_log').addColumn('request_id', t.id).execute();
  await schema
    .createIndex(`${prefix}audit_log_chain_position_key`)
    .on('audit_log')
    .column('chain_position')
    .unique()
    .execute();
  await finish(
    schema
      .createTable('audit_chain')
      .addColumn('id', t.short, (c) => c.notNull())
      .addColumn('position', t.bigint, (c) => c.notNull())
      .addColumn('hash', t.short, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}audit_chain_pkey`, ['id']),
  ).execute();
  await db.insertInto('audit_chain').values({ id: 'head', position: 0, hash: GENESIS_HASH }).execute();
}

/** Named progress markers of long jobs: reconcile resumes from its cursor after a crash. */
async function createCheckpoints({ db, types: t, prefix, finish }: MigrationContext): Promise<void> {
  await finish(
    db.schema
      .createTable('checkpoints')
      .addColumn('name', t.id, (c) => c.notNull())
      .addColumn('value', t.longText, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${prefix}checkpoints_pkey`, ['name']),
  ).execute();
}
