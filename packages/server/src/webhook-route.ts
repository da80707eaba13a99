// POST <basePath>/webhooks/stripe: no user and no CSRF check, the Stripe signature instead. The
// body is read within the size limit and handed to @billkit/webhooks byte for byte.

import type { Billing, Logger } from '@billkit/core';
import { createWebhookHandler, type WebhookHandlerOptions } from '@billkit/webhooks';
import { HttpError } from './http/errors.js';
import { readBody } from './http/request-body.js';
import { withHeaders } from './http/responses.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** `createWebhookHandler`'s options without `billing`: `{ secret }` or `{ secrets }` while rotating. */
export type StripeWebhookOptions = DistributiveOmit<WebhookHandlerOptions, 'billing'>;

export function stripeWebhookRoute(
  billing: Billing,
  options: StripeWebhookOptions,
  logger: Logger,
  maxBodyBytes: number,
): (request: Request) => Promise<Response> {
  const handler = createWebhookHandler({ logger, ...options, billing } as WebhookHandlerOptions);
  return async (request) => {
    if (request.method !== 'POST') {
      throw new HttpError(405, 'method_not_allowed', 'Stripe webhooks are POST requests.', {
        headers: { allow: 'POST' },
      });
    }
    const body = await readBody(request, maxBodyBytes);
    const untouched = new Request(request.url, {
      method: 'POST',
      headers: request.headers,
      body: body as Uint8Array<ArrayBuffer>,
    });
    return withHeaders(await handler(untouched), { 'cache-control': 'no-store' });
  };
}
