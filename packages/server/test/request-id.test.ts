// Every response carries an `x-request-id` (the caller's when it is a plausible id, else a new
// one), and the audit entries a request writes carry the same id: from a support ticket quoting
// the id to what the request changed.

import { describe, expect, it } from 'vitest';
import { portalRoutes } from '../src/contract/index.js';
import { get, givenServer, send } from './support/world.js';

describe('request ids', () => {
  it("answers with a new id, or the caller's, and writes it into the request's audit entries", async () => {
    const world = await givenServer();

    const started = await world.handler(
      send(
        'POST',
        portalRoutes.subscription,
        { plan: 'pro', paymentMethodId: 'pm_card_au' },
        {
          headers: { 'x-request-id': 'lb-7f3a9c20-trace' },
        },
      ),
    );
    expect(started.status).toBe(201);
    expect(started.headers.get('x-request-id')).toBe('lb-7f3a9c20-trace');

    const canceled = await world.handler(send('POST', portalRoutes.cancel, { atPeriodEnd: true }));
    const generated = canceled.headers.get('x-request-id');
    expect(generated).toMatch(/^req_[0-9a-f]{32}$/);

    const { items } = await world.billing.audit.list({ limit: 1000 });
    const byRequest = (id: string | null) =>
      items.filter((entry) => entry.requestId === id).map((e) => e.action);
    expect(byRequest('lb-7f3a9c20-trace')).toContain('subscription.started');
    expect(byRequest(generated)).toContain('subscription.cancel_scheduled');
    expect(byRequest(generated)).not.toContain('subscription.started');
  });

  it('replaces an id that is not plausible, and sends one with errors too', async () => {
    const world = await givenServer();
    for (const given of ['short', 'has spaces in it', 'x'.repeat(101), 'semi;colon;injected']) {
      const response = await world.handler(
        get(portalRoutes.invoices, { user: null, headers: { 'x-request-id': given } }),
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    }
  });
});
