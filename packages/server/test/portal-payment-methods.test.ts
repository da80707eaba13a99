// The saved cards as the portal manages them: list, a SetupIntent for the Payment Element, the
// default card, removal (and the refusal to strand a live subscription without a card). Another
// customer's card answers 404 and is left alone.

import { describe, expect, it } from 'vitest';
import {
  paymentMethodResponseSchema,
  paymentMethodsResponseSchema,
  removePaymentMethodResponseSchema,
  setupIntentResponseSchema,
} from '../src/contract/index.js';
import {
  expectError,
  expectOk,
  get,
  givenServer,
  givenSubscriber,
  send,
  stateOf,
  type World,
} from './support/world.js';

async function cardsOf(world: World, user = 'user_1') {
  return (await expectOk(world, get('/payment-methods', { user }), paymentMethodsResponseSchema))
    .paymentMethods;
}

describe('GET /payment-methods', () => {
  it('lists nothing for someone without a billing customer, and creates none', async () => {
    const world = await givenServer();

    expect(await cardsOf(world)).toEqual([]);

    expect(await world.billing.customers.get('user_1')).toBeNull();
  });

  it("lists the subscriber's card: brand, last four, expiry, default", async () => {
    const world = await givenServer();
    await givenSubscriber(world);

    const [card, ...others] = await cardsOf(world);

    expect(others).toEqual([]);
    expect(card).toEqual({
      id: expect.stringMatching(/^pm_/),
      type: 'card',
      brand: 'visa',
      last4: expect.stringMatching(/^\d{4}$/),
      expMonth: expect.any(Number),
      expYear: expect.any(Number),
      wallet: null,
      isDefault: true,
    });
  });
});

describe('POST /payment-methods/setup-intent', () => {
  it('gives a client secret for the Payment Element, creating the billing customer first', async () => {
    const world = await givenServer();

    const body = await expectOk(
      world,
      send('POST', '/payment-methods/setup-intent'),
      setupIntentResponseSchema,
    );

    expect(body.clientSecret).toContain(body.setupIntentId);
    const customer = await world.billing.customers.get('user_1');
    const intent = await world.stripe.setupIntents.retrieve(body.setupIntentId);
    expect(intent.customer).toBe(customer?.stripeCustomerId);
  });
});

describe('default and removal', () => {
  async function subscriberWithTwoCards() {
    const world = await givenServer();
    await givenSubscriber(world);
    const { setupIntentId } = await world.billing.paymentMethods.createSetupIntent('user_1');
    const confirmed = await world.stripe.setupIntents.confirm(setupIntentId, {
      payment_method: 'pm_card_mastercard',
    });
    const second = confirmed.payment_method as string;
    const first = (await cardsOf(world)).find((c) => c.id !== second)!.id;
    return { world, first, second };
  }

  it('makes a saved card the default', async () => {
    const { world, second } = await subscriberWithTwoCards();

    const { paymentMethod } = await expectOk(
      world,
      send('POST', `/payment-methods/${second}/default`),
      paymentMethodResponseSchema,
    );

    expect(paymentMethod).toMatchObject({ id: second, brand: 'mastercard', isDefault: true });
    expect((await cardsOf(world)).filter((c) => c.isDefault).map((c) => c.id)).toEqual([second]);
  });

  it('removes a card, and the other becomes the default', async () => {
    const { world, first, second } = await subscriberWithTwoCards();

    const body = await expectOk(
      world,
      send('DELETE', `/payment-methods/${first}`),
      removePaymentMethodResponseSchema,
    );

    expect(body).toEqual({ removedPaymentMethodId: first, defaultPaymentMethodId: second });
    expect((await cardsOf(world)).map((c) => c.id)).toEqual([second]);
  });

  it('refuses (409) to remove the last card of a live subscription unless forced', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const [card] = await cardsOf(world);
    const before = await stateOf(world);

    await expectError(world, send('DELETE', `/payment-methods/${card!.id}`), {
      status: 409,
      code: 'last_payment_method',
    });
    await expectError(world, send('DELETE', `/payment-methods/${card!.id}?force=yes`), {
      status: 400,
      code: 'invalid_input',
      param: 'force',
    });
    expect(await stateOf(world)).toEqual(before);

    const forced = await expectOk(
      world,
      send('DELETE', `/payment-methods/${card!.id}?force=true`),
      removePaymentMethodResponseSchema,
    );
    expect(forced).toEqual({ removedPaymentMethodId: card!.id, defaultPaymentMethodId: null });
    expect(await cardsOf(world)).toEqual([]);
  });

  it("answers 404 to another customer's card, for the default and for removal, touching neither customer", async () => {
    const world = await givenServer();
    await givenSubscriber(world, 'user_1');
    await givenSubscriber(world, 'user_2');
    const [theirs] = await cardsOf(world, 'user_2');
    const before = await stateOf(world);

    await expectError(world, send('POST', `/payment-methods/${theirs!.id}/default`), {
      status: 404,
      code: 'payment_method_not_found',
    });
    await expectError(world, send('DELETE', `/payment-methods/${theirs!.id}?force=true`), {
      status: 404,
      code: 'payment_method_not_found',
    });

    expect(await stateOf(world)).toEqual(before);
    expect(await cardsOf(world, 'user_2')).toEqual([
      expect.objectContaining({ id: theirs!.id, isDefault: true }),
    ]);
  });

  it('answers 404 to a card id that does not exist, and changes nothing', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const before = await stateOf(world);

    await expectError(world, send('DELETE', '/payment-methods/pm_doesnotexist'), {
      status: 404,
      code: 'payment_method_not_found',
    });
    await expectError(world, send('POST', '/payment-methods/pm_doesnotexist/default'), {
      status: 404,
      code: 'payment_method_not_found',
    });

    expect(await stateOf(world)).toEqual(before);
  });
});
