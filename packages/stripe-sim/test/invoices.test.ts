// One-off invoices through their states: draft → open → paid, void or uncollectible.

import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { givenCatalog, givenCustomer, type World } from './builders.js';

describe('one-off invoices', () => {
  it('collects an invoice item on a draft, finalizes it with a number and links, and pays it', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    await world.stripe.invoiceItems.create({
      customer: customer.id,
      amount: 2500,
      currency: 'aud',
      description: 'Résumé review',
      tax_rates: [world.gst.id],
    });
    const draft = await world.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });
    expect(draft).toMatchObject({ status: 'draft', total: 2500, number: null, hosted_invoice_url: null });
    expect(draft.total_taxes?.[0]?.amount).toBe(227);

    const open = await world.stripe.invoices.finalizeInvoice(draft.id);
    expect(open.status).toBe('open');
    expect(open.number).toMatch(/-0001$/);
    expect(open.hosted_invoice_url).toMatch(/^https?:\/\//);
    expect(open.invoice_pdf).toMatch(/^https?:\/\/.+pdf/);

    const paid = await world.stripe.invoices.pay(open.id);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 2500, amount_remaining: 0 });
    const lines = await world.stripe.invoices.listLineItems(paid.id);
    expect(lines.data.map((l) => [l.description, l.amount])).toEqual([['Résumé review', 2500]]);
  });

  it('voids an open invoice and marks another uncollectible', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const make = async () => {
      const invoice = await world.stripe.invoices.create({ customer: customer.id });
      await world.stripe.invoiceItems.create({
        customer: customer.id,
        amount: 700,
        currency: 'aud',
        invoice: invoice.id,
      });
      return world.stripe.invoices.finalizeInvoice(invoice.id);
    };
    const voided = await world.stripe.invoices.voidInvoice((await make()).id);
    expect(voided.status).toBe('void');
    const writtenOff = await world.stripe.invoices.markUncollectible((await make()).id);
    expect(writtenOff.status).toBe('uncollectible');
    await expect(world.stripe.invoices.voidInvoice(voided.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('deletes a draft but refuses to delete a finalized invoice', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const draft = await world.stripe.invoices.create({ customer: customer.id });
    expect(await world.stripe.invoices.del(draft.id)).toMatchObject({ deleted: true });
    const other = await world.stripe.invoices.create({ customer: customer.id });
    await world.stripe.invoiceItems.create({
      customer: customer.id,
      amount: 700,
      currency: 'aud',
      invoice: other.id,
    });
    await world.stripe.invoices.finalizeInvoice(other.id);
    await expect(world.stripe.invoices.del(other.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("lists a customer's invoices newest first, filtered by status", async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const first = await world.stripe.invoices.create({ customer: customer.id });
    const second = await world.stripe.invoices.create({ customer: customer.id });
    const listed = await world.stripe.invoices.list({ customer: customer.id });
    expect(listed.data.map((i) => i.id)).toEqual([second.id, first.id]);
    expect((await world.stripe.invoices.list({ customer: customer.id, status: 'paid' })).data).toHaveLength(
      0,
    );
  });
});

describe('invoices.pay', () => {
  /** An open A$10 one-off invoice (10% GST included) of a customer with a saved Australian card. */
  async function givenOpenInvoice(): Promise<{
    world: World;
    customer: Stripe.Customer;
    invoice: Stripe.Invoice;
  }> {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    await world.stripe.invoiceItems.create({
      customer: customer.id,
      amount: 1000,
      currency: 'aud',
      tax_rates: [world.gst.id],
    });
    const draft = await world.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });
    const invoice = await world.stripe.invoices.finalizeInvoice(draft.id);
    return { world, customer, invoice };
  }

  function typesSince(world: World, count: number): string[] {
    return world.sim.webhooks
      .events()
      .slice(count)
      .map((e) => e.type);
  }

  it('pays an open invoice with the given card and sends invoice.paid and invoice.payment_succeeded', async () => {
    const { world, customer, invoice } = await givenOpenInvoice();
    const card = await world.stripe.paymentMethods.attach('pm_card_au', { customer: customer.id });
    const seen = world.sim.webhooks.events().length;

    const paid = await world.stripe.invoices.pay(invoice.id, { payment_method: card.id });

    expect(paid).toMatchObject({ status: 'paid', amount_paid: 1000, amount_remaining: 0, attempt_count: 1 });
    expect(typesSince(world, seen)).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice_payment.paid',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  });

  it('answers a declined card with a 402 card error and leaves the invoice open with the attempt counted', async () => {
    const { world, customer, invoice } = await givenOpenInvoice();
    const failing = await world.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    const seen = world.sim.webhooks.events().length;

    await expect(world.stripe.invoices.pay(invoice.id, { payment_method: failing.id })).rejects.toMatchObject(
      {
        type: 'StripeCardError',
        statusCode: 402,
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      },
    );

    expect(await world.stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      attempt_count: 1,
      attempted: true,
    });
    expect(typesSince(world, seen)).toEqual([
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
    ]);
    const [failed] = world.sim.webhooks.events().filter((e) => e.type === 'invoice.payment_failed');
    expect(failed!.data.object).toMatchObject({ id: invoice.id, attempt_count: 1, status: 'open' });
  });

  it('answers a card that needs 3D Secure with invoice_payment_intent_requires_action, off-session or on', async () => {
    const { world, customer, invoice } = await givenOpenInvoice();
    const card = await world.stripe.paymentMethods.attach('pm_card_authenticationRequired', {
      customer: customer.id,
    });
    const requiresAction = {
      type: 'StripeCardError',
      statusCode: 402,
      code: 'invoice_payment_intent_requires_action',
    };
    const seen = world.sim.webhooks.events().length;

    await expect(world.stripe.invoices.pay(invoice.id, { payment_method: card.id })).rejects.toMatchObject(
      requiresAction,
    );
    expect(typesSince(world, seen)).toEqual([
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'invoice.payment_action_required',
    ]);
    await expect(
      world.stripe.invoices.pay(invoice.id, { payment_method: card.id, off_session: false }),
    ).rejects.toMatchObject(requiresAction);

    const open = await world.stripe.invoices.retrieve(invoice.id, { expand: ['payments'] });
    expect(open).toMatchObject({ status: 'open', attempt_count: 2 });
    const piId = open.payments!.data[0]!.payment.payment_intent as string;
    expect(await world.stripe.paymentIntents.retrieve(piId)).toMatchObject({ status: 'requires_action' });

    await world.sim.testHelpers.completeThreeDSecure(piId, 'succeed');
    expect((await world.stripe.invoices.retrieve(invoice.id)).status).toBe('paid');
  });

  it('refuses to pay an invoice that is already paid, with no error code', async () => {
    const { world, invoice } = await givenOpenInvoice();
    await world.stripe.invoices.pay(invoice.id);

    const refusal = await world.stripe.invoices.pay(invoice.id).catch((error: unknown) => error);

    expect(refusal).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      message: 'Invoice is already paid',
    });
    expect((refusal as { code?: string }).code).toBeUndefined();
  });
});

