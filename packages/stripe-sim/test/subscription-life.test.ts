// The month-by-month life of an A$10/month subscription, driven only through the official client.

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

describe('signup', () => {
  it('charges A$10 with GST included on the first invoice and activates the subscription at once', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    expect(subscription.status).toBe('active');
    expect(subscription.items.data[0]).toMatchObject({
      current_period_start: JAN_15,
      current_period_end: FEB_15,
    });

    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_create',
      subtotal: 1000,
      total: 1000,
      total_excluding_tax: 909,
      amount_due: 1000,
      amount_paid: 1000,
      amount_remaining: 0,
    });
    expect(invoice.total_taxes).toEqual([
      expect.objectContaining({ amount: 91, tax_behavior: 'inclusive', taxable_amount: 909 }),
    ]);
    expect(invoice.number).toMatch(/^[A-Z0-9]+-0001$/);

    const [payment] = (await world.stripe.invoicePayments.list({ invoice: invoice.id })).data;
    const pi = await world.stripe.paymentIntents.retrieve(payment!.payment.payment_intent as string, {
      expand: ['latest_charge.balance_transaction'],
    });
    const charge = pi.latest_charge as import('stripe').Stripe.Charge;
    const txn = charge.balance_transaction as import('stripe').Stripe.BalanceTransaction;
    expect(txn).toMatchObject({ amount: 1000, fee: 47, net: 953 });

    expect(await eventTypes(world)).toEqual(
      expect.arrayContaining([
        'customer.subscription.created',
        'invoice.created',
        'invoice.finalized',
        'invoice.paid',
        'invoice.payment_succeeded',
        'invoice_payment.paid',
        'payment_intent.succeeded',
        'charge.succeeded',
      ]),
    );
  });

  it('asks for 3D Secure on a card that needs it, and activates once the customer authenticates', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world, 'pm_card_authenticationRequired');
    const sub = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.pro.id }],
      expand: ['latest_invoice.confirmation_secret', 'latest_invoice.payments'],
    });
    expect(sub.status).toBe('incomplete');
    const invoice = sub.latest_invoice as import('stripe').Stripe.Invoice;
    expect(invoice.status).toBe('open');
    expect(invoice.confirmation_secret?.client_secret).toMatch(/^pi_.+_secret_/);
    const piId = invoice.payments!.data[0]!.payment.payment_intent as string;
    expect((await world.stripe.paymentIntents.retrieve(piId)).status).toBe('requires_action');

    await world.sim.testHelpers.completeThreeDSecure(piId);
    expect((await world.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    expect((await world.stripe.invoices.retrieve(invoice.id)).status).toBe('paid');
    expect(await eventTypes(world)).toContain('invoice.payment_action_required');
  });

  it('with default_incomplete waits for the Payment Element, then saves the card on the subscription', async () => {
    const world = await givenCatalog();
    const customer = await world.stripe.customers.create({ email: 'new@example.com' });
    const sub = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.pro.id }],
      payment_behavior: 'default_incomplete',
      payment_settings: { save_default_payment_method: 'on_subscription' },
      expand: ['latest_invoice.payments'],
    });
    expect(sub.status).toBe('incomplete');
    const piId = (sub.latest_invoice as import('stripe').Stripe.Invoice).payments!.data[0]!.payment
      .payment_intent as string;
    const pi = await world.stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
    expect(pi.status).toBe('succeeded');
    const after = await world.stripe.subscriptions.retrieve(sub.id);
    expect(after.status).toBe('active');
    expect(after.default_payment_method).toBe(pi.payment_method);
  });

  it('starts a trial with a zero invoice, warns three days before it ends, then bills A$10', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const sub = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.pro.id }],
      trial_period_days: 14,
    });
    expect(sub.status).toBe('trialing');
    expect(sub.trial_end).toBe(JAN_15 + 14 * DAY);
    expect((await latestInvoice(world, sub.id)).total).toBe(0);

    await world.sim.clock.advance({ days: 11, hours: 1 });
    const warning = world.received.find((e) => e.type === 'customer.subscription.trial_will_end');
    expect(warning?.created).toBe(JAN_15 + 11 * DAY);

    await world.sim.clock.advance({ days: 3, hours: 2 });
    const after = await world.stripe.subscriptions.retrieve(sub.id);
    expect(after.status).toBe('active');
    const invoice = await latestInvoice(world, sub.id);
    expect(invoice).toMatchObject({ status: 'paid', total: 1000, billing_reason: 'subscription_cycle' });
  });
});

