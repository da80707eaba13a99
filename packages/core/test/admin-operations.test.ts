// What an operator's admin panel does for a customer: a longer trial, more grace while a payment is
// overdue, a plan change without proration, a one-off invoice charged or sent, a receipt sent again.
// Each names the operator in the audit log, and bad input changes nothing.

import { createStripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { isBillingError } from '../src/errors/billing-error.js';
import {
  applyEverything,
  at,
  DAY,
  givenEngine,
  givenSubscriber,
  givenUser,
  JAN_15,
  type World,
} from './world.js';

const ANN = 'admin:ann';

async function auditOf(world: World, userId = 'user_1') {
  return (await world.store.audit.list({ userId, limit: 500 })).items;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

/** A subscriber whose card declines from the first renewal (15 Feb) on, with webhooks applied. */
async function subscriberWhoseRenewalFails(options: Parameters<typeof givenEngine>[0] = {}): Promise<World> {
  const world = await givenEngine(options);
  applyEverything(world);
  await givenSubscriber(world);
  await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');
  await world.sim.webhooks.flush();
  return world;
}

async function stripeSubscriptionOf(world: World, userId = 'user_1'): Promise<Stripe.Subscription> {
  const record = await world.billing.subscriptions.get(userId);
  return world.stripe.subscriptions.retrieve(record!.stripeSubscriptionId);
}

describe('billing.subscriptions.extendTrial', () => {
  it('moves the end of a trial and its first charge to the new date, naming the operator', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenUser(world);
    await world.billing.subscriptions.start({
      userId: 'user_1',
      plan: 'starter',
      paymentMethodId: 'pm_card_au',
    });
    const until = new Date(JAN_15.getTime() + 30 * DAY * 1000); // 14 Feb, instead of 29 Jan

    const record = await world.billing.subscriptions.extendTrial({ userId: 'user_1', until, actor: ANN });

    expect(record).toMatchObject({ status: 'trialing', trialEnd: until });
    const inStripe = await stripeSubscriptionOf(world);
    expect(inStripe).toMatchObject({ status: 'trialing', trial_end: until.getTime() / 1000 });
    const entry = (await auditOf(world)).find((e) => e.action === 'subscription.trial_extended');
    expect(entry).toMatchObject({ actor: ANN, data: { to: until.toISOString() } });

    await world.sim.clock.advanceTo(at('2026-02-01T00:00:00Z')); // past the old trial end
    await world.sim.webhooks.flush();
    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: true,
      reason: 'trialing',
      until,
    });
    expect(world.sent.filter((n) => n.kind === 'receipt')).toHaveLength(0);

    await world.sim.clock.advanceTo(at('2026-02-14T03:00:00Z'));
    await world.sim.webhooks.flush();
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, reason: 'active' });
    const receipts = world.sent.filter((n) => n.kind === 'receipt');
    expect(receipts.map((n) => n.data.amountPaid)).toEqual([500]);
    const warnings = world.sent.filter((n) => n.kind === 'trial.ending');
    expect(warnings.map((n) => n.data.trialEnd)).toEqual([until.toISOString()]);
  });

  it('refuses a subscription that is not trialing, and a date before the current trial end, changing nothing', async () => {
    const world = await givenEngine();
    await givenSubscriber(world, 'user_paying');
    await givenUser(world, 'user_trial');
    await world.billing.subscriptions.start({ userId: 'user_trial', plan: 'starter' });
    const trialEnd = (await stripeSubscriptionOf(world, 'user_trial')).trial_end;
    const later = new Date(JAN_15.getTime() + 30 * DAY * 1000);

    const notTrialing = await errorOf(
      world.billing.subscriptions.extendTrial({ userId: 'user_paying', until: later, actor: ANN }),
    );
    const tooEarly = await errorOf(
      world.billing.subscriptions.extendTrial({
        userId: 'user_trial',
        until: new Date(JAN_15.getTime() + 7 * DAY * 1000),
        actor: ANN,
      }),
    );
    const noActor = await errorOf(
      world.billing.subscriptions.extendTrial({ userId: 'user_trial', until: later } as never),
    );

    expect(isBillingError(notTrialing, 'invalid_state')).toBe(true);
    expect(isBillingError(tooEarly, 'invalid_input')).toBe(true);
    expect(tooEarly).toMatchObject({ issues: [{ path: 'until' }] });
    expect(isBillingError(noActor, 'invalid_input')).toBe(true);
    expect((await stripeSubscriptionOf(world, 'user_trial')).trial_end).toBe(trialEnd);
    expect((await stripeSubscriptionOf(world, 'user_paying')).status).toBe('active');
    const actions = [...(await auditOf(world, 'user_paying')), ...(await auditOf(world, 'user_trial'))];
    expect(actions.map((e) => e.action)).not.toContain('subscription.trial_extended');
  });
});

