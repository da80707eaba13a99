// Every change of state writes an audit entry in the same transaction as the change.

import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { StoreSession } from '../store/billing-store.js';
import type { AuditEntry } from '../store/records.js';

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
  });
}