describe('renewal', () => {
  it('sends invoice.upcoming a week ahead, drafts the renewal at period end and charges it an hour later', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);

    await world.sim.clock.advanceTo(FEB_15 + 30 * 60);
    const upcoming = world.received.find((e) => e.type === 'invoice.upcoming');
    expect(upcoming?.created).toBe(FEB_15 - 7 * DAY);
    const draft = await latestInvoice(world, subscription.id);
    expect(draft).toMatchObject({
      status: 'draft',
      billing_reason: 'subscription_cycle',
      automatically_finalizes_at: FEB_15 + HOUR,
      // The invoice's own period looks back over the month just ended; its line bills the next one.
      period_start: JAN_15,
      period_end: FEB_15,
    });
    expect(draft.lines.data[0]?.period).toEqual({
      start: FEB_15,
      end: Date.parse('2026-03-15T00:00:00Z') / 1000,
    });
    const renewed = await world.stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.items.data[0]).toMatchObject({
      current_period_start: FEB_15,
      current_period_end: Date.parse('2026-03-15T00:00:00Z') / 1000,
    });

    await world.sim.clock.advance({ hours: 1 });
    const paid = await world.stripe.invoices.retrieve(draft.id);
    expect(paid).toMatchObject({ status: 'paid', total: 1000, amount_paid: 1000 });
    expect(paid.number).toMatch(/-0002$/);
  });

  it('ends a subscription set to cancel at period end, without a renewal invoice', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    const updated = await world.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(updated).toMatchObject({ cancel_at_period_end: true, cancel_at: FEB_15, status: 'active' });

    await world.sim.clock.advance({ months: 1, hours: 2 });
    const ended = await world.stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: FEB_15 });
    expect((await world.stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
    expect(await eventTypes(world)).toContain('customer.subscription.deleted');
  });
});

describe('upgrade mid-period', () => {
  const halfway = JAN_15 + 15 * DAY + 12 * HOUR; // 30 Jan 12:00: exactly half of the 31-day period left

  it('invoices the exact proration at once with always_invoice', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    await world.sim.clock.advanceTo(halfway);
    const itemId = subscription.items.data[0]!.id;

    const preview = await world.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: {
        items: [{ id: itemId, price: world.business.id }],
        proration_behavior: 'always_invoice',
        proration_date: halfway,
      },
    });
    expect(preview.total).toBe(500);

    await world.stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: world.business.id }],
      proration_behavior: 'always_invoice',
      proration_date: halfway,
    });
    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice).toMatchObject({ billing_reason: 'subscription_update', total: 500, status: 'paid' });
    expect(invoice.lines.data.map((l) => [l.amount, l.description])).toEqual([
      [-500, 'Unused time on Pro after 30 Jan 2026'],
      [1000, 'Remaining time on Business after 30 Jan 2026'],
    ]);
    expect(invoice.lines.data.every((l) => l.parent?.subscription_item_details?.proration)).toBe(true);
  });

  it('adds the proration to the next renewal with create_prorations', async () => {
    const world = await givenCatalog();
    const { subscription, customer } = await givenActiveSubscriber(world);
    await world.sim.clock.advanceTo(halfway);
    await world.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: world.business.id }],
    });
    const pending = await world.stripe.invoiceItems.list({ customer: customer.id, pending: true });
    expect(pending.data.map((i) => i.amount).sort((a, b) => a - b)).toEqual([-500, 1000]);

    await world.sim.clock.advanceTo(FEB_15 + 2 * HOUR);
    const renewal = await latestInvoice(world, subscription.id);
    expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', total: 2500, status: 'paid' });
  });

  it('prorates to the second when the change is not on a neat boundary', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    const at = JAN_15 + 10 * DAY + 3 * HOUR + 17;
    await world.sim.clock.advanceTo(at);
    await world.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: world.business.id }],
      proration_behavior: 'always_invoice',
    });
    const remaining = FEB_15 - at;
    const length = FEB_15 - JAN_15;
    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice.lines.data.map((l) => l.amount)).toEqual([
      -Math.round((1000 * remaining) / length),
      Math.round((2000 * remaining) / length),
    ]);
  });

  it('resets the billing cycle when switching to yearly, crediting unused monthly time', async () => {
    const world = await givenCatalog();
    const { subscription } = await givenActiveSubscriber(world);
    await world.sim.clock.advanceTo(halfway);
    const updated = await world.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: world.proYearly.id }],
    });
    expect(updated.billing_cycle_anchor).toBe(halfway);
    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice.total).toBe(10_000 - 500);
  });
});

