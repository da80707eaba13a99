// The webhook inbox. `record` relies on the primary key (an event id is stored at most once), and
// `claim` is one conditional UPDATE: the database lets exactly one concurrent caller match it.

import type { WebhookEventRecord, WebhookEventRepository } from '@billkit/core';
import type { ExpressionBuilder, Selectable } from 'kysely';
import { dateOrNull, dbDateOrNull, toNumber } from '../columns.js';
import type { Executor } from '../dialects/dialect.js';
import { keysetPage } from '../pages.js';
import type { Database, WebhookEventsTable } from '../schema.js';
import { atomically, type SqlContext, writeOnce } from '../sql-context.js';

export function webhookEventRepository(context: SqlContext): WebhookEventRepository {
  const { dialect } = context;
  const toRow = (record: WebhookEventRecord): WebhookEventsTable => ({
    event_id: record.eventId,
    type: record.type,
    stripe_created: dialect.toDbDate(record.stripeCreated),
    payload: record.payload,
    status: record.status,
    attempts: record.attempts,
    last_error: record.lastError,
    note: record.note,
    received_at: dialect.toDbDate(record.receivedAt),
    updated_at: dialect.toDbDate(record.updatedAt),
    lease_until: dbDateOrNull(dialect, record.leaseUntil),
  });
  const fromRow = (row: Selectable<WebhookEventsTable>): WebhookEventRecord => ({
    eventId: row.event_id,
    type: row.type,
    stripeCreated: dialect.fromDbDate(row.stripe_created),
    payload: row.payload,
    status: row.status as WebhookEventRecord['status'],
    attempts: toNumber(row.attempts),
    lastError: row.last_error,
    note: row.note,
    receivedAt: dialect.fromDbDate(row.received_at),
    updatedAt: dialect.fromDbDate(row.updated_at),
    leaseUntil: dateOrNull(dialect, row.lease_until),
  });
  const find = async (db: Executor, eventId: string) => {
    const row = await db
      .selectFrom('webhook_events')
      .selectAll()
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  };

  /** Ends a claim, only while it is still the latest one: one conditional UPDATE. */
  const finishClaim = async (eventId: string, attempt: number, changes: Partial<WebhookEventsTable>) => {
    const result = await writeOnce(context, (db) =>
      db
        .updateTable('webhook_events')
        .set(changes)
        .where('event_id', '=', eventId)
        .where('status', '=', 'processing')
        .where('attempts', '=', attempt)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  };

  return {
    record: async (event) => {
      const row = toRow(event);
      const inserted = await writeOnce(context, (db) =>
        dialect.insertIfAbsent(db, 'webhook_events', { ...row }, 'event_id'),
      );
      return inserted ? 'recorded' : 'duplicate';
    },
    get: (eventId) => find(context.db, eventId),
    claim: async (eventId, at) => {
      const now = dialect.toDbDate(at.now);
      const claimable = (eb: ExpressionBuilder<Database, 'webhook_events'>) =>
        eb.or([
          eb('status', 'in', ['received', 'failed']),
          // A processing row without a lease has no holder to wait for.
          eb.and([
            eb('status', '=', 'processing'),
            eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]),
          ]),
        ]);
      const update = (db: Executor) =>
        db
          .updateTable('webhook_events')
          .set((eb) => ({
            status: 'processing',
            lease_until: dialect.toDbDate(at.leaseUntil),
            updated_at: now,
            attempts: eb('attempts', '+', 1),
          }))
          .where('event_id', '=', eventId)
          .where(claimable);
      if (dialect.supportsReturning) {
        const row = await writeOnce(context, (db) => update(db).returningAll().executeTakeFirst());
        return row === undefined ? null : fromRow(row);
      }
      // Without RETURNING: the update and the read of the claimed row in one transaction, which
      // holds the row lock the update took.
      return atomically(context, async (db) => {
        const result = await update(db).executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return null;
        return find(db, eventId);
      });
    },
    complete: (eventId, outcome) =>
      finishClaim(eventId, outcome.attempt, {
        status: outcome.status,
        updated_at: dialect.toDbDate(outcome.at),
        note: outcome.note ?? null,
        lease_until: null,
      }),
    fail: (eventId, failure) =>
      finishClaim(eventId, failure.attempt, {
        status: 'failed',
        last_error: failure.error,
        updated_at: dialect.toDbDate(failure.at),
        lease_until: null,
      }),
    listFailed: (page) =>
      keysetPage(
        dialect,
        context.db.selectFrom('webhook_events').selectAll().where('status', '=', 'failed'),
        {
          list: 'failedWebhookEvents',
          timeColumn: 'received_at',
          idColumn: 'event_id',
          order: 'oldestFirst',
        },
        page,
        (rows) => rows.map(fromRow),
      ),
  };
}
