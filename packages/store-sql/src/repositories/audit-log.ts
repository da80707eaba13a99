// The audit log: append-only, listed in append order (a database-assigned sequence number).

import type { AuditEntry, AuditLog } from '@billkit/core';
import { decodeAuditCursor, encodeCursor, pageLimit } from '@billkit/core';
import { parseJson, stringifyJson, toNumber } from '../columns.js';
import { type SqlContext, translateError, writeOnce } from '../sql-context.js';

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
      const rows = await select
        .orderBy('seq', 'asc')
        .limit(limit + 1)
        .execute();
      const taken = rows.slice(0, limit);
      const items = taken.map(
        (row): AuditEntry => ({
          id: row.id,
          at: dialect.fromDbDate(row.at),
          actor: row.actor,
          action: row.action,
          subjectType: row.subject_type as AuditEntry['subjectType'],
          subjectId: row.subject_id,
          userId: row.user_id,
          data: parseJson<Record<string, unknown>>(row.data),
        }),
      );
      const last = taken.at(-1);
      const more = rows.length > limit && last !== undefined;
      return { items, nextCursor: more ? encodeCursor(['audit', toNumber(last.seq)]) : null };
    },
  };
}
