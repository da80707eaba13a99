// Invoices as the customer gets them: the mirrored list, one invoice, its PDF rendered by Billkit
// as an Australian tax invoice with the host's branding, GST-free for customers abroad, and never
// another customer's.

import { describe, expect, it } from 'vitest';
import { isBillingError } from '../src/errors/billing-error.js';
import type { Notification } from '../src/index.js';
import { pdfText } from './support/pdf-text.js';
import { applyEverything, givenEngine, givenSubscriber, type World } from './world.js';

const brand = {
  name: 'Résumé Co Pty Ltd',
  abn: '51 824 753 556',
  address: ['Level 2, 1 George St', 'Sydney NSW 2000'],
  footer: 'Thanks for being a customer.',
};

async function world(): Promise<World> {
  const w = await givenEngine({ billing: { brand } });
  applyEverything(w);
  return w;
}

describe('billing.invoices', () => {
  it('lists, gets and renders the A$10 invoice as a tax invoice with GST of 91 cents', async () => {
    const w = await world();
    await givenSubscriber(w);
    await w.sim.webhooks.flush();

    const { items } = await w.billing.invoices.list('user_1');
    expect(items).toHaveLength(1);
    const invoice = await w.billing.invoices.get('user_1', items[0]!.stripeInvoiceId);
    expect(invoice).toMatchObject({ status: 'paid', total: 1000, tax: 91, currency: 'aud' });
    expect(invoice.lines[0]).toMatchObject({ amount: 1000, tax: 91 });
    expect(invoice.payments.map((p) => [p.status, p.amount])).toEqual([['succeeded', 1000]]);
    expect(invoice.refunds).toEqual([]);

    const text = await pdfText(await w.billing.invoices.pdf('user_1', invoice.stripeInvoiceId));

    expect(text).toContain('Tax invoice');
    expect(text).toContain('Résumé Co Pty Ltd');
    expect(text).toContain('ABN 51 824 753 556');
    expect(text).toContain(invoice.number!);
    expect(text).toContain('15 January 2026');
    expect(text).toMatch(/Pro/);
    expect(text).toContain('$0.91');
    expect(text).toContain('$10.00');
    expect(text).toMatch(/includes GST/i);
    expect(text).toContain('Jo Citizen');
  });

  it("answers not found for another user's invoice, in every read", async () => {
    const w = await world();
    await givenSubscriber(w, 'user_1');
    await givenSubscriber(w, 'user_2');
    const [theirs] = (await w.billing.invoices.list('user_2')).items;

    for (const read of [
      () => w.billing.invoices.get('user_1', theirs!.stripeInvoiceId),
      () => w.billing.invoices.pdf('user_1', theirs!.stripeInvoiceId),
      () => w.billing.invoices.get('user_1', 'in_doesnotexist'),
    ]) {
      const error = await read().catch((e: unknown) => e);
      expect(isBillingError(error, 'invoice_not_found')).toBe(true);
    }
    expect((await w.billing.invoices.list('user_1')).items.map((i) => i.userId)).toEqual(['user_1']);
  });

  it('charges no GST to a customer outside Australia and says the sale is a GST-free export', async () => {
    const w = await world();
    await w.billing.customers.ensure({
      userId: 'user_us',
      email: 'sam@example.com',
      name: 'Sam Smith',
      address: {
        line1: '1 Main St',
        line2: null,
        city: 'Austin',
        state: 'TX',
        postalCode: '78701',
        country: 'US',
      },
    });
    await w.billing.subscriptions.start({ userId: 'user_us', plan: 'pro', paymentMethodId: 'pm_card_visa' });

    const [invoice] = (await w.billing.invoices.list('user_us')).items;
    expect(invoice).toMatchObject({ total: 1000, tax: 0 });
    const text = await pdfText(await w.billing.invoices.pdf('user_us', invoice!.stripeInvoiceId));
    expect(text).toMatch(/GST-free export/);
    expect(text).not.toContain('$0.91');
  });

  it('sends a receipt with the amount, the GST and the invoice PDF attached', async () => {
    const w = await world();
    await givenSubscriber(w);
    await w.sim.webhooks.flush();

    const receipts = w.sent.filter((n) => n.kind === 'receipt');
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.data).toMatchObject({ amountPaid: 1000, tax: 91, taxLabel: 'GST', currency: 'aud' });
    const [pdf] = receipts[0]!.attachments ?? [];
    expect(pdf!.filename).toMatch(/^invoice-.+\.pdf$/);
    expect(await pdfText(pdf!.content)).toContain('Tax invoice');
  });

  it('renders no PDF for a notifier that takes no attachments, and still sends the receipt', async () => {
    const sent: Notification[] = [];
    const w = await givenEngine({
      billing: { notifier: { wantsAttachments: false, notify: async (n) => void sent.push(n) } },
    });
    await givenSubscriber(w);
    await w.sim.webhooks.flush();

    const receipts = sent.filter((n) => n.kind === 'receipt');
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.data).toMatchObject({ amountPaid: 1000, tax: 91 });
    expect(receipts[0]!.attachments).toBeUndefined();
  });
});

describe('moving abroad', () => {
  it('stops charging GST from the next invoice when the billing address leaves Australia', async () => {
    const w = await world();
    await givenSubscriber(w);
    await w.billing.customers.updateBillingAddress('user_1', {
      line1: '5 Queen St',
      line2: null,
      city: 'Auckland',
      state: null,
      postalCode: '1010',
      country: 'NZ',
    });

    await w.sim.clock.advanceTo(Date.parse('2026-02-15T02:00:00Z') / 1000);
    await w.sim.webhooks.flush();

    const [renewal, first] = (await w.billing.invoices.list('user_1')).items;
    expect(first).toMatchObject({ total: 1000, tax: 91 });
    expect(renewal).toMatchObject({ total: 1000, tax: 0, status: 'paid' });
  });
});

describe('a tax invoice states the facts as at issue', () => {
  it('keeps an old invoice GST-free after an overseas customer moves to Australia', async () => {
    const w = await world();
    await w.billing.customers.ensure({
      userId: 'user_us',
      email: 'sam@example.com',
      name: 'Sam Smith',
      address: {
        line1: '1 Main St',
        line2: null,
        city: 'Austin',
        state: 'TX',
        postalCode: '78701',
        country: 'US',
      },
    });
    await w.billing.subscriptions.start({ userId: 'user_us', plan: 'pro', paymentMethodId: 'pm_card_visa' });
    const [invoice] = (await w.billing.invoices.list('user_us')).items;

    await w.billing.customers.updateBillingAddress('user_us', {
      line1: '1 George St',
      line2: null,
      city: 'Sydney',
      state: 'NSW',
      postalCode: '2000',
      country: 'AU',
    });

    const text = await pdfText(await w.billing.invoices.pdf('user_us', invoice!.stripeInvoiceId));
    expect(text).toMatch(/GST-free export/);
    expect(text).toMatch(/Bill to Sam Smith sam@example\.com 1 Main St Austin TX 78701 United States/);
  });
});
