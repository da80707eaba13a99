// The tables of the SQL mirror as Kysely sees them, under their logical names (`customers`); the
// table prefix (`billkit_` by default) is added to every name by `TablePrefixPlugin` on the way out.

import type { Generated } from 'kysely';

/** What a timestamp column holds: a Date (pg, mysql2) or UTC text (SQLite, mysql2 `dateStrings`). */
export type DbDate = Date | string;
/** What a boolean column holds: a boolean (PostgreSQL) or 0 / 1 (SQLite, MySQL). */
export type DbBoolean = boolean | number;
/** What an integer column holds: a number, or a string for bigints (pg's int8, mysql2 big numbers). */
export type DbInteger = number | string | bigint;

export interface CustomersTable {
  stripe_customer_id: string;
  user_id: string;
  email: string | null;
  name: string | null;
  /** JSON text of the address, or null. */
  address: string | null;
  tax_id_type: string | null;
  tax_id_value: string | null;
  currency: string | null;
  balance: DbInteger;
  default_payment_method_id: string | null;
  deleted: DbBoolean;
  created_at: DbDate;
  updated_at: DbDate;
  watermark: DbInteger;
  version: DbInteger;
}

export interface SubscriptionsTable {
  stripe_subscription_id: string;
  stripe_customer_id: string;
  user_id: string;
  status: string;
  plan_id: string | null;
  stripe_price_id: string;
  interval: string;
  quantity: DbInteger;
  amount: DbInteger;
  currency: string;
  current_period_start: DbDate;
  current_period_end: DbDate;
  cancel_at_period_end: DbBoolean;
  cancel_at: DbDate | null;
  canceled_at: DbDate | null;
  ended_at: DbDate | null;
  trial_start: DbDate | null;
  trial_end: DbDate | null;
  paused_collection: string | null;
  past_due_since: DbDate | null;
  /** Added by migration 4. */
  grace_extended_until: DbDate | null;
  latest_invoice_id: string | null;
  /** Set (with `downgrade_from_plan_id`) while a scheduled downgrade is pending. */
  downgrade_until: DbDate | null;
  downgrade_from_plan_id: string | null;
  cancellation_reason: string | null;
  cancellation_feedback: string | null;
  created_at: DbDate;
  updated_at: DbDate;
  watermark: DbInteger;
  version: DbInteger;
}

export interface PaymentMethodsTable {
  stripe_payment_method_id: string;
  stripe_customer_id: string;
  user_id: string;
  type: string;
  brand: string | null;
  last4: string | null;
  exp_month: DbInteger | null;
  exp_year: DbInteger | null;
  wallet: string | null;
  is_default: DbBoolean;
  created_at: DbDate;
  watermark: DbInteger;
}

export interface InvoicesTable {
  stripe_invoice_id: string;
  stripe_customer_id: string;
  user_id: string | null;
  stripe_subscription_id: string | null;
  number: string | null;
  status: string;
  billing_reason: string | null;
  currency: string;
  subtotal: DbInteger;
  tax: DbInteger;
  total: DbInteger;
  amount_due: DbInteger;
  amount_paid: DbInteger;
  amount_remaining: DbInteger;
  attempt_count: DbInteger;
  next_payment_attempt: DbDate | null;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  period_start: DbDate;
  period_end: DbDate;
  created_at: DbDate;
  finalized_at: DbDate | null;
  paid_at: DbDate | null;
  voided_at: DbDate | null;
  // Added by migration 4: figures of the payment that revenue analytics read from the invoice's own
  // row, written with it (and its lines) so an instant's figures are one pass over plain columns.
  /** The GST share of `amount_paid` (`gstShare(tax, total, amount_paid)`). */
  gst_paid: DbInteger;
  /** Start of the service period (the lines' earliest `period_start`, else the invoice's), epoch ms. */
  service_start_ms: DbInteger;
  /** Whole days of the service period: floor((latest `period_end` − start) / 1 day); may be ≤ 0. */
  service_days: DbInteger;
  watermark: DbInteger;
}