describe('tax on invoices', () => {
  it('charges no tax to a customer in the US when no tax rate applies', async () => {
    const world = await givenCatalog();
    const customer = await world.stripe.customers.create({
      address: {
        line1: '1 Market St',
        city: 'San Francisco',
        state: 'CA',
        postal_code: '94105',
        country: 'US',
      },
    });
    await world.stripe.invoiceItems.create({ customer: customer.id, amount: 1000, currency: 'aud' });

    const invoice = await world.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });

    expect(invoice).toMatchObject({
      subtotal: 1000,
      total: 1000,
      total_excluding_tax: 1000,
      total_taxes: [],
    });
    expect(invoice.lines.data[0]!.taxes).toEqual([]);
  });

  it('takes an inclusive 10% tax out of A$10.00: 91c of tax, A$9.09 excluding tax, A$10.00 total', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    await world.stripe.invoiceItems.create({
      customer: customer.id,
      amount: 1000,
      currency: 'aud',
      tax_rates: [world.gst.id],
    });

    const invoice = await world.stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
    });

    expect(invoice).toMatchObject({
      subtotal: 1000,
      total: 1000,
      total_excluding_tax: 909,
      amount_due: 1000,
    });
    expect(invoice.lines.data[0]).toMatchObject({ amount: 1000 });
    expect(invoice.total_taxes).toEqual([
      expect.objectContaining({
        amount: 91,
        taxable_amount: 909,
        tax_behavior: 'inclusive',
        tax_rate_details: { tax_rate: world.gst.id },
      }),
    ]);
  });
});

