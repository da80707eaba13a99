// Payments (Stripe charges, with fee and net), their refunds, and disputes.

import type {
  DisputeRecord,
  DisputeRepository,
  PaymentRecord,
  PaymentRepository,
  RefundRecord,
  RefundRepository,
} from '@billkit/core';
import type { Selectable } from 'kysely';
import { dateOrNull, dbDateOrNull, toBoolean, toNumber, toNumberOrNull } from '../columns.js';
import { keysetPage } from '../pages.js';
import type { DisputesTable, PaymentsTable, RefundsTable } from '../schema.js';
import { type SqlContext, upsertRow } from '../sql-context.js';

export function paymentRepository(context: SqlContext): PaymentRepository {
  const { dialect } = context;
  const toRow = (record: PaymentRecord): PaymentsTable => ({
    stripe_charge_id: record.stripeChargeId,
    stripe_payment_intent_id: record.stripePaymentIntentId,
    stripe_customer_id: record.stripeCustomerId,
    user_id: record.userId,
    stripe_invoice_id: record.stripeInvoiceId,
    status: record.status,
    amount: record.amount,
    currency: record.currency,
    fee: record.fee,
    net: record.net,
    amount_refunded: record.amountRefunded,
    refunded: dialect.toDbBoolean(record.refunded),
    disputed: dialect.toDbBoolean(record.disputed),
    failure_code: record.failureCode,
    failure_message: record.failureMessage,
    brand: record.brand,
    last4: record.last4,
    created_at: dialect.toDbDate(record.createdAt),
    watermark: record.watermark,
  });
  const fromRow = (row: Selectable<PaymentsTable>): PaymentRecord => ({
    stripeChargeId: row.stripe_charge_id,
    stripePaymentIntentId: row.stripe_payment_intent_id,
    stripeCustomerId: row.stripe_customer_id,
    userId: row.user_id,
    stripeInvoiceId: row.stripe_invoice_id,
    status: row.status as PaymentRecord['status'],
    amount: toNumber(row.amount),
    currency: row.currency,
    fee: toNumberOrNull(row.fee),
    net: toNumberOrNull(row.net),
    amountRefunded: toNumber(row.amount_refunded),
    refunded: toBoolean(row.refunded),
    disputed: toBoolean(row.disputed),
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    brand: row.brand,
    last4: row.last4,
    createdAt: dialect.fromDbDate(row.created_at),
    watermark: toNumber(row.watermark),
  });

  return {
    findByStripeId: async (stripeChargeId) => {
      const row = await context.db
        .selectFrom('payments')
        .selectAll()
        .where('stripe_charge_id', '=', stripeChargeId)
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    },
    upsert: (record) =>
      upsertRow(context, { table: 'payments', key: 'stripe_charge_id', row: { ...toRow(record) } }),
    listByUserId: (userId, page) =>
      keysetPage(
        dialect,
        context.db.selectFrom('payments').selectAll().where('user_id', '=', userId),
        {
          list: 'paymentsOfUser',
          timeColumn: 'created_at',
          idColumn: 'stripe_charge_id',
          order: 'newestFirst',
        },
        page,
        (rows) => rows.map(fromRow),
      ),
    list: (page) =>
      keysetPage(
        dialect,
        context.db.selectFrom('payments').selectAll(),
        { list: 'payments', timeColumn: 'created_at', idColumn: 'stripe_charge_id', order: 'oldestFirst' },
        page,
        (rows) => rows.map(fromRow),
      ),
    listByInvoice: async (stripeInvoiceId) => {
      const rows = await context.db
        .selectFrom('payments')
        .selectAll()
        .where('stripe_invoice_id', '=', stripeInvoiceId)
        .orderBy('created_at', 'asc')
        .orderBy('stripe_charge_id', 'asc')
        .execute();
      return rows.map(fromRow);
    },
  };
}

