// The billing address on tax invoices, with the name and ABN of a business customer: read it,
// save it (creating the billing customer when needed), move abroad (GST stops), and the refusals.

import { describe, expect, it } from 'vitest';
import { billingAddressResponseSchema } from '../src/contract/index.js';
import { expectError, expectOk, get, givenServer, givenSubscriber, send, stateOf } from './support/world.js';

const SYDNEY = { line1: '1 George St', city: 'Sydney', state: 'NSW', postalCode: '2000', country: 'au' };

describe('GET /billing-address', () => {
  it('answers the signed-in email and nothing else for a new user, creating nothing', async () => {
    const world = await givenServer();

    const { billingAddress } = await expectOk(world, get('/billing-address'), billingAddressResponseSchema);

    expect(billingAddress).toEqual({ name: null, email: 'user_1@example.com.au', address: null, abn: null });
    expect(await world.billing.customers.get('user_1')).toBeNull();
  });
});

describe('PUT /billing-address', () => {
  it("creates a new user's billing customer with the address, name and ABN", async () => {
    const world = await givenServer();

    const { billingAddress } = await expectOk(
      world,
      send('PUT', '/billing-address', { name: 'Résumé Co Pty Ltd', address: SYDNEY, abn: '51 824 753 556' }),
      billingAddressResponseSchema,
    );

    expect(billingAddress).toEqual({
      name: 'Résumé Co Pty Ltd',
      email: 'user_1@example.com.au',
      address: {
        line1: '1 George St',
        line2: null,
        city: 'Sydney',
        state: 'NSW',
        postalCode: '2000',
        country: 'AU',
      },
      abn: '51824753556',
    });
    const customer = await world.billing.customers.get('user_1');
    const taxIds = await world.stripe.customers.listTaxIds(customer!.stripeCustomerId);
    expect(taxIds.data.map((t) => [t.type, t.value])).toEqual([['au_abn', '51824753556']]);
    expect(
      (await expectOk(world, get('/billing-address'), billingAddressResponseSchema)).billingAddress,
    ).toEqual(billingAddress);
  });

  it("updates a subscriber's address, and a move abroad takes GST off the next charge", async () => {
    const world = await givenServer();
    await givenSubscriber(world);

    const { billingAddress } = await expectOk(
      world,
      send('PUT', '/billing-address', {
        address: { line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
      }),
      billingAddressResponseSchema,
    );

    expect(billingAddress.address).toMatchObject({ city: 'London', country: 'GB', state: null });
    const customer = await world.billing.customers.get('user_1');
    expect(
      (await world.stripe.customers.retrieve(customer!.stripeCustomerId)) as { address: unknown },
    ).toMatchObject({
      address: { city: 'London', country: 'GB' },
    });
    expect(await world.billing.subscriptions.nextCharge('user_1')).toMatchObject({ tax: { amount: 0 } });
  });

  it('writes nothing to Stripe when the same address is saved again', async () => {
    const world = await givenServer();
    await world.handler(send('PUT', '/billing-address', { address: SYDNEY }));
    const before = await stateOf(world);

    await expectOk(world, send('PUT', '/billing-address', { address: SYDNEY }), billingAddressResponseSchema);

    expect(await stateOf(world)).toEqual(before);
  });

  it.each([
    [{}, 'address'],
    [{ address: { ...SYDNEY, line1: '' } }, 'address.line1'],
    [{ address: { ...SYDNEY, country: 'Australia' } }, 'address.country'],
    [{ address: { ...SYDNEY, postalCode: 2000 } }, 'address.postalCode'],
    [{ address: SYDNEY, abn: '1234' }, 'abn'],
    [{ address: SYDNEY, name: '' }, 'name'],
  ])('answers 400 naming the field for %j, and changes nothing', async (body, param) => {
    const world = await givenServer();
    await givenSubscriber(world);
    const before = await stateOf(world);

    await expectError(world, send('PUT', '/billing-address', body), {
      status: 400,
      code: 'invalid_input',
      param,
    });

    expect(await stateOf(world)).toEqual(before);
  });

  it('takes a saved ABN off when the customer clears it', async () => {
    const world = await givenServer();
    await world.handler(send('PUT', '/billing-address', { address: SYDNEY, abn: '51824753556' }));

    const { billingAddress } = await expectOk(
      world,
      send('PUT', '/billing-address', { address: SYDNEY, abn: '' }),
      billingAddressResponseSchema,
    );

    expect(billingAddress.abn).toBeNull();
    const [customer] = (await world.stripe.customers.list()).data;
    expect((await world.stripe.customers.listTaxIds(customer!.id)).data).toEqual([]);
  });

  it('accepts an empty ABN from a customer who never gave one', async () => {
    const world = await givenServer();

    const { billingAddress } = await expectOk(
      world,
      send('PUT', '/billing-address', { address: SYDNEY, abn: '' }),
      billingAddressResponseSchema,
    );

    expect(billingAddress.abn).toBeNull();
  });
});

describe('PUT /billing-address refuses made-up places', () => {
  it('names the field for an Australian address without a real state, or an unknown country', async () => {
    const world = await givenServer();
    const before = await stateOf(world);
    await expectError(world, send('PUT', '/billing-address', { address: { ...SYDNEY, state: 'Narnia' } }), {
      status: 400,
      code: 'invalid_input',
      param: 'address.state',
    });
    await expectError(world, send('PUT', '/billing-address', { address: { ...SYDNEY, country: 'ZZ' } }), {
      status: 400,
      code: 'invalid_input',
      param: 'address.country',
    });
    expect(await stateOf(world)).toEqual(before);
  });
});
