// The analytics queries of the storage port, each one aggregate query in SQL (per batch of instants
// or ranges: each instant or range is a few columns of conditional sums, so the rows are read once).
// The definitions are the port's (`store/analytics.ts` in @billkit/core); the dialect gives what
// SQL does not say the same way everywhere: epoch milliseconds, exact wide integers, DIV.

import {
  type AnalyticsQueries,
  type DateRange,
  InvalidInputError,
  type MovementTotals,
  MRR_MOVEMENT_KINDS,
  type MrrMovementKind,
  pageLimit,
  type RecognitionPoint,
  type SubscriptionStatus,
} from '@billkit/core';
import { type Expression, type RawBuilder, sql } from 'kysely';
import { toNumber } from '../columns.js';
import { floorDivide } from '../integer-division.js';
import type { DbInteger } from '../schema.js';
import type { SqlContext } from '../sql-context.js';

const DAY_MS = 86_400_000;
/** Instants or ranges per query: each adds a few columns, and databases cap a query's columns. */
const POINTS_PER_QUERY = 50;
/** Refunds that gave money back, or may still. */
const NOT_REFUNDED = ['failed', 'canceled'];
/** Subscriptions whose MRR counts in forecasts. */
const PAYING = ['active', 'past_due'];

type Row = Record<string, unknown>;

export function analyticsQueries(context: SqlContext): AnalyticsQueries {
  // Each call runs its queries as the dialect reads aggregates (PostgreSQL: one transaction, no JIT).
  const read = <K extends keyof AnalyticsQueries>(name: K): AnalyticsQueries[K] =>
    ((query?: unknown) =>
      context.dialect.readAggregates(context.db, (db) =>
        (queriesOn({ ...context, db })[name] as (query?: unknown) => Promise<unknown>)(query),
      )) as AnalyticsQueries[K];
  return {
    mrrAt: read('mrrAt'),
    mrrMovements: read('mrrMovements'),
    subscriptionStatusCounts: read('subscriptionStatusCounts'),
    trials: read('trials'),
    payments: read('payments'),
    recoveries: read('recoveries'),
    refunds: read('refunds'),
    disputes: read('disputes'),
    sales: read('sales'),
    recognition: read('recognition'),
    customerRevenue: read('customerRevenue'),
    upcoming: read('upcoming'),
  };
}