export function refundRepository(context: SqlContext): RefundRepository {
  const { dialect } = context;
  const toRow = (record: RefundRecord): RefundsTable => ({
    stripe_refund_id: record.stripeRefundId,
    stripe_charge_id: record.stripeChargeId,
    stripe_invoice_id: record.stripeInvoiceId,
    stripe_customer_id: record.stripeCustomerId,
    user_id: record.userId,
    amount: record.amount,
    currency: record.currency,
    tax: record.tax,
    status: record.status,
    reason: record.reason,
    actor: record.actor,
    note: record.note,
    created_at: dialect.toDbDate(record.createdAt),
    watermark: record.watermark,
  });
  const fromRow = (row: Selectable<RefundsTable>): RefundRecord => ({
    stripeRefundId: row.stripe_refund_id,
    stripeChargeId: row.stripe_charge_id,
    stripeInvoiceId: row.stripe_invoice_id,
    stripeCustomerId: row.stripe_customer_id,
    userId: row.user_id,
    amount: toNumber(row.amount),
    currency: row.currency,
    tax: toNumber(row.tax),
    status: row.status,
    reason: row.reason,
    actor: row.actor,
    note: row.note,
    createdAt: dialect.fromDbDate(row.created_at),
    watermark: toNumber(row.watermark),
  });

  return {
    findByStripeId: async (stripeRefundId) => {
      const row = await context.db
        .selectFrom('refunds')
        .selectAll()
        .where('stripe_refund_id', '=', stripeRefundId)
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    },
    upsert: (record) =>
      upsertRow(context, { table: 'refunds', key: 'stripe_refund_id', row: { ...toRow(record) } }),
    listByCharge: async (stripeChargeId) => {
      const rows = await context.db
        .selectFrom('refunds')
        .selectAll()
        .where('stripe_charge_id', '=', stripeChargeId)
        .orderBy('created_at', 'asc')
        .orderBy('stripe_refund_id', 'asc')
        .execute();
      return rows.map(fromRow);
    },
    listByInvoice: async (stripeInvoiceId) => {
      const rows = await context.db
        .selectFrom('refunds')
        .selectAll()
        .where('stripe_invoice_id', '=', stripeInvoiceId)
        .orderBy('created_at', 'asc')
        .orderBy('stripe_refund_id', 'asc')
        .execute();
      return rows.map(fromRow);
    },
    list: (page) =>
      keysetPage(
        dialect,
        context.db.selectFrom('refunds').selectAll(),
        { list: 'refunds', timeColumn: 'created_at', idColumn: 'stripe_refund_id', order: 'oldestFirst' },
        page,
        (rows) => rows.map(fromRow),
      ),
  };
}

export function disputeRepository(context: SqlContext): DisputeRepository {
  const { dialect } = context;
  const toRow = (record: DisputeRecord): DisputesTable => ({
    stripe_dispute_id: record.stripeDisputeId,
    stripe_charge_id: record.stripeChargeId,
    user_id: record.userId,
    amount: record.amount,
    currency: record.currency,
    status: record.status,
    reason: record.reason,
    evidence_due_by: dbDateOrNull(dialect, record.evidenceDueBy),
    evidence_submission_count: record.evidenceSubmissionCount,
    closed_at: dbDateOrNull(dialect, record.closedAt),
    created_at: dialect.toDbDate(record.createdAt),
    watermark: record.watermark,
  });
  const fromRow = (row: Selectable<DisputesTable>): DisputeRecord => ({
    stripeDisputeId: row.stripe_dispute_id,
    stripeChargeId: row.stripe_charge_id,
    userId: row.user_id,
    amount: toNumber(row.amount),
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    evidenceDueBy: dateOrNull(dialect, row.evidence_due_by),
    evidenceSubmissionCount: toNumber(row.evidence_submission_count),
    closedAt: dateOrNull(dialect, row.closed_at),
    createdAt: dialect.fromDbDate(row.created_at),
    watermark: toNumber(row.watermark),
  });

  return {
    findByStripeId: async (stripeDisputeId) => {
      const row = await context.db
        .selectFrom('disputes')
        .selectAll()
        .where('stripe_dispute_id', '=', stripeDisputeId)
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    },
    upsert: (record) =>
      upsertRow(context, { table: 'disputes', key: 'stripe_dispute_id', row: { ...toRow(record) } }),
    list: (page) =>
      keysetPage(
        dialect,
        context.db.selectFrom('disputes').selectAll(),
        { list: 'disputes', timeColumn: 'created_at', idColumn: 'stripe_dispute_id', order: 'oldestFirst' },
        page,
        (rows) => rows.map(fromRow),
      ),
    listByCharge: async (stripeChargeId) => {
      const rows = await context.db
        .selectFrom('disputes')
        .selectAll()
        .where('stripe_charge_id', '=', stripeChargeId)
        .orderBy('created_at', 'asc')
        .orderBy('stripe_dispute_id', 'asc')
        .execute();
      return rows.map(fromRow);
    },
  };
}
