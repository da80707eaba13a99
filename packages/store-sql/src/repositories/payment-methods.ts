// Payment methods: only Stripe ids, brand, last4, expiry and wallet are ever stored.

import type { PaymentMethodRecord, PaymentMethodRepository } from '@billkit/core';
import type { Selectable } from 'kysely';
import { toBoolean, toNumber, toNumberOrNull } from '../columns.js';
import { expiringCardsPage } from '../pages.js';
import type { PaymentMethodsTable } from '../schema.js';
import { type SqlContext, upsertRow, writeOnce } from '../sql-context.js';

export function paymentMethodRepository(context: SqlContext): PaymentMethodRepository {
  const { dialect } = context;
  const toRow = (record: PaymentMethodRecord): PaymentMethodsTable => ({
    stripe_payment_method_id: record.stripePaymentMethodId,
    stripe_customer_id: record.stripeCustomerId,
    user_id: record.userId,
    type: record.type,
    brand: record.brand,
    last4: record.last4,
    exp_month: record.expMonth,
    exp_year: record.expYear,
    wallet: record.wallet,
    is_default: dialect.toDbBoolean(record.isDefault),
    created_at: dialect.toDbDate(record.createdAt),
    watermark: record.watermark,
  });
  const fromRow = (row: Selectable<PaymentMethodsTable>): PaymentMethodRecord => ({
    stripePaymentMethodId: row.stripe_payment_method_id,
    stripeCustomerId: row.stripe_customer_id,
    userId: row.user_id,
    type: row.type,
    brand: row.brand,
    last4: row.last4,
    expMonth: toNumberOrNull(row.exp_month),
    expYear: toNumberOrNull(row.exp_year),
    wallet: row.wallet,
    isDefault: toBoolean(row.is_default),
    createdAt: dialect.fromDbDate(row.created_at),
    watermark: toNumber(row.watermark),
  });

  return {
    findByStripeId: async (stripePaymentMethodId) => {
      const row = await context.db
        .selectFrom('payment_methods')
        .selectAll()
        .where('stripe_payment_method_id', '=', stripePaymentMethodId)
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    },
    listByCustomer: async (stripeCustomerId) => {
      const rows = await context.db
        .selectFrom('payment_methods')
        .selectAll()
        .where('stripe_customer_id', '=', stripeCustomerId)
        .orderBy('created_at', 'asc')
        .orderBy('stripe_payment_method_id', 'asc')
        .execute();
      return rows.map(fromRow);
    },
    upsert: (record) =>
      upsertRow(context, {
        table: 'payment_methods',
        key: 'stripe_payment_method_id',
        row: { ...toRow(record) },
      }),
    delete: async (stripePaymentMethodId) => {
      await writeOnce(context, (db) =>
        db
          .deleteFrom('payment_methods')
          .where('stripe_payment_method_id', '=', stripePaymentMethodId)
          .execute(),
      );
    },
    listExpiring: async (query) =>
      expiringCardsPage(context.db.selectFrom('payment_methods').selectAll(), query, (rows) =>
        rows.map(fromRow),
      ),
  };
}
