// Stripe's error envelope, produced the way the real API produces it: a type, an optional code /
// decline_code / param, a message and an HTTP status. Handlers throw these; the router renders them.

export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error'
  | 'authentication_error'
  | 'rate_limit_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  setup_intent?: unknown;
  request_log_url?: string;
}

/** An error the simulated API answers with, exactly as Stripe would (status + `{ error: {...} }`). */
export class StripeSimError extends Error {
  readonly statusCode: number;
  readonly body: StripeErrorBody;

  constructor(statusCode: number, body: StripeErrorBody) {
    super(body.message);
    this.name = 'StripeSimError';
    this.statusCode = statusCode;
    this.body = body;
  }

  toJSON(): { error: StripeErrorBody } {
    return { error: this.body };
  }
}

const DOCS = 'https://stripe.com/docs/error-codes';

export function invalidRequest(message: string, param?: string, code?: string): StripeSimError {
  return new StripeSimError(400, {
    type: 'invalid_request_error',
    message,
    ...(code ? { code, doc_url: `${DOCS}/${code.replace(/_/g, '-')}` } : {}),
    ...(param ? { param } : {}),
  });
}

export function missingParam(param: string): StripeSimError {
  return invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');
}

export function invalidParam(param: string, message: string): StripeSimError {
  return invalidRequest(message, param, 'parameter_invalid_empty' === message ? message : undefined);
}

export function unknownParam(param: string): StripeSimError {
  return invalidRequest(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
}

export function invalidInteger(param: string, value: unknown): StripeSimError {
  return invalidRequest(`Invalid integer: ${String(value)}`, param, 'parameter_invalid_integer');
}

export function invalidEnum(param: string, value: unknown, allowed: readonly string[]): StripeSimError {
  return invalidRequest(
    `Invalid ${param}: must be one of ${allowed.join(', ')}`,
    param,
    value === '' ? 'parameter_invalid_empty' : undefined,
  );
}

export function resourceMissing(objectName: string, id: string, param?: string): StripeSimError {
  return new StripeSimError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    doc_url: `${DOCS}/resource-missing`,
    message: `No such ${objectName}: '${id}'`,
    ...(param ? { param } : {}),
  });
}

export function unrecognizedUrl(method: string, path: string): StripeSimError {
  return new StripeSimError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}

export function authenticationError(message: string): StripeSimError {
  return new StripeSimError(401, { type: 'authentication_error', message });
}

export function rateLimitError(): StripeSimError {
  return new StripeSimError(429, {
    type: 'rate_limit_error',
    code: 'rate_limit',
    doc_url: `${DOCS}/rate-limit`,
    message:
      'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
  });
}

export function apiError(): StripeSimError {
  return new StripeSimError(500, {
    type: 'api_error',
    message: 'An unknown error occurred while processing your request. (simulated fault)',
  });
}

export function idempotencyError(key: string): StripeSimError {
  return new StripeSimError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

export function stateError(message: string, code: string, param?: string): StripeSimError {
  return invalidRequest(message, param, code);
}

/** Stripe's 409 while another request with the same idempotency key is still being answered. */
export function idempotencyKeyInUse(key: string): StripeSimError {
  return new StripeSimError(409, {
    type: 'idempotency_error',
    message: `There is currently another in-progress request using this idempotent key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
  });
}
