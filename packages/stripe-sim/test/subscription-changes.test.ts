// Changes a customer makes to a running subscription: quantities, coupons, downgrades that leave
// credit, pausing collection and resuming it, cancelling now; plus refund and dispute of a payment.

import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  DAY,
  eventTypes,
  FEB_15,
  givenActiveSubscriber,
  givenCatalog,
  givenCustomer,
  HOUR,
  JAN_15,
  latestInvoice,
} from './builders.js';

const halfway = JAN_15 + 15 * DAY + 12 * HOUR;

async function chargeOf(stripe: Stripe, invoice: Stripe.Invoice): Promise<Stripe.Charge> {
  const [payment] = (await stripe.invoicePayments.list({ invoice: invoice.id })).data;
  const pi = await stripe.paymentIntents.retrieve(payment!.payment.payment_intent as string);
  return stripe.charges.retrieve(pi.latest_charge as string);
}

describe('plan changes', () => {
  it('prorates a quantity change like a price change', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    await world.sim.clock.advanceTo(halfway);
    await world.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, quantity: 3 }],
      proration_behavior: 'always_invoice',
    });
    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice.lines.data.map((l) => [l.amount, l.description])).toEqual([
      [-500, 'Unused time on Pro after 30 Jan 2026'],
      [1500, 'Remaining time on 3 × Pro after 30 Jan 2026'],
    ]);
    expect(invoice.total).toBe(1000);
  });

  it('turns a downgrade into account credit that the next renewal uses up', async () => {
    const world = await givenCatalog();
    const { customer, card } = await givenCustomer(world);
    const sub = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.business.id }],
      default_payment_method: card.id,
    });
    await world.sim.clock.advanceTo(halfway);
    await world.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: world.pro.id }],
      proration_behavior: 'always_invoice',
    });
    const credit = await latestInvoice(world, sub.id);
    expect(credit).toMatchObject({ total: -500, amount_due: 0, status: 'paid', ending_balance: -500 });
    expect(((await world.stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(-500);

    await world.sim.clock.advanceTo(FEB_15 + 2 * HOUR);
    const renewal = await latestInvoice(world, sub.id);
    expect(renewal).toMatchObject({ total: 1000, starting_balance: -500, amount_due: 500, amount_paid: 500 });
    expect(((await world.stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(0);
  });

  it('applies a 50% coupon from a promotion code for three months', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const coupon = await world.stripe.coupons.create({
      percent_off: 50,
      duration: 'repeating',
      duration_in_months: 3,
    });
    const code = await world.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'HALFOFF',
    });
    const sub = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.pro.id }],
      default_tax_rates: [world.gst.id],
      discounts: [{ promotion_code: code.id }],
    });
    const first = await latestInvoice(world, sub.id);
    expect(first).toMatchObject({ subtotal: 1000, total: 500, total_excluding_tax: 455 });
    expect(first.total_discount_amounts?.[0]?.amount).toBe(500);
    expect(first.total_taxes?.[0]?.amount).toBe(45);

    await world.sim.clock.advance({ months: 3, hours: 2 });
    expect((await latestInvoice(world, sub.id)).total).toBe(1000);
    expect((await world.stripe.coupons.retrieve(coupon.id)).times_redeemed).toBe(1);
  });
});

