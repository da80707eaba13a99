// Customers: one row per host user (the unique user_id) and per Stripe customer (the key).

import {
  type Address,
  type CustomerRecord,
  type CustomerRepository,
  type CustomerSearchResult,
  UniqueViolationError,
} from '@billkit/core';
import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import { parseJson, stringifyJson, toBoolean, toNumber } from '../columns.js';
import { keysetPage } from '../pages.js';
import type { CustomersTable, Database } from '../schema.js';
import { type SqlContext, translateError, upsertRow, writeOnce } from '../sql-context.js';

export function customerRepository(context: SqlContext): CustomerRepository {
  const { dialect } = context;
  const toRow = (record: CustomerRecord): CustomersTable => ({
    stripe_customer_id: record.stripeCustomerId,
    user_id: record.userId,
    email: record.email,
    name: record.name,
    address: record.address === null ? null : stringifyJson(record.address),
    tax_id_type: record.taxId?.type ?? null,
    tax_id_value: record.taxId?.value ?? null,
    currency: record.currency,
    balance: record.balance,
    default_payment_method_id: record.defaultPaymentMethodId,
    deleted: dialect.toDbBoolean(record.deleted),
    created_at: dialect.toDbDate(record.createdAt),
    updated_at: dialect.toDbDate(record.updatedAt),
    watermark: record.watermark,
    version: record.version,
  });
  const fromRow = (row: Selectable<CustomersTable>): CustomerRecord => ({
    userId: row.user_id,
    stripeCustomerId: row.stripe_customer_id,
    email: row.email,
    name: row.name,
    address: row.address === null ? null : parseJson<Address>(row.address),
    taxId:
      row.tax_id_type === null || row.tax_id_value === null
        ? null
        : { type: row.tax_id_type, value: row.tax_id_value },
    currency: row.currency,
    balance: toNumber(row.balance),
    defaultPaymentMethodId: row.default_payment_method_id,
    deleted: toBoolean(row.deleted),
    createdAt: dialect.fromDbDate(row.created_at),
    updatedAt: dialect.fromDbDate(row.updated_at),
    watermark: toNumber(row.watermark),
    version: toNumber(row.version),
  });
  const findOne = async (column: 'user_id' | 'stripe_customer_id', value: string) => {
    const row = await context.db
      .selectFrom('customers')
      .selectAll()
      .where(column, '=', value)
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  };
  const translated = (error: unknown) => translateError(context, error, 'customers', 'stripe_customer_id');

  return {
    findByUserId: (userId) => findOne('user_id', userId),
    findByStripeId: (stripeCustomerId) => findOne('stripe_customer_id', stripeCustomerId),
    insert: async (record) => {
      const row = toRow(record);
      try {
        await writeOnce(context, (db) => db.insertInto('customers').values(row).execute());
      } catch (error) {
        throw translated(error);
      }
    },
    upsert: async (record) => {
      const row = toRow(record);
      const attempt = () =>
        upsertRow(context, {
          table: 'customers',
          key: 'stripe_customer_id',
          row: { ...row },
          otherUniqueColumns: ['user_id'],
        });
      try {
        return await attempt();
      } catch (error) {
        const failure = translated(error);
        // Two first upserts of one customer race: the loser can hit the user_id index before the
        // stripe id it could have updated (PostgreSQL checks unique indexes in its own order). When
        // the winner's row is that same customer, this is no conflict: upsert again, onto it.
        if (failure instanceof UniqueViolationError && failure.field === 'user_id') {
          const winner = await findOne('stripe_customer_id', record.stripeCustomerId).catch(() => null);
          if (winner?.userId === record.userId) {
            try {
              return await attempt();
            } catch (retryError) {
              throw translated(retryError);
            }
          }
        }
        throw failure;
      }
    },
    list: (page) =>
      keysetPage(
        dialect,
        context.db.selectFrom('customers').selectAll(),
        { list: 'customers', timeColumn: 'created_at', idColumn: 'stripe_customer_id', order: 'oldestFirst' },
        page,
        (rows) => rows.map(fromRow),
      ),
    search: ({ query, status, excludeCancellationReason, ...page }) => {
      const text = (query ?? '').trim();
      // The status of the user's newest subscription: one step down subscriptions_user_idx.
      const newestStatus = (eb: ExpressionBuilder<Database & { c: CustomersTable }, 'c'>) => {
        let subscriptions = eb
          .selectFrom('subscriptions as s')
          .select('s.status')
          .whereRef('s.user_id', '=', 'c.user_id');
        if (excludeCancellationReason !== undefined) {
          subscriptions = subscriptions.where((sub) =>
            sub.or([
              sub('s.cancellation_reason', 'is', null),
              sub('s.cancellation_reason', '<>', excludeCancellationReason),
            ]),
          );
        }
        return subscriptions
          .orderBy('s.created_at', 'desc')
          .orderBy('s.stripe_subscription_id', 'desc')
          .limit(1);
      };
      let matching = context.db
        .selectFrom('customers as c')
        .selectAll('c')
        .select((eb) => newestStatus(eb).as('subscription_status'));
      if (text !== '') {
        const pattern = `%${escapeLike(text.toLowerCase())}%`;
        matching = matching.where((eb) =>
          eb.or([
            eb('c.user_id', '=', text),
            eb('c.stripe_customer_id', '=', text),
            sql<boolean>`lower(${sql.ref('c.email')}) like ${pattern} escape '!'`,
            sql<boolean>`lower(${sql.ref('c.name')}) like ${pattern} escape '!'`,
          ]),
        );
      }
      let found = context.db.selectFrom(matching.as('found')).selectAll();
      if (status === 'none') found = found.where('subscription_status', 'is', null);
      else if (status !== undefined) found = found.where('subscription_status', '=', status);
      return keysetPage(
        dialect,
        found,
        {
          list: 'customerSearch',
          timeColumn: 'created_at',
          idColumn: 'stripe_customer_id',
          order: 'newestFirst',
        },
        page,
        (rows) =>
          rows.map(
            (row): CustomerSearchResult => ({
              ...fromRow(row),
              subscriptionStatus: (row.subscription_status ??
                null) as CustomerSearchResult['subscriptionStatus'],
            }),
          ),
      );
    },
  };
}

/** LIKE's wildcards taken literally, with `!` as the escape character (the same in every dialect). */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (char) => `!${char}`);
}
