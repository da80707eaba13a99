// The inbox flow: an event is recorded by id before it is applied, exactly one copy of the handler
// claims it (with a lease, so a crashed copy's work is taken over), and its outcome is kept, unless
// another copy has claimed it since (then that copy's outcome is the one kept).

import type { BillingStore, Clock, Logger } from '@billkit/core';
import type Stripe from 'stripe';

export type WebhookEventRepository = BillingStore['webhookEvents'];
/** An event as the inbox keeps it: status, attempts, last error, the payload for replays. */
export type WebhookEventRecord = NonNullable<Awaited<ReturnType<WebhookEventRepository['get']>>>;

/** What `billing.sync.applyEvent` says it did. */
export interface ApplyEventResult {
  /** `skipped`: older than the mirrored row's watermark, or a type Billkit does not handle. */
  status: 'applied' | 'skipped';
  note?: string | null;
}

/** The part of `createBilling(...)`'s result the webhook handler uses. */
export interface WebhookBilling {
  readonly store: { readonly webhookEvents: WebhookEventRepository };
  readonly sync: { applyEvent(event: Stripe.Event): Promise<ApplyEventResult> };
}

export interface InboxDeps {
  billing: WebhookBilling;
  clock: Clock;
  logger: Logger;
  leaseSeconds: number;
}

/** What happened when this copy tried to work on an event. */
export type ProcessOutcome =
  | { status: 'applied' | 'skipped'; note: string | null }
  | { status: 'failed'; error: string }
  /** Someone else holds it, or it was already applied or skipped: nothing done. */
  | { status: 'not_claimed'; current: WebhookEventRecord['status'] | null }
  /**
   * This copy applied it (or tried to), but its lease ran out and another copy claimed the event
   * before it could keep the outcome: its outcome was dropped, the other copy's stands. `current`
   * is the event as the inbox now has it.
   */
  | { status: 'taken_over'; current: WebhookEventRecord | null };

/** Records a verified event; 'duplicate' when its id is already in the inbox. */
export async function recordEvent(
  deps: InboxDeps,
  event: Stripe.Event,
  payload: string,
): Promise<'recorded' | 'duplicate'> {
  const now = deps.clock.now();
  return deps.billing.store.webhookEvents.record({
    eventId: event.id,
    type: event.type,
    stripeCreated: new Date(event.created * 1000),
    payload,
    status: 'received',
    attempts: 0,
    lastError: null,
    note: null,
    receivedAt: now,
    updatedAt: now,
    leaseUntil: null,
  });
}

/**
 * Claims the event and applies it with `billing.sync.applyEvent`, then keeps the outcome. An error
 * thrown by the application is kept on the event (`failed`) and returned, never rethrown; errors of
 * the store itself are rethrown. When another copy has claimed the event since (this copy's lease
 * ran out mid-way), the outcome is not kept: `taken_over`.
 */
export async function claimAndApply(
  deps: InboxDeps,
  eventId: string,
  eventFromClaim: (claimed: WebhookEventRecord) => Stripe.Event,
): Promise<ProcessOutcome> {
  const inbox = deps.billing.store.webhookEvents;
  const now = deps.clock.now();
  const claimed = await inbox.claim(eventId, {
    now,
    leaseUntil: new Date(now.getTime() + deps.leaseSeconds * 1000),
  });
  if (!claimed) {
    const current = await inbox.get(eventId);
    return { status: 'not_claimed', current: current?.status ?? null };
  }

  let result: ApplyEventResult;
  try {
    // Inside the try: a stored payload that no longer parses is a failure to keep, like any other.
    result = await deps.billing.sync.applyEvent(eventFromClaim(claimed));
  } catch (error) {
    const message = errorMessage(error);
    deps.logger.error('stripe webhook event failed to apply', {
      eventId,
      type: claimed.type,
      attempts: claimed.attempts,
      error: message,
    });
    const kept = await inbox.fail(eventId, {
      error: message,
      at: deps.clock.now(),
      attempt: claimed.attempts,
    });
    if (!kept) return takenOver(deps, claimed, 'failed');
    return { status: 'failed', error: message };
  }

  const note = result.note ?? null;
  const kept = await inbox.complete(eventId, {
    status: result.status,
    at: deps.clock.now(),
    note,
    attempt: claimed.attempts,
  });
  if (!kept) return takenOver(deps, claimed, result.status);
  deps.logger.info(`stripe webhook event ${result.status}`, { eventId, type: claimed.type, note });
  return { status: result.status, note };
}

/** The inbox refused this copy's outcome: another copy claimed the event after this one's lease ran out. */
async function takenOver(
  deps: InboxDeps,
  claimed: WebhookEventRecord,
  dropped: 'applied' | 'skipped' | 'failed',
): Promise<ProcessOutcome> {
  const current = await deps.billing.store.webhookEvents.get(claimed.eventId);
  deps.logger.warn('stripe webhook event taken over by another copy; this outcome was not kept', {
    eventId: claimed.eventId,
    type: claimed.type,
    attempt: claimed.attempts,
    dropped,
    currentAttempts: current?.attempts ?? null,
    currentStatus: current?.status ?? null,
  });
  return { status: 'taken_over', current };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
