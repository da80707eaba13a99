// /v1/invoiceitems: one-off charges (or credits) that wait for the customer's next invoice, or go
// onto a given draft invoice.

import type Stripe from 'stripe';
import { computeTotals } from '../billing/invoicing.js';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest, missingParam } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { requireCustomer } from './customers.js';
import { decimal, idOf, readCurrency, updateWithEvent } from './shared.js';

export const invoiceItemRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/invoiceitems', handler: ({ sim, params }) => create(sim, params) },
  {
    method: 'GET',
    pattern: '/v1/invoiceitems/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return sim.store.get('invoiceitem', path.id!, 'id');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoiceitems/:id',
    handler: ({ sim, path, params }) => {
      const item = editable(sim, path.id!);
      return updateWithEvent(
        sim,
        item,
        'invoiceitem.updated',
        (target) => {
          const amount = params.optionalInt('amount');
          if (amount !== undefined) {
            target.amount = amount;
            target.net_amount = amount;
          }
          const description = params.nullableString('description');
          if (description !== undefined) target.description = description;
          const metadata = params.metadataPatch(target.metadata ?? {});
          if (metadata) target.metadata = metadata;
          params.accept(
            'discountable',
            'period',
            'tax_rates',
            'quantity',
            'discounts',
            'pricing',
            'price_data',
            'tax_behavior',
            'tax_code',
            'unit_amount_decimal',
          );
          params.done();
        },
        sim.domainOfCustomer(idOf(item.customer as string)),
      );
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/invoiceitems/:id',
    handler: ({ sim, path }) => {
      const item = editable(sim, path.id!);
      removeFromInvoice(sim, item);
      sim.store.remove(item.id);
      sim.emit('invoiceitem.deleted', item, undefined, sim.domainOfCustomer(idOf(item.customer as string)));
      return { id: item.id, object: 'invoiceitem', deleted: true };
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoiceitems',
    handler: (ctx) => {
      const customer = ctx.params.optionalString('customer');
      const invoice = ctx.params.optionalString('invoice');
      const pending = ctx.params.optionalBool('pending');
      const rows = ctx.sim.store
        .all<Stripe.InvoiceItem>('invoiceitem')
        .filter(
          (ii) =>
            (!customer || idOf(ii.customer as string) === customer) &&
            (!invoice || idOf(ii.invoice as string | null) === invoice) &&
            (pending === undefined || (ii.invoice === null) === pending),
        );
      const page = paginate(ctx, rows, '/v1/invoiceitems');
      ctx.params.done();
      return page;
    },
  },
];

function editable(sim: SimContext, id: string): Stripe.InvoiceItem {
  const item = sim.store.get<Stripe.InvoiceItem>('invoiceitem', id, 'id');
  const invoice = item.invoice ? sim.store.find<Stripe.Invoice>(idOf(item.invoice as string)!) : undefined;
  if (invoice && invoice.status !== 'draft') {
    throw invalidRequest(
      'This invoice item is on a finalized invoice and can no longer be changed.',
      undefined,
      'invoice_not_editable',
    );
  }
  return item;
}

function removeFromInvoice(sim: SimContext, item: Stripe.InvoiceItem): void {
  const invoice = item.invoice ? sim.store.find<Stripe.Invoice>(idOf(item.invoice as string)!) : undefined;
  if (!invoice) return;
  invoice.lines.data = invoice.lines.data.filter(
    (line) => line.parent?.invoice_item_details?.invoice_item !== item.id,
  );
  computeTotals(sim, invoice);
}

function create(sim: SimContext, params: Params): Stripe.InvoiceItem {
  const customer = requireCustomer(sim, params.string('customer'), 'customer');
  const domain = sim.domainOfCustomer(customer.id);
  const now = sim.now(domain);
  const pricing = params.optionalObject('pricing');
  const priceId = pricing?.optionalString('price') ?? params.optionalString('price');
  pricing?.done();
  const price = priceId ? sim.store.get<Stripe.Price>('price', priceId, 'pricing[price]') : undefined;
  const quantity = params.optionalInt('quantity', { min: 1 }) ?? 1;
  const amountParam = params.optionalInt('amount');
  const unitAmount = params.optionalInt('unit_amount');
  const currency =
    readCurrency(params, 'currency', !price) ?? price?.currency ?? customer.currency ?? undefined;
  if (!currency) throw missingParam('currency');
  if (amountParam === undefined && unitAmount === undefined && !price) throw missingParam('amount');
  const amount = amountParam ?? (unitAmount ?? price?.unit_amount ?? 0) * quantity;
  if (customer.currency && customer.currency !== currency) {
    throw invalidRequest(
      `You cannot combine currencies on a single customer. This customer has an active subscription, subscription schedule, discount, quote, or invoice item with currency ${customer.currency}.`,
      'currency',
    );
  }
  const invoiceId = params.optionalString('invoice');
  const invoice = invoiceId ? sim.store.get<Stripe.Invoice>('invoice', invoiceId, 'invoice') : undefined;
  if (invoice && invoice.status !== 'draft') {
    throw invalidRequest(
      'You can only add invoice items to draft invoices.',
      'invoice',
      'invoice_not_editable',
    );
  }
  const subscription = params.optionalString('subscription');
  if (subscription) sim.store.get('subscription', subscription, 'subscription');
  const taxRateIds = params.optionalStringArray('tax_rates') ?? [];
  const taxRates = taxRateIds.map((id, i) =>
    sim.store.get<Stripe.TaxRate>('tax_rate', id, `tax_rates[${i}]`),
  );
  const period = params.optionalObject('period');
  const periodStart = period?.int('start') ?? now;
  const periodEnd = period?.int('end') ?? now;
  period?.done();
  const item: Stripe.InvoiceItem = {
    id: newId('ii'),
    object: 'invoiceitem',
    amount,
    currency,
    customer: customer.id,
    customer_account: null,
    date: now,
    description: params.optionalString('description') ?? null,
    discountable: params.optionalBool('discountable') ?? amount > 0,
    discounts: [],
    invoice: invoice?.id ?? null,
    livemode: false,
    metadata: params.metadataPatch() ?? {},
    net_amount: amount,
    parent: subscription ? { type: 'subscription_details', subscription_details: { subscription } } : null,
    period: { start: periodStart, end: periodEnd },
    pricing: price
      ? {
          type: 'price_details',
          price_details: { price: price.id, product: idOf(price.product as string)! },
          unit_amount_decimal: price.unit_amount_decimal,
        }
      : { type: 'price_details', unit_amount_decimal: decimal(amount / quantity) },
    proration: false,
    quantity,
    quantity_decimal: decimal(quantity),
    tax_rates: taxRates,
    test_clock: domain,
  };
  params.accept('price_data', 'tax_behavior', 'tax_code', 'unit_amount_decimal', 'discounts');
  params.done();
  sim.store.insert(item);
  if (!customer.currency) customer.currency = currency;
  if (invoice) addToDraft(sim, invoice, item);
  sim.emit('invoiceitem.created', item, undefined, domain);
  return item;
}

function addToDraft(sim: SimContext, invoice: Stripe.Invoice, item: Stripe.InvoiceItem): void {
  const line: Stripe.InvoiceLineItem = {
    id: newId('il'),
    object: 'line_item',
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable,
    discounts: [],
    invoice: invoice.id,
    livemode: false,
    metadata: item.metadata ?? {},
    parent: {
      type: 'invoice_item_details',
      subscription_item_details: null,
      invoice_item_details: {
        invoice_item: item.id,
        proration: false,
        proration_details: { credited_items: null },
        subscription: item.parent?.subscription_details?.subscription ?? null,
      },
    },
    period: { ...item.period },
    pretax_credit_amounts: [],
    pricing: item.pricing,
    quantity: item.quantity,
    quantity_decimal: item.quantity_decimal,
    subscription: item.parent?.subscription_details?.subscription ?? null,
    subtotal: item.amount,
    taxes: [],
  };
  invoice.lines.data.push(line);
  // An item without tax rates of its own takes the invoice's default_tax_rates, as Stripe does.
  const ownRates = item.tax_rates ?? [];
  sim.lineTaxRates.set(line, ownRates.length > 0 ? ownRates : invoice.default_tax_rates);
  computeTotals(sim, invoice);
}