describe('billing.subscriptions.extendGrace', () => {
  it('keeps a past-due customer in past the grace policy until the extension ends', async () => {
    const world = await subscriberWhoseRenewalFails();
    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z')); // the renewal is declined
    const before = await world.billing.access.check('user_1');
    expect(before).toMatchObject({ allowed: true, reason: 'grace_period' });
    expect(before.graceUntil!.getTime()).toBeLessThan(Date.parse('2026-02-23T00:00:00Z')); // 7 days
    const until = new Date('2026-02-26T00:00:00Z');

    const record = await world.billing.subscriptions.extendGrace({ userId: 'user_1', until, actor: ANN });

    expect(record).toMatchObject({ status: 'past_due', graceExtendedUntil: until });
    const entry = (await auditOf(world)).find((e) => e.action === 'subscription.grace_extended');
    expect(entry).toMatchObject({ actor: ANN, data: { to: until.toISOString() } });
    await world.sim.clock.advanceTo(at('2026-02-24T00:00:00Z')); // retries failed on the way
    await world.sim.webhooks.flush();
    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: true,
      status: 'past_due',
      reason: 'grace_period',
      graceUntil: until,
    });
    await world.sim.clock.advanceTo(at('2026-02-27T00:00:00Z'));
    await world.sim.webhooks.flush();
    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: false,
      reason: 'grace_expired',
      graceUntil: until,
    });
  });

  it('forgets the extension once the payment is recovered: a later failure gets the policy’s grace', async () => {
    const world = await subscriberWhoseRenewalFails();
    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z'));
    await world.billing.subscriptions.extendGrace({
      userId: 'user_1',
      until: new Date('2026-04-30T00:00:00Z'),
      actor: ANN,
    });
    const [overdue] = (await world.billing.invoices.list('user_1')).items;

    await world.billing.payments.retry(overdue!.stripeInvoiceId, {
      paymentMethodId: 'pm_card_au',
      actor: ANN,
    });
    await world.sim.webhooks.flush();

    expect(await world.billing.subscriptions.get('user_1')).toMatchObject({
      status: 'active',
      graceExtendedUntil: null,
    });
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');
    await world.sim.clock.advanceTo(at('2026-03-15T02:00:00Z')); // the next renewal is declined
    await world.sim.webhooks.flush();
    const again = await world.billing.access.check('user_1');
    expect(again).toMatchObject({ allowed: true, status: 'past_due', reason: 'grace_period' });
    expect(again.graceUntil!.getTime()).toBeLessThan(Date.parse('2026-03-23T00:00:00Z'));
  });

  it('lets an unpaid customer back in until the extension ends', async () => {
    const sim = createStripeSim({ now: JAN_15, retries: { afterExhausted: 'unpaid' } });
    const world = await subscriberWhoseRenewalFails({
      sim,
      policies: { dunning: { afterRetries: 'unpaid' } },
    });
    await world.sim.clock.advanceTo(at('2026-03-02T00:00:00Z')); // every retry failed
    await world.sim.webhooks.flush();
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: false, reason: 'unpaid' });
    const until = new Date('2026-03-09T00:00:00Z');

    await world.billing.subscriptions.extendGrace({ userId: 'user_1', until, actor: ANN });

    expect(await world.billing.access.check('user_1')).toMatchObject({
      allowed: true,
      status: 'unpaid',
      reason: 'grace_period',
      graceUntil: until,
    });
    await world.sim.clock.advanceTo(at('2026-03-10T00:00:00Z'));
    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: false, reason: 'unpaid' });
  });

  it('refuses a customer in good standing, and a date inside the grace already given, changing nothing', async () => {
    const world = await subscriberWhoseRenewalFails();
    const inGoodStanding = await errorOf(
      world.billing.subscriptions.extendGrace({
        userId: 'user_1',
        until: new Date('2026-03-01T00:00:00Z'),
        actor: ANN,
      }),
    );
    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z'));
    const stored = await world.billing.subscriptions.get('user_1');

    const insideGrace = await errorOf(
      world.billing.subscriptions.extendGrace({
        userId: 'user_1',
        until: new Date('2026-02-18T00:00:00Z'),
        actor: ANN,
      }),
    );

    expect(isBillingError(inGoodStanding, 'invalid_state')).toBe(true);
    expect(isBillingError(insideGrace, 'invalid_input')).toBe(true);
    expect(await world.billing.subscriptions.get('user_1')).toEqual(stored);
    expect((await auditOf(world)).map((e) => e.action)).not.toContain('subscription.grace_extended');
  });
});