export interface InvoiceLinesTable {
  stripe_invoice_id: string;
  /** The line's place in the invoice, from 0: lines come back in the order they were written. */
  position: DbInteger;
  stripe_line_id: string;
  description: string | null;
  amount: DbInteger;
  quantity: DbInteger | null;
  proration: DbBoolean;
  tax: DbInteger;
  stripe_price_id: string | null;
  period_start: DbDate;
  period_end: DbDate;
}

export interface PaymentsTable {
  stripe_charge_id: string;
  stripe_payment_intent_id: string | null;
  stripe_customer_id: string | null;
  user_id: string | null;
  stripe_invoice_id: string | null;
  status: string;
  amount: DbInteger;
  currency: string;
  fee: DbInteger | null;
  net: DbInteger | null;
  amount_refunded: DbInteger;
  refunded: DbBoolean;
  disputed: DbBoolean;
  failure_code: string | null;
  failure_message: string | null;
  brand: string | null;
  last4: string | null;
  created_at: DbDate;
  watermark: DbInteger;
}

export interface RefundsTable {
  stripe_refund_id: string;
  stripe_charge_id: string | null;
  /** Added by migration 3, like `tax`, `actor` and `note`. */
  stripe_invoice_id: string | null;
  stripe_customer_id: string | null;
  user_id: string | null;
  amount: DbInteger;
  currency: string;
  tax: DbInteger;
  status: string;
  reason: string | null;
  actor: string | null;
  note: string | null;
  created_at: DbDate;
  watermark: DbInteger;
}

export interface DisputesTable {
  stripe_dispute_id: string;
  stripe_charge_id: string;
  user_id: string | null;
  amount: DbInteger;
  currency: string;
  status: string;
  reason: string;
  evidence_due_by: DbDate | null;
  /** Added by migration 3, like `closed_at`. */
  evidence_submission_count: DbInteger;
  closed_at: DbDate | null;
  created_at: DbDate;
  watermark: DbInteger;
}

export interface WebhookEventsTable {
  event_id: string;
  type: string;
  stripe_created: DbDate;
  payload: string;
  status: string;
  attempts: DbInteger;
  last_error: string | null;
  note: string | null;
  received_at: DbDate;
  updated_at: DbDate;
  lease_until: DbDate | null;
}

export interface AuditLogTable {
  /** Append order: assigned by the database, so entries list in the order they were written. */
  seq: Generated<DbInteger>;
  id: string;
  at: DbDate;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  user_id: string | null;
  /** JSON text; Dates inside are kept as `{ "$date": ISO }` and revived on read. */
  data: string;
  /** The request the entry was written for, if any. */
  request_id: string | null;
  /** The entry's place in the hash chain: null until `auditChain.seal` links it. */
  chain_position: DbInteger | null;
  chain_hash: string | null;
}

/** The audit chain's head: one row, id 'head', the last position and hash sealed. */
export interface AuditChainTable {
  id: string;
  position: DbInteger;
  hash: string;
}

export interface CheckpointsTable {
  name: string;
  value: string;
  updated_at: DbDate;
}

export interface CreditsTable {
  stripe_balance_transaction_id: string;
  stripe_customer_id: string;
  user_id: string | null;
  amount: DbInteger;
  currency: string;
  type: string;
  description: string | null;
  stripe_invoice_id: string | null;
  ending_balance: DbInteger;
  created_at: DbDate;
  watermark: DbInteger;
}

export interface OutboxTable {
  id: string;
  /** The dedupe key (unique). */
  key: string;
  kind: string;
  user_id: string;
  email: string | null;
  /** JSON text; Dates inside are kept as `{ "$date": ISO }` and revived on read. */
  data: string;
  status: string;
  attempts: DbInteger;
  last_error: string | null;
  created_at: DbDate;
  available_at: DbDate;
  sent_at: DbDate | null;
  lease_until: DbDate | null;
}

