// The notification outbox: the engine writes each message in the same transaction as the change
// that causes it, and `flush()` hands due messages to the Notifier afterwards, with back-off on
// failure. A message is claimed with a lease and a token before it is sent, so two copies of the
// host never send one message at once, and a process that dies mid-flush leaves the message to
// be taken over when the lease runs out: nothing accepted is ever lost. An operator can queue a
// paid invoice's receipt once more (`resendReceipt`).

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.js';
import type { BillingContext } from '../context.js';
import { BillingError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import type { StoreSession } from '../store/billing-store.js';
import type { OutboxMessageRecord, OutboxMessageStatus, Page } from '../store/records.js';
import { ADMIN_KINDS, type NotificationDataByKind, type NotificationKind } from './kinds.js';
import type { Notification } from './notifier.js';
import { hasReceipt, receiptData } from './receipt.js';

const LEASE_MS = 60_000;
/** Waits between attempts: 1 min, 5 min, 30 min, 2 h, then 6 h. */
const BACKOFF_MS = [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000];
/** Set when a message has been given up: it stays `failed` and is never due again by itself. */
const GAVE_UP_AT = new Date('9999-12-31T00:00:00Z');

/** What the engine asks to be sent: one kind, its data, and the key that makes it happen once. */
export type QueuedNotification = {
  [K in NotificationKind]: {
    kind: K;
    userId: string;
    email: string | null;
    data: NotificationDataByKind[K];
    key: string;
  };
}[NotificationKind];

const pending = new WeakMap<BillingContext, boolean>();

/**
 * Writes a notification into the outbox through `session`, so it commits or rolls back with the
 * change. Admin messages go to the configured admin addresses. A key already queued changes
 * nothing.
 */
export async function queueNotification(
  ctx: BillingContext,
  session: StoreSession,
  notification: QueuedNotification,
): Promise<'enqueued' | 'duplicate'> {
  const admin = ADMIN_KINDS.has(notification.kind);
  const email = admin ? ctx.notifications.adminEmails.join(', ') || null : notification.email;
  if (admin && !email) {
    ctx.logger.warn('an operators’ notification has no recipient: set notifications.adminEmails', {
      kind: notification.kind,
      key: notification.key,
    });
  }
  const now = ctx.clock.now();
  const result = await session.outbox.enqueue({
    id: randomUUID(),
    key: notification.key,
    kind: notification.kind,
    userId: notification.userId,
    email,
    data: notification.data as unknown as Record<string, unknown>,
    status: 'pending',
    attempts: 0,
    lastError: null,
    createdAt: now,
    availableAt: now,
    sentAt: null,
    leaseUntil: null,
  });
  if (result === 'enqueued') pending.set(ctx, true);
  return result;
}

/** After a commit: sends what was just queued, when the host wants it sent at once. */
export function sendAfterCommit(ctx: BillingContext): () => Promise<void> {
  return async () => {
    if (!ctx.notifications.sendAfterCommit || !pending.get(ctx)) return;
    pending.set(ctx, false);
    try {
      await flushOutbox(ctx, { limit: 25 });
    } catch (error) {
      // The messages stay in the outbox; the next flush sends them.
      ctx.logger.warn('sending notifications after commit failed', { error: String(error) });
    }
  };
}

export interface FlushResult {
  /** Handed to the Notifier without error. */
  sent: number;
  /** The Notifier threw: retried later with back-off (or given up after `maxAttempts`). */
  failed: number;
}

async function flushOutbox(ctx: BillingContext, options: { limit: number }): Promise<FlushResult> {
  const result: FlushResult = { sent: 0, failed: 0 };
  let budget = options.limit;
  while (budget > 0) {
    const now = ctx.clock.now();
    const claimed = await ctx.store.outbox.claimDue({
      now,
      leaseUntil: new Date(now.getTime() + LEASE_MS),
      limit: Math.min(budget, 50),
    });
    if (claimed.length === 0) break;
    budget -= claimed.length;
    for (const message of claimed) {
      if (await deliver(ctx, message)) result.sent++;
      else result.failed++;
    }
  }
  return result;
}

async function deliver(ctx: BillingContext, message: OutboxMessageRecord): Promise<boolean> {
  try {
    const attachments = ctx.notifier.wantsAttachments === false ? [] : await ctx.attachmentsFor(message);
    const notification: Notification = {
      kind: message.kind,
      userId: message.userId,
      email: message.email,
      audience: ADMIN_KINDS.has(message.kind) ? 'admin' : 'customer',
      data: message.data,
      key: message.key,
      ...(attachments.length > 0 ? { attachments } : {}),
    };
    await ctx.notifier.notify(notification);
  } catch (error) {
    const at = ctx.clock.now();
    const givingUp = message.attempts >= ctx.notifications.maxAttempts;
    const wait = BACKOFF_MS[Math.min(message.attempts - 1, BACKOFF_MS.length - 1)] ?? 60_000;
    const reason = error instanceof Error ? error.message : String(error);
    ctx.logger.warn('notification not sent', {
      kind: message.kind,
      key: message.key,
      attempt: message.attempts,
    });
    await ctx.store.outbox.markFailed(message.id, {
      error: givingUp ? `gave up after ${message.attempts} attempts: ${reason}` : reason,
      at,
      retryAt: givingUp ? GAVE_UP_AT : new Date(at.getTime() + wait),
      attempt: message.attempts,
    });
    return false;
  }
  await ctx.store.outbox.markSent(message.id, { at: ctx.clock.now(), attempt: message.attempts });
  return true;
}

const flushSchema = z
  .object({ limit: z.number().int().min(1).max(10_000).default(500) })
  .default({ limit: 500 });
const listSchema = z
  .object({
    status: z.enum(['pending', 'sending', 'sent', 'failed']).optional(),
    limit: z.number().int().min(1).max(500).optional(),
    after: z.string().nullable().optional(),
  })
  .default({});

const resendReceiptSchema = z.object({
  invoiceId: z.string().regex(/^in_\w{1,250}$/, 'a Stripe invoice id (in_...)'),
  /** Who asked, for the audit log: `admin:<id>`. */
  actor: z.string().min(1).max(255),
});

export type ResendReceiptInput = z.input<typeof resendReceiptSchema>;

export function notificationsApi(ctx: BillingContext) {
  return {
    /**
     * Sends every due message in the outbox (up to `limit`), retrying failures later with
     * back-off. Safe to run from many processes at once (a cron job, a queue worker).
     */
    async flush(input?: z.input<typeof flushSchema>): Promise<FlushResult> {
      const args = parseInput(flushSchema, input, 'notifications.flush');
      return flushOutbox(ctx, args);
    },
    /** The outbox, oldest first: what was sent, what waits, what failed and why. */
    async list(input?: z.input<typeof listSchema>): Promise<Page<OutboxMessageRecord>> {
      const args = parseInput(listSchema, input, 'notifications.list');
      return ctx.store.outbox.list({
        ...(args.status ? { status: args.status as OutboxMessageStatus } : {}),
        ...(args.limit ? { limit: args.limit } : {}),
        ...(args.after ? { after: args.after } : {}),
      });
    },
    /**
     * Sends a paid invoice's receipt again (with its PDF), to the customer's current email: the
     * same message as on payment, under a new key so it goes out again. Returns that key.
     */
    async resendReceipt(input: ResendReceiptInput): Promise<{ key: string }> {
      const args = parseInput(resendReceiptSchema, input, 'notifications.resendReceipt');
      return resendReceipt(ctx, args.invoiceId, args.actor);
    },
  };
}

async function resendReceipt(
  ctx: BillingContext,
  invoiceId: string,
  actor: string,
): Promise<{ key: string }> {
  const mirrored = await ctx.store.invoices.findByStripeId(invoiceId);
  const userId = mirrored?.userId;
  if (!userId) throw new BillingError('invoice_not_found', `No invoice ${invoiceId}.`);
  // Stripe's state, not the mirror's: a payment whose webhook has not arrived yet still has a receipt.
  const invoice = await ctx.gateway.call('invoices.retrieve', (stripe) =>
    stripe.invoices.retrieve(invoiceId),
  );
  if (!hasReceipt(invoice)) {
    throw new BillingError(
      'invalid_state',
      invoice.status === 'paid'
        ? `Invoice ${invoiceId} was settled without a charge (credit covered it), so it has no receipt.`
        : `Invoice ${invoiceId} is ${invoice.status ?? 'a draft'}; only a paid invoice has a receipt.`,
    );
  }
  const customer = await ctx.store.customers.findByUserId(userId);
  if (!customer?.email) {
    throw new BillingError('invalid_state', `The customer of invoice ${invoiceId} has no email address.`);
  }
  const key = `receipt:${invoiceId}:resent:${randomUUID()}`;
  await ctx.store.transaction(async (session) => {
    await queueNotification(ctx, session, {
      kind: 'receipt',
      userId,
      email: customer.email,
      key,
      data: receiptData(ctx, invoice),
    });
    await recordAudit(session, ctx.clock, {
      actor,
      action: 'invoice.receipt_resent',
      subjectType: 'invoice',
      subjectId: invoiceId,
      userId,
      data: { key },
    });
  });
  await ctx.afterCommit();
  return { key };
}