describe("billing.subscriptions.change with proration 'none'", () => {
  it('moves to the new plan now with nothing charged, and bills the new price from the next renewal', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world);
    const invoicesBefore = (await world.stripe.invoices.list({ limit: 100 })).data.length;

    const record = await world.billing.subscriptions.change({
      userId: 'user_1',
      plan: 'business',
      proration: 'none',
      actor: ANN,
    });

    expect(record).toMatchObject({ planId: 'business', amount: 2000, scheduledDowngrade: null });
    const inStripe = await stripeSubscriptionOf(world);
    expect(inStripe.items.data[0]!.price.unit_amount).toBe(2000);
    expect((await world.stripe.invoices.list({ limit: 100 })).data).toHaveLength(invoicesBefore);
    expect((await world.stripe.invoiceItems.list({ pending: true })).data).toHaveLength(0);
    const entry = (await auditOf(world)).find((e) => e.action === 'subscription.changed');
    expect(entry).toMatchObject({ actor: ANN, data: { to: 'business', proration: 'none' } });

    await world.sim.clock.advanceTo(at('2026-02-15T02:00:00Z'));
    await world.sim.webhooks.flush();
    const [renewal] = (await world.billing.invoices.list('user_1')).items;
    expect(renewal).toMatchObject({ status: 'paid', total: 2000 });
  });

  it('gives the cheaper plan at once on a downgrade, with no credit for the rest of the period', async () => {
    const world = await givenEngine();
    await givenUser(world);
    await world.billing.subscriptions.start({
      userId: 'user_1',
      plan: 'business',
      paymentMethodId: 'pm_card_au',
    });

    await world.billing.subscriptions.change({
      userId: 'user_1',
      plan: 'pro',
      proration: 'none',
      actor: ANN,
    });

    expect(await world.billing.access.check('user_1')).toMatchObject({ allowed: true, planId: 'pro' });
    expect(await world.billing.subscriptions.get('user_1')).toMatchObject({ scheduledDowngrade: null });
    const customer = await world.billing.customers.get('user_1');
    expect(
      (await world.stripe.customers.retrieve(customer!.stripeCustomerId)) as Stripe.Customer,
    ).toMatchObject({
      balance: 0,
    });
  });

  it('refuses a change of interval, which would start and charge a new period, changing nothing', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);

    const refused = await errorOf(
      world.billing.subscriptions.change({
        userId: 'user_1',
        plan: 'pro',
        interval: 'year',
        proration: 'none',
      }),
    );

    expect(isBillingError(refused, 'invalid_input')).toBe(true);
    expect(refused).toMatchObject({ issues: [{ path: 'proration' }] });
    expect((await stripeSubscriptionOf(world)).items.data[0]!.price.recurring?.interval).toBe('month');
  });
});

