// Checks that a request comes from Stripe: the official client's verifier checks the signature with
// each configured secret (rotation), then the timestamp must lie within the tolerance on both sides.

import Stripe from 'stripe';

/** Why a webhook request was refused before anything was recorded. */
export type WebhookRejectionCode =
  | 'signature_missing'
  | 'signature_invalid'
  | 'timestamp_outside_tolerance'
  | 'payload_invalid';

/** A request that is not a verified Stripe event; answered 400, nothing recorded. */
export class WebhookRejection extends Error {
  readonly code: WebhookRejectionCode;

  constructor(code: WebhookRejectionCode, message: string) {
    super(message);
    this.name = 'WebhookRejection';
    this.code = code;
  }
}

export interface VerifyOptions {
  secrets: readonly string[];
  toleranceSeconds: number;
  /** Unix seconds, from the handler's clock. */
  now: number;
}

/**
 * Returns the event when `header` signs `body` with one of the secrets and its timestamp is within
 * the tolerance of `now`; throws `WebhookRejection` otherwise.
 */
export async function verifyStripeEvent(
  body: string,
  header: string | null,
  options: VerifyOptions,
): Promise<Stripe.Event> {
  if (header === null || header.trim() === '') {
    throw new WebhookRejection(
      'signature_missing',
      'The request has no Stripe-Signature header, so it cannot be shown to come from Stripe.',
    );
  }
  const timestamp = signedTimestamp(header);
  const event = await eventSignedWithAnySecret(body, header, options.secrets);
  assertWithinTolerance(timestamp, options);
  return assertEventShape(event);
}

/** The `t=` of a `t=<unix>,v1=<hex>[,v1=<hex>...]` header. */
function signedTimestamp(header: string): number {
  const pairs = header.split(',').map((part) => part.trim().split('='));
  const t = pairs.find(([key]) => key === 't')?.[1];
  const hasV1 = pairs.some(([key, value]) => key === 'v1' && value);
  if (t === undefined || !/^\d+$/.test(t) || !hasV1) {
    throw new WebhookRejection(
      'signature_invalid',
      'The Stripe-Signature header is malformed: expected "t=<unix time>,v1=<signature>".',
    );
  }
  return Number(t);
}

async function eventSignedWithAnySecret(
  body: string,
  header: string,
  secrets: readonly string[],
): Promise<Stripe.Event> {
  for (const secret of secrets) {
    try {
      // Tolerance 0: the official verifier checks the signature only; the time window (both
      // sides, with the injected clock) is checked below.
      return await Stripe.webhooks.constructEventAsync(body, header, secret, 0);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) continue;
      throw new WebhookRejection(
        'payload_invalid',
        `The signed body is not a Stripe event: ${messageOf(error)}`,
      );
    }
  }
  const tried = secrets.length === 1 ? 'the signing secret' : `any of the ${secrets.length} signing secrets`;
  throw new WebhookRejection(
    'signature_invalid',
    `No signature in the Stripe-Signature header matches the body with ${tried}. ` +
      "Check the endpoint's secret (whsec_...) and that the raw body reaches the handler unchanged.",
  );
}

function assertWithinTolerance(timestamp: number, { now, toleranceSeconds }: VerifyOptions): void {
  const age = now - timestamp;
  if (age > toleranceSeconds) {
    throw new WebhookRejection(
      'timestamp_outside_tolerance',
      `The signature was made ${age} s ago, more than the ${toleranceSeconds} s tolerance: ` +
        "a replayed request, or this server's clock is wrong.",
    );
  }
  if (-age > toleranceSeconds) {
    throw new WebhookRejection(
      'timestamp_outside_tolerance',
      `The signature is dated ${-age} s in the future, more than the ${toleranceSeconds} s tolerance: ` +
        "this server's clock is wrong, or the request was forged.",
    );
  }
}

function assertEventShape(event: Stripe.Event): Stripe.Event {
  const candidate = event as unknown as Record<string, unknown>;
  const ok =
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.id === 'string' &&
    candidate.id !== '' &&
    typeof candidate.type === 'string' &&
    typeof candidate.created === 'number';
  if (!ok) {
    throw new WebhookRejection(
      'payload_invalid',
      'The signed body is not a Stripe event (id, type, created).',
    );
  }
  return event;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
