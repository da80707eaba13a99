// Cross-site request forgery defence for the state-changing routes: a JSON content type (a
// cross-site form or a "simple" fetch cannot send one without a CORS preflight, which this server
// never answers), and the Origin (else Referer) of a browser's request must be this site's.

import { InvalidInputError } from '@billkit/core';
import { HttpError } from './errors.js';

export interface CsrfOptions {
  /**
   * Origins besides the request URL's own that may make state-changing requests: the site the
   * browser is on when it differs from the URL this server sees (a proxy, another subdomain).
   * @example ['https://app.example.com.au']
   */
  allowedOrigins?: string[];
  /**
   * Replaces the same-origin check (the JSON content type is still required). Return true to let
   * the request through.
   */
  check?: (request: Request) => boolean | Promise<boolean>;
}

export type CsrfGuard = (request: Request, url: URL) => Promise<void>;

/** Throws 415 or 403 when a state-changing request may not go on. */
export function csrfGuard(options: CsrfOptions = {}): CsrfGuard {
  const allowed = new Set((options.allowedOrigins ?? []).map(originOfOption));
  return async (request, url) => {
    requireJsonContentType(request);
    const sameSite = options.check
      ? await options.check(request)
      : isSameOrigin(request, url.origin, allowed);
    if (!sameSite) {
      throw new HttpError(403, 'forbidden', 'Cross-site requests are not allowed.');
    }
  };
}

/** 415 unless the request's body is declared JSON. */
export function requireJsonContentType(request: Request): void {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'Send state-changing requests with content-type: application/json.',
    );
  }
}

function isSameOrigin(request: Request, own: string, allowed: ReadonlySet<string>): boolean {
  const claimed = request.headers.get('origin') ?? refererOrigin(request.headers.get('referer'));
  // Neither header: not a browser acting for a page (see the README's CSRF section).
  if (claimed === null) return true;
  return claimed === own || allowed.has(claimed);
}

/** The Referer's origin; an unparsable Referer counts as foreign. */
function refererOrigin(referer: string | null): string | null {
  if (referer === null) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid';
  }
}

function originOfOption(origin: string): string {
  try {
    const parsed = new URL(origin).origin;
    if (parsed !== 'null') return parsed;
  } catch {
    // reported below
  }
  throw new InvalidInputError(
    `Invalid input to createBillingServer: csrf.allowedOrigins: ${origin} is not an origin`,
    [{ path: 'csrf.allowedOrigins', message: `${origin} is not an origin such as https://app.example.com` }],
  );
}
