// The Next.js App Router adapter: the route module's POST receives the untouched Request.

import { describe, expect, it } from 'vitest';
import {
  eventPayload,
  fakeBilling,
  fixedClock,
  SECRET,
  signatureHeader,
  webhookRequest,
} from '../test/support/signed-events.js';
import { createWebhookHandler, toNextRoute } from './index.js';

describe('toNextRoute', () => {
  it('exports a POST that verifies, records and applies a signed event', async () => {
    const billing = fakeBilling();
    const { POST } = toNextRoute(createWebhookHandler({ billing, secret: SECRET, clock: fixedClock() }));

    const response = await POST(webhookRequest(eventPayload({ id: 'evt_next' })));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, status: 'applied' });
    expect(await billing.store.webhookEvents.get('evt_next')).toMatchObject({ status: 'applied' });
  });

  it('answers a bad signature with 400 and records nothing', async () => {
    const billing = fakeBilling();
    const { POST } = toNextRoute(createWebhookHandler({ billing, secret: SECRET, clock: fixedClock() }));
    const payload = eventPayload({ id: 'evt_next_forged' });

    const response = await POST(
      webhookRequest(payload, signatureHeader(payload, { secret: 'whsec_forged' })),
    );

    expect(response.status).toBe(400);
    expect(await billing.store.webhookEvents.get('evt_next_forged')).toBeNull();
  });
});
