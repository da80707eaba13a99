// Invoices and their lines. Lines live in their own table with a position, so they come back in
// the order they were written; an invoice and its lines are replaced together or not at all.

import { gstShare, type InvoiceLineRecord, type InvoiceRecord, type InvoiceRepository } from '@billkit/core';
import type { Selectable } from 'kysely';
import { dateOrNull, dbDateOrNull, toBoolean, toNumber, toNumberOrNull } from '../columns.js';
import type { Executor } from '../dialects/dialect.js';
import { type KeysetPage, keysetPage } from '../pages.js';
import type { InvoiceLinesTable, InvoicesTable } from '../schema.js';
import { atomically, type SqlContext } from '../sql-context.js';

export function invoiceRepository(context: SqlContext): InvoiceRepository {
  const { dialect } = context;
  const toRow = (record: InvoiceRecord): InvoicesTable => {
    const service = servicePeriod(record);
    return {
      stripe_invoice_id: record.stripeInvoiceId,
      stripe_customer_id: record.stripeCustomerId,
      user_id: record.userId,
      stripe_subscription_id: record.stripeSubscriptionId,
      number: record.number,
      status: record.status,
      billing_reason: record.billingReason,
      currency: record.currency,
      subtotal: record.subtotal,
      tax: record.tax,
      total: record.total,
      amount_due: record.amountDue,
      amount_paid: record.amountPaid,
      amount_remaining: record.amountRemaining,
      attempt_count: record.attemptCount,
      next_payment_attempt: dbDateOrNull(dialect, record.nextPaymentAttempt),
      hosted_invoice_url: record.hostedInvoiceUrl,
      invoice_pdf: record.invoicePdf,
      period_start: dialect.toDbDate(record.periodStart),
      period_end: dialect.toDbDate(record.periodEnd),
      created_at: dialect.toDbDate(record.createdAt),
      finalized_at: dbDateOrNull(dialect, record.finalizedAt),
      paid_at: dbDateOrNull(dialect, record.paidAt),
      voided_at: dbDateOrNull(dialect, record.voidedAt),
      gst_paid: gstShare(record.tax, record.total, record.amountPaid),
      service_start_ms: service.start,
      service_days: Math.floor((service.end - service.start) / DAY_MS),
      watermark: record.watermark,
    };
  };
  const lineToRow = (invoiceId: string, line: InvoiceLineRecord, position: number): InvoiceLinesTable => ({
    stripe_invoice_id: invoiceId,
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
  });
  const lineFromRow = (row: Selectable<InvoiceLinesTable>): InvoiceLineRecord => ({
    stripeLineId: row.stripe_line_id,
    description: row.description,
    amount: toNumber(row.amount),
    quantity: toNumberOrNull(row.quantity),
    proration: toBoolean(row.proration),
    tax: toNumber(row.tax),
    stripePriceId: row.stripe_price_id,
    periodStart: dialect.fromDbDate(row.period_start),
    periodEnd: dialect.fromDbDate(row.period_end),
  });
  const fromRow = (row: Selectable<InvoicesTable>, lines: InvoiceLineRecord[]): InvoiceRecord => ({
    stripeInvoiceId: row.stripe_invoice_id,
    stripeCustomerId: row.stripe_customer_id,
    userId: row.user_id,
    stripeSubscriptionId: row.stripe_subscription_id,
    number: row.number,
    status: row.status as InvoiceRecord['status'],
    billingReason: row.billing_reason,
    currency: row.currency,
    subtotal: toNumber(row.subtotal),
    tax: toNumber(row.tax),
    total: toNumber(row.total),
    amountDue: toNumber(row.amount_due),
    amountPaid: toNumber(row.amount_paid),
    amountRemaining: toNumber(row.amount_remaining),
    attemptCount: toNumber(row.attempt_count),
    nextPaymentAttempt: dateOrNull(dialect, row.next_payment_attempt),
    hostedInvoiceUrl: row.hosted_invoice_url,
    invoicePdf: row.invoice_pdf,
    periodStart: dialect.fromDbDate(row.period_start),
    periodEnd: dialect.fromDbDate(row.period_end),
    lines,
    createdAt: dialect.fromDbDate(row.created_at),
    finalizedAt: dateOrNull(dialect, row.finalized_at),
    paidAt: dateOrNull(dialect, row.paid_at),
    voidedAt: dateOrNull(dialect, row.voided_at),
    watermark: toNumber(row.watermark),
  });

  /** The invoices of these rows, with their lines read in one query. */
  const withLines = async (rows: Selectable<InvoicesTable>[]): Promise<InvoiceRecord[]> => {
    if (rows.length === 0) return [];
    const lineRows = await context.db
      .selectFrom('invoice_lines')
      .selectAll()
      .where(
        'stripe_invoice_id',
        'in',
        rows.map((row) => row.stripe_invoice_id),
      )
      .orderBy('stripe_invoice_id')
      .orderBy('position')
      .execute();
    const linesByInvoice = new Map<string, InvoiceLineRecord[]>();
    for (const lineRow of lineRows) {
      const lines = linesByInvoice.get(lineRow.stripe_invoice_id) ?? [];
      lines.push(lineFromRow(lineRow));
      linesByInvoice.set(lineRow.stripe_invoice_id, lines);
    }
    return rows.map((row) => fromRow(row, linesByInvoice.get(row.stripe_invoice_id) ?? []));
  };

  const replaceLines = async (db: Executor, record: InvoiceRecord) => {
    await db.deleteFrom('invoice_lines').where('stripe_invoice_id', '=', record.stripeInvoiceId).execute();
    if (record.lines.length === 0) return;
    await db
      .insertInto('invoice_lines')
      .values(record.lines.map((line, position) => lineToRow(record.stripeInvoiceId, line, position)))
      .execute();
  };

  const page = (
    keyset: KeysetPage,
    userId: string | null,
    request: Parameters<InvoiceRepository['list']>[0],
  ) => {
    let query = context.db.selectFrom('invoices').selectAll();
    if (userId !== null) query = query.where('user_id', '=', userId);
    return keysetPage(dialect, query, keyset, request, withLines);
  };

  return {
    findByStripeId: async (stripeInvoiceId) => {
      const row = await context.db
        .selectFrom('invoices')
        .selectAll()
        .where('stripe_invoice_id', '=', stripeInvoiceId)
        .executeTakeFirst();
      if (row === undefined) return null;
      const [invoice] = await withLines([row]);
      return invoice ?? null;
    },
    upsert: (record) => {
      const row = toRow(record);
      const lines = structuredClone(record);
      return atomically(context, async (db) => {
        const outcome = await dialect.upsert(
          db,
          { table: 'invoices', key: 'stripe_invoice_id', row: { ...row } },
          true,
        );
        if (outcome !== 'stale') await replaceLines(db, lines);
        return outcome;
      });
    },
    listByUserId: (userId, request) =>
      page(
        {
          list: 'invoicesOfUser',
          timeColumn: 'created_at',
          idColumn: 'stripe_invoice_id',
          order: 'newestFirst',
        },
        userId,
        request,
      ),
    list: (request) =>
      page(
        { list: 'invoices', timeColumn: 'created_at', idColumn: 'stripe_invoice_id', order: 'oldestFirst' },
        null,
        request,
      ),
  };
}

const DAY_MS = 86_400_000;

/** What the invoice's payment is earned over, in epoch ms: its lines' span, or its own period without lines. */
function servicePeriod(record: InvoiceRecord): { start: number; end: number } {
  if (record.lines.length === 0)
    return { start: record.periodStart.getTime(), end: record.periodEnd.getTime() };
  return {
    start: Math.min(...record.lines.map((line) => line.periodStart.getTime())),
    end: Math.max(...record.lines.map((line) => line.periodEnd.getTime())),
  };
}
