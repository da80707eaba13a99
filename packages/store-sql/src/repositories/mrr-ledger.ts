// The MRR ledger: append-only (a second entry with one id is ignored, like the outbox's dedupe),
// read back per user for the engine's next movement and listed in (at, id) order.

import type { MrrLedger, MrrMovementKind, MrrMovementRecord } from '@billkit/core';
import type { Selectable } from 'kysely';
import { toNumber } from '../columns.js';
import { keysetPage } from '../pages.js';
import type { MrrMovementsTable } from '../schema.js';
import { type SqlContext, writeOnce } from '../sql-context.js';

export function mrrLedger(context: SqlContext): MrrLedger {
  const { dialect } = context;
  const toRow = (entry: MrrMovementRecord): MrrMovementsTable => ({
    id: entry.id,
    at: dialect.toDbDate(entry.at),
    stripe_subscription_id: entry.stripeSubscriptionId,
    user_id: entry.userId,
    currency: entry.currency,
    mrr: entry.mrr,
    delta: entry.delta,
    kind: entry.kind,
    customer_mrr: entry.customerMrr,
    plan_id: entry.planId,
  });
  const fromRow = (row: Selectable<MrrMovementsTable>): MrrMovementRecord => ({
    id: row.id,
    at: dialect.fromDbDate(row.at),
    stripeSubscriptionId: row.stripe_subscription_id,
    userId: row.user_id,
    currency: row.currency,
    mrr: toNumber(row.mrr),
    delta: toNumber(row.delta),
    kind: row.kind as MrrMovementKind,
    customerMrr: toNumber(row.customer_mrr),
    planId: row.plan_id,
  });

  return {
    append: async (entry) => {
      const row = toRow(entry);
      await writeOnce(context, (db) => dialect.insertIfAbsent(db, 'mrr_movements', { ...row }, 'id'));
    },
    stateOf: async (userId, currency) => {
      // Each subscription's newest entry: no entry of the same subscription comes after it.
      const newest = await context.db
        .selectFrom('mrr_movements as m')
        .select(['m.stripe_subscription_id', 'm.mrr'])
        .where('m.user_id', '=', userId)
        .where('m.currency', '=', currency)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('mrr_movements as later')
                .select('later.id')
                .whereRef('later.stripe_subscription_id', '=', 'm.stripe_subscription_id')
                .where('later.currency', '=', currency)
                .where((eb) =>
                  eb.or([
                    eb('later.at', '>', eb.ref('m.at')),
                    eb.and([eb('later.at', '=', eb.ref('m.at')), eb('later.id', '>', eb.ref('m.id'))]),
                  ]),
                ),
            ),
          ),
        )
        .execute();
      const paying = await context.db
        .selectFrom('mrr_movements')
        .select('id')
        .where('user_id', '=', userId)
        .where('currency', '=', currency)
        .where('customer_mrr', '>', 0)
        .limit(1)
        .executeTakeFirst();
      const bySubscription: Record<string, number> = {};
      for (const row of newest) bySubscription[row.stripe_subscription_id] = toNumber(row.mrr);
      return { bySubscription, everPaying: paying !== undefined };
    },
    list: (query = {}) => {
      let select = context.db.selectFrom('mrr_movements').selectAll();
      if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
      return keysetPage(
        dialect,
        select,
        { list: 'mrrLedger', timeColumn: 'at', idColumn: 'id', order: 'oldestFirst' },
        { limit: query.limit, after: query.after },
        (rows) => rows.map(fromRow),
      );
    },
  };
}