describe('billing.invoices.createOneOff', () => {
  it('charges a one-off invoice to the default card with GST included, mirrors it and mails the receipt', async () => {
    const world = await givenEngine();
    applyEverything(world);
    await givenSubscriber(world);

    const invoice = await world.billing.invoices.createOneOff({
      userId: 'user_1',
      items: [
        { description: 'Résumé review', amount: 2500 },
        { description: 'Cover letter', amount: 1100 },
      ],
      collection: 'charge',
      actor: ANN,
    });
    await world.sim.webhooks.flush();

    expect(invoice).toMatchObject({
      status: 'paid',
      total: 3600,
      tax: 327, // 2500/11 = 227 and 1100/11 = 100, GST included
      amountPaid: 3600,
      stripeSubscriptionId: null,
      lines: [
        expect.objectContaining({ description: 'Résumé review', amount: 2500, tax: 227 }),
        expect.objectContaining({ description: 'Cover letter', amount: 1100, tax: 100 }),
      ],
    });
    const inStripe = await world.stripe.invoices.retrieve(invoice.stripeInvoiceId);
    expect(inStripe).toMatchObject({
      collection_method: 'charge_automatically',
      status: 'paid',
      total: 3600,
    });
    expect(await world.billing.invoices.get('user_1', invoice.stripeInvoiceId)).toMatchObject({
      status: 'paid',
      payments: [expect.objectContaining({ status: 'succeeded', amount: 3600 })],
    });
    const receipt = world.sent.find(
      (n) => n.kind === 'receipt' && n.data.invoiceId === invoice.stripeInvoiceId,
    );
    expect(receipt?.data).toMatchObject({ amountPaid: 3600, tax: 327 });
    expect(receipt?.attachments?.[0]).toMatchObject({ contentType: 'application/pdf' });
    const audit = await world.store.audit.list({ subjectId: invoice.stripeInvoiceId, limit: 100 });
    expect(audit.items.find((e) => e.action === 'invoice.created_one_off')).toMatchObject({
      actor: ANN,
      data: { collection: 'charge', total: 3600, tax: 327 },
    });
  });

  it('sends a one-off invoice due in 14 days, GST-free for a customer outside Australia', async () => {
    const world = await givenEngine();
    await world.billing.customers.ensure({
      userId: 'user_nz',
      email: 'kiri@example.co.nz',
      name: 'Kiri Smith',
      address: {
        line1: '5 Queen St',
        line2: null,
        city: 'Auckland',
        state: null,
        postalCode: '1010',
        country: 'NZ',
      },
    });

    const invoice = await world.billing.invoices.createOneOff({
      userId: 'user_nz',
      items: [{ description: 'Interview coaching', amount: 15_000 }],
      collection: 'send',
      actor: ANN,
    });

    expect(invoice).toMatchObject({
      status: 'open',
      total: 15_000,
      tax: 0,
      amountDue: 15_000,
      userId: 'user_nz',
    });
    const inStripe = await world.stripe.invoices.retrieve(invoice.stripeInvoiceId);
    expect(inStripe).toMatchObject({
      collection_method: 'send_invoice',
      auto_advance: false,
      status: 'open',
    });
    expect(inStripe.due_date).toBe(inStripe.created + 14 * DAY);
    const sent = world.sim.webhooks.events().filter((e) => e.type === 'invoice.sent');
    expect(sent.map((e) => (e.data.object as Stripe.Invoice).id)).toEqual([invoice.stripeInvoiceId]);
    expect((await world.billing.invoices.list('user_nz')).items.map((i) => i.stripeInvoiceId)).toEqual([
      invoice.stripeInvoiceId,
    ]);
    expect(world.sent.filter((n) => n.kind === 'receipt')).toHaveLength(0);
  });

  it('records a declined charge and throws as payments.retry does, leaving the invoice open to retry', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');

    const declined = await errorOf(
      world.billing.invoices.createOneOff({
        userId: 'user_1',
        items: [{ description: 'Setup fee', amount: 5000 }],
        collection: 'charge',
        actor: ANN,
      }),
    );

    expect(isBillingError(declined, 'card_declined')).toBe(true);
    expect(declined).toMatchObject({ declineCode: expect.any(String) });
    const [invoice] = (await world.billing.invoices.list('user_1')).items.filter(
      (i) => i.billingReason === 'manual',
    );
    expect(invoice).toMatchObject({ status: 'open', attemptCount: 1, total: 5000 });
    const attempts = await world.store.payments.listByInvoice(invoice!.stripeInvoiceId);
    expect(attempts.map((p) => p.status)).toEqual(['failed']);
    const audit = await world.store.audit.list({ subjectId: invoice!.stripeInvoiceId, limit: 100 });
    expect(audit.items.map((e) => [e.action, e.actor])).toEqual([
      ['invoice.created_one_off', ANN],
      ['invoice.payment_attempted', ANN],
    ]);

    const paid = await world.billing.payments.retry(invoice!.stripeInvoiceId, {
      paymentMethodId: 'pm_card_au',
    });
    expect(paid).toMatchObject({ status: 'paid', amountPaid: 5000 });
  });

  it('makes one invoice and one charge for two requests with the same idempotency key', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    const request = {
      userId: 'user_1',
      items: [{ description: 'Résumé review', amount: 2500 }],
      collection: 'charge' as const,
      actor: ANN,
      idempotencyKey: 'ticket-4711',
    };

    const first = await world.billing.invoices.createOneOff(request);
    const second = await world.billing.invoices.createOneOff(request);

    expect(second.stripeInvoiceId).toBe(first.stripeInvoiceId);
    expect(second).toMatchObject({ status: 'paid', amountPaid: 2500 });
    const manual = (await world.stripe.invoices.list({ limit: 100 })).data.filter(
      (i) => i.billing_reason === 'manual',
    );
    expect(manual).toHaveLength(1);
    const charges = (await world.stripe.charges.list({ limit: 100 })).data.filter((c) => c.amount === 2500);
    expect(charges).toHaveLength(1);
    const audit = await world.store.audit.list({ subjectId: first.stripeInvoiceId, limit: 100 });
    expect(audit.items.filter((e) => e.action === 'invoice.created_one_off')).toHaveLength(1);
  });

  it('refuses bad input, and a charge to a customer with no card, creating nothing', async () => {
    const world = await givenEngine();
    await givenUser(world);
    const base = { userId: 'user_1', actor: ANN, items: [{ description: 'Setup fee', amount: 5000 }] };

    const refusals = await Promise.all([
      errorOf(world.billing.invoices.createOneOff({ ...base, items: [], collection: 'send' })),
      errorOf(
        world.billing.invoices.createOneOff({
          ...base,
          items: [{ description: 'Half a cent', amount: 10.5 }],
          collection: 'send',
        }),
      ),
      errorOf(world.billing.invoices.createOneOff({ ...base, collection: 'charge', daysUntilDue: 30 })),
      errorOf(world.billing.invoices.createOneOff({ ...base, collection: 'post' as never })),
    ]);
    const noCard = await errorOf(world.billing.invoices.createOneOff({ ...base, collection: 'charge' }));

    expect(refusals.map((e) => (e as { code?: string }).code)).toEqual([
      'invalid_input',
      'invalid_input',
      'invalid_input',
      'invalid_input',
    ]);
    expect(isBillingError(noCard, 'payment_method_required')).toBe(true);
    expect((await world.stripe.invoices.list({ limit: 100 })).data).toHaveLength(0);
    expect((await world.stripe.invoiceItems.list({ limit: 100 })).data).toHaveLength(0);
    expect((await auditOf(world)).map((e) => e.action)).not.toContain('invoice.created_one_off');
  });
});