/** The queries, run on `context.db`. */
function queriesOn(context: SqlContext): AnalyticsQueries {
  const { db, dialect } = context;
  const at = (date: Date) => dialect.toDbDate(date);
  /** `[from, to)` on a column. */
  const inRange = (column: string, range: DateRange) =>
    sql<boolean>`(${sql.ref(column)} >= ${at(range.from)} and ${sql.ref(column)} < ${at(range.to)})`;
  const isRefund = (column: string) => sql<boolean>`${sql.ref(column)} not in (${sql.join(NOT_REFUNDED)})`;

  return {
    mrrAt: ({ currency, at: instants }) =>
      inBatches(instants, async (batch) => {
        // Each user's MRR at each instant, then the sums and the users above 0.
        const perUser = db
          .selectFrom('mrr_movements as m')
          .select('m.user_id')
          .select(
            batch.map((instant, k) =>
              sql<DbInteger>`sum(case when ${sql.ref('m.at')} < ${at(instant)} then ${sql.ref('m.delta')} else 0 end)`.as(
                `s${k}`,
              ),
            ),
          )
          .where('m.currency', '=', currency)
          .where('m.at', '<', at(latest(batch)))
          .groupBy('m.user_id');
        const row = await db
          .selectFrom(perUser.as('u'))
          .select(
            batch.flatMap((_, k) => [
              sql<DbInteger>`sum(${sql.ref(`u.s${k}`)})`.as(`mrr${k}`),
              sql<DbInteger>`sum(case when ${sql.ref(`u.s${k}`)} > 0 then 1 else 0 end)`.as(`customers${k}`),
            ]),
          )
          .executeTakeFirstOrThrow();
        return batch.map((_, k) => ({
          mrr: figure(row, `mrr${k}`),
          customers: figure(row, `customers${k}`),
        }));
      }),

    mrrMovements: ({ currency, ranges }) =>
      inBatches(ranges, async (batch) => {
        const rows = await db
          .selectFrom('mrr_movements as m')
          .select('m.kind')
          .select(
            batch.flatMap((range, k) => [
              sql<DbInteger>`sum(case when ${inRange('m.at', range)} then ${sql.ref('m.delta')} else 0 end)`.as(
                `amount${k}`,
              ),
              sql<DbInteger>`sum(case when ${inRange('m.at', range)} then 1 else 0 end)`.as(`count${k}`),
            ]),
          )
          .where('m.currency', '=', currency)
          .where('m.at', '>=', at(earliest(batch.map((range) => range.from))))
          .where('m.at', '<', at(latest(batch.map((range) => range.to))))
          .groupBy('m.kind')
          .execute();
        return batch.map((_, k) => {
          const totals = Object.fromEntries(
            MRR_MOVEMENT_KINDS.map((kind) => [kind, { amount: 0, count: 0 }]),
          ) as Record<MrrMovementKind, MovementTotals>;
          for (const row of rows as Row[]) {
            const kind = row.kind as MrrMovementKind;
            if (!(kind in totals)) continue;
            totals[kind] = { amount: figure(row, `amount${k}`), count: figure(row, `count${k}`) };
          }
          return totals;
        });
      }),

    subscriptionStatusCounts: async (query = {}) => {
      let select = db
        .selectFrom('subscriptions')
        .select(['status', (eb) => eb.fn.countAll<DbInteger>().as('count')])
        .groupBy('status');
      const { excludeCancellationReason } = query;
      if (excludeCancellationReason !== undefined) {
        select = select.where((eb) =>
          eb.or([
            eb('cancellation_reason', 'is', null),
            eb('cancellation_reason', '<>', excludeCancellationReason),
          ]),
        );
      }
      const counts: Partial<Record<SubscriptionStatus, number>> = {};
      for (const row of await select.execute())
        counts[row.status as SubscriptionStatus] = toNumber(row.count);
      return counts;
    },

    trials: async (range) => {
      const row = await db
        .selectFrom('subscriptions as s')
        .select((eb) => [
          eb.fn.countAll<DbInteger>().as('ended'),
          sql<DbInteger>`sum(case when exists ${eb
            .selectFrom('mrr_movements as m')
            .select('m.id')
            .whereRef('m.stripe_subscription_id', '=', 's.stripe_subscription_id')
            .where('m.delta', '>', 0)
            .whereRef('m.at', '>=', 's.trial_start')} then 1 else 0 end)`.as('converted'),
        ])
        .where('s.trial_start', 'is not', null)
        .where(inRange('s.trial_end', range))
        .executeTakeFirstOrThrow();
      return { ended: figure(row, 'ended'), converted: figure(row, 'converted') };
    },

    payments: async ({ currency, ...range }) => {
      const succeeded = sql<boolean>`${sql.ref('status')} = ${'succeeded'}`;
      const row = await db
        .selectFrom('payments')
        .select([
          sql<DbInteger>`sum(case when ${succeeded} then 1 else 0 end)`.as('succeeded'),
          sql<DbInteger>`sum(case when ${sql.ref('status')} = ${'failed'} then 1 else 0 end)`.as('failed'),
          sql<DbInteger>`sum(case when ${succeeded} then ${sql.ref('amount')} else 0 end)`.as('amount'),
          sql<DbInteger>`sum(case when ${succeeded} then coalesce(${sql.ref('fee')}, 0) else 0 end)`.as(
            'fees',
          ),
        ])
        .where('currency', '=', currency)
        .where(inRange('created_at', range))
        .executeTakeFirstOrThrow();
      return {
        succeeded: figure(row, 'succeeded'),
        failed: figure(row, 'failed'),
        amount: figure(row, 'amount'),
        fees: figure(row, 'fees'),
      };
    },

    recoveries: async ({ currency, ...range }) => {
      // Each invoice's first failed charge (the earliest, ties to the lowest id) created in the range.
      const recovered = sql<boolean>`(${sql.ref('i.status')} = ${'paid'} and ${sql.ref('i.paid_at')} is not null)`;
      const seconds = floorDivide(
        dialect,
        sql`${dialect.epochMilliseconds(sql.ref('i.paid_at'))} - ${dialect.epochMilliseconds(sql.ref('p.created_at'))}`,
        1000,
      );
      const row = await db
        .selectFrom('payments as p')
        .innerJoin('invoices as i', 'i.stripe_invoice_id', 'p.stripe_invoice_id')
        .select([
          sql<DbInteger>`count(*)`.as('failed_invoices'),
          sql<DbInteger>`sum(case when ${recovered} then 1 else 0 end)`.as('recovered'),
          sql<DbInteger>`sum(case when ${recovered} then ${seconds} else 0 end)`.as('recovery_seconds'),
        ])
        .where('p.status', '=', 'failed')
        .where(inRange('p.created_at', range))
        .where('i.currency', '=', currency)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('payments as earlier')
                .select('earlier.stripe_charge_id')
                .whereRef('earlier.stripe_invoice_id', '=', 'p.stripe_invoice_id')
                .where('earlier.status', '=', 'failed')
                .where((eb) =>
                  eb.or([
                    eb('earlier.created_at', '<', eb.ref('p.created_at')),
                    eb.and([
                      eb('earlier.created_at', '=', eb.ref('p.created_at')),
                      eb('earlier.stripe_charge_id', '<', eb.ref('p.stripe_charge_id')),
                    ]),
                  ]),
                ),
            ),
          ),
        )
        .executeTakeFirstOrThrow();
      return {
        failedInvoices: figure(row, 'failed_invoices'),
        recovered: figure(row, 'recovered'),
        recoverySeconds: figure(row, 'recovery_seconds'),
      };
    },

    refunds: async ({ currency, ...range }) => {
      const row = await db
        .selectFrom('refunds')
        .select((eb) => [
          eb.fn.countAll<DbInteger>().as('count'),
          eb.fn.sum<DbInteger>('amount').as('amount'),
          eb.fn.sum<DbInteger>('tax').as('tax'),
        ])
        .where('currency', '=', currency)
        .where(inRange('created_at', range))
        .where(isRefund('status'))
        .executeTakeFirstOrThrow();
      return { count: figure(row, 'count'), amount: figure(row, 'amount'), tax: figure(row, 'tax') };
    },

    disputes: async ({ currency, ...range }) => {
      const lost = sql<boolean>`${sql.ref('status')} = ${'lost'}`;
      const row = await db
        .selectFrom('disputes')
        .select((eb) => [
          eb.fn.countAll<DbInteger>().as('count'),
          eb.fn.sum<DbInteger>('amount').as('amount'),
          sql<DbInteger>`sum(case when ${lost} then 1 else 0 end)`.as('lost'),
          sql<DbInteger>`sum(case when ${lost} then ${sql.ref('amount')} else 0 end)`.as('lost_amount'),
        ])
        .where('currency', '=', currency)
        .where(inRange('created_at', range))
        .executeTakeFirstOrThrow();
      return {
        count: figure(row, 'count'),
        amount: figure(row, 'amount'),
        lost: figure(row, 'lost'),
        lostAmount: figure(row, 'lost_amount'),
      };
    },

    sales: async ({ currency, ...range }) => {
      const row = await paidInvoices(context, currency)
        .select((eb) => [
          eb.fn.countAll<DbInteger>().as('invoices'),
          eb.fn.sum<DbInteger>('i.amount_paid').as('amount_paid'),
          eb.fn.sum<DbInteger>('i.gst_paid').as('tax'),
          sql<DbInteger>`sum(case when ${sql.ref('i.tax')} = 0 then ${sql.ref('i.amount_paid')} else 0 end)`.as(
            'gst_free',
          ),
        ])
        .where(inRange('i.paid_at', range))
        .executeTakeFirstOrThrow();
      return {
        invoices: figure(row, 'invoices'),
        amountPaid: figure(row, 'amount_paid'),
        tax: figure(row, 'tax'),
        gstFree: figure(row, 'gst_free'),
      };
    },

    recognition: ({ currency, at: instants }) =>
      inBatches(instants, (batch) => recognitionAt(context, currency, batch)),

    customerRevenue: async ({ currency, limit, userIds, ...range }) => {
      // With `userIds` the answer is those users' rows, all of them unless a limit is given.
      const rowLimit = userIds === undefined || limit !== undefined ? pageLimit(limit) : null;
      if (userIds !== undefined && userIds.length === 0) return [];
      const revenue = paidInvoices(context, currency)
        .select([
          'i.user_id as user_id',
          sql<DbInteger>`${sql.ref('i.amount_paid')} - ${sql.ref('i.gst_paid')}`.as('revenue'),
          sql<DbInteger>`0`.as('refunds'),
          sql<DbInteger>`0`.as('fees'),
        ])
        .where('i.user_id', 'is not', null)
        .where(inRange('i.paid_at', range))
        .$if(userIds !== undefined, (qb) => qb.where('i.user_id', 'in', userIds!));
      const refunds = db
        .selectFrom('refunds as r')
        .select([
          'r.user_id as user_id',
          sql<DbInteger>`0`.as('revenue'),
          sql<DbInteger>`${sql.ref('r.amount')} - ${sql.ref('r.tax')}`.as('refunds'),
          sql<DbInteger>`0`.as('fees'),
        ])
        .where('r.user_id', 'is not', null)
        .where('r.currency', '=', currency)
        .where(inRange('r.created_at', range))
        .where(isRefund('r.status'))
        .$if(userIds !== undefined, (qb) => qb.where('r.user_id', 'in', userIds!));
      const fees = db
        .selectFrom('payments as p')
        .select([
          'p.user_id as user_id',
          sql<DbInteger>`0`.as('revenue'),
          sql<DbInteger>`0`.as('refunds'),
          sql<DbInteger>`coalesce(${sql.ref('p.fee')}, 0)`.as('fees'),
        ])
        .where('p.user_id', 'is not', null)
        .where('p.currency', '=', currency)
        .where(inRange('p.created_at', range))
        .$if(userIds !== undefined, (qb) => qb.where('p.user_id', 'in', userIds!));
      const total = (column: string) => sql<DbInteger>`sum(${sql.ref(`x.${column}`)})`;
      let select = db
        .selectFrom(revenue.unionAll(refunds).unionAll(fees).as('x'))
        .select([
          'x.user_id',
          total('revenue').as('revenue'),
          total('refunds').as('refunds'),
          total('fees').as('fees'),
        ])
        .groupBy('x.user_id')
        .having(sql<boolean>`(${total('revenue')} <> 0 or ${total('refunds')} <> 0 or ${total('fees')} <> 0)`)
        .orderBy(sql`${total('revenue')} - ${total('refunds')} - ${total('fees')}`, 'desc')
        .orderBy('x.user_id', 'asc');
      if (rowLimit !== null) select = select.limit(rowLimit);
      const rows = await select.execute();
      return rows.map((row) => ({
        userId: row.user_id as string,
        revenue: figure(row, 'revenue'),
        refunds: figure(row, 'refunds'),
        fees: figure(row, 'fees'),
      }));
    },

    upcoming: async ({ currency, ranges }) => {
      // Each paying or trialing subscription, with its MRR now when it pays: the mrr of the entry
      // no later entry of it follows (a join, so each figure below reads a plain column).
      const subscriptions = db
        .selectFrom('subscriptions as s')
        .leftJoin('mrr_movements as m', (join) =>
          join
            .onRef('m.stripe_subscription_id', '=', 's.stripe_subscription_id')
            .on('s.status', 'in', PAYING)
            .on(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('mrr_movements as later')
                    .select('later.id')
                    .whereRef('later.stripe_subscription_id', '=', 'm.stripe_subscription_id')
                    .where((eb) =>
                      eb.or([
                        eb('later.at', '>', eb.ref('m.at')),
                        eb.and([eb('later.at', '=', eb.ref('m.at')), eb('later.id', '>', eb.ref('m.id'))]),
                      ]),
                    ),
                ),
              ),
            ),
        )
        .select([
          's.status',
          's.interval',
          's.cancel_at',
          's.cancel_at_period_end',
          's.current_period_end',
          's.trial_end',
          sql<DbInteger>`coalesce(${sql.ref('m.mrr')}, 0)`.as('mrr_now'),
        ])
        .where('s.currency', '=', currency)
        .where('s.status', 'in', [...PAYING, 'trialing']);
      const u = (column: string) => sql.ref(`u.${column}`);
      const paying = sql<boolean>`${u('status')} in (${sql.join(PAYING)})`;
      const yearly = sql<boolean>`(${paying} and ${u('interval')} = ${'year'})`;
      const atPeriodEnd = sql<boolean>`${u('cancel_at_period_end')} = ${dialect.toDbBoolean(true)}`;
      const countAndMrr = (condition: RawBuilder<boolean>, name: string) => [
        sql<DbInteger>`sum(case when ${condition} then 1 else 0 end)`.as(`${name}_count`),
        sql<DbInteger>`sum(case when ${condition} then ${u('mrr_now')} else 0 end)`.as(`${name}_mrr`),
      ];
      const figuresFor = (range: DateRange, k: number) => [
        ...countAndMrr(
          sql`(${paying} and (${inRange('u.cancel_at', range)} or (${atPeriodEnd} and ${inRange('u.current_period_end', range)})))`,
          `churn${k}`,
        ),
        sql<DbInteger>`sum(case when ${u('status')} = ${'trialing'} and ${inRange('u.trial_end', range)} then 1 else 0 end)`.as(
          `trials${k}`,
        ),
        ...countAndMrr(
          sql`(${yearly} and not ${atPeriodEnd} and ${u('cancel_at')} is null and ${inRange('u.current_period_end', range)})`,
          `renewals${k}`,
        ),
      ];
      const batches = ranges.length === 0 ? [[]] : inGroups(ranges);
      let yearlyMrr = 0;
      const points: Array<{
        scheduledChurn: { count: number; mrr: number };
        trialsEnding: number;
        yearlyRenewals: { count: number; mrr: number };
      }> = [];
      for (const batch of batches) {
        const row = await db
          .selectFrom(subscriptions.as('u'))
          .select([
            sql<DbInteger>`sum(case when ${yearly} then ${u('mrr_now')} else 0 end)`.as('yearly_mrr'),
            ...batch.flatMap(figuresFor),
          ])
          .executeTakeFirstOrThrow();
        yearlyMrr = figure(row, 'yearly_mrr');
        for (const k of batch.keys()) {
          points.push({
            scheduledChurn: { count: figure(row, `churn${k}_count`), mrr: figure(row, `churn${k}_mrr`) },
            trialsEnding: figure(row, `trials${k}`),
            yearlyRenewals: {
              count: figure(row, `renewals${k}_count`),
              mrr: figure(row, `renewals${k}_mrr`),
            },
          });
        }
      }
      return { yearlyMrr, ranges: points };
    },
  };
}

