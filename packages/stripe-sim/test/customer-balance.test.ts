import { describe, expect, it } from 'vitest';
import { createStripeSim } from '../src/index.js';
import { givenCatalog, givenCustomer, latestInvoice } from './builders.js';
import { eventsOfType } from './helpers-payments.js';

describe('customer balance', () => {
  it('a credit makes the balance negative and each transaction records the balance after it', async () => {
    const sim = createStripeSim();
    const customer = await sim.stripe.customers.create({ email: 'credit@example.com' });

    const credit = await sim.stripe.customers.createBalanceTransaction(customer.id, {
      amount: -500,
      currency: 'aud',
      description: 'Goodwill credit',
    });
    const debit = await sim.stripe.customers.createBalanceTransaction(customer.id, {
      amount: 200,
      currency: 'aud',
    });

    expect(credit).toMatchObject({
      object: 'customer_balance_transaction',
      type: 'adjustment',
      amount: -500,
      currency: 'aud',
      customer: customer.id,
      description: 'Goodwill credit',
      ending_balance: -500,
      invoice: null,
      credit_note: null,
    });
    expect(debit.ending_balance).toBe(-300);
    const after = await sim.stripe.customers.retrieve(customer.id);
    expect(after).toMatchObject({ balance: -300, currency: 'aud' });
  });

  it('a balance change sends customer.updated with the previous balance', async () => {
    const sim = createStripeSim();
    const customer = await sim.stripe.customers.create({});

    await sim.stripe.customers.createBalanceTransaction(customer.id, { amount: -1500, currency: 'aud' });

    const updated = eventsOfType(sim, 'customer.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.data.object).toMatchObject({ balance: -1500, currency: 'aud' });
    expect(updated[0]!.data.previous_attributes).toEqual({ balance: 0, currency: null });
  });

  it("a transaction in another currency than the customer's is refused", async () => {
    const sim = createStripeSim();
    const customer = await sim.stripe.customers.create({});
    await sim.stripe.customers.createBalanceTransaction(customer.id, { amount: -100, currency: 'aud' });

    await expect(
      sim.stripe.customers.createBalanceTransaction(customer.id, { amount: -100, currency: 'usd' }),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, param: 'currency' });
    expect(await sim.stripe.customers.retrieve(customer.id)).toMatchObject({ balance: -100 });
  });

  it('a transaction needs a non-zero amount and a currency', async () => {
    const sim = createStripeSim();
    const customer = await sim.stripe.customers.create({});

    await expect(
      sim.stripe.customers.createBalanceTransaction(customer.id, { amount: 0, currency: 'aud' }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
    await expect(
      sim.stripe.customers.createBalanceTransaction(customer.id, { amount: 100 } as never),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'currency' });
    await expect(
      sim.stripe.customers.createBalanceTransaction('cus_missing', { amount: 100, currency: 'aud' }),
    ).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('transactions can be retrieved, updated and listed newest first, only under their own customer', async () => {
    const sim = createStripeSim();
    const customer = await sim.stripe.customers.create({});
    const other = await sim.stripe.customers.create({});
    const first = await sim.stripe.customers.createBalanceTransaction(customer.id, {
      amount: -100,
      currency: 'aud',
    });
    const second = await sim.stripe.customers.createBalanceTransaction(customer.id, {
      amount: -50,
      currency: 'aud',
    });

    const list = await sim.stripe.customers.listBalanceTransactions(customer.id);
    expect(list.data.map((t) => t.id)).toEqual([second.id, first.id]);

    const updated = await sim.stripe.customers.updateBalanceTransaction(customer.id, first.id, {
      description: 'Refund of overcharge',
      metadata: { ticket: '9' },
    });
    expect(updated).toMatchObject({
      description: 'Refund of overcharge',
      metadata: { ticket: '9' },
      amount: -100,
    });
    const retrieved = await sim.stripe.customers.retrieveBalanceTransaction(customer.id, first.id);
    expect(retrieved.description).toBe('Refund of overcharge');

    await expect(sim.stripe.customers.retrieveBalanceTransaction(other.id, first.id)).rejects.toMatchObject({
      code: 'resource_missing',
    });
    expect((await sim.stripe.customers.listBalanceTransactions(other.id)).data).toEqual([]);
  });

  it('a credit sent twice with one idempotency key is recorded once, announced only by customer.updated', async () => {
    const sim = createStripeSim();
    const customer = await sim.stripe.customers.create({});
    const credit = { amount: -500, currency: 'aud', description: 'Sorry', metadata: { ticket: 'T-9' } };

    const first = await sim.stripe.customers.createBalanceTransaction(customer.id, credit, {
      idempotencyKey: 'credit-T-9',
    });
    const retried = await sim.stripe.customers.createBalanceTransaction(customer.id, credit, {
      idempotencyKey: 'credit-T-9',
    });

    expect(retried.id).toBe(first.id);
    expect(first).toMatchObject({ amount: -500, metadata: { ticket: 'T-9' }, ending_balance: -500 });
    expect(await sim.stripe.customers.retrieve(customer.id)).toMatchObject({ balance: -500 });
    expect((await sim.stripe.customers.listBalanceTransactions(customer.id)).data).toHaveLength(1);
    // Stripe has no event type for customer balance transactions: the balance change is customer.updated.
    const types = sim.webhooks.events().map((e) => e.type);
    expect(types.filter((t) => t !== 'customer.created')).toEqual(['customer.updated']);
  });
});

describe('customer balance on the next invoice', () => {
  it('a credit lowers what the next invoice asks for, not its total, and is used up', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    await world.stripe.customers.createBalanceTransaction(customer.id, { amount: -500, currency: 'aud' });

    const sub = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.pro.id }],
    });
    const invoice = await latestInvoice(world, sub.id);

    expect(invoice).toMatchObject({
      status: 'paid',
      total: 1000,
      starting_balance: -500,
      ending_balance: 0,
      amount_due: 500,
      amount_paid: 500,
    });
    expect(await world.stripe.customers.retrieve(customer.id)).toMatchObject({ balance: 0 });
    const ledger = await world.stripe.customers.listBalanceTransactions(customer.id);
    expect(ledger.data.map((t) => [t.type, t.amount, t.ending_balance, t.invoice])).toEqual([
      ['applied_to_invoice', 500, 0, invoice.id],
      ['adjustment', -500, -500, null],
    ]);
  });

  it('a credit bigger than the invoice pays all of it and the rest stays on the balance', async () => {
    const world = await givenCatalog();
    const { customer } = await givenCustomer(world);
    await world.stripe.customers.createBalanceTransaction(customer.id, { amount: -1500, currency: 'aud' });

    const sub = await world.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: world.pro.id }],
    });
    const invoice = await latestInvoice(world, sub.id);

    expect(invoice).toMatchObject({
      status: 'paid',
      total: 1000,
      starting_balance: -1500,
      ending_balance: -500,
      amount_due: 0,
      amount_paid: 0,
    });
    expect((await world.stripe.invoicePayments.list({ invoice: invoice.id })).data).toEqual([]);
    expect(await world.stripe.customers.retrieve(customer.id)).toMatchObject({ balance: -500 });
    const [applied] = (await world.stripe.customers.listBalanceTransactions(customer.id)).data;
    expect(applied).toMatchObject({ type: 'applied_to_invoice', amount: 1000, ending_balance: -500 });
  });
});
