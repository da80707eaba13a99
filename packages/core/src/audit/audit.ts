// Every change of state writes an audit entry in the same transaction as the change.

import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { StoreSession } from '../store/billing-store.js';
import type { AuditEntry } from '../store/records.js';
import { currentRequestId } from './request-context.js';

const withRequestId = (requestId: string | undefined) => (requestId === undefined ? {} : { requestId });

export async function recordAudit(
  session: StoreSession,
  clock: Clock,
  entry: Omit<AuditEntry, 'id' | 'at' | 'actor'> & { actor?: string },
): Promise<void> {
  await session.audit.append({
    id: randomUUID(),
    at: clock.now(),
    actor: entry.actor ?? 'system',
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    userId: entry.userId,
    data: entry.data,
    ...withRequestId(entry.requestId ?? currentRequestId()),
  });
}

/** Whether `action` is already in the log for this subject (so a replayed operation logs it once). */
export async function alreadyAudited(
  session: StoreSession,
  subjectId: string,
  action: string,
): Promise<boolean> {
  let after: string | null = null;
  do {
    const page = await session.audit.list({ subjectId, limit: 100, after });
    if (page.items.some((e) => e.action === action)) return true;
    after = page.nextCursor;
  } while (after);
  return false;
}