/** Paid invoices of the currency, for more than nothing (sales, recognition, revenue), as `i`. */
function paidInvoices(context: SqlContext, currency: string) {
  return context.db
    .selectFrom('invoices as i')
    .where('i.status', '=', 'paid')
    .where('i.currency', '=', currency)
    .where('i.paid_at', 'is not', null)
    .where('i.amount_paid', '>', 0);
}

/**
 * The recognition points of a batch of instants, in one pass over the paid invoices (their GST
 * share and service period are columns of their own row) joined to their refunds per instant: see
 * `AnalyticsQueries.recognition`. `deferred` is base − recognized per invoice, so its sum is the sum
 * of the bases less the sum recognized.
 */
async function recognitionAt(
  context: SqlContext,
  currency: string,
  instants: Date[],
): Promise<RecognitionPoint[]> {
  const { db, dialect } = context;
  const last = dialect.toDbDate(latest(instants));
  const ref = sql.ref;
  // Each invoice's refunds (amount − tax) created before each instant.
  const refunds = db
    .selectFrom('refunds as r')
    .select('r.stripe_invoice_id')
    .select(
      instants.map((instant, k) =>
        dialect
          .asBigint(
            sql`sum(case when ${ref('r.created_at')} < ${dialect.toDbDate(instant)} then ${ref('r.amount')} - ${ref('r.tax')} else 0 end)`,
          )
          .as(`refunded${k}`),
      ),
    )
    .where('r.stripe_invoice_id', 'is not', null)
    .where(sql<boolean>`${ref('r.status')} not in (${sql.join(NOT_REFUNDED)})`)
    .where('r.created_at', '<', last)
    .groupBy('r.stripe_invoice_id');

  const net = sql`(${ref('i.amount_paid')} - ${ref('i.gst_paid')})`;
  const days = ref('i.service_days');
  const figures = instants.flatMap((instant, k) => {
    const paidBefore = sql<boolean>`${ref('i.paid_at')} < ${dialect.toDbDate(instant)}`;
    const sumPaidBefore = (value: Expression<unknown>) =>
      sql<DbInteger>`sum(case when ${paidBefore} then ${value} else 0 end)`;
    const refunded = sql`coalesce(${ref(`ref.refunded${k}`)}, 0)`;
    const base = sql`case when ${net} - ${refunded} > 0 then ${net} - ${refunded} else 0 end`;
    // Elapsed whole days clamped to [0, days]: all of the base once they are all gone (or when the
    // period is under a day), none before the first, else the division.
    const sinceStart = sql`(${sql.lit(epochMillisecondsOf(instant))} - ${ref('i.service_start_ms')})`;
    const day = sql.lit(DAY_MS);
    const recognized = sql`case when ${days} <= 0 or ${sinceStart} >= ${days} * ${day} then ${base} when ${sinceStart} < ${day} then 0 else ${dialect.integerDivide(
      sql`${dialect.wideInteger(base)} * ${dialect.integerDivide(sinceStart, day)}`,
      days,
    )} end`;
    return [
      sumPaidBefore(net).as(`billed${k}`),
      sumPaidBefore(refunded).as(`refunded${k}`),
      sumPaidBefore(base).as(`base${k}`),
      sumPaidBefore(recognized).as(`recognized${k}`),
    ];
  });
  const row = await paidInvoices(context, currency)
    .leftJoin(refunds.as('ref'), 'ref.stripe_invoice_id', 'i.stripe_invoice_id')
    .select(figures)
    .where('i.paid_at', '<', last)
    .executeTakeFirstOrThrow();
  return instants.map((_, k) => {
    const recognized = figure(row, `recognized${k}`);
    return {
      billed: figure(row, `billed${k}`),
      refunded: figure(row, `refunded${k}`),
      recognized,
      deferred: figure(row, `base${k}`) - recognized,
    };
  });
}

