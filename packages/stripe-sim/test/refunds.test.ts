import { describe, expect, it } from 'vitest';
import { createStripeSim } from '../src/index.js';
import { customerWithPayment, eventsOfType } from './helpers-payments.js';

describe('refunds', () => {
  it('refunding a payment without an amount refunds all of it and marks the charge refunded', async () => {
    const sim = createStripeSim();
    const { customer, paymentIntent, chargeId } = await customerWithPayment(sim);

    const refund = await sim.stripe.refunds.create({ payment_intent: paymentIntent.id });

    expect(refund).toMatchObject({
      object: 'refund',
      amount: 1000,
      currency: 'aud',
      charge: chargeId,
      payment_intent: paymentIntent.id,
      customer: customer.id,
      status: 'succeeded',
      reason: null,
    });
    const charge = await sim.stripe.charges.retrieve(chargeId);
    expect(charge.amount_refunded).toBe(1000);
    expect(charge.refunded).toBe(true);
  });

  it('a refund takes its amount back out of the balance, and Stripe keeps the processing fee', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);

    const refund = await sim.stripe.refunds.create({ charge: chargeId, amount: 400 });
    const txn = await sim.stripe.balanceTransactions.retrieve(refund.balance_transaction as string);

    expect(txn).toMatchObject({
      type: 'refund',
      reporting_category: 'refund',
      amount: -400,
      fee: 0,
      fee_details: [],
      net: -400,
      currency: 'aud',
      source: refund.id,
    });
  });

  it('partial refunds add up until the charge is fully refunded', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);

    const first = await sim.stripe.refunds.create({ charge: chargeId, amount: 300 });
    let charge = await sim.stripe.charges.retrieve(chargeId);
    expect(charge.amount_refunded).toBe(300);
    expect(charge.refunded).toBe(false);

    const second = await sim.stripe.refunds.create({ charge: chargeId });
    expect(second.amount).toBe(700);
    charge = await sim.stripe.charges.retrieve(chargeId, { expand: ['refunds'] });
    expect(charge.amount_refunded).toBe(1000);
    expect(charge.refunded).toBe(true);
    expect(charge.refunds?.data.map((r) => r.id)).toEqual([second.id, first.id]);

    const listed = await sim.stripe.refunds.list({ charge: chargeId });
    expect(listed.data.map((r) => r.id)).toEqual([second.id, first.id]);
  });

  it('refunding more than the charge amount is refused with amount_too_large', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);

    await expect(sim.stripe.refunds.create({ charge: chargeId, amount: 1500 })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'amount_too_large',
      param: 'amount',
      message: 'Refund amount (A$15.00) is greater than charge amount (A$10.00)',
    });
    const charge = await sim.stripe.charges.retrieve(chargeId);
    expect(charge.amount_refunded).toBe(0);
  });

  it('after a partial refund, refunding more than what is left names the unrefunded amount', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);
    await sim.stripe.refunds.create({ charge: chargeId, amount: 400 });

    await expect(sim.stripe.refunds.create({ charge: chargeId, amount: 700 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'amount_too_large',
      param: 'amount',
      message: 'Refund amount (A$7.00) is greater than unrefunded amount on charge (A$6.00)',
    });
  });

  it('a fully refunded charge cannot be refunded again', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);
    await sim.stripe.refunds.create({ charge: chargeId });

    await expect(sim.stripe.refunds.create({ charge: chargeId })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'charge_already_refunded',
      message: `Charge ${chargeId} has already been refunded.`,
    });
    await expect(sim.stripe.refunds.create({ charge: chargeId, amount: 100 })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    });
  });

  it('a retried refund with the same idempotency key refunds once and answers with the same refund', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);
    const request = {
      charge: chargeId,
      amount: 300,
      reason: 'requested_by_customer' as const,
      metadata: { ticket: 'T-1' },
    };

    const first = await sim.stripe.refunds.create(request, { idempotencyKey: 'refund-T-1' });
    const retried = await sim.stripe.refunds.create(request, { idempotencyKey: 'refund-T-1' });

    expect(retried.id).toBe(first.id);
    expect((await sim.stripe.charges.retrieve(chargeId)).amount_refunded).toBe(300);
    expect((await sim.stripe.refunds.list({ charge: chargeId })).data).toHaveLength(1);
    expect(eventsOfType(sim, 'refund.created')).toHaveLength(1);
    expect(eventsOfType(sim, 'charge.refunded')).toHaveLength(1);
    expect(eventsOfType(sim, 'refund.created')[0]!.data.object).toMatchObject({
      id: first.id,
      metadata: { ticket: 'T-1' },
    });
  });

  it('a charged-back payment cannot be refunded', async () => {
    const sim = createStripeSim();
    const { paymentIntent } = await customerWithPayment(sim, { paymentMethod: 'pm_card_createDispute' });

    await expect(sim.stripe.refunds.create({ payment_intent: paymentIntent.id })).rejects.toMatchObject({
      statusCode: 400,
      code: 'charge_disputed',
    });
  });

  it('a refund sends refund.created and charge.refunded with the previous refund totals', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);

    const refund = await sim.stripe.refunds.create({
      charge: chargeId,
      amount: 250,
      reason: 'requested_by_customer',
    });

    const created = eventsOfType(sim, 'refund.created');
    expect(created).toHaveLength(1);
    expect(created[0]!.data.object).toMatchObject({ id: refund.id, reason: 'requested_by_customer' });
    const refunded = eventsOfType(sim, 'charge.refunded');
    expect(refunded).toHaveLength(1);
    expect(refunded[0]!.data.object).toMatchObject({ id: chargeId, amount_refunded: 250, refunded: false });
    expect(refunded[0]!.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
    expect(refunded[0]!.data.object).not.toHaveProperty('refunds');
  });

  it('refunds can be listed by payment intent, and a metadata update sends refund.updated and charge.refund.updated', async () => {
    const sim = createStripeSim();
    const a = await customerWithPayment(sim);
    const b = await customerWithPayment(sim);
    const refundA = await sim.stripe.refunds.create({
      payment_intent: a.paymentIntent.id,
      metadata: { ticket: '1' },
    });
    await sim.stripe.refunds.create({ payment_intent: b.paymentIntent.id });

    const listed = await sim.stripe.refunds.list({ payment_intent: a.paymentIntent.id });
    expect(listed.data.map((r) => r.id)).toEqual([refundA.id]);

    const updated = await sim.stripe.refunds.update(refundA.id, {
      metadata: { ticket: '', note: 'goodwill' },
    });
    expect(updated.metadata).toEqual({ note: 'goodwill' });
    for (const type of ['refund.updated', 'charge.refund.updated']) {
      const events = eventsOfType(sim, type);
      expect(events).toHaveLength(1);
      expect(events[0]!.data.object).toMatchObject({ id: refundA.id, metadata: { note: 'goodwill' } });
      expect(events[0]!.data.previous_attributes).toEqual({ metadata: { ticket: '1', note: null } });
    }
    const retrieved = await sim.stripe.refunds.retrieve(refundA.id);
    expect(retrieved.metadata).toEqual({ note: 'goodwill' });
  });

  it('a card refund has already succeeded, so it cannot be canceled', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);
    const refund = await sim.stripe.refunds.create({ charge: chargeId });

    await expect(sim.stripe.refunds.cancel(refund.id)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
    });
  });

  it('a refund needs a charge or a payment intent that exists and a known reason', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);

    await expect(sim.stripe.refunds.create({ amount: 100 })).rejects.toMatchObject({ statusCode: 400 });
    // A missing object named by a request parameter is a 400 (404 is for the object in the URL).
    await expect(sim.stripe.refunds.create({ charge: 'ch_missing' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'charge',
    });
    await expect(
      sim.stripe.refunds.create({ charge: chargeId, reason: 'changed_mind' }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'reason',
    });
    await expect(sim.stripe.refunds.create({ charge: chargeId, amount: 0 })).rejects.toMatchObject({
      statusCode: 400,
      param: 'amount',
    });
    await expect(sim.stripe.refunds.create({ charge: chargeId, bogus: 1 } as never)).rejects.toMatchObject({
      code: 'parameter_unknown',
    });
  });

  it('a payment intent that has not succeeded has nothing to refund', async () => {
    const sim = createStripeSim();
    const customer = await sim.stripe.customers.create({});
    const pi = await sim.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'aud',
      customer: customer.id,
    });

    await expect(sim.stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({
      statusCode: 400,
      param: 'payment_intent',
    });
  });
});
