// Bad requests get the answer Stripe gives: error type, code, param, message and HTTP status.

import { describe, expect, it } from 'vitest';
import { givenCatalog, givenCustomer } from './builders.js';

describe('bad params', () => {
  it('names the missing required param', async () => {
    const world = await givenCatalog();
    await expect(world.stripe.subscriptions.create({} as never)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'parameter_missing',
      param: 'customer',
      message: 'Missing required param: customer.',
    });
    const { customer } = await givenCustomer(world);
    await expect(world.stripe.subscriptions.create({ customer: customer.id } as never)).rejects.toMatchObject(
      {
        code: 'parameter_missing',
        param: 'items',
      },
    );
  });

  it('refuses a param it does not know', async () => {
    const world = await givenCatalog();
    await expect(world.stripe.customers.create({ emial: 'typo@example.com' } as never)).rejects.toMatchObject(
      {
        statusCode: 400,
        code: 'parameter_unknown',
        param: 'emial',
        message: 'Received unknown parameter: emial',
      },
    );
  });

  it('answers a missing object named by a param with resource_missing on that param', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    await expect(
      world.stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_nope' }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'items[0][price]',
      message: "No such price: 'price_nope'",
    });
  });

  it('answers a missing object in the URL with 404', async () => {
    const world = await givenCatalog();
    await expect(world.stripe.subscriptions.retrieve('sub_nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: "No such subscription: 'sub_nope'",
    });
  });

  it('refuses a value of the wrong kind', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    await expect(
      world.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: world.pro.id, quantity: 'two' as never }],
      }),
    ).rejects.toMatchObject({ code: 'parameter_invalid_integer', param: 'items[0][quantity]' });
    await expect(
      world.stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: world.pro.id }],
        payment_behavior: 'sometimes' as never,
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'payment_behavior' });
  });

  it('refuses a one-time price on a subscription', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const oneOff = await world.stripe.prices.create({
      currency: 'aud',
      unit_amount: 500,
      product_data: { name: 'Setup' },
    });
    await expect(
      world.stripe.subscriptions.create({ customer: customer.id, items: [{ price: oneOff.id }] }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'items[0][price]' });
  });

  it("declines attaching a card that fails Stripe's card check, with a card error", async () => {
    const world = await givenCatalog();
    const customer = await world.stripe.customers.create({});
    await expect(
      world.stripe.paymentMethods.attach('pm_card_chargeDeclinedInsufficientFunds', {
        customer: customer.id,
      }),
    ).rejects.toMatchObject({
      type: 'StripeCardError',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
    });
  });

  it('changes nothing when a request is refused', async () => {
    const world = await givenCatalog();
    const customer = await world.stripe.customers.create({ name: 'Before' });
    await expect(
      world.stripe.customers.update(customer.id, { name: 'After', bogus: 1 } as never),
    ).rejects.toMatchObject({ code: 'parameter_unknown' });
    expect(await world.stripe.customers.retrieve(customer.id)).toMatchObject({ name: 'Before' });
  });

  it('answers an unknown URL the way Stripe does', async () => {
    const world = await givenCatalog();
    const response = await world.sim.fetch('https://api.stripe.com/v1/nothing_here', {
      headers: { authorization: 'Bearer sk_test_x' },
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /Unrecognized request URL/,
    );
  });
});
