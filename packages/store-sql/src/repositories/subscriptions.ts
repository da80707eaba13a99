// Subscriptions, keyed by Stripe id; a user's are listed newest first.

import type { SubscriptionRecord, SubscriptionRepository } from '@billkit/core';
import type { Selectable } from 'kysely';
import { dateOrNull, dbDateOrNull, toBoolean, toNumber } from '../columns.js';
import { keysetPage } from '../pages.js';
import type { SubscriptionsTable } from '../schema.js';
import { type SqlContext, upsertRow } from '../sql-context.js';

export function subscriptionRepository(context: SqlContext): SubscriptionRepository {
  const { dialect } = context;
  const toRow = (record: SubscriptionRecord): SubscriptionsTable => ({
    stripe_subscription_id: record.stripeSubscriptionId,
    stripe_customer_id: record.stripeCustomerId,
    user_id: record.userId,
    status: record.status,
    plan_id: record.planId,
    stripe_price_id: record.stripePriceId,
    interval: record.interval,
    quantity: record.quantity,
    amount: record.amount,
    currency: record.currency,
    current_period_start: dialect.toDbDate(record.currentPeriodStart),
    current_period_end: dialect.toDbDate(record.currentPeriodEnd),
    cancel_at_period_end: dialect.toDbBoolean(record.cancelAtPeriodEnd),
    cancel_at: dbDateOrNull(dialect, record.cancelAt),
    canceled_at: dbDateOrNull(dialect, record.canceledAt),
    ended_at: dbDateOrNull(dialect, record.endedAt),
    trial_start: dbDateOrNull(dialect, record.trialStart),
    trial_end: dbDateOrNull(dialect, record.trialEnd),
    paused_collection: record.pausedCollection,
    past_due_since: dbDateOrNull(dialect, record.pastDueSince),
    grace_extended_until: dbDateOrNull(dialect, record.graceExtendedUntil),
    latest_invoice_id: record.latestInvoiceId,
    downgrade_until: dbDateOrNull(dialect, record.scheduledDowngrade?.until ?? null),
    downgrade_from_plan_id: record.scheduledDowngrade?.fromPlanId ?? null,
    cancellation_reason: record.cancellationReason,
    cancellation_feedback: record.cancellationFeedback,
    created_at: dialect.toDbDate(record.createdAt),
    updated_at: dialect.toDbDate(record.updatedAt),
    watermark: record.watermark,
    version: record.version,
  });
  const fromRow = (row: Selectable<SubscriptionsTable>): SubscriptionRecord => ({
    stripeSubscriptionId: row.stripe_subscription_id,
    stripeCustomerId: row.stripe_customer_id,
    userId: row.user_id,
    status: row.status as SubscriptionRecord['status'],
    planId: row.plan_id,
    stripePriceId: row.stripe_price_id,
    interval: row.interval as SubscriptionRecord['interval'],
    quantity: toNumber(row.quantity),
    amount: toNumber(row.amount),
    currency: row.currency,
    currentPeriodStart: dialect.fromDbDate(row.current_period_start),
    currentPeriodEnd: dialect.fromDbDate(row.current_period_end),
    cancelAtPeriodEnd: toBoolean(row.cancel_at_period_end),
    cancelAt: dateOrNull(dialect, row.cancel_at),
    canceledAt: dateOrNull(dialect, row.canceled_at),
    endedAt: dateOrNull(dialect, row.ended_at),
    trialStart: dateOrNull(dialect, row.trial_start),
    trialEnd: dateOrNull(dialect, row.trial_end),
    pausedCollection: row.paused_collection as SubscriptionRecord['pausedCollection'],
    pastDueSince: dateOrNull(dialect, row.past_due_since),
    graceExtendedUntil: dateOrNull(dialect, row.grace_extended_until),
    latestInvoiceId: row.latest_invoice_id,
    scheduledDowngrade:
      row.downgrade_until === null
        ? null
        : { fromPlanId: row.downgrade_from_plan_id, until: dialect.fromDbDate(row.downgrade_until) },
    cancellationReason: row.cancellation_reason,
    cancellationFeedback: row.cancellation_feedback,
    createdAt: dialect.fromDbDate(row.created_at),
    updatedAt: dialect.fromDbDate(row.updated_at),
    watermark: toNumber(row.watermark),
    version: toNumber(row.version),
  });

  return {
    findByStripeId: async (stripeSubscriptionId) => {
      const row = await context.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('stripe_subscription_id', '=', stripeSubscriptionId)
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    },
    listByUserId: async (userId) => {
      const rows = await context.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('stripe_subscription_id', 'desc')
        .execute();
      return rows.map(fromRow);
    },
    upsert: (record) =>
      upsertRow(context, {
        table: 'subscriptions',
        key: 'stripe_subscription_id',
        row: { ...toRow(record) },
      }),
    list: (page) =>
      keysetPage(
        dialect,
        context.db.selectFrom('subscriptions').selectAll(),
        {
          list: 'subscriptions',
          timeColumn: 'created_at',
          idColumn: 'stripe_subscription_id',
          order: 'oldestFirst',
        },
        page,
        (rows) => rows.map(fromRow),
      ),
  };
}
