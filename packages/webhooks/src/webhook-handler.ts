// The Stripe webhook route as one fetch handler: verify, record in the inbox, apply once, answer so
// that Stripe retries exactly the events that did not apply. It knows no framework.

import {
  type Clock,
  InvalidInputError,
  type Logger,
  type Page,
  type PageRequest,
  silentLogger,
  systemClock,
} from '@billkit/core';
import type Stripe from 'stripe';
import { z } from 'zod';
import {
  claimAndApply,
  errorMessage,
  type InboxDeps,
  type ProcessOutcome,
  recordEvent,
  type WebhookBilling,
  type WebhookEventRecord,
} from './inbox.js';
import { verifyStripeEvent, WebhookRejection } from './signature.js';

interface BaseOptions {
  /** The engine from `createBilling(...)`: its store keeps the inbox, its `sync.applyEvent` applies. */
  billing: WebhookBilling;
  /**
   * How far (seconds) the signature's timestamp may be from now, before or after.
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * How long (seconds) one copy of the handler holds an event it is applying; after that another
   * copy may take it over. Keep it longer than an application takes.
   * @default 60
   */
  leaseSeconds?: number;
  /**
   * Time for the tolerance check and the inbox. Stripe (and stripe-sim) sign with the wall clock,
   * so keep this the wall clock outside tests.
   * @default systemClock()
   */
  clock?: Clock;
  /** @default silentLogger() */
  logger?: Logger;
}

/** `secret`: the endpoint's signing secret; `secrets`: several while rotating (any one may sign). */
export type WebhookHandlerOptions = BaseOptions &
  (
    | { /** @example process.env.STRIPE_WEBHOOK_SECRET */ secret: string; secrets?: never }
    | { /** @example [newSecret, oldSecret] */ secrets: readonly string[]; secret?: never }
  );

/** What `replay` did with one event. */
export interface ReplayResult {
  eventId: string;
  /**
   * `applied` / `skipped`: its state now (see `replayed`); `failed`: applying it threw again;
   * `processing`: another copy holds it; `not_found`: no such event in the inbox. When another copy
   * took the event over while this call was applying it (its lease ran out), this call's outcome is
   * not kept and the status is the one that copy left (`replayed` is still true).
   */
  status: 'applied' | 'skipped' | 'failed' | 'processing' | 'not_found';
  /** True when this call applied it (or tried to). */
  replayed: boolean;
  note?: string | null;
  error?: string;
}

/** The webhook route: call it with a `Request`; it also replays what failed. */
export interface WebhookHandler {
  (request: Request): Promise<Response>;
  /** Events whose application failed, oldest first, a page at a time. */
  listFailed(page?: PageRequest): Promise<Page<WebhookEventRecord>>;
  /** Applies a recorded event again from its stored payload, unless it is already applied or skipped. */
  replay(eventId: string): Promise<ReplayResult>;
  /** Replays every failed event; never throws half-way: one result per event. */
  replayFailed(): Promise<ReplayResult[]>;
}

const secretSchema = z
  .string()
  .regex(/^\S+$/, 'must be a webhook signing secret (whsec_...) with no spaces or line breaks');

const optionsSchema = z
  .object({
    billing: z.custom<WebhookBilling>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as WebhookBilling).store?.webhookEvents?.record === 'function' &&
        typeof (v as WebhookBilling).sync?.applyEvent === 'function',
      'the engine from createBilling (with store.webhookEvents and sync.applyEvent)',
    ),
    secret: secretSchema.optional(),
    secrets: z.array(secretSchema).min(1).optional(),
    toleranceSeconds: z.number().int().positive().default(300),
    leaseSeconds: z.number().int().positive().default(60),
  })
  .refine((o) => (o.secret === undefined) !== (o.secrets === undefined), {
    message: 'give either `secret` or `secrets` (while rotating), not both and not neither',
  });

