// The one error the portal's client throws: the server's `{ error: { code, message, param } }` body,
// or a network failure / unreadable answer, with the HTTP status it came with.

import type { ErrorBody, ErrorCode } from '@billkit/server/contract';

/** The server's error codes (the contract's `ErrorCode`), plus the client's own. */
export type BillingApiErrorCode =
  | ErrorCode
  /** fetch itself failed: offline, DNS, CORS. */
  | 'network_error'
  /** An error status without Billkit's JSON error body (a proxy's 502 page, say). */
  | 'http_error'
  /** Stripe.js reported an error (a declined card in the Payment Element, a failed 3D Secure). */
  | 'stripe_js_error'
  | (string & {});

export interface BillingApiErrorInit {
  code: BillingApiErrorCode;
  message: string;
  /** The HTTP status; 0 when no answer arrived. */
  status: number;
  param?: string | undefined;
  declineCode?: string | null | undefined;
  clientSecret?: string | undefined;
  /** Every problem with the input, when the server listed them (`invalid_input`). */
  issues?: ErrorBody['error']['issues'];
  cause?: unknown;
}

/** A failed portal request. Branch on `code`; `message` is the server's, for people. */
export class BillingApiError extends Error {
  override readonly name = 'BillingApiError';
  readonly code: BillingApiErrorCode;
  readonly status: number;
  /** The offending field, when the server named one (`address.postalCode`, `abn`). */
  readonly param: string | undefined;
  /** Card declines: Stripe's decline code (`insufficient_funds`). */
  readonly declineCode: string | null;
  /** 3D Secure needed: confirm this with Stripe.js, then retry. */
  readonly clientSecret: string | undefined;
  /** `invalid_input`: each problem, by field path (`thresholds.1`); empty when none were listed. */
  readonly issues: NonNullable<ErrorBody['error']['issues']>;

  constructor(init: BillingApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.param = init.param;
    this.declineCode = init.declineCode ?? null;
    this.clientSecret = init.clientSecret;
    this.issues = init.issues ?? [];
  }
}

/** Whether `error` is a `BillingApiError` (with that `code`, when given). */
export function isBillingApiError(error: unknown, code?: BillingApiErrorCode): error is BillingApiError {
  return error instanceof BillingApiError && (code === undefined || error.code === code);
}

/** Reads a failed response: Billkit's error body when there is one, else the bare status. */
export async function errorFromResponse(response: Response): Promise<BillingApiError> {
  const text = await response.text().catch(() => '');
  const body = parseErrorBody(text);
  if (!body) {
    return new BillingApiError({
      code: 'http_error',
      status: response.status,
      message: `The billing service answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
    });
  }
  return new BillingApiError({ status: response.status, ...body.error });
}

function parseErrorBody(text: string): ErrorBody | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed) || !isRecord(parsed.error)) return null;
    const { code, message } = parsed.error;
    if (typeof code !== 'string' || typeof message !== 'string') return null;
    return parsed as ErrorBody;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
