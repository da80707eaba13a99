// The notification outbox. `enqueue` relies on the unique key (a dedupe key is stored at most
// once); `claimDue` locks the due rows it takes, passing over rows another claim has locked
// (FOR UPDATE SKIP LOCKED on PostgreSQL and MySQL, SQLite's BEGIN IMMEDIATE), so two concurrent
// callers never get one message; `markSent` / `markFailed` are one conditional UPDATE each.

import type { NotificationOutbox, OutboxMessageRecord } from '@billkit/core';
import { pageLimit } from '@billkit/core';
import type { ExpressionBuilder, QueryCreator, Selectable } from 'kysely';
import { dateOrNull, dbDateOrNull, parseJson, stringifyJson, toNumber } from '../columns.js';
import { keysetPage } from '../pages.js';
import type { Database, OutboxTable } from '../schema.js';
import { atomically, type SqlContext, writeOnce } from '../sql-context.js';

export function notificationOutbox(context: SqlContext): NotificationOutbox {
  const { dialect } = context;
  const toRow = (record: OutboxMessageRecord): OutboxTable => ({
    id: record.id,
    key: record.key,
    kind: record.kind,
    user_id: record.userId,
    email: record.email,
    data: stringifyJson(record.data),
    status: record.status,
    attempts: record.attempts,
    last_error: record.lastError,
    created_at: dialect.toDbDate(record.createdAt),
    available_at: dialect.toDbDate(record.availableAt),
    sent_at: dbDateOrNull(dialect, record.sentAt),
    lease_until: dbDateOrNull(dialect, record.leaseUntil),
  });
  const fromRow = (row: Selectable<OutboxTable>): OutboxMessageRecord => ({
    id: row.id,
    key: row.key,
    kind: row.kind,
    userId: row.user_id,
    email: row.email,
    data: parseJson<Record<string, unknown>>(row.data),
    status: row.status as OutboxMessageRecord['status'],
    attempts: toNumber(row.attempts),
    lastError: row.last_error,
    createdAt: dialect.fromDbDate(row.created_at),
    availableAt: dialect.fromDbDate(row.available_at),
    sentAt: dateOrNull(dialect, row.sent_at),
    leaseUntil: dateOrNull(dialect, row.lease_until),
  });
  /** Claimed rows in claim order: oldest (created_at, id) first. */
  const inClaimOrder = (rows: Selectable<OutboxTable>[]) =>
    rows
      .map(fromRow)
      .sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );

  /** Ends a claim, only while it is still the latest one: one conditional UPDATE. */
  const finishClaim = async (id: string, attempt: number, changes: Partial<OutboxTable>) => {
    const result = await writeOnce(context, (db) =>
      db
        .updateTable('outbox')
        .set({ ...changes, lease_until: null })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .where('attempts', '=', attempt)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  };

  return {
    enqueue: async (message) => {
      const row = toRow(message);
      // A clash on the key or on the id inserts nothing (see `insertIfAbsent`): a duplicate.
      const inserted = await writeOnce(context, (db) =>
        dialect.insertIfAbsent(db, 'outbox', { ...row }, 'key'),
      );
      return inserted ? 'enqueued' : 'duplicate';
    },
    claimDue: async (at) => {
      const limit = pageLimit(at.limit);
      const now = dialect.toDbDate(at.now);
      const due = (eb: ExpressionBuilder<Database, 'outbox'>) =>
        eb.or([
          eb.and([eb('status', 'in', ['pending', 'failed']), eb('available_at', '<=', now)]),
          // A sending row without a lease has no holder to wait for.
          eb.and([
            eb('status', '=', 'sending'),
            eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]),
          ]),
        ]);
      const dueIds = (db: QueryCreator<Database>) =>
        dialect.lockSkippingLocked(
          db
            .selectFrom('outbox')
            .select('id')
            .where(due)
            .orderBy('created_at', 'asc')
            .orderBy('id', 'asc')
            .limit(limit),
        );
      const claim = {
        status: 'sending',
        lease_until: dialect.toDbDate(at.leaseUntil),
      } as const;

      if (dialect.supportsReturning) {
        // One statement: the CTE locks the due rows (skipping those another claim holds) and the
        // UPDATE takes exactly those. SQLite runs it inside BEGIN IMMEDIATE (see `atomically`).
        const rows = await atomically(context, (db) =>
          db
            .with('due', (qb) => dueIds(qb))
            .updateTable('outbox')
            .set((eb) => ({ ...claim, attempts: eb('attempts', '+', 1) }))
            .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
            .returningAll()
            .execute(),
        );
        return inClaimOrder(rows);
      }
      // Without RETURNING (MySQL): lock the due rows in a transaction, update them, read them back
      // while the transaction still holds their locks.
      return atomically(context, async (db) => {
        const ids = (await dueIds(db).execute()).map((row) => row.id);
        if (ids.length === 0) return [];
        await db
          .updateTable('outbox')
          .set((eb) => ({ ...claim, attempts: eb('attempts', '+', 1) }))
          .where('id', 'in', ids)
          .execute();
        return inClaimOrder(await db.selectFrom('outbox').selectAll().where('id', 'in', ids).execute());
      });
    },
    markSent: (id, outcome) =>
      finishClaim(id, outcome.attempt, { status: 'sent', sent_at: dialect.toDbDate(outcome.at) }),
    markFailed: (id, failure) =>
      finishClaim(id, failure.attempt, {
        status: 'failed',
        last_error: failure.error,
        available_at: dialect.toDbDate(failure.retryAt),
      }),
    list: (query = {}) => {
      const { status, userId } = query;
      let select = context.db.selectFrom('outbox').selectAll();
      if (status !== undefined) select = select.where('status', '=', status);
      if (userId !== undefined) select = select.where('user_id', '=', userId);
      return keysetPage(
        dialect,
        select,
        { list: 'outbox', timeColumn: 'created_at', idColumn: 'id', order: 'oldestFirst' },
        query,
        (rows) => rows.map(fromRow),
      );
    },
  };
}
