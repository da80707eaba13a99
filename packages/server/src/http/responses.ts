// Every answer the server writes itself: JSON with the headers a billing API needs (never cached,
// never sniffed), and the error body of the contract.

import type { ErrorBody } from '../contract/index.js';

/** Headers on every JSON answer. */
export const JSON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function errorJson(
  status: number,
  error: ErrorBody['error'],
  headers: Record<string, string> = {},
): Response {
  return json({ error }, status, headers);
}

/** The same response with more headers (a response from elsewhere, e.g. the webhook handler). */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: merged,
  });
}

/** A CSV download: the browser saves it as `filename` instead of showing it. */
export function csvAttachment(csv: string, filename: string): Response {
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