describe('pausing collection', () => {
  it('keeps renewal invoices as drafts while paused, and charges again once resumed', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    await world.stripe.subscriptions.update(subscription.id, {
      pause_collection: { behavior: 'keep_as_draft' },
    });
    await world.sim.clock.advanceTo(FEB_15 + 2 * HOUR);
    const paused = await latestInvoice(world, subscription.id);
    expect(paused).toMatchObject({ status: 'draft', auto_advance: false });

    const resumed = await world.stripe.subscriptions.update(subscription.id, { pause_collection: '' });
    expect(resumed.pause_collection).toBeNull();
    await world.sim.clock.advanceTo(Date.parse('2026-03-15T02:00:00Z') / 1000);
    expect((await latestInvoice(world, subscription.id)).status).toBe('paid');
  });

  it('voids renewal invoices while paused with behavior void', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    await world.stripe.subscriptions.update(subscription.id, { pause_collection: { behavior: 'void' } });
    await world.sim.clock.advanceTo(FEB_15 + 2 * HOUR);
    expect((await latestInvoice(world, subscription.id)).status).toBe('void');
    expect((await world.stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('pauses and resumes a subscription with the pause and resume endpoints', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    expect((await world.stripe.subscriptions.pause(subscription.id)).status).toBe('paused');
    await world.sim.clock.advanceTo(halfway);
    const resumed = await world.stripe.subscriptions.resume(subscription.id, {
      billing_cycle_anchor: { type: 'now' },
    });
    expect(resumed).toMatchObject({ status: 'active', billing_cycle_anchor: halfway });
    expect((await latestInvoice(world, subscription.id)).total).toBe(1000);
    expect(await eventTypes(world)).toEqual(
      expect.arrayContaining(['customer.subscription.paused', 'customer.subscription.resumed']),
    );
  });
});

describe('cancelling now', () => {
  it('ends the subscription at once and can credit the unused time', async () => {
    const world = await givenCatalog();
    const { subscription, customer } = await givenActiveSubscriber(world);
    await world.sim.clock.advanceTo(halfway);
    const canceled = await world.stripe.subscriptions.cancel(subscription.id, {
      prorate: true,
      invoice_now: true,
      cancellation_details: { feedback: 'too_expensive', comment: 'Out of budget' },
    });
    expect(canceled).toMatchObject({ status: 'canceled', ended_at: halfway });
    expect(canceled.cancellation_details).toMatchObject({
      feedback: 'too_expensive',
      reason: 'cancellation_requested',
    });
    expect(((await world.stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(-500);
    await expect(world.stripe.subscriptions.cancel(subscription.id)).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe('money back', () => {
  it('refunds part of a subscription payment, then the rest', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    const charge = await chargeOf(world.stripe, await latestInvoice(world, subscription.id));
    await world.stripe.refunds.create({ charge: charge.id, amount: 300 });
    expect(await world.stripe.charges.retrieve(charge.id)).toMatchObject({
      amount_refunded: 300,
      refunded: false,
    });
    await world.stripe.refunds.create({ charge: charge.id });
    expect(await world.stripe.charges.retrieve(charge.id)).toMatchObject({
      amount_refunded: 1000,
      refunded: true,
    });
    expect((await eventTypes(world)).filter((t) => t === 'charge.refunded')).toHaveLength(2);
  });

  it('opens a fraud dispute on a payment from the dispute test card and withdraws the funds', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world, 'pm_card_createDispute');
    const charge = await chargeOf(world.stripe, await latestInvoice(world, subscription.id));
    expect(charge.disputed).toBe(true);
    const [dispute] = (await world.stripe.disputes.list({ charge: charge.id })).data;
    expect(dispute).toMatchObject({ reason: 'fraudulent', status: 'needs_response', amount: 1000 });
    expect(dispute!.balance_transactions[0]).toMatchObject({ amount: -1000, fee: 2500 });
    expect(await eventTypes(world)).toEqual(
      expect.arrayContaining(['charge.dispute.created', 'charge.dispute.funds_withdrawn']),
    );
    await world.sim.testHelpers.closeDispute(dispute!.id, 'won');
    expect((await world.stripe.disputes.retrieve(dispute!.id)).status).toBe('won');
  });

  it('loses a dispute nobody answered once the evidence deadline passes', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world, 'pm_card_createDispute');
    const charge = await chargeOf(world.stripe, await latestInvoice(world, subscription.id));
    const [dispute] = (await world.stripe.disputes.list({ charge: charge.id })).data;
    await world.sim.clock.advance({ days: 8 });
    expect((await world.stripe.disputes.retrieve(dispute!.id)).status).toBe('lost');
  });
});
