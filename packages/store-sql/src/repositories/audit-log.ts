// The audit log: append-only, listed in append order (a database-assigned sequence number), and
// its hash chain: entries are linked after they commit by `seal`, which takes the chain's head row
// under a lock, so concurrent seals in any process link each entry once, in one order.

import type { AuditChain, AuditEntry, AuditLog } from '@billkit/core';
import { decodeAuditCursor, encodeCursor, GENESIS_HASH, pageLimit } from '@billkit/core';
import { type Selectable, sql } from 'kysely';
import { parseJson, stringifyJson, toNumber } from '../columns.js';
import type { Executor, SqlDialect } from '../dialects/dialect.js';
import type { AuditLogTable } from '../schema.js';
import { atomically, type SqlContext, translateError, writeOnce } from '../sql-context.js';

/** Entries one seal transaction links (a backlog goes in several). */
const SEAL_BATCH = 500;
const HEAD = 'head';

export function auditLog(context: SqlContext): AuditLog {
  const { dialect } = context;
  return {
    append: async (entry) => {
      const row = {
        id: entry.id,
        at: dialect.toDbDate(entry.at),
        actor: entry.actor,
        action: entry.action,
        subject_type: entry.subjectType,
        subject_id: entry.subjectId,
        user_id: entry.userId,
        data: stringifyJson(entry.data),
        request_id: entry.requestId ?? null,
      };
      try {
        await writeOnce(context, (db) => db.insertInto('audit_log').values(row).execute());
      } catch (error) {
        throw translateError(context, error, 'audit_log', 'id');
      }
    },
    list: async (query = {}) => {
      const limit = pageLimit(query.limit);
      let select = context.db.selectFrom('audit_log').selectAll();
      if (query.after != null) select = select.where('seq', '>', decodeAuditCursor(query.after));
      if (query.subjectId !== undefined) select = select.where('subject_id', '=', query.subjectId);
      if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
      if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
      if (query.from !== undefined) select = select.where('at', '>=', dialect.toDbDate(query.from));
      if (query.to !== undefined) select = select.where('at', '<', dialect.toDbDate(query.to));
      const rows = await select
        .orderBy('seq', 'asc')
        .limit(limit + 1)
        .execute();
      const taken = rows.slice(0, limit);
      const items = taken.map((row) => entryOf(dialect, row));
      const last = taken.at(-1);
      const more = rows.length > limit && last !== undefined;
      return { items, nextCursor: more ? encodeCursor(['audit', toNumber(last.seq)]) : null };
    },
  };
}

export function auditChain(context: SqlContext): AuditChain {
  const { db, dialect } = context;
  return {
    seal: async (hash) => {
      let linked = 0;
      for (;;) {
        const count = await atomically(context, async (executor) => {
          const lockHead = () =>
            dialect
              .lockForUpdate(
                executor.selectFrom('audit_chain').select(['position', 'hash']).where('id', '=', HEAD),
              )
              .executeTakeFirst();
          let head = await lockHead();
          if (head === undefined) {
            // An emptied database (the migration writes the head): the chain starts again. Over
            // linked entries, a new head fails on their unique positions, and verify reports it.
            await insertHeadIfAbsent(executor, dialect);
            head = await lockHead();
          }
          if (head === undefined) throw new Error('The audit chain has no head row.');
          const rows = await executor
            .selectFrom('audit_log')
            .selectAll()
            .where('chain_position', 'is', null)
            .orderBy('seq', 'asc')
            .limit(SEAL_BATCH)
            .execute();
          let position = toNumber(head.position);
          let previous = head.hash;
          for (const row of rows) {
            position++;
            previous = hash(previous, entryOf(dialect, row));
            await executor
              .updateTable('audit_log')
              .set({ chain_position: position, chain_hash: previous })
              .where('seq', '=', row.seq)
              .execute();
          }
          if (rows.length > 0)
            await executor
              .updateTable('audit_chain')
              .set({ position, hash: previous })
              .where('id', '=', HEAD)
              .execute();
          return rows.length;
        });
        linked += count;
        if (count < SEAL_BATCH) return linked;
      }
    },

    links: async ({ after, limit }) => {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('chain_position', '>', after)
        .orderBy('chain_position', 'asc')
        .limit(pageLimit(limit))
        .execute();
      // The head after the links: a seal writes its links and the head in one transaction, so an
      // untouched head is never behind the links just read.
      const head = await db
        .selectFrom('audit_chain')
        .select(['position', 'hash'])
        .where('id', '=', HEAD)
        .executeTakeFirst();
      const position = head === undefined ? 0 : toNumber(head.position);
      return {
        links: rows.map((row) => ({
          position: toNumber(row.chain_position!),
          hash: row.chain_hash!,
          entry: entryOf(dialect, row),
        })),
        head: { position, hash: head?.hash ?? GENESIS_HASH },
      };
    },
  };
}

async function insertHeadIfAbsent(executor: Executor, dialect: SqlDialect): Promise<void> {
  const insert = executor.insertInto('audit_chain').values({ id: HEAD, position: 0, hash: GENESIS_HASH });
  if (dialect.upsertClause === 'onDuplicateKey')
    await insert.onDuplicateKeyUpdate({ id: sql.ref('id') } as never).execute();
  else await insert.onConflict((conflict) => conflict.column('id').doNothing()).execute();
}

function entryOf(dialect: SqlDialect, row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    at: dialect.fromDbDate(row.at),
    actor: row.actor,
    action: row.action,
    subjectType: row.subject_type as AuditEntry['subjectType'],
    subjectId: row.subject_id,
    userId: row.user_id,
    data: parseJson<Record<string, unknown>>(row.data),
    ...(row.request_id === null ? {} : { requestId: row.request_id }),
  };
}
