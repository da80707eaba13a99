import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createStripeSim, type StripeSim } from '../src/index.js';
import { customerWithPayment, eventsOfType } from './helpers-payments.js';

async function disputedPayment(sim: StripeSim, paymentMethod = 'pm_card_createDispute') {
  const payment = await customerWithPayment(sim, { paymentMethod });
  const disputes = await sim.stripe.disputes.list({ payment_intent: payment.paymentIntent.id });
  expect(disputes.data).toHaveLength(1);
  return { ...payment, dispute: disputes.data[0]! };
}

describe('disputes', () => {
  it('a payment on pm_card_createDispute opens a fraudulent dispute that needs a response', async () => {
    const sim = createStripeSim();
    const { dispute, chargeId, paymentIntent } = await disputedPayment(sim);

    expect(dispute).toMatchObject({
      object: 'dispute',
      amount: 1000,
      currency: 'aud',
      charge: chargeId,
      payment_intent: paymentIntent.id,
      reason: 'fraudulent',
      status: 'needs_response',
      is_charge_refundable: false,
      evidence_details: { has_evidence: false, submission_count: 0, past_due: false },
    });
    expect((await sim.stripe.charges.retrieve(chargeId)).disputed).toBe(true);
    expect((await sim.stripe.disputes.retrieve(dispute.id)).id).toBe(dispute.id);
    expect((await sim.stripe.disputes.list({ charge: chargeId })).data.map((d) => d.id)).toEqual([
      dispute.id,
    ]);
  });

  it('the disputed amount and the A$25 dispute fee (GST included) are withdrawn from the balance', async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim);

    expect(dispute.balance_transactions).toHaveLength(1);
    expect(dispute.balance_transactions[0]).toMatchObject({
      type: 'adjustment',
      reporting_category: 'dispute',
      amount: -1000,
      fee: 2500,
      net: -3500,
      source: dispute.id,
    });
    expect(dispute.balance_transactions[0]!.fee_details).toEqual([
      expect.objectContaining({ type: 'stripe_fee', amount: 2273 }),
      expect.objectContaining({ type: 'tax', description: 'GST', amount: 227 }),
    ]);
    expect(eventsOfType(sim, 'charge.dispute.created')).toHaveLength(1);
    expect(eventsOfType(sim, 'charge.dispute.funds_withdrawn')).toHaveLength(1);
  });

  it('charge.dispute.created already shows the withdrawal, the deadline and no submission yet', async () => {
    const sim = createStripeSim();
    const { dispute, chargeId } = await disputedPayment(sim);

    const events = sim.webhooks
      .events()
      .filter((e) => e.type.startsWith('charge.dispute.') || e.type === 'charge.updated');
    expect(events.map((e) => e.type)).toEqual([
      'charge.dispute.created',
      'charge.updated',
      'charge.dispute.funds_withdrawn',
    ]);
    const created = events[0]!.data.object as Stripe.Dispute;
    expect(created).toMatchObject({
      id: dispute.id,
      status: 'needs_response',
      evidence_details: {
        due_by: created.created + 7 * 86_400,
        has_evidence: false,
        submission_count: 0,
      },
    });
    expect(created.balance_transactions).toEqual([
      expect.objectContaining({ amount: -1000, fee: 2500, net: -3500, reporting_category: 'dispute' }),
    ]);
    expect(events[1]!.data.object).toMatchObject({ id: chargeId, disputed: true });
  });

  it('staged evidence is submitted by a later request with submit=true', async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim);
    await sim.stripe.disputes.update(dispute.id, {
      evidence: { customer_name: 'Jo Payer' },
      submit: false,
    });

    const submitted = await sim.stripe.disputes.update(dispute.id, { submit: true });

    expect(submitted.status).toBe('under_review');
    expect(submitted.evidence.customer_name).toBe('Jo Payer');
    expect(submitted.evidence_details).toMatchObject({ has_evidence: true, submission_count: 1 });
  });

  it('evidence staged with submit=false stays editable and the dispute still needs a response', async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim);

    const staged = await sim.stripe.disputes.update(dispute.id, {
      evidence: { customer_name: 'Jo Payer', product_description: 'Annual plan' },
      submit: false,
    });

    expect(staged.status).toBe('needs_response');
    expect(staged.evidence.customer_name).toBe('Jo Payer');
    expect(staged.evidence_details).toMatchObject({ has_evidence: true, submission_count: 0 });
  });

  it('submitting evidence (the default) puts the dispute under review and sends charge.dispute.updated', async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim);

    const submitted = await sim.stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: 'The customer used the service for a year.' },
      metadata: { case: 'A-1' },
    });

    expect(submitted.status).toBe('under_review');
    expect(submitted.metadata).toEqual({ case: 'A-1' });
    expect(submitted.evidence_details).toMatchObject({
      has_evidence: true,
      submission_count: 1,
      submission_method: 'manual',
    });
    const updated = eventsOfType(sim, 'charge.dispute.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.data.previous_attributes).toMatchObject({ status: 'needs_response', metadata: {} });

    await expect(
      sim.stripe.disputes.update(dispute.id, { evidence: { customer_name: 'Again' } }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('evidence fields Stripe does not know are rejected', async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim);

    await expect(
      sim.stripe.disputes.update(dispute.id, { evidence: { favourite_colour: 'blue' } as never }),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'evidence[favourite_colour]' });
    const unchanged = await sim.stripe.disputes.retrieve(dispute.id);
    expect(unchanged.status).toBe('needs_response');
  });

  it("submitting Stripe's winning_evidence test value wins the dispute and reinstates the amount, not the fee", async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim);

    await sim.stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: 'winning_evidence' },
      submit: true,
    });

    const won = await sim.stripe.disputes.retrieve(dispute.id);
    expect(won.status).toBe('won');
    expect(won.balance_transactions).toHaveLength(2);
    expect(won.balance_transactions[1]).toMatchObject({
      type: 'adjustment',
      reporting_category: 'dispute_reversal',
      amount: 1000,
      fee: 0,
      net: 1000,
    });
    const types = sim.webhooks
      .events()
      .map((e) => e.type)
      .filter((t) => t.startsWith('charge.dispute.'));
    expect(types).toEqual([
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.updated',
      'charge.dispute.closed',
      'charge.dispute.funds_reinstated',
    ]);
    const closed = eventsOfType(sim, 'charge.dispute.closed')[0]!.data.object as Stripe.Dispute;
    expect(closed.status).toBe('won');
    expect((await sim.stripe.charges.retrieve(won.charge as string)).disputed).toBe(true);
  });

  it("submitting Stripe's losing_evidence test value loses the dispute without reinstating funds", async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim);

    await sim.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'losing_evidence' } });

    const lost = await sim.stripe.disputes.retrieve(dispute.id);
    expect(lost.status).toBe('lost');
    expect(lost.balance_transactions).toHaveLength(1);
    expect(eventsOfType(sim, 'charge.dispute.closed')).toHaveLength(1);
    expect(eventsOfType(sim, 'charge.dispute.funds_reinstated')).toHaveLength(0);
  });

  it('closing a dispute accepts the loss, and a closed dispute cannot be updated or closed again', async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim);

    const closed = await sim.stripe.disputes.close(dispute.id);

    expect(closed.status).toBe('lost');
    const events = eventsOfType(sim, 'charge.dispute.closed');
    expect(events).toHaveLength(1);
    expect((events[0]!.data.object as Stripe.Dispute).status).toBe('lost');
    await expect(
      sim.stripe.disputes.update(dispute.id, { evidence: { customer_name: 'Too late' } }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400 });
    await expect(sim.stripe.disputes.close(dispute.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('an inquiry moves no money and closes as warning_closed when accepted', async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim, 'pm_card_createDisputeInquiry');

    expect(dispute.status).toBe('warning_needs_response');
    expect(dispute.balance_transactions).toEqual([]);
    expect(dispute.is_charge_refundable).toBe(true);

    const closed = await sim.stripe.disputes.close(dispute.id);
    expect(closed.status).toBe('warning_closed');
  });

  it('evidence submitted for an inquiry puts it under warning review', async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim, 'pm_card_createDisputeInquiry');

    const submitted = await sim.stripe.disputes.update(dispute.id, {
      evidence: { customer_email_address: 'a@b.co' },
    });

    expect(submitted.status).toBe('warning_under_review');
  });

  it('an inquiry answered with winning_evidence closes without moving money', async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim, 'pm_card_createDisputeInquiry');

    await sim.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'winning_evidence' } });

    const closed = await sim.stripe.disputes.retrieve(dispute.id);
    expect(closed.status).toBe('warning_closed');
    expect(closed.balance_transactions).toEqual([]);
    expect(eventsOfType(sim, 'charge.dispute.closed')).toHaveLength(1);
  });

  it('an inquiry answered with losing_evidence escalates into a chargeback that withdraws the funds', async () => {
    const sim = createStripeSim();
    const { dispute } = await disputedPayment(sim, 'pm_card_createDisputeInquiry');

    await sim.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'losing_evidence' } });

    const escalated = await sim.stripe.disputes.retrieve(dispute.id);
    expect(escalated.status).toBe('needs_response');
    expect(escalated.is_charge_refundable).toBe(false);
    expect(escalated.payment_method_details?.card?.case_type).toBe('chargeback');
    expect(escalated.balance_transactions).toEqual([
      expect.objectContaining({ amount: -1000, fee: 2500, reporting_category: 'dispute' }),
    ]);
    expect(eventsOfType(sim, 'charge.dispute.funds_withdrawn')).toHaveLength(1);

    const lost = await sim.stripe.disputes.close(dispute.id);
    expect(lost.status).toBe('lost');
  });

  it('a disputed payment that is only an inquiry can still be refunded', async () => {
    const sim = createStripeSim();
    const { paymentIntent } = await disputedPayment(sim, 'pm_card_createDisputeInquiry');

    const refund = await sim.stripe.refunds.create({ payment_intent: paymentIntent.id });

    expect(refund.status).toBe('succeeded');
  });
});