/** Creates the Stripe webhook route: `(request: Request) => Promise<Response>`, plus replay tools. */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const parsed = parseOptions(options);
  const secrets = parsed.secrets ?? [parsed.secret as string];
  const deps: InboxDeps = {
    billing: options.billing,
    clock: options.clock ?? systemClock(),
    logger: options.logger ?? silentLogger(),
    leaseSeconds: parsed.leaseSeconds,
  };

  async function handle(request: Request): Promise<Response> {
    if (request.method !== 'POST') {
      return json(
        405,
        { error: { code: 'method_not_allowed', message: 'Stripe webhooks are POST requests.' } },
        { allow: 'POST' },
      );
    }
    try {
      return await receive(request);
    } catch (error) {
      deps.logger.error('stripe webhook could not be recorded or applied', { error: errorMessage(error) });
      return json(500, {
        error: { code: 'internal_error', message: 'The event could not be processed; Stripe will retry it.' },
      });
    }
  }

  async function receive(request: Request): Promise<Response> {
    const body = await request.text();
    let event: Stripe.Event;
    try {
      event = await verifyStripeEvent(body, request.headers.get('stripe-signature'), {
        secrets,
        toleranceSeconds: parsed.toleranceSeconds,
        now: Math.floor(deps.clock.now().getTime() / 1000),
      });
    } catch (error) {
      if (!(error instanceof WebhookRejection)) throw error;
      deps.logger.warn('stripe webhook refused', { code: error.code, reason: error.message });
      return json(400, { error: { code: error.code, message: error.message } });
    }

    await recordEvent(deps, event, body);
    const outcome = await claimAndApply(deps, event.id, () => event);
    return responseFor(event.id, outcome);
  }

  async function replay(eventId: string): Promise<ReplayResult> {
    const outcome = await claimAndApply(
      deps,
      eventId,
      (claimed) => JSON.parse(claimed.payload) as Stripe.Event,
    );
    return replayResult(eventId, outcome);
  }

  async function replayFailed(): Promise<ReplayResult[]> {
    // Collect first: replayed events leave the failed list, which would shift a cursor.
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const page = await deps.billing.store.webhookEvents.listFailed({ limit: 100, after });
      ids.push(...page.items.map((item) => item.eventId));
      after = page.nextCursor;
    } while (after);

    const results: ReplayResult[] = [];
    for (const eventId of ids) {
      try {
        results.push(await replay(eventId));
      } catch (error) {
        results.push({ eventId, status: 'failed', replayed: false, error: errorMessage(error) });
      }
    }
    return results;
  }

  return Object.assign(handle, {
    listFailed: (page?: PageRequest) => deps.billing.store.webhookEvents.listFailed(page),
    replay,
    replayFailed,
  });
}

function parseOptions(options: WebhookHandlerOptions) {
  const result = optionsSchema.safeParse(options);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new InvalidInputError(`Invalid input to createWebhookHandler: ${summary}`, issues);
}

function responseFor(eventId: string, outcome: ProcessOutcome): Response {
  switch (outcome.status) {
    case 'applied':
    case 'skipped':
      return json(200, { received: true, status: outcome.status });
    case 'not_claimed':
    // Another copy claimed it while this one was applying: its answer (and outcome) stands.
    case 'taken_over':
      return json(200, { received: true, duplicate: true });
    case 'failed':
      // The error stays in the inbox (listFailed); Stripe only needs to know to retry.
      return json(500, {
        error: {
          code: 'event_failed',
          message: `Event ${eventId} was recorded but could not be applied; it will be retried.`,
        },
      });
  }
}

function replayResult(eventId: string, outcome: ProcessOutcome): ReplayResult {
  switch (outcome.status) {
    case 'applied':
    case 'skipped':
      return { eventId, status: outcome.status, replayed: true, note: outcome.note };
    case 'failed':
      return { eventId, status: 'failed', replayed: true, error: outcome.error };
    case 'not_claimed':
      if (outcome.current === null) return { eventId, status: 'not_found', replayed: false };
      if (outcome.current === 'applied' || outcome.current === 'skipped') {
        return { eventId, status: outcome.current, replayed: false };
      }
      return { eventId, status: 'processing', replayed: false };
    case 'taken_over':
      return takenOverResult(eventId, outcome.current);
  }
}

/** This call applied the event (or tried to), but another copy took it over: report that copy's state. */
function takenOverResult(eventId: string, current: WebhookEventRecord | null): ReplayResult {
  if (current === null) return { eventId, status: 'not_found', replayed: true };
  switch (current.status) {
    case 'applied':
    case 'skipped':
      return { eventId, status: current.status, replayed: true, note: current.note };
    case 'failed':
      return { eventId, status: 'failed', replayed: true, error: current.lastError ?? 'failed' };
    case 'received':
    case 'processing':
      return { eventId, status: 'processing', replayed: true };
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