describe('billing.notifications.resendReceipt', () => {
  it('sends the receipt of a paid invoice again, with its PDF, and records who asked', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);
    const [invoice] = (await world.billing.invoices.list('user_1')).items;
    const [original] = world.sent.filter((n) => n.kind === 'receipt');

    const { key } = await world.billing.notifications.resendReceipt({
      invoiceId: invoice!.stripeInvoiceId,
      actor: ANN,
    });

    const receipts = world.sent.filter((n) => n.kind === 'receipt');
    expect(receipts).toHaveLength(2);
    expect(receipts[1]).toMatchObject({ key, email: 'user_1@example.com.au', data: original!.data });
    expect(key).not.toBe(original!.key);
    expect(receipts[1]!.attachments?.[0]).toMatchObject({ contentType: 'application/pdf' });
    const audit = await world.store.audit.list({ subjectId: invoice!.stripeInvoiceId, limit: 100 });
    expect(audit.items.find((e) => e.action === 'invoice.receipt_resent')).toMatchObject({ actor: ANN });

    await world.billing.notifications.resendReceipt({ invoiceId: invoice!.stripeInvoiceId, actor: ANN });
    expect(world.sent.filter((n) => n.kind === 'receipt')).toHaveLength(3);
  });

  it('refuses an invoice that is not paid, or not known, sending nothing', async () => {
    const world = await givenEngine();
    await givenUser(world);
    const open = await world.billing.invoices.createOneOff({
      userId: 'user_1',
      items: [{ description: 'Interview coaching', amount: 15_000 }],
      collection: 'send',
      actor: ANN,
    });

    const notPaid = await errorOf(
      world.billing.notifications.resendReceipt({ invoiceId: open.stripeInvoiceId, actor: ANN }),
    );
    const unknown = await errorOf(
      world.billing.notifications.resendReceipt({ invoiceId: 'in_nothing_here', actor: ANN }),
    );
    const badId = await errorOf(
      world.billing.notifications.resendReceipt({ invoiceId: 'ch_123', actor: ANN }),
    );

    expect(isBillingError(notPaid, 'invalid_state')).toBe(true);
    expect(isBillingError(unknown, 'invoice_not_found')).toBe(true);
    expect(isBillingError(badId, 'invalid_input')).toBe(true);
    expect(world.sent.filter((n) => n.kind === 'receipt')).toHaveLength(0);
    expect((await auditOf(world)).map((e) => e.action)).not.toContain('invoice.receipt_resent');
  });
});
