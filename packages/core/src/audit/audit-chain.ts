// The audit log's hash chain: what `billing.audit` seals after commits and verifies on demand.
// Each link's hash is SHA-256 over the previous link's hash and the entry's canonical JSON (keys
// sorted, dates as ISO text), so editing an entry's content, its hash or its place, or deleting an
// entry, shows up when the chain is walked again. Rewriting every hash from an edit onwards (and
// the head) would pass: keep `verify()`'s `head.hash` somewhere the database's users cannot write
// (a log, a ticket, another system) and compare it later.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseInput } from '../errors/parse-input.js';
import { type AuditChain, type AuditLog, GENESIS_HASH } from '../store/billing-store.js';
import { decodeAuditCursor } from '../store/page-cursor.js';
import type { AuditEntry, Page } from '../store/records.js';

/** Links read per page while verifying. */
const VERIFY_PAGE = 500;

/** `hash(previous, entry)` of one link: hex SHA-256 of the previous hash, a newline and the entry. */
export function auditLinkHash(previousHash: string, entry: AuditEntry): string {
  return createHash('sha256').update(previousHash).update('\n').update(canonicalJson(entry)).digest('hex');
}

/** JSON with object keys sorted at every depth and dates as ISO text: one text per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(object)
        .filter((key) => object[key] !== undefined)
        .sort()
        .map((key) => [key, canonical(object[key])]),
    );
  }
  return value;
}

/** What `audit.verify()` found wrong at one place of the chain. */
export type AuditProblem =
  /** The entry's content (or its stored hash) is not what was linked there. */
  | { kind: 'edited'; position: number; entryId: string }
  /** No entry holds this position (deleted), or the positions are out of order. */
  | { kind: 'missing'; position: number }
  /** The chain's head names another last link than the entries end with (head deleted or rewritten). */
  | { kind: 'head'; position: number };

export interface AuditVerification {
  /** true when every link recomputes and no position is missing. */
  ok: boolean;
  /** Links walked. */
  entries: number;
  /** The chain's head as stored: keep its hash elsewhere to detect a rewritten chain later. */
  head: { position: number; hash: string };
  /** Every problem, in position order (an edit also fails the link after it only if that hash moved). */
  problems: AuditProblem[];
}

/**
 * Seals what is unsealed, then walks the whole chain: each link's hash must be the hash of the
 * previous stored hash and the entry, positions must run 1, 2, 3 ... up to the head.
 */
export async function verifyAuditChain(chain: AuditChain): Promise<AuditVerification> {
  try {
    await chain.seal(auditLinkHash);
  } catch {
    // A chain that cannot be extended (its head deleted, say) is still walked: the walk says why.
  }
  const problems: AuditProblem[] = [];
  let expected = 1;
  let previousHash = GENESIS_HASH;
  let walked = 0;
  let head = { position: 0, hash: GENESIS_HASH };
  for (;;) {
    const page = await chain.links({ after: expected - 1, limit: VERIFY_PAGE });
    head = page.head;
    for (const link of page.links) {
      // After a gap the link's predecessor is gone: its hash cannot be checked, only its own successors'.
      const afterGap = expected < link.position;
      while (expected < link.position) problems.push({ kind: 'missing', position: expected++ });
      if (!afterGap && auditLinkHash(previousHash, link.entry) !== link.hash)
        problems.push({ kind: 'edited', position: link.position, entryId: link.entry.id });
      previousHash = link.hash;
      expected = link.position + 1;
      walked++;
    }
    if (page.links.length < VERIFY_PAGE) break;
  }
  // Entries deleted from the end: the head remembers how far the chain went.
  if (expected <= head.position) {
    while (expected <= head.position) problems.push({ kind: 'missing', position: expected++ });
  } else if (expected - 1 !== head.position || previousHash !== head.hash) {
    problems.push({ kind: 'head', position: head.position });
  }
  return { ok: problems.length === 0, entries: walked, head, problems };
}

const auditQuerySchema = z
  .strictObject({
    /** The subject's id: a customer, subscription, invoice, ... (`subjectId`). */
    target: z.string().min(1).max(255).optional(),
    userId: z.string().min(1).max(255).optional(),
    actor: z.string().min(1).max(255).optional(),
    from: z.date().optional(),
    to: z.date().optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    after: z.string().min(1).max(500).nullable().optional(),
  })
  .optional();

export type AuditListQuery = NonNullable<z.input<typeof auditQuerySchema>>;

/** `billing.audit`: the log, filtered and paged; its chain sealed and verified. */
export function auditApi(dependencies: { log: AuditLog; chain: AuditChain }) {
  const { log, chain } = dependencies;
  return {
    /**
     * Entries in append order, optionally about one `target` (subject id), of one user, by one
     * `actor` ('system', 'user:<id>', 'admin:<id>', 'stripe'), with `at` in [from, to).
     */
    async list(query?: AuditListQuery): Promise<Page<AuditEntry>> {
      const { target, after, ...rest } = parseInput(auditQuerySchema, query, 'audit.list') ?? {};
      if (after != null) decodeAuditCursor(after);
      return log.list({ ...rest, ...(target !== undefined ? { subjectId: target } : {}), after });
    },
    /** Links the entries committed since the last seal to the chain; how many. */
    seal: (): Promise<number> => chain.seal(auditLinkHash),
    /** Seals, then recomputes the whole chain: edits and deletions come back as problems. */
    verify: (): Promise<AuditVerification> => verifyAuditChain(chain),
  };
}
