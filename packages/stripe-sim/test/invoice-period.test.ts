// An invoice's own period_start / period_end, as Stripe documents them: "the usage period during
// which invoice items were added to this invoice. This looks back one period for a subscription
// invoice. Use the line item period to get the service period for each price." A renewal looks back
// over the period just ended; an invoice made by a request (signup, plan change, cancellation) is one
// instant, its creation, as Stripe's own subscription_create and subscription_update invoices show.

import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  DAY,
  FEB_15,
  givenActiveSubscriber,
  givenCatalog,
  givenCustomer,
  HOUR,
  JAN_15,
  latestInvoice,
  type World,
} from './builders.js';

const MAR_15 = Date.parse('2026-03-15T00:00:00Z') / 1000;
const halfway = JAN_15 + 15 * DAY + 12 * HOUR;

function ownPeriod(invoice: Stripe.Invoice): { start: number; end: number } {
  return { start: invoice.period_start, end: invoice.period_end };
}

async function invoicesOf(world: World, subscriptionId: string): Promise<Stripe.Invoice[]> {
  return (await world.stripe.invoices.list({ subscription: subscriptionId })).data;
}

describe("a subscription invoice's own period looks back, while its lines carry the service period", () => {
  it('gives the first invoice the instant it was created, and bills the first month on its line', async () => {
    const world = await givenCatalog();
    await world.sim.clock.advance({ hours: 5 });
    const { subscription } = await givenActiveSubscriber(world);
    const signup = JAN_15 + 5 * HOUR;

    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice).toMatchObject({ billing_reason: 'subscription_create', created: signup });
    expect(ownPeriod(invoice)).toEqual({ start: signup, end: signup });
    expect(invoice.lines.data[0]?.period).toEqual({
      start: signup,
      end: subscription.items.data[0]!.current_period_end,
    });
  });

  it('looks back over the month just ended on a renewal, while the line bills the month ahead', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);

    await world.sim.clock.advanceTo(FEB_15 + 2 * HOUR);
    const renewal = await latestInvoice(world, subscription.id);
    expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', created: FEB_15, status: 'paid' });
    expect(ownPeriod(renewal)).toEqual({ start: JAN_15, end: FEB_15 });
    expect(renewal.lines.data[0]?.period).toEqual({ start: FEB_15, end: MAR_15 });

    await world.sim.clock.advanceTo(MAR_15 + 2 * HOUR);
    const second = await latestInvoice(world, subscription.id);
    expect(ownPeriod(second)).toEqual({ start: FEB_15, end: MAR_15 });
    expect(second.lines.data[0]?.period.start).toBe(MAR_15);
  });

  it('carries the same look-back in invoice.upcoming and in a preview of the next renewal', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);

    await world.sim.clock.advanceTo(FEB_15 - 7 * DAY + HOUR);
    await world.sim.webhooks.flush();
    const upcoming = world.received.find((e) => e.type === 'invoice.upcoming')?.data.object as Stripe.Invoice;
    expect(ownPeriod(upcoming)).toEqual({ start: JAN_15, end: FEB_15 });
    expect(upcoming.lines.data[0]?.period).toEqual({ start: FEB_15, end: MAR_15 });

    const preview = await world.stripe.invoices.createPreview({ subscription: subscription.id });
    expect(preview.billing_reason).toBe('upcoming');
    expect(ownPeriod(preview)).toEqual({ start: JAN_15, end: FEB_15 });
    expect(preview.lines.data[0]?.period).toEqual({ start: FEB_15, end: MAR_15 });
  });

  it('looks back over the trial on the invoice that ends it, also when the trial is ended early', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const trialing = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.pro.id }],
      trial_period_days: 14,
    });
    const trialInvoice = await latestInvoice(world, trialing.id);
    expect(ownPeriod(trialInvoice)).toEqual({ start: JAN_15, end: JAN_15 });

    await world.sim.clock.advance({ days: 14, hours: 2 });
    const firstPaid = await latestInvoice(world, trialing.id);
    const after = await world.stripe.subscriptions.retrieve(trialing.id);
    expect(firstPaid).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid' });
    expect(ownPeriod(firstPaid)).toEqual({ start: JAN_15, end: JAN_15 + 14 * DAY });
    expect(firstPaid.lines.data[0]?.period).toEqual({
      start: JAN_15 + 14 * DAY,
      end: after.items.data[0]!.current_period_end,
    });

    const other = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.pro.id }],
      trial_period_days: 14,
    });
    const startedAt = JAN_15 + 14 * DAY + 2 * HOUR;
    await world.sim.clock.advance({ days: 3 });
    await world.stripe.subscriptions.update(other.id, { trial_end: 'now' });
    const early = await latestInvoice(world, other.id);
    expect(ownPeriod(early)).toEqual({ start: startedAt, end: startedAt + 3 * DAY });
    expect(early.lines.data[0]?.period.start).toBe(startedAt + 3 * DAY);
  });

  it('gives a plan change invoiced at once the instant of the change, not the proration date', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    const changedAt = halfway + HOUR;
    await world.sim.clock.advanceTo(changedAt);

    await world.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: world.business.id }],
      proration_behavior: 'always_invoice',
      proration_date: halfway,
    });
    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice).toMatchObject({ billing_reason: 'subscription_update', created: changedAt });
    expect(ownPeriod(invoice)).toEqual({ start: changedAt, end: changedAt });
    expect(invoice.lines.data.map((l) => l.period)).toEqual([
      { start: halfway, end: FEB_15 },
      { start: halfway, end: FEB_15 },
    ]);
  });

  it('gives an interval change, which starts a new cycle, the instant of the change', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    await world.sim.clock.advanceTo(halfway);

    const yearly = await world.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: world.proYearly.id }],
    });
    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice.billing_reason).toBe('subscription_update');
    expect(ownPeriod(invoice)).toEqual({ start: halfway, end: halfway });
    const yearLine = invoice.lines.data.find((l) => l.amount > 0);
    expect(yearLine?.period).toEqual({ start: halfway, end: yearly.items.data[0]!.current_period_end });
  });

  it('gives the invoices made by resuming and by cancelling now the instant they were made', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    await world.stripe.subscriptions.pause(subscription.id);
    await world.sim.clock.advanceTo(halfway);
    await world.stripe.subscriptions.resume(subscription.id, { billing_cycle_anchor: { type: 'now' } });
    const resumed = await latestInvoice(world, subscription.id);
    expect(ownPeriod(resumed)).toEqual({ start: halfway, end: halfway });
    expect(resumed.lines.data[0]?.period.start).toBe(halfway);

    const cancelledAt = halfway + 10 * DAY;
    await world.sim.clock.advanceTo(cancelledAt);
    await world.stripe.subscriptions.cancel(subscription.id, { prorate: true, invoice_now: true });
    const final = await latestInvoice(world, subscription.id);
    expect(ownPeriod(final)).toEqual({ start: cancelledAt, end: cancelledAt });
    expect(final.lines.data[0]?.period).toEqual({
      start: cancelledAt,
      end: resumed.lines.data[0]!.period.end,
    });
    expect(await invoicesOf(world, subscription.id)).toHaveLength(3);
  });
});

