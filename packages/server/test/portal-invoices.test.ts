// The customer's invoices: the list with links to PDFs (none for a draft), pages, the PDF as a
// download, and paying the open invoice of a failed renewal. Another customer's invoice is 404.

import { describe, expect, it } from 'vitest';
import {
  invoiceResponseSchema,
  invoicesResponseSchema,
  subscriptionResponseSchema,
} from '../src/contract/index.js';
import {
  deliverWebhooksToServer,
  expectError,
  expectOk,
  get,
  givenServer,
  givenSubscriber,
  send,
  stateOf,
  type World,
} from './support/world.js';

async function invoicesOf(world: World, query = '', user = 'user_1') {
  return expectOk(world, get(`/invoices${query}`, { user }), invoicesResponseSchema);
}

describe('GET /invoices', () => {
  it('lists the first invoice, paid, with its GST, lines and PDF link', async () => {
    const world = await givenServer();
    await givenSubscriber(world);

    const { invoices, nextCursor } = await invoicesOf(world);

    expect(nextCursor).toBeNull();
    expect(invoices).toHaveLength(1);
    const [invoice] = invoices;
    expect(invoice).toMatchObject({
      id: expect.stringMatching(/^in_/),
      number: expect.any(String),
      status: 'paid',
      total: { amount: 1000, currency: 'aud' },
      tax: { amount: 91, currency: 'aud' },
      amountPaid: { amount: 1000, currency: 'aud' },
      createdAt: '2026-01-15T00:00:00.000Z',
      paidAt: '2026-01-15T00:00:00.000Z',
      lines: [
        { amount: { amount: 1000, currency: 'aud' }, tax: { amount: 91, currency: 'aud' }, proration: false },
      ],
    });
    expect(invoice!.pdfUrl).toBe(`/api/billing/invoices/${invoice!.id}/pdf`);
  });

  it('lists nothing for a new user and only their own invoices for another', async () => {
    const world = await givenServer();
    await givenSubscriber(world, 'user_1');

    expect((await invoicesOf(world, '', 'user_2')).invoices).toEqual([]);
  });

  it('pages with limit and after, newest first, and shows a draft without a PDF', async () => {
    const world = await givenServer();
    deliverWebhooksToServer(world);
    await givenSubscriber(world);
    await world.sim.clock.advance({ months: 1, minutes: 1 }); // the renewal's draft, not finalized yet
    await world.sim.webhooks.flush();

    const first = await invoicesOf(world, '?limit=1');
    expect(first.invoices.map((i) => [i.status, i.pdfUrl])).toEqual([['draft', null]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await invoicesOf(world, `?limit=1&after=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.invoices.map((i) => i.status)).toEqual(['paid']);
    await expectError(world, get(`/invoices/${first.invoices[0]!.id}/pdf`), {
      status: 409,
      code: 'invalid_state',
    });
  });

  it.each([
    ['?limit=abc', 'limit'],
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=1.5', 'limit'],
    ['?after=not-a-cursor', 'after'],
  ])('answers 400 naming the parameter for %s', async (query, param) => {
    const world = await givenServer();
    await givenSubscriber(world);
    await expectError(world, get(`/invoices${query}`), { status: 400, code: 'invalid_input', param });
  });
});

describe('GET /invoices/:id/pdf', () => {
  it('downloads the tax invoice as a PDF named after its number', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const [invoice] = (await invoicesOf(world)).invoices;

    const response = await world.handler(get(`/invoices/${invoice!.id}/pdf`));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="invoice-${invoice!.number}.pdf"`,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    expect(bytes).toEqual(await world.billing.invoices.pdf('user_1', invoice!.id));
    expect(response.headers.get('content-length')).toBe(String(bytes.byteLength));
  });

  it("answers 404 to another customer's invoice, as to one that does not exist", async () => {
    const world = await givenServer();
    await givenSubscriber(world, 'user_1');
    await givenSubscriber(world, 'user_2');
    const [theirs] = (await invoicesOf(world, '', 'user_2')).invoices;

    const stolen = await expectError(world, get(`/invoices/${theirs!.id}/pdf`), {
      status: 404,
      code: 'invoice_not_found',
    });
    const missing = await expectError(world, get('/invoices/in_doesnotexist/pdf'), {
      status: 404,
      code: 'invoice_not_found',
    });

    expect(stolen.error.message.replace(theirs!.id, 'ID')).toBe(
      missing.error.message.replace('in_doesnotexist', 'ID'),
    );
  });
});

describe('POST /invoices/:id/pay', () => {
  /** A subscriber whose renewal was declined: past due, with the open invoice on the subscription. */
  async function pastDueSubscriber() {
    const world = await givenServer();
    deliverWebhooksToServer(world);
    await givenSubscriber(world);
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');
    await world.sim.clock.advance({ months: 1, hours: 2 });
    await world.sim.webhooks.flush();
    const { subscription } = await expectOk(world, get('/subscription'), subscriptionResponseSchema);
    return { world, subscription: subscription! };
  }

  it('pays the open invoice of a failed renewal with a new card, and access is back', async () => {
    const { world, subscription } = await pastDueSubscriber();
    expect(subscription).toMatchObject({ status: 'past_due', graceUntil: '2026-02-22T01:00:00.000Z' });
    const invoiceId = subscription.latestInvoiceId!;

    const { invoice } = await expectOk(
      world,
      send('POST', `/invoices/${invoiceId}/pay`, { paymentMethodId: 'pm_card_au' }),
      invoiceResponseSchema,
    );

    expect(invoice).toMatchObject({
      id: invoiceId,
      status: 'paid',
      amountPaid: { amount: 1000, currency: 'aud' },
    });
    await world.sim.webhooks.flush();
    const after = await expectOk(world, get('/subscription'), subscriptionResponseSchema);
    expect(after.subscription).toMatchObject({ status: 'active', graceUntil: null });
    expect(after.access).toMatchObject({ allowed: true, reason: 'active' });
    const audit = await world.store.audit.list({ subjectId: invoiceId, limit: 100 });
    expect(audit.items.map((e) => e.actor)).toContain('user:user_1');
  });

  it('answers 422 card_declined with the decline code when the card on file is declined again', async () => {
    const { world, subscription } = await pastDueSubscriber();

    const { error } = await expectError(
      world,
      send('POST', `/invoices/${subscription.latestInvoiceId}/pay`),
      {
        status: 422,
        code: 'card_declined',
      },
    );

    expect(error.declineCode).toEqual(expect.any(String));
  });

  it("answers 404 to another customer's invoice and pays nothing", async () => {
    const { world, subscription } = await pastDueSubscriber();
    await givenSubscriber(world, 'user_2');
    const before = await stateOf(world);

    await expectError(
      world,
      send(
        'POST',
        `/invoices/${subscription.latestInvoiceId}/pay`,
        { paymentMethodId: 'pm_card_au' },
        { user: 'user_2' },
      ),
      {
        status: 404,
        code: 'invoice_not_found',
      },
    );

    expect(await stateOf(world)).toEqual(before);
    const invoice = await world.stripe.invoices.retrieve(subscription.latestInvoiceId!);
    expect(invoice.status).toBe('open');
  });

  it('answers 400 naming the field to a bad card id, and pays nothing', async () => {
    const { world, subscription } = await pastDueSubscriber();
    const before = await stateOf(world);

    await expectError(
      world,
      send('POST', `/invoices/${subscription.latestInvoiceId}/pay`, { paymentMethodId: '' }),
      {
        status: 400,
        code: 'invalid_input',
        param: 'paymentMethodId',
      },
    );

    expect(await stateOf(world)).toEqual(before);
  });
});
