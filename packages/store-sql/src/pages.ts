// Pages of a list, as the memory store gives them: ordered by (creation time, Stripe id), oldest
// first unless the port says newest first; a cursor holds the key of a page's last row, so the next
// page starts right after it even when rows were added in between. Cursors are the memory store's.

import {
  checkExpiryMonth,
  decodeKeyCursor,
  encodeCursor,
  expiryMonthStart,
  type Page,
  type PageRequest,
  pageLimit,
} from '@billkit/core';
import { type ExpressionBuilder, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { toNumber } from './columns.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { Database, PaymentMethodsTable } from './schema.js';

/** The keyed lists; a cursor names the list that issued it, and no other list takes it. */
export type KeyedList =
  | 'customers'
  | 'subscriptions'
  | 'invoices'
  | 'invoicesOfUser'
  | 'payments'
  | 'paymentsOfUser'
  | 'refunds'
  | 'disputes'
  | 'failedWebhookEvents'
  | 'creditsOfUser'
  | 'outbox'
  /** The admin's customer search, newest first. */
  | 'customerSearch'
  | 'mrrLedger'
  /** Ordered by expiry month, whose first instant stands in for the creation time: see `expiringCardsPage`. */
  | 'paymentMethodsExpiring';

export interface KeysetPage {
  list: KeyedList;
  /** The creation-time column and the id column that order the list. */
  timeColumn: string;
  idColumn: string;
  order: 'oldestFirst' | 'newestFirst';
}

/**
 * Runs `query` (already filtered) for one page: orders it by the list's key, starts after the
 * cursor, reads one row more than the limit to know whether another page follows.
 */
export async function keysetPage<Row extends Record<string, unknown>, T>(
  dialect: SqlDialect,
  query: SelectQueryBuilder<Database, any, Row>,
  keyset: KeysetPage,
  page: PageRequest = {},
  /** Turns the page's rows into records (all at once, so related rows can be read in one query). */
  map: (rows: Row[]) => T[] | Promise<T[]>,
): Promise<Page<T>> {
  const limit = pageLimit(page.limit);
  const after = page.after == null ? null : decodeKeyCursor(keyset.list, page.after);
  const direction = keyset.order === 'oldestFirst' ? 'asc' : 'desc';
  const comparison = keyset.order === 'oldestFirst' ? '>' : '<';
  let paged = query as SelectQueryBuilder<Database, any, any>;
  if (after !== null) {
    const time = dialect.toDbDate(after.createdAt);
    paged = paged.where((eb: ExpressionBuilder<Database, any>) =>
      eb.or([
        eb(sql.ref(keyset.timeColumn), comparison, time),
        eb.and([
          eb(sql.ref(keyset.timeColumn), '=', time),
          eb(sql.ref(keyset.idColumn), comparison, after.id),
        ]),
      ]),
    );
  }
  const rows = (await paged
    .orderBy(sql.ref(keyset.timeColumn), direction)
    .orderBy(sql.ref(keyset.idColumn), direction)
    .limit(limit + 1)
    .execute()) as Row[];
  const taken = rows.slice(0, limit);
  const items = await map(taken);
  const last = taken.at(-1);
  const nextCursor =
    rows.length > limit && last !== undefined
      ? encodeCursor([
          keyset.list,
          dialect.fromDbDate(last[keyset.timeColumn] as Date | string).getTime(),
          last[keyset.idColumn] as string,
        ])
      : null;
  return { items, nextCursor };
}

type PaymentMethodRow = Selectable<PaymentMethodsTable>;

/**
 * One page of the cards expiring in `through`'s month or before it, ordered by (expiry year, expiry
 * month, Stripe id). Its cursor is the memory store's: the list's key with the first instant (UTC)
 * of the expiry month as its time.
 */
export async function expiringCardsPage<T>(
  query: SelectQueryBuilder<Database, 'payment_methods', PaymentMethodRow>,
  request: { through: { year: number; month: number } } & PageRequest,
  map: (rows: PaymentMethodRow[]) => T[],
): Promise<Page<T>> {
  const { year, month } = checkExpiryMonth(request.through);
  const limit = pageLimit(request.limit);
  const after = request.after == null ? null : decodeKeyCursor('paymentMethodsExpiring', request.after);
  let paged = query
    .where('type', '=', 'card')
    .where('exp_year', 'is not', null)
    .where('exp_month', 'is not', null)
    .where((eb) =>
      eb.or([eb('exp_year', '<', year), eb.and([eb('exp_year', '=', year), eb('exp_month', '<=', month)])]),
    );
  if (after !== null) {
    const afterYear = after.createdAt.getUTCFullYear();
    const afterMonth = after.createdAt.getUTCMonth() + 1;
    paged = paged.where((eb) =>
      eb.or([
        eb('exp_year', '>', afterYear),
        eb.and([eb('exp_year', '=', afterYear), eb('exp_month', '>', afterMonth)]),
        eb.and([
          eb('exp_year', '=', afterYear),
          eb('exp_month', '=', afterMonth),
          eb('stripe_payment_method_id', '>', after.id),
        ]),
      ]),
    );
  }
  const rows = await paged
    .orderBy('exp_year', 'asc')
    .orderBy('exp_month', 'asc')
    .orderBy('stripe_payment_method_id', 'asc')
    .limit(limit + 1)
    .execute();
  const taken = rows.slice(0, limit);
  const last = taken.at(-1);
  const nextCursor =
    rows.length > limit && last !== undefined
      ? encodeCursor([
          'paymentMethodsExpiring',
          expiryMonthStart(toNumber(last.exp_year!), toNumber(last.exp_month!)).getTime(),
          last.stripe_payment_method_id,
        ])
      : null;
  return { items: map(taken), nextCursor };
}
