// Access, route by route: every portal route that names a resource refuses another customer's
// (as if it did not exist: 404, never "forbidden", which would confirm it exists), changes
// nothing for either customer, and takes the signed-in customer's own resource of the same kind.
// Routes that name none act on the signed-in customer only. Admin routes: admin-guards.test.ts.

import { describe, expect, it } from 'vitest';
import { portalRoutes } from '../src/contract/index.js';
import {
  deliverWebhooksToServer,
  expectError,
  get,
  givenServer,
  givenSubscriber,
  send,
  stateOf,
  type World,
} from './support/world.js';

/** Each customer's resources, read from Stripe: their default card and their first invoice. */
async function resourcesOf(world: World, userId: string) {
  const customer = await world.billing.customers.get(userId);
  const cards = await world.stripe.customers.listPaymentMethods(customer!.stripeCustomerId);
  const invoices = await world.stripe.invoices.list({ customer: customer!.stripeCustomerId });
  return { card: cards.data[0]!.id, invoice: invoices.data.at(-1)!.id! };
}

type Resources = Awaited<ReturnType<typeof resourcesOf>>;

/** The portal routes that name a resource: the request for one, and the code of its 404. */
const ROUTES_WITH_IDS: Array<{
  route: string;
  request: (ids: Resources) => Request;
  notFound: string;
  /** What the owner gets for the same request with their own id. */
  ownerStatus: number;
}> = [
  {
    route: 'GET /invoices/:id/pdf',
    request: (ids) => get(portalRoutes.invoicePdf(ids.invoice)),
    notFound: 'invoice_not_found',
    ownerStatus: 200,
  },
  {
    route: 'POST /invoices/:id/pay',
    request: (ids) => send('POST', portalRoutes.payInvoice(ids.invoice), {}),
    notFound: 'invoice_not_found',
    // The owner's invoice is paid already: answered as it is, not as missing.
    ownerStatus: 200,
  },
  {
    route: 'POST /payment-methods/:id/default',
    request: (ids) => send('POST', portalRoutes.setDefault(ids.card), {}),
    notFound: 'payment_method_not_found',
    ownerStatus: 200,
  },
  {
    route: 'DELETE /payment-methods/:id',
    request: (ids) => send('DELETE', `${portalRoutes.removePaymentMethod(ids.card)}?force=true`),
    notFound: 'payment_method_not_found',
    ownerStatus: 200,
  },
];

async function twoSubscribers() {
  const world = await givenServer();
  deliverWebhooksToServer(world);
  await givenSubscriber(world, 'user_1');
  await givenSubscriber(world, 'user_2', 'pm_card_visa');
  await world.sim.webhooks.flush();
  return {
    world,
    mine: await resourcesOf(world, 'user_1'),
    theirs: await resourcesOf(world, 'user_2'),
  };
}

describe('portal access', () => {
  it.each(ROUTES_WITH_IDS)(
    "$route refuses another customer's id as missing, changes nothing, and takes the owner's",
    async ({ request, notFound, ownerStatus }) => {
      const { world, mine, theirs } = await twoSubscribers();
      const before = await stateOf(world);

      await expectError(world, request(theirs), { status: 404, code: notFound });
      expect(await stateOf(world)).toEqual(before);

      const own = await world.handler(request(mine));
      expect(own.status).toBe(ownerStatus);
    },
  );

  it("refuses another customer's card as the card of a new subscription", async () => {
    const world = await givenServer();
    deliverWebhooksToServer(world);
    await givenSubscriber(world, 'user_2', 'pm_card_visa');
    await world.sim.webhooks.flush();
    const theirs = await resourcesOf(world, 'user_2');
    await world.billing.customers.ensure({ userId: 'user_1', email: 'user_1@example.com.au' });
    const before = await stateOf(world);

    const response = await world.handler(
      send('POST', portalRoutes.subscription, { plan: 'pro', paymentMethodId: theirs.card }),
    );

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await stateOf(world)).toEqual(before);
  });

  it('answers the routes without ids for the signed-in customer only', async () => {
    const { world } = await twoSubscribers();
    for (const path of [portalRoutes.subscription, portalRoutes.invoices, portalRoutes.paymentMethods]) {
      const asOne = await (await world.handler(get(path, { user: 'user_1' }))).text();
      const asTwo = await (await world.handler(get(path, { user: 'user_2' }))).text();
      expect(asOne, path).not.toEqual(asTwo);
      const two = await resourcesOf(world, 'user_2');
      expect(asOne, path).not.toContain(two.invoice);
      expect(asOne, path).not.toContain(two.card);
    }
  });
});
