// Named progress markers of long jobs (reconcile's cursor): one row per name, replaced whole.

import type { Checkpoints } from '@billkit/core';
import { atomically, type SqlContext } from '../sql-context.js';

export function checkpoints(context: SqlContext): Checkpoints {
  const { db, dialect } = context;
  return {
    get: async (name) => {
      const row = await db
        .selectFrom('checkpoints')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirst();
      return row?.value ?? null;
    },
    put: (name, value) =>
      atomically(context, async (executor) => {
        // Delete and insert in one transaction: the same statements on every dialect.
        await executor.deleteFrom('checkpoints').where('name', '=', name).execute();
        await executor
          .insertInto('checkpoints')
          .values({ name, value, updated_at: dialect.toDbDate(new Date()) })
          .execute();
      }),
    delete: async (name) => {
      await db.deleteFrom('checkpoints').where('name', '=', name).execute();
    },
  };
}
