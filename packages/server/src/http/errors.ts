// How every failure becomes an HTTP answer. BillingError codes map to statuses in one table; the
// server's own refusals are HttpErrors; anything else is a 500 whose details stay in the log.

import {
  type BillingError,
  type BillingErrorCode,
  CardDeclinedError,
  InvalidInputError,
  isBillingError,
  type Logger,
  RequiresActionError,
} from '@billkit/core';
import type { ErrorBody } from '../contract/index.js';
import { errorJson } from './responses.js';

export type ErrorIssue = NonNullable<ErrorBody['error']['issues']>[number];

/** Problems listed in a 400 at most: enough to fix a client, never a megabyte of errors. */
export const MAX_LISTED_ISSUES = 100;

/** A refusal by the server itself (no route, no user, a bad body, ...), with its status and code. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | undefined;
  readonly headers: Record<string, string>;
  /** Every problem, when the client should see them all (a bad body's fields, a usage batch's events). */
  readonly issues: ErrorIssue[] | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: {
      param?: string | undefined;
      headers?: Record<string, string>;
      issues?: ErrorIssue[] | undefined;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.param = options.param;
    this.headers = options.headers ?? {};
    this.issues = options.issues;
  }
}

/** The status of each engine error code. A code added to core without a row here fails to compile. */
export const STATUS_BY_BILLING_CODE: Readonly<Record<BillingErrorCode, number>> = {
  invalid_input: 400,
  customer_not_found: 404,
  plan_not_found: 404,
  subscription_not_found: 404,
  payment_method_not_found: 404,
  invoice_not_found: 404,
  payment_not_found: 404,
  dispute_not_found: 404,
  offer_not_found: 404,
  already_subscribed: 409,
  invalid_state: 409,
  last_payment_method: 409,
  card_declined: 422,
  requires_action: 422,
  payment_method_required: 422,
  refund_exceeds_refundable: 422,
  stripe_rejected: 422,
  stripe_unavailable: 502,
  stripe_error: 502,
};

/** Stripe's own wording can name operations and request ids: the client gets these instead. */
const STRIPE_MESSAGES: Partial<Record<BillingErrorCode, string>> = {
  stripe_unavailable: 'The payment provider could not be reached; please try again in a moment.',
  stripe_error: 'The payment provider refused the request.',
  stripe_rejected: 'The payment provider refused the request as it was made.',
};

/** The field a code is about when the engine does not say. */
const PARAM_BY_BILLING_CODE: Partial<Record<BillingErrorCode, string>> = {
  plan_not_found: 'plan',
};

export const notFound = () => new HttpError(404, 'not_found', 'No such route.');

export interface FailureContext {
  logger: Logger;
  method: string;
  path: string;
  /** The request's id (`x-request-id`), logged so a failure can be found from the response. */
  requestId?: string;
}

/** The answer for anything thrown while serving a request. */
export function errorResponse(error: unknown, context: FailureContext): Response {
  if (error instanceof HttpError) {
    return errorJson(
      error.status,
      {
        code: error.code,
        message: error.message,
        ...(error.param ? { param: error.param } : {}),
        ...(error.issues ? { issues: error.issues } : {}),
      },
      error.headers,
    );
  }
  if (isBillingError(error)) {
    const status = STATUS_BY_BILLING_CODE[error.code];
    if (status >= 500) {
      context.logger.warn('billing request failed at Stripe', {
        method: context.method,
        path: context.path,
        requestId: context.requestId,
        code: error.code,
        stripeRequestId: error.stripeRequestId,
      });
    }
    return errorJson(status, billingErrorBody(error));
  }
  context.logger.error('billing request failed unexpectedly', {
    method: context.method,
    path: context.path,
    requestId: context.requestId,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
  return errorJson(500, { code: 'internal_error', message: 'Something went wrong on our side.' });
}

function billingErrorBody(error: BillingError): ErrorBody['error'] {
  const body: ErrorBody['error'] = {
    code: error.code,
    message: STRIPE_MESSAGES[error.code] ?? error.message,
  };
  const param = paramOf(error);
  if (param) body.param = param;
  if (error instanceof CardDeclinedError) body.declineCode = error.declineCode;
  if (error instanceof RequiresActionError) body.clientSecret = error.clientSecret;
  if (error instanceof InvalidInputError && error.issues.length > 0) {
    body.message = error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    body.issues = error.issues
      .slice(0, MAX_LISTED_ISSUES)
      .map((issue) => ({ path: issue.path, message: issue.message }));
  }
  return body;
}

function paramOf(error: BillingError): string | undefined {
  if (error instanceof InvalidInputError) {
    const path = error.issues.find((issue) => issue.path)?.path;
    if (path) return path;
  }
  return PARAM_BY_BILLING_CODE[error.code];
}
