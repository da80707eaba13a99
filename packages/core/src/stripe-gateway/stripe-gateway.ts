// The one module that calls Stripe. It translates every Stripe error once, into a BillingError
// that keeps Stripe's decline code, and builds the idempotency keys that make retries safe.

import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { BillingError, CardDeclinedError } from '../errors/billing-error.js';
import type { Logger } from '../logger.js';

export interface StripeGateway {
  readonly stripe: Stripe;
  /** Runs one Stripe call; any Stripe error comes out as a BillingError. */
  call<T>(operation: string, fn: (stripe: Stripe) => Promise<T>): Promise<T>;
}

export function createStripeGateway(stripe: Stripe, logger: Logger): StripeGateway {
  return {
    stripe,
    async call(operation, fn) {
      try {
        return await fn(stripe);
      } catch (error) {
        const translated = translateStripeError(error, operation);
        logger.warn('stripe call failed', {
          operation,
          code: translated.code,
          stripeCode: (error as { code?: string } | null)?.code ?? null,
          // Stripe's own wording (never card data: Stripe does not echo it).
          message: (error as { message?: string } | null)?.message ?? null,
          requestId: translated.stripeRequestId,
        });
        throw translated;
      }
    },
  };
}

interface StripeErrorLike {
  type?: string;
  rawType?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  requestId?: string;
  statusCode?: number;
}

/** Stripe's error → Billkit's: card errors keep the decline code; outages say so. */
export function translateStripeError(error: unknown, operation: string): BillingError {
  if (error instanceof BillingError) return error;
  const e = (error ?? {}) as StripeErrorLike;
  const type = e.type ?? '';
  const options = { cause: error, ...(e.requestId ? { stripeRequestId: e.requestId } : {}) };
  if (type === 'StripeCardError') {
    if (e.code === 'authentication_required' || e.code === 'invoice_payment_intent_requires_action') {
      return new BillingError(
        'requires_action',
        'The card needs the customer to authenticate the payment.',
        options,
      );
    }
    return new CardDeclinedError(e.message ?? 'The card was declined.', {
      declineCode: e.decline_code ?? null,
      stripeCode: e.code ?? null,
      ...options,
    });
  }
  if (
    type === 'StripeConnectionError' ||
    type === 'StripeAPIError' ||
    type === 'StripeRateLimitError' ||
    (e.statusCode !== undefined && e.statusCode >= 500)
  ) {
    return new BillingError(
      'stripe_unavailable',
      `Stripe is unavailable (${operation}); try again.`,
      options,
    );
  }
  if (
    type === 'StripeInvalidRequestError' ||
    type === 'StripeIdempotencyError' ||
    (e.statusCode !== undefined &&
      e.statusCode >= 400 &&
      e.statusCode < 500 &&
      e.statusCode !== 401 &&
      e.statusCode !== 403)
  ) {
    // The request itself was refused (a currency that does not match, a disputed charge, a key
    // reused with other parameters): the caller's to fix, not an outage.
    return new BillingError(
      'stripe_rejected',
      `Stripe refused ${operation}: ${e.message ?? String(error)}`,
      options,
    );
  }
  return new BillingError(
    'stripe_error',
    `Stripe refused ${operation}: ${e.message ?? String(error)}`,
    options,
  );
}

/**
 * An idempotency key for one operation on one version of the state it changes: a retry of the
 * same call reuses it (Stripe replays the first answer), a later operation gets a new one.
 */
export function idempotencyKey(...parts: Array<string | number | null | undefined>): string {
  const raw = `billkit:${parts.map((p) => (p === null || p === undefined ? '-' : String(p))).join(':')}`;
  if (raw.length <= 200) return raw;
  return `billkit:${createHash('sha256').update(raw).digest('hex')}`;
}
