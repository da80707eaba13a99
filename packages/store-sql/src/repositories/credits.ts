// Credits: the customer balance transactions mirrored from Stripe, watermarked like every mirrored row.

import type { CreditRecord, CreditRepository } from '@billkit/core';
import type { Selectable } from 'kysely';
import { toNumber } from '../columns.js';
import { keysetPage } from '../pages.js';
import type { CreditsTable } from '../schema.js';
import { type SqlContext, upsertRow } from '../sql-context.js';

export function creditRepository(context: SqlContext): CreditRepository {
  const { dialect } = context;
  const toRow = (record: CreditRecord): CreditsTable => ({
    stripe_balance_transaction_id: record.stripeBalanceTransactionId,
    stripe_customer_id: record.stripeCustomerId,
    user_id: record.userId,
    amount: record.amount,
    currency: record.currency,
    type: record.type,
    description: record.description,
    stripe_invoice_id: record.stripeInvoiceId,
    ending_balance: record.endingBalance,
    created_at: dialect.toDbDate(record.createdAt),
    watermark: record.watermark,
  });
  const fromRow = (row: Selectable<CreditsTable>): CreditRecord => ({
    stripeBalanceTransactionId: row.stripe_balance_transaction_id,
    stripeCustomerId: row.stripe_customer_id,
    userId: row.user_id,
    amount: toNumber(row.amount),
    currency: row.currency,
    type: row.type,
    description: row.description,
    stripeInvoiceId: row.stripe_invoice_id,
    endingBalance: toNumber(row.ending_balance),
    createdAt: dialect.fromDbDate(row.created_at),
    watermark: toNumber(row.watermark),
  });

  return {
    findByStripeId: async (stripeBalanceTransactionId) => {
      const row = await context.db
        .selectFrom('credits')
        .selectAll()
        .where('stripe_balance_transaction_id', '=', stripeBalanceTransactionId)
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    },
    upsert: (record) =>
      upsertRow(context, {
        table: 'credits',
        key: 'stripe_balance_transaction_id',
        row: { ...toRow(record) },
      }),
    listByUserId: (userId, page) =>
      keysetPage(
        dialect,
        context.db.selectFrom('credits').selectAll().where('user_id', '=', userId),
        {
          list: 'creditsOfUser',
          timeColumn: 'created_at',
          idColumn: 'stripe_balance_transaction_id',
          order: 'newestFirst',
        },
        page,
        (rows) => rows.map(fromRow),
      ),
  };
}
