import { describe, expect, it } from 'vitest';
import { createStripeSim } from '../src/index.js';
import { customerWithPayment, eventsOfType } from './helpers-payments.js';

describe('charges', () => {
  it('the charge a payment intent made can be retrieved and listed by customer and by payment intent', async () => {
    const sim = createStripeSim();
    const a = await customerWithPayment(sim);
    const b = await customerWithPayment(sim);

    const charge = await sim.stripe.charges.retrieve(a.chargeId);
    expect(charge).toMatchObject({
      object: 'charge',
      amount: 1000,
      currency: 'aud',
      customer: a.customer.id,
      payment_intent: a.paymentIntent.id,
      status: 'succeeded',
      paid: true,
      refunded: false,
    });
    expect(charge).not.toHaveProperty('refunds');

    const byCustomer = await sim.stripe.charges.list({ customer: b.customer.id });
    expect(byCustomer.data.map((c) => c.id)).toEqual([b.chargeId]);
    const byIntent = await sim.stripe.charges.list({ payment_intent: a.paymentIntent.id });
    expect(byIntent.data.map((c) => c.id)).toEqual([a.chargeId]);
    const all = await sim.stripe.charges.list();
    expect(all.data.map((c) => c.id)).toEqual([b.chargeId, a.chargeId]);
  });

  it('updating a charge changes its description, metadata and receipt email and sends charge.updated', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);

    const updated = await sim.stripe.charges.update(chargeId, {
      description: 'Order 42',
      metadata: { order: '42' },
      receipt_email: 'receipts@example.com',
    });

    expect(updated).toMatchObject({
      description: 'Order 42',
      metadata: { order: '42' },
      receipt_email: 'receipts@example.com',
    });
    const events = eventsOfType(sim, 'charge.updated').filter(
      (e) => (e.data.object as { id: string }).id === chargeId,
    );
    const last = events[events.length - 1]!;
    expect(last.data.previous_attributes).toMatchObject({
      description: null,
      receipt_email: null,
      metadata: {},
    });
  });

  it('an update with a parameter Stripe does not accept is refused and changes nothing', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);

    await expect(
      sim.stripe.charges.update(chargeId, { description: 'Changed', amount: 5 } as never),
    ).rejects.toMatchObject({
      code: 'parameter_unknown',
      param: 'amount',
    });
    expect((await sim.stripe.charges.retrieve(chargeId)).description).toBeNull();
    await expect(sim.stripe.charges.retrieve('ch_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  it('creating a charge directly is refused and points to PaymentIntents', async () => {
    const sim = createStripeSim();

    const attempt = sim.stripe.charges.create({ amount: 1000, currency: 'aud', source: 'tok_visa' });

    await expect(attempt).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400 });
    await expect(attempt).rejects.toThrow(/PaymentIntent/);
  });

  it('charges can be searched by customer and metadata', async () => {
    const sim = createStripeSim();
    const a = await customerWithPayment(sim);
    await customerWithPayment(sim);
    await sim.stripe.charges.update(a.chargeId, { metadata: { order: '7' } });

    const found = await sim.stripe.charges.search({
      query: `customer:'${a.customer.id}' AND metadata['order']:'7'`,
    });

    expect(found.data.map((c) => c.id)).toEqual([a.chargeId]);
  });

  it('an automatically captured charge cannot be captured again', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);

    await expect(sim.stripe.charges.capture(chargeId)).rejects.toMatchObject({
      statusCode: 400,
      code: 'charge_already_captured',
    });
  });
});