describe('create_preview gives each invoice the period the real one will have', () => {
  it('previews a change invoiced at once as one instant, and a prorated renewal as a look-back', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    await world.sim.clock.advanceTo(halfway);
    const item = { id: subscription.items.data[0]!.id, price: world.business.id };

    const now = await world.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { items: [item], proration_behavior: 'always_invoice', proration_date: halfway },
    });
    expect(now.billing_reason).toBe('subscription_update');
    expect(ownPeriod(now)).toEqual({ start: halfway, end: halfway });
    expect(now.lines.data.every((l) => l.period.start === halfway && l.period.end === FEB_15)).toBe(true);

    const next = await world.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: {
        items: [item],
        proration_behavior: 'create_prorations',
        proration_date: halfway,
      },
    });
    expect(next.billing_reason).toBe('upcoming');
    expect(ownPeriod(next)).toEqual({ start: JAN_15, end: FEB_15 });
    expect(next.lines.data.at(-1)?.period).toEqual({ start: FEB_15, end: MAR_15 });

    const interval = await world.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { items: [{ id: item.id, price: world.proYearly.id }] },
    });
    expect(ownPeriod(interval)).toEqual({ start: halfway, end: halfway });
  });

  it('previews a new subscription as one instant, with the first period on its lines', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    await world.sim.clock.advanceTo(halfway);

    const preview = await world.stripe.invoices.createPreview({
      customer: customer.id,
      subscription_details: { items: [{ price: world.pro.id }] },
    });
    expect(ownPeriod(preview)).toEqual({ start: halfway, end: halfway });
    expect(preview.lines.data[0]?.period.start).toBe(halfway);
    expect(preview.lines.data[0]?.period.end).toBeGreaterThan(halfway + 27 * DAY);
  });
});
