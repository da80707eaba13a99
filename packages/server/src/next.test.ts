// The Next.js App Router adapter: a catch-all route module's GET / POST / PUT / DELETE exports,
// called with Requests as the App Router makes them.

import { describe, expect, it } from 'vitest';
import { givenServer, ORIGIN, send } from '../test/support/world.js';
import {
  billingAddressResponseSchema,
  errorBodySchema,
  paymentMethodsResponseSchema,
  plansResponseSchema,
  removePaymentMethodResponseSchema,
  subscriptionMutationResponseSchema,
} from './contract/index.js';
import { toNextRoute } from './next.js';

describe('toNextRoute', () => {
  it('exports one handler per method that serves the whole portal', async () => {
    const world = await givenServer();
    const { GET, POST, PUT, DELETE } = toNextRoute(world.handler);
    const headers = { 'x-test-user': 'user_1' };

    const plans = await GET(new Request(`${ORIGIN}/api/billing/plans`, { headers }));
    expect(plansResponseSchema.parse(await plans.json()).plans).toHaveLength(3);

    const started = await POST(send('POST', '/subscription', { plan: 'pro', paymentMethodId: 'pm_card_au' }));
    expect(started.status).toBe(201);
    expect(subscriptionMutationResponseSchema.parse(await started.json()).subscription.planId).toBe('pro');

    const address = await PUT(
      send('PUT', '/billing-address', {
        address: { line1: '1 George St', city: 'Sydney', state: 'NSW', postalCode: '2000', country: 'AU' },
      }),
    );
    expect(billingAddressResponseSchema.parse(await address.json()).billingAddress.address?.city).toBe(
      'Sydney',
    );

    const methods = paymentMethodsResponseSchema.parse(
      await (await GET(new Request(`${ORIGIN}/api/billing/payment-methods`, { headers }))).json(),
    );
    const removed = await DELETE(
      send('DELETE', `/payment-methods/${methods.paymentMethods[0]!.id}?force=true`),
    );
    expect(removePaymentMethodResponseSchema.parse(await removed.json()).removedPaymentMethodId).toBe(
      methods.paymentMethods[0]!.id,
    );
  });

  it('answers the same refusals as the handler', async () => {
    const world = await givenServer();
    const { GET } = toNextRoute(world.handler);

    const response = await GET(new Request(`${ORIGIN}/api/billing/subscription`));

    expect(response.status).toBe(401);
    expect(errorBodySchema.parse(await response.json()).error.code).toBe('unauthenticated');
  });
});