describe('failed renewal', () => {
  async function givenFailingRenewal(options = {}) {
    const world = await givenCatalog(options);
    const { subscription, customer } = await givenActiveSubscriber(world);
    const failing = await world.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    await world.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: failing.id },
    });
    await world.sim.clock.advanceTo(FEB_15 + 2 * HOUR);
    return { world, subscription, customer };
  }

  it('goes past_due with a retry scheduled, and a newly saved default card is charged at that retry, not at once', async () => {
    const { world, subscription, customer } = await givenFailingRenewal();
    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice).toMatchObject({
      status: 'open',
      attempt_count: 1,
      next_payment_attempt: FEB_15 + HOUR + DAY,
    });
    expect((await world.stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    expect(await eventTypes(world)).toContain('invoice.payment_failed');

    const fresh = await world.stripe.paymentMethods.attach('pm_card_au', { customer: customer.id });
    await world.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: fresh.id },
    });
    await world.sim.clock.advance({ hours: 12 });
    expect(await world.stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      attempt_count: 1,
      next_payment_attempt: FEB_15 + HOUR + DAY,
    });
    expect((await world.stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');

    await world.sim.clock.advanceTo(FEB_15 + HOUR + DAY);
    const paid = await world.stripe.invoices.retrieve(invoice.id);
    expect(paid).toMatchObject({ status: 'paid', attempt_count: 2 });
    expect(paid.status_transitions.paid_at).toBe(FEB_15 + HOUR + DAY);
    expect((await world.stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('does not retry at once when the subscription gets a new default payment method either', async () => {
    const { world, subscription, customer } = await givenFailingRenewal();
    const invoice = await latestInvoice(world, subscription.id);
    const fresh = await world.stripe.paymentMethods.attach('pm_card_au', { customer: customer.id });

    await world.stripe.subscriptions.update(subscription.id, { default_payment_method: fresh.id });
    await world.sim.clock.advance({ hours: 1 });

    expect(await world.stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      attempt_count: 1,
    });
    await world.sim.clock.advanceTo(FEB_15 + HOUR + DAY);
    expect((await world.stripe.invoices.retrieve(invoice.id)).status).toBe('paid');
  });

  it('sends each failure with its attempt count and the next retry (null on the last), and the failed charge', async () => {
    const { world, subscription } = await givenFailingRenewal();
    await world.sim.clock.advance({ days: 20 });

    const firstFailure = FEB_15 + HOUR;
    const failures = world.received.filter((e) => e.type === 'invoice.payment_failed');
    expect(
      failures.map((e) => {
        const invoice = e.data.object as import('stripe').Stripe.Invoice;
        return [invoice.attempt_count, invoice.next_payment_attempt];
      }),
    ).toEqual([
      [1, firstFailure + DAY],
      [2, firstFailure + 3 * DAY],
      [3, firstFailure + 5 * DAY],
      [4, firstFailure + 7 * DAY],
      [5, firstFailure + 9 * DAY],
      [6, firstFailure + 11 * DAY],
      [7, firstFailure + 14 * DAY],
      [8, null],
    ]);
    const charges = world.received.filter((e) => e.type === 'charge.failed');
    expect(charges).toHaveLength(8);
    for (const event of charges) {
      expect(event.data.object).toMatchObject({
        status: 'failed',
        failure_code: 'card_declined',
        failure_message: 'Your card was declined.',
      });
    }
    const deleted = world.received.find((e) => e.type === 'customer.subscription.deleted');
    expect(deleted?.data.object).toMatchObject({
      id: subscription.id,
      status: 'canceled',
      cancellation_details: { reason: 'payment_failed' },
    });
    expect(deleted?.created).toBe(firstFailure + 14 * DAY);
  });

  it('asks for action when a renewal needs 3D Secure off-session, and is paid once the customer authenticates', async () => {
    const world = await givenCatalog();
    const { subscription, customer } = await givenActiveSubscriber(world);
    const card = await world.stripe.paymentMethods.attach('pm_card_authenticationRequired', {
      customer: customer.id,
    });
    await world.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
    await world.sim.clock.advanceTo(FEB_15 + HOUR - 1);
    const seen = world.sim.webhooks.events().length;

    await world.sim.clock.advance({ hours: 1 });

    const types = world.sim.webhooks
      .events()
      .slice(seen)
      .map((e) => e.type);
    expect(types).toEqual([
      'payment_intent.created',
      'invoice.finalized',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.updated',
      'invoice.payment_failed',
      'invoice.payment_action_required',
      'customer.subscription.updated',
    ]);
    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1 });
    expect(invoice.hosted_invoice_url).toMatch(/^https:\/\/.+\/invoices\/in_/);
    const [payment] = (await world.stripe.invoicePayments.list({ invoice: invoice.id })).data;
    const piId = payment!.payment.payment_intent as string;
    expect(await world.stripe.paymentIntents.retrieve(piId)).toMatchObject({
      status: 'requires_action',
      last_payment_error: { code: 'authentication_required' },
    });
    expect((await world.stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');

    await world.sim.testHelpers.completeThreeDSecure(piId, 'succeed');
    expect((await world.stripe.invoices.retrieve(invoice.id)).status).toBe('paid');
    expect((await world.stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('recovers at once when the host pays the open invoice with the new card', async () => {
    const { world, subscription, customer } = await givenFailingRenewal();
    const invoice = await latestInvoice(world, subscription.id);
    const fresh = await world.stripe.paymentMethods.attach('pm_card_au', { customer: customer.id });
    const paid = await world.stripe.invoices.pay(invoice.id, { payment_method: fresh.id });
    expect(paid.status).toBe('paid');
    expect((await world.stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('answers invoices.pay with the card decline when the card still fails', async () => {
    const { world, subscription } = await givenFailingRenewal();
    const invoice = await latestInvoice(world, subscription.id);
    await expect(world.stripe.invoices.pay(invoice.id)).rejects.toMatchObject({
      type: 'StripeCardError',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'generic_decline',
    });
    expect((await world.stripe.invoices.retrieve(invoice.id)).attempt_count).toBe(2);
  });

  it('retries 8 times within two weeks, then cancels the subscription', async () => {
    const { world, subscription } = await givenFailingRenewal();
    await world.sim.clock.advance({ days: 20 });
    const invoice = await latestInvoice(world, subscription.id);
    expect(invoice.attempt_count).toBe(8);
    expect(invoice.next_payment_attempt).toBeNull();
    const ended = await world.stripe.subscriptions.retrieve(subscription.id);
    expect(ended.status).toBe('canceled');
    expect(ended.cancellation_details?.reason).toBe('payment_failed');
    const failures = world.received.filter((e) => e.type === 'invoice.payment_failed').map((e) => e.created);
    const firstFailure = FEB_15 + HOUR;
    expect(failures.map((t) => (t - firstFailure) / DAY)).toEqual([0, 1, 3, 5, 7, 9, 11, 14]);
    expect(await eventTypes(world)).toContain('customer.subscription.deleted');
  });

  it('leaves the subscription unpaid instead when configured so', async () => {
    const { world, subscription } = await givenFailingRenewal({ retries: { afterExhausted: 'unpaid' } });
    await world.sim.clock.advance({ days: 20 });
    expect((await world.stripe.subscriptions.retrieve(subscription.id)).status).toBe('unpaid');
  });
});

describe('test clocks', () => {
  it('moves only the customers on the clock that is advanced', async () => {
    const world = await givenCatalog();
    const clock = await world.stripe.testHelpers.testClocks.create({ frozen_time: JAN_15 });
    const onClock = await world.stripe.customers.create({ test_clock: clock.id, email: 'clock@example.com' });
    const card = await world.stripe.paymentMethods.attach('pm_card_au', { customer: onClock.id });
    const sub = await world.stripe.subscriptions.create({
      customer: onClock.id,
      items: [{ price: world.pro.id }],
      default_payment_method: card.id,
    });
    await world.sim.clock.advanceTestClock(clock.id, FEB_15 + 2 * HOUR);
    expect((await world.stripe.testHelpers.testClocks.retrieve(clock.id)).status).toBe('ready');
    const invoices = await world.stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => i.status)).toEqual(['paid', 'paid']);
    expect(world.sim.clock.now()).toBe(JAN_15);
  });
});

describe('extending a trial', () => {
  it('moves the trial end, the billing cycle anchor and the period with trial_end, then warns and bills at the new end', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const sub = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.pro.id }],
      trial_period_days: 14,
    });
    const newEnd = JAN_15 + 30 * DAY;

    const extended = await world.stripe.subscriptions.update(sub.id, {
      trial_end: newEnd,
      proration_behavior: 'none',
    });

    expect(extended).toMatchObject({ status: 'trialing', trial_end: newEnd, billing_cycle_anchor: newEnd });
    expect(extended.items.data[0]).toMatchObject({ current_period_end: newEnd });
    expect((await latestInvoice(world, sub.id)).total).toBe(0);

    await world.sim.clock.advance({ days: 27, hours: 1 });
    const warnings = world.received.filter((e) => e.type === 'customer.subscription.trial_will_end');
    expect(warnings.map((e) => e.created)).toEqual([JAN_15 + 27 * DAY]);
    expect((await world.stripe.subscriptions.retrieve(sub.id)).status).toBe('trialing');

    await world.sim.clock.advance({ days: 3, hours: 2 });
    const after = await world.stripe.subscriptions.retrieve(sub.id);
    expect(after.status).toBe('active');
    expect(after.items.data[0]!.current_period_start).toBe(newEnd);
    expect(await latestInvoice(world, sub.id)).toMatchObject({ status: 'paid', total: 1000 });
  });

  it('refuses a trial_end more than two years after the billing cycle anchor, changing nothing', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const sub = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.pro.id }],
      trial_period_days: 14,
    });

    await expect(
      world.stripe.subscriptions.update(sub.id, { trial_end: sub.billing_cycle_anchor + 731 * DAY }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'trial_end' });
    expect((await world.stripe.subscriptions.retrieve(sub.id)).trial_end).toBe(sub.trial_end);
  });
});
