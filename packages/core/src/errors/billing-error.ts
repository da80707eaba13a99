// Billkit's errors: one base class with a stable `code` callers branch on, a few subclasses where
// callers need more (the card decline, the client secret for 3D Secure, the invalid input).

export type BillingErrorCode =
  | 'invalid_input'
  | 'customer_not_found'
  | 'plan_not_found'
  | 'subscription_not_found'
  | 'payment_method_not_found'
  | 'payment_method_required'
  | 'last_payment_method'
  | 'already_subscribed'
  | 'card_declined'
  | 'requires_action'
  | 'invoice_not_found'
  | 'payment_not_found'
  | 'dispute_not_found'
  | 'offer_not_found'
  | 'refund_exceeds_refundable'
  | 'invalid_state'
  | 'stripe_rejected'
  | 'stripe_unavailable'
  | 'stripe_error';

export interface BillingErrorOptions {
  cause?: unknown;
  /** Stripe's request id, for support. */
  stripeRequestId?: string;
}

/** Every error Billkit throws on purpose. `code` is stable; `message` is for people. */
export class BillingError extends Error {
  readonly code: BillingErrorCode;
  readonly stripeRequestId: string | undefined;

  constructor(code: BillingErrorCode, message: string, options: BillingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BillingError';
    this.code = code;
    this.stripeRequestId = options.stripeRequestId;
  }
}

/** Input that does not match the operation's schema; nothing was changed. */
export class InvalidInputError extends BillingError {
  readonly issues: Array<{ path: string; message: string }>;

  constructor(message: string, issues: Array<{ path: string; message: string }>) {
    super('invalid_input', message);
    this.name = 'InvalidInputError';
    this.issues = issues;
  }
}

/** The card was declined; `declineCode` is Stripe's (insufficient_funds, ...). */
export class CardDeclinedError extends BillingError {
  readonly declineCode: string | null;
  readonly stripeCode: string | null;

  constructor(
    message: string,
    details: { declineCode: string | null; stripeCode: string | null } & BillingErrorOptions,
  ) {
    super('card_declined', message, details);
    this.name = 'CardDeclinedError';
    this.declineCode = details.declineCode;
    this.stripeCode = details.stripeCode;
  }
}

/** The payment needs the customer (3D Secure): confirm `clientSecret` with Stripe.js. */
export class RequiresActionError extends BillingError {
  readonly clientSecret: string;

  constructor(message: string, clientSecret: string) {
    super('requires_action', message);
    this.name = 'RequiresActionError';
    this.clientSecret = clientSecret;
  }
}

export function isBillingError(error: unknown, code?: BillingErrorCode): error is BillingError {
  return error instanceof BillingError && (code === undefined || error.code === code);
}