/** An instant as an integer literal of epoch ms (only from a valid Date, so it is safe to inline). */
function epochMillisecondsOf(instant: Date): number {
  const time = instant.getTime();
  if (!Number.isSafeInteger(time)) {
    throw new InvalidInputError('An analytics instant must be a valid Date.', [
      { path: 'at', message: `expected a valid Date, got ${String(instant)}` },
    ]);
  }
  return time;
}

/** An aggregate as a number: SUM over no rows is null, and drivers hand big sums back as text. */
function figure(row: Row, column: string): number {
  const value = row[column];
  return value === null || value === undefined ? 0 : toNumber(value as DbInteger);
}

function latest(instants: readonly Date[]): Date {
  return new Date(Math.max(...instants.map((instant) => instant.getTime())));
}

function earliest(instants: readonly Date[]): Date {
  return new Date(Math.min(...instants.map((instant) => instant.getTime())));
}

function inGroups<T>(items: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += POINTS_PER_QUERY)
    groups.push(items.slice(start, start + POINTS_PER_QUERY));
  return groups;
}

/** Answers for each item, one query per batch of `POINTS_PER_QUERY` items, in order. */
async function inBatches<T, R>(items: readonly T[], answer: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const answers: R[] = [];
  for (const batch of inGroups(items)) answers.push(...(await answer(batch)));
  return answers;
}