/** The MRR ledger (migration 4): append-only, one row per change of one subscription's MRR. */
export interface MrrMovementsTable {
  id: string;
  at: DbDate;
  stripe_subscription_id: string;
  user_id: string;
  currency: string;
  mrr: DbInteger;
  delta: DbInteger;
  kind: string;
  customer_mrr: DbInteger;
  plan_id: string | null;
}

// The metering tables (migration 5): see `repositories/metering.ts` for how they are written.

/** Raw usage events: one row per metered call, kept until `pruneEvents`. */
export interface UsageEventsTable {
  id: string;
  at: DbDate;
  provider: string;
  operation: string;
  model: string | null;
  feature: string | null;
  region: string | null;
  user_id: string | null;
  /** JSON text of the quantities by unit. */
  units: string;
  cost_micros: DbInteger;
  currency: string;
  duration_ms: DbInteger | null;
  success: DbBoolean;
  /**
   * The random token of the batch that stored the row, where INSERT … RETURNING is missing
   * (MySQL): how a batch learns which of its ids it stored. Null elsewhere.
   */
  batch_token: string | null;
}

/** Roll-ups: one row per granularity, bucket, combination of the six dimensions and currency. */
export interface UsageRollupsTable {
  /** 'minute' | 'hour' | 'day' | 'month'. */
  granularity: string;
  /** The bucket's first instant (UTC). */
  bucket: DbDate;
  /** The row's key within its bucket: a hash of the six dimensions (nulls included) and the currency. */
  series: string;
  provider: string;
  operation: string;
  model: string | null;
  feature: string | null;
  region: string | null;
  user_id: string | null;
  currency: string;
  event_count: DbInteger;
  failure_count: DbInteger;
  cost_micros: DbInteger;
  /**
   * The unit sums, a JSON object: `{"input_tokens": 1200}` (text on SQLite and MySQL; written as
   * the object itself where rows travel as JSON, PostgreSQL's jsonb).
   */
  units: string | Record<string, number>;
}

export interface UsageBudgetsTable {
  id: string;
  /** 'overall' | 'provider'. */
  scope_kind: string;
  /** The provider of a 'provider' budget, else null. */
  scope_provider: string | null;
  amount_micros: DbInteger;
  currency: string;
  /** JSON text of the percentages, ascending. */
  thresholds: string;
  created_at: DbDate;
  updated_at: DbDate;
}

/** Budget alerts sent: unique by (budget_id, period, threshold, kind). */
export interface UsageAlertsTable {
  id: string;
  budget_id: string;
  period: string;
  /** The percentage as `String(threshold)` writes it (exact for fractions too). */
  threshold: string;
  kind: string;
  spent_micros: DbInteger;
  at: DbDate;
}

export interface MigrationsTable {
  version: DbInteger;
  name: string;
  applied_at: DbDate;
}

export interface Database {
  customers: CustomersTable;
  subscriptions: SubscriptionsTable;
  payment_methods: PaymentMethodsTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  disputes: DisputesTable;
  webhook_events: WebhookEventsTable;
  audit_log: AuditLogTable;
  audit_chain: AuditChainTable;
  checkpoints: CheckpointsTable;
  credits: CreditsTable;
  outbox: OutboxTable;
  mrr_movements: MrrMovementsTable;
  usage_events: UsageEventsTable;
  usage_rollups: UsageRollupsTable;
  usage_budgets: UsageBudgetsTable;
  usage_alerts: UsageAlertsTable;
  migrations: MigrationsTable;
}

export type TableName = keyof Database;

export const TABLE_NAMES: readonly TableName[] = [
  'customers',
  'subscriptions',
  'payment_methods',
  'invoices',
  'invoice_lines',
  'payments',
  'refunds',
  'disputes',
  'webhook_events',
  'audit_log',
  'audit_chain',
  'checkpoints',
  'credits',
  'outbox',
  'mrr_movements',
  'usage_events',
  'usage_rollups',
  'usage_budgets',
  'usage_alerts',
  'migrations',
];
