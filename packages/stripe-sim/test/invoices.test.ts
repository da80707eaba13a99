// One-off invoices through their states: draft → open → paid, void or uncollectible.

import { describe, expect, it } from 'vitest';
import { givenCatalog, givenCustomer } from './builders.js';

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
