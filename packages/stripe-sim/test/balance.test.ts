import { describe, expect, it } from 'vitest';
import { createStripeSim } from '../src/index.js';
import { customerWithPayment } from './helpers-payments.js';

describe('balance and fees', () => {
  it('a A$10.00 payment on an Australian card costs 47c (1.7% + 30c, 4c of it GST) and nets A$9.53', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim, { paymentMethod: 'pm_card_au' });

    const charge = await sim.stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] });
    const txn = charge.balance_transaction as import('stripe').Stripe.BalanceTransaction;

    expect(txn).toMatchObject({
      object: 'balance_transaction',
      type: 'charge',
      reporting_category: 'charge',
      amount: 1000,
      fee: 47,
      net: 953,
      currency: 'aud',
      source: chargeId,
    });
    expect(txn.fee_details).toEqual([
      expect.objectContaining({ type: 'stripe_fee', amount: 43, currency: 'aud' }),
      expect.objectContaining({ type: 'tax', amount: 4, description: 'GST' }),
    ]);
  });

  it('a A$10.00 payment on a US card costs the international 3.5% + 30c = 65c', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim, { paymentMethod: 'pm_card_visa' });

    const [txn] = (await sim.stripe.balanceTransactions.list({ source: chargeId })).data;

    expect(txn).toMatchObject({ fee: 65, net: 935 });
    expect(txn!.fee_details.reduce((sum, d) => sum + d.amount, 0)).toBe(65);
  });

  it('balance transactions can be retrieved and listed by type, source and currency', async () => {
    const sim = createStripeSim();
    const { chargeId } = await customerWithPayment(sim);
    const refund = await sim.stripe.refunds.create({ charge: chargeId, amount: 100 });

    const all = await sim.stripe.balanceTransactions.list();
    expect(all.data.map((t) => t.type)).toEqual(['refund', 'charge']);
    const refunds = await sim.stripe.balanceTransactions.list({ type: 'refund' });
    expect(refunds.data.map((t) => t.source)).toEqual([refund.id]);
    expect((await sim.stripe.balanceTransactions.list({ currency: 'usd' })).data).toEqual([]);
    const one = await sim.stripe.balanceTransactions.retrieve(all.data[1]!.id);
    expect(one.source).toBe(chargeId);
    await expect(sim.stripe.balanceTransactions.list({ type: 'not_a_type' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'type',
    });
  });

  it('an empty account has a zero balance in its default currency', async () => {
    const sim = createStripeSim();

    const balance = await sim.stripe.balance.retrieve();

    expect(balance).toMatchObject({
      object: 'balance',
      livemode: false,
      available: [{ amount: 0, currency: 'aud', source_types: { card: 0 } }],
      pending: [{ amount: 0, currency: 'aud', source_types: { card: 0 } }],
    });
  });

  it('new funds are pending until they become available, and the balance sums net amounts', async () => {
    const sim = createStripeSim({ now: new Date('2026-03-02T10:00:00Z') });
    const { chargeId } = await customerWithPayment(sim);
    await sim.stripe.refunds.create({ charge: chargeId, amount: 200 });

    let balance = await sim.stripe.balance.retrieve();
    expect(balance.pending).toEqual([{ amount: 953 - 200, currency: 'aud', source_types: { card: 753 } }]);
    expect(balance.available[0]!.amount).toBe(0);
    const [refundTxn] = (await sim.stripe.balanceTransactions.list({ type: 'refund' })).data;
    expect(refundTxn!.status).toBe('pending');

    await sim.clock.advance({ days: 3 });

    balance = await sim.stripe.balance.retrieve();
    expect(balance.available).toEqual([{ amount: 753, currency: 'aud', source_types: { card: 753 } }]);
    expect(balance.pending[0]!.amount).toBe(0);
    const charge = await sim.stripe.balanceTransactions.list({ source: chargeId });
    expect(charge.data[0]!.status).toBe('available');
  });

  it('a chargeback and its fee come out of the balance', async () => {
    const sim = createStripeSim();
    await customerWithPayment(sim, { paymentMethod: 'pm_card_createDispute' });

    const balance = await sim.stripe.balance.retrieve();

    // +935 for the payment on a US card, -1000 withdrawn and -2500 dispute fee.
    expect(balance.pending[0]!.amount).toBe(935 - 3500);
  });
});
