// Integer division that rounds down for either sign, in SQL, on top of the dialect's truncating
// division: what the analytics need for durations that may be negative (whole seconds, whole days).

import { type Expression, type RawBuilder, sql } from 'kysely';
import type { SqlDialect } from './dialects/dialect.js';
import type { DbInteger } from './schema.js';

/** floor(value / divisor) for an integer `value` of either sign and a positive `divisor`. */
export function floorDivide(
  dialect: SqlDialect,
  value: Expression<unknown>,
  divisor: number,
): RawBuilder<DbInteger> {
  const by = sql.lit(divisor);
  const up = dialect.integerDivide(sql`${by} - 1 - (${value})`, by);
  return sql<DbInteger>`case when ${value} >= 0 then ${dialect.integerDivide(value, by)} else -(${up}) end`;
}