describe('invoices sent to be paid', () => {
  it('sends a send_invoice invoice due days_until_due after creation, with invoice.sent; a paid one can be sent too', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const draft = await world.stripe.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 14,
      auto_advance: false,
    });
    await world.stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 5000,
      currency: 'aud',
      description: 'Interview coaching',
    });
    expect(draft.due_date).toBe(draft.created + 14 * 86_400);
    const open = await world.stripe.invoices.finalizeInvoice(draft.id, { auto_advance: false });
    expect(open).toMatchObject({ status: 'open', amount_due: 5000, collection_method: 'send_invoice' });

    const sent = await world.stripe.invoices.sendInvoice(open.id);

    expect(sent).toMatchObject({ id: open.id, status: 'open' });
    const events = world.sim.webhooks.events().filter((e) => e.type === 'invoice.sent');
    expect(events.map((e) => (e.data.object as Stripe.Invoice).id)).toEqual([open.id]);
    await world.stripe.invoices.pay(open.id, { paid_out_of_band: true });
    expect(await world.stripe.invoices.sendInvoice(open.id)).toMatchObject({ status: 'paid' });
  });

  it('refuses to send an invoice that is charged automatically, or a draft', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const draft = await world.stripe.invoices.create({ customer: customer.id });
    await expect(world.stripe.invoices.sendInvoice(draft.id)).rejects.toMatchObject({ statusCode: 400 });
    await world.stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 700,
      currency: 'aud',
    });
    const open = await world.stripe.invoices.finalizeInvoice(draft.id);
    await expect(world.stripe.invoices.sendInvoice(open.id)).rejects.toMatchObject({
      statusCode: 400,
      message: "You can only manually send an invoice if its collection method is 'send_invoice'.",
    });
    expect(world.sim.webhooks.events().some((e) => e.type === 'invoice.sent')).toBe(false);
  });
});

describe("an invoice's default tax rates", () => {
  it('tax an item added to the draft that has no tax rates of its own, not one that has', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const zero = await world.stripe.taxRates.create({
      display_name: 'GST-free',
      percentage: 0,
      inclusive: true,
    });
    const draft = await world.stripe.invoices.create({
      customer: customer.id,
      default_tax_rates: [world.gst.id],
    });
    await world.stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 1100,
      currency: 'aud',
      description: 'Taxed by the default',
    });
    await world.stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 500,
      currency: 'aud',
      description: 'Its own rate',
      tax_rates: [zero.id],
    });

    const invoice = await world.stripe.invoices.retrieve(draft.id);

    expect(invoice).toMatchObject({ subtotal: 1600, total: 1600, total_excluding_tax: 1500 });
    const [byDefault, own] = invoice.lines.data;
    expect(byDefault!.taxes).toEqual([
      expect.objectContaining({ amount: 100, tax_rate_details: { tax_rate: world.gst.id } }),
    ]);
    expect(own!.taxes).toEqual([
      expect.objectContaining({ amount: 0, tax_rate_details: { tax_rate: zero.id } }),
    ]);
  });

  it('re-tax the lines without rates of their own when a draft’s default_tax_rates change', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    const draft = await world.stripe.invoices.create({ customer: customer.id });
    await world.stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 1100,
      currency: 'aud',
    });
    expect((await world.stripe.invoices.retrieve(draft.id)).total_taxes).toEqual([]);

    const updated = await world.stripe.invoices.update(draft.id, { default_tax_rates: [world.gst.id] });

    expect(updated.total_taxes).toEqual([
      expect.objectContaining({ amount: 100, tax_rate_details: { tax_rate: world.gst.id } }),
    ]);
    expect(updated).toMatchObject({ total: 1100, total_excluding_tax: 1000 });
  });
});
