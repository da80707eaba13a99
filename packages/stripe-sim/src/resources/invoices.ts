// /v1/invoices: one-off invoices, finalize, pay, void, mark uncollectible, send, lines, list, and
// create_preview (what a subscription change or the next renewal will cost).

import type Stripe from 'stripe';
import {
  attemptInvoicePayment,
  markUncollectible,
  onInvoiceSettled,
  paymentIntentOf,
} from '../billing/collection.js';
import {
  buildInvoice,
  computeTotals,
  finalizeInvoice,
  linesOf,
  markInvoicePaid,
} from '../billing/invoicing.js';
import {
  currentPeriod,
  discountsForInvoice,
  type ItemChange,
  pendingItemLines,
  periodEndFrom,
  prorationLines,
  voidInvoice,
} from '../billing/subscription-lifecycle.js';
import { upcomingInvoice } from '../billing/tasks.js';
import type { SimContext } from '../engine/context.js';
import { invalidRequest, missingParam, StripeSimError } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { requireCustomer } from './customers.js';
import { cardDeclined } from './payment-methods.js';
import { idOf, updateWithEvent } from './shared.js';
import { readItemSpec, readTaxRates } from './subscriptions.js';

export const invoiceRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/invoices', handler: ({ sim, params }) => createInvoice(sim, params) },
  {
    method: 'POST',
    pattern: '/v1/invoices/create_preview',
    handler: ({ sim, params }) => createPreview(sim, params),
  },
  {
    method: 'GET',
    pattern: '/v1/invoices/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return sim.store.get('invoice', path.id!, 'invoice');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id',
    handler: ({ sim, path, params }) => updateInvoice(sim, path.id!, params),
  },
  {
    method: 'DELETE',
    pattern: '/v1/invoices/:id',
    handler: ({ sim, path }) => {
      const invoice = sim.store.get<Stripe.Invoice>('invoice', path.id!, 'invoice');
      if (invoice.status !== 'draft') {
        throw invalidRequest('You can only delete draft invoices.', undefined, 'invoice_not_editable');
      }
      for (const line of invoice.lines.data) {
        const ii =
          line.parent?.invoice_item_details?.invoice_item ??
          line.parent?.subscription_item_details?.invoice_item;
        const item = ii ? sim.store.find<Stripe.InvoiceItem>(ii) : undefined;
        if (item) item.invoice = null;
      }
      sim.store.remove(invoice.id);
      sim.emit('invoice.deleted', invoice, undefined, domainOf(sim, invoice));
      return { id: invoice.id, object: 'invoice', deleted: true };
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/finalize',
    handler: ({ sim, path, params }) => finalize(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/pay',
    handler: ({ sim, path, params }) => pay(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/void',
    handler: ({ sim, path, params }) => {
      params.done();
      const invoice = requireStatus(sim, path.id!, ['open'], 'void');
      const domain = domainOf(sim, invoice);
      voidInvoice(sim, invoice, domain);
      onInvoiceSettled(sim, invoice, domain);
      return invoice;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/mark_uncollectible',
    handler: ({ sim, path, params }) => {
      params.done();
      const invoice = requireStatus(sim, path.id!, ['open'], 'mark uncollectible');
      const domain = domainOf(sim, invoice);
      markUncollectible(sim, invoice, domain);
      onInvoiceSettled(sim, invoice, domain);
      return invoice;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/send',
    handler: ({ sim, path, params }) => {
      params.done();
      // Stripe's reference: a paid invoice may be sent too ("there will be no reference to the
      // payment in the email").
      const invoice = requireStatus(sim, path.id!, ['open', 'paid'], 'send');
      if (invoice.collection_method !== 'send_invoice') {
        throw invalidRequest(
          "You can only manually send an invoice if its collection method is 'send_invoice'.",
          undefined,
          'invoice_not_editable',
        );
      }
      sim.emit('invoice.sent', invoice, undefined, domainOf(sim, invoice));
      return invoice;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoices/:id/lines',
    handler: (ctx) => {
      const invoice = ctx.sim.store.get<Stripe.Invoice>('invoice', ctx.path.id!, 'invoice');
      const page = paginate(ctx, [...linesOf(invoice)].reverse(), `/v1/invoices/${invoice.id}/lines`);
      ctx.params.done();
      return page;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoices',
    handler: (ctx) => {
      const customer = ctx.params.optionalString('customer');
      const subscription = ctx.params.optionalString('subscription');
      const status = ctx.params.optionalString('status');
      const collection = ctx.params.optionalString('collection_method');
      ctx.params.accept('due_date');
      const rows = ctx.sim.store
        .all<Stripe.Invoice>('invoice')
        .filter(
          (i) =>
            (!customer || idOf(i.customer as string) === customer) &&
            (!subscription || i.parent?.subscription_details?.subscription === subscription) &&
            (!status || i.status === status) &&
            (!collection || i.collection_method === collection),
        );
      const page = paginate(ctx, rows, '/v1/invoices');
      ctx.params.done();
      return page;
    },
  },
];

function domainOf(sim: SimContext, invoice: Stripe.Invoice): string | null {
  return sim.domainOfCustomer(idOf(invoice.customer as string));
}

function requireStatus(sim: SimContext, id: string, allowed: string[], action: string): Stripe.Invoice {
  const invoice = sim.store.get<Stripe.Invoice>('invoice', id, 'invoice');
  if (!allowed.includes(invoice.status ?? '')) {
    throw invalidRequest(
      `You can only ${action} an invoice that is ${allowed.join(' or ')}; this invoice is ${invoice.status}.`,
      undefined,
      'invoice_not_editable',
    );
  }
  return invoice;
}

function createInvoice(sim: SimContext, params: Params): Stripe.Invoice {
  const customer = requireCustomer(sim, params.string('customer'), 'customer');
  const domain = sim.domainOfCustomer(customer.id);
  const subscriptionId = params.optionalString('subscription');
  const subscription = subscriptionId
    ? sim.store.get<Stripe.Subscription>('subscription', subscriptionId, 'subscription')
    : null;
  const collectionMethod =
    params.optionalEnum('collection_method', ['charge_automatically', 'send_invoice']) ??
    'charge_automatically';
  const daysUntilDue = params.optionalInt('days_until_due', { min: 0 });
  const dueDate = params.optionalInt('due_date');
  if (collectionMethod === 'send_invoice' && daysUntilDue === undefined && dueDate === undefined) {
    throw invalidRequest(
      'Invoices with `collection_method=send_invoice` require either `days_until_due` or `due_date`.',
      'days_until_due',
    );
  }
  const pendingBehavior =
    params.optionalEnum('pending_invoice_items_behavior', ['include', 'exclude']) ?? 'exclude';
  const currency =
    params.optionalString('currency') ?? customer.currency ?? sim.config.account.defaultCurrency;
  const defaultTaxRates = readTaxRates(sim, params, 'default_tax_rates') ?? [];
  const defaultPm = params.optionalString('default_payment_method');
  const autoAdvance = params.optionalBool('auto_advance') ?? false;
  const description = params.optionalString('description') ?? null;
  const footer = params.optionalString('footer');
  const metadata = params.metadataPatch() ?? {};
  params.accept(
    'automatic_tax',
    'custom_fields',
    'rendering',
    'statement_descriptor',
    'payment_settings',
    'account_tax_ids',
    'discounts',
    'issuer',
    'on_behalf_of',
    'shipping_cost',
    'shipping_details',
    'effective_at',
    'number',
    'from_invoice',
    'transfer_data',
    'application_fee_amount',
  );
  params.done();
  const lines = pendingBehavior === 'include' ? pendingItemLines(sim, customer.id, subscriptionId) : [];
  const invoice = buildInvoice(
    sim,
    {
      customer,
      currency,
      subscription,
      billingReason: 'manual',
      collectionMethod,
      daysUntilDue: daysUntilDue ?? null,
      autoAdvance,
      description,
      metadata,
      defaultTaxRates,
      domain,
    },
    lines,
  );
  if (dueDate !== undefined) invoice.due_date = dueDate;
  if (defaultPm)
    invoice.default_payment_method = sim.store.get<Stripe.PaymentMethod>(
      'payment_method',
      defaultPm,
      'default_payment_method',
    ).id;
  if (footer !== undefined) invoice.footer = footer;
  sim.emit('invoice.created', invoice, undefined, domain);
  return invoice;
}

function updateInvoice(sim: SimContext, id: string, params: Params): Stripe.Invoice {
  const invoice = sim.store.get<Stripe.Invoice>('invoice', id, 'invoice');
  const draft = invoice.status === 'draft';
  return updateWithEvent(
    sim,
    invoice,
    'invoice.updated',
    (target) => {
      const metadata = params.metadataPatch(target.metadata ?? {});
      if (metadata) target.metadata = metadata;
      const description = params.nullableString('description');
      const footer = params.nullableString('footer');
      const autoAdvance = params.optionalBool('auto_advance');
      const collection = params.optionalEnum('collection_method', ['charge_automatically', 'send_invoice']);
      const daysUntilDue = params.optionalInt('days_until_due', { min: 0 });
      const defaultPm = params.nullableString('default_payment_method');
      const taxRates = readTaxRates(sim, params, 'default_tax_rates');
      params.accept(
        'custom_fields',
        'rendering',
        'statement_descriptor',
        'payment_settings',
        'automatic_tax',
      );
      params.done();
      const draftOnly = collection !== undefined || daysUntilDue !== undefined || taxRates !== undefined;
      if (!draft && draftOnly) {
        throw invalidRequest(
          "Finalized invoices can't be updated in this way.",
          undefined,
          'invoice_not_editable',
        );
      }
      if (description !== undefined) target.description = description;
      if (footer !== undefined) target.footer = footer;
      if (autoAdvance !== undefined) target.auto_advance = autoAdvance;
      if (collection) target.collection_method = collection;
      if (daysUntilDue !== undefined && target.collection_method === 'send_invoice') {
        target.due_date = target.created + daysUntilDue * 86_400;
      }
      if (defaultPm !== undefined) {
        target.default_payment_method = defaultPm
          ? sim.store.get<Stripe.PaymentMethod>('payment_method', defaultPm, 'default_payment_method').id
          : null;
      }
      if (taxRates) {
        target.default_tax_rates = taxRates;
        applyDefaultTaxRates(sim, target);
      }
    },
    domainOf(sim, invoice),
  );
}

/**
 * A draft's new `default_tax_rates` apply to each invoice-item line that has no tax rates of its
 * own (Stripe: "The tax rates that will apply to any line item that does not have `tax_rates` set").
 */
function applyDefaultTaxRates(sim: SimContext, invoice: Stripe.Invoice): void {
  for (const line of invoice.lines.data) {
    const itemId = line.parent?.invoice_item_details?.invoice_item;
    const item = itemId ? sim.store.find<Stripe.InvoiceItem>(itemId) : undefined;
    if (!item || (item.tax_rates ?? []).length > 0) continue;
    sim.lineTaxRates.set(line, invoice.default_tax_rates);
  }
  computeTotals(sim, invoice);
}

function finalize(sim: SimContext, id: string, params: Params): Stripe.Invoice {
  const autoAdvance = params.optionalBool('auto_advance');
  params.done();
  const invoice = requireStatus(sim, id, ['draft'], 'finalize');
  const domain = domainOf(sim, invoice);
  if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
  finalizeInvoice(sim, invoice, domain);
  if (
    invoice.status === 'open' &&
    invoice.auto_advance &&
    invoice.collection_method === 'charge_automatically'
  ) {
    // Stripe attempts collection of an auto-advancing invoice about an hour after finalization.
    invoice.next_payment_attempt = sim.now(domain) + 3600;
  }
  return invoice;
}

function pay(sim: SimContext, id: string, params: Params): Stripe.Invoice {
  const paymentMethod = params.optionalString('payment_method');
  const offSession = params.optionalBool('off_session') ?? true;
  const outOfBand = params.optionalBool('paid_out_of_band') ?? false;
  params.accept('forgive', 'source', 'mandate');
  params.done();
  const invoice = sim.store.get<Stripe.Invoice>('invoice', id, 'invoice');
  // Stripe answers with this message and no error code (there is no `invoice_already_paid` code).
  if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid');
  if (invoice.status === 'void')
    throw invalidRequest('You cannot pay a voided invoice.', undefined, 'invoice_not_editable');
  const domain = domainOf(sim, invoice);
  if (invoice.status === 'draft') finalizeInvoice(sim, invoice, domain);
  if (invoice.status === 'paid') return invoice;
  if (outOfBand) {
    markInvoicePaid(sim, invoice, domain, null);
    onInvoiceSettled(sim, invoice, domain);
    return invoice;
  }
  if (invoice.status === 'uncollectible') invoice.status = 'open';
  const pm = paymentMethod
    ? sim.store.get<Stripe.PaymentMethod>('payment_method', paymentMethod, 'payment_method').id
    : null;
  const outcome = attemptInvoicePayment(sim, invoice, { offSession, paymentMethod: pm, domain });
  // A card that needs 3D Secure leaves the invoice's PaymentIntent in requires_action, on-session or
  // off-session alike; Stripe answers with a card error naming that, not with the decline.
  if (paymentIntentOf(sim, invoice)?.status === 'requires_action') {
    throw invoicePaymentRequiresAction();
  }
  if (outcome.kind === 'declined') {
    throw cardDeclined(outcome.decline, { charge: outcome.charge.id });
  }
  if (outcome.kind === 'no_payment_method') {
    throw invalidRequest(
      'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
      undefined,
      'invoice_no_payment_method_types',
    );
  }
  return invoice;
}

/** Stripe's 402 when paying an invoice needs the customer to authenticate (3D Secure) first. */
function invoicePaymentRequiresAction(): StripeSimError {
  return new StripeSimError(402, {
    type: 'card_error',
    code: 'invoice_payment_intent_requires_action',
    doc_url: 'https://stripe.com/docs/error-codes/invoice-payment-intent-requires-action',
    message:
      'This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice. For more details see: https://stripe.com/docs/billing/subscriptions/overview#requires-action',
  });
}

/** POST /v1/invoices/create_preview: the invoice a change (or the next renewal) would make, kept nowhere. */
function createPreview(sim: SimContext, params: Params): Stripe.Invoice {
  const customerParam = params.optionalString('customer');
  const subscriptionId = params.optionalString('subscription');
  const details = params.optionalObject('subscription_details');
  params.accept(
    'automatic_tax',
    'currency',
    'customer_details',
    'discounts',
    'invoice_items',
    'issuer',
    'on_behalf_of',
    'preview_mode',
    'schedule',
    'schedule_details',
    'customer_account',
  );
  params.done();
  const sub = subscriptionId
    ? sim.store.get<Stripe.Subscription>('subscription', subscriptionId, 'subscription')
    : undefined;
  const customerId = customerParam ?? (sub ? idOf(sub.customer as string) : undefined);
  if (!customerId) throw missingParam('customer');
  const customer = requireCustomer(sim, customerId, 'customer');
  const domain = sim.domainOfCustomer(customer.id);
  const now = sim.now(domain);
  const itemParams = details?.optionalArray('items');
  const specs = itemParams?.map((p, i) => readItemSpec(sim, p, i)) ?? [];
  const prorationBehavior =
    details?.optionalEnum('proration_behavior', ['create_prorations', 'always_invoice', 'none']) ??
    'create_prorations';
  const prorationDate = details?.optionalInt('proration_date') ?? now;
  const taxRates = details ? readTaxRates(sim, details, 'default_tax_rates') : undefined;
  details?.accept(
    'billing_cycle_anchor',
    'cancel_at',
    'cancel_at_period_end',
    'cancel_now',
    'resume_at',
    'start_date',
    'trial_end',
    'billing_mode',
  );
  details?.done();

  if (!sub) {
    if (specs.length === 0)
      throw invalidRequest(
        'Provide a subscription or subscription_details[items] to preview.',
        'subscription',
      );
    const price = specs[0]!.price;
    const period = { start: now, end: periodEndFrom(now, now, price) };
    return buildInvoice(
      sim,
      {
        customer,
        currency: price.currency,
        billingReason: 'subscription_create',
        defaultTaxRates: taxRates ?? [],
        domain,
      },
      specs.map((spec) => {
        const quantity = spec.quantity === -1 ? 1 : spec.quantity;
        return {
          amount: (spec.price.unit_amount ?? 0) * quantity,
          description: `${quantity} × ${spec.price.nickname ?? spec.price.id}`,
          period,
          quantity,
          price: spec.price,
          proration: false,
          taxRates: spec.taxRates,
        };
      }),
      false,
    );
  }

  if (specs.length === 0) return upcomingInvoice(sim, sub, domain);
  const period = currentPeriod(sub);
  const changes: ItemChange[] = [];
  const after = new Map<string, { price: Stripe.Price; quantity: number }>();
  for (const [i, spec] of specs.entries()) {
    const existing = spec.id ? sub.items.data.find((item) => item.id === spec.id) : undefined;
    if (spec.id && !existing)
      throw invalidRequest(`No such subscription item: '${spec.id}'`, `items[${i}][id]`, 'resource_missing');
    if (existing && spec.deleted) {
      changes.push({ before: { item: existing, price: existing.price, quantity: existing.quantity ?? 1 } });
      after.set(existing.id, { price: existing.price, quantity: 0 });
      continue;
    }
    const price = spec.price ?? existing!.price;
    const quantity = spec.quantity === -1 ? (existing?.quantity ?? 1) : spec.quantity;
    const itemId = existing?.id ?? `si_preview_${i}`;
    after.set(itemId, { price, quantity });
    if (existing && existing.price.id === price.id && (existing.quantity ?? 1) === quantity) continue;
    changes.push({
      ...(existing
        ? { before: { item: existing, price: existing.price, quantity: existing.quantity ?? 1 } }
        : {}),
      after: { itemId, price, quantity, taxRates: existing?.tax_rates ?? spec.taxRates },
    });
  }
  const firstPrice = [...after.values()].find((a) => a.quantity > 0)?.price ?? sub.items.data[0]!.price;
  const old = sub.items.data[0]!.price.recurring;
  const resetCycle =
    old?.interval !== firstPrice.recurring?.interval ||
    old?.interval_count !== firstPrice.recurring?.interval_count;
  const base = {
    customer,
    currency: sub.currency,
    subscription: sub,
    collectionMethod: sub.collection_method,
    defaultTaxRates: taxRates ?? sub.default_tax_rates ?? [],
    discounts: discountsForInvoice(sim, sub, now, false),
    prorationDate,
    domain,
  };
  const prorations =
    prorationBehavior === 'none' || sub.status === 'trialing'
      ? []
      : prorationLines(sim, sub, changes, resetCycle ? now : prorationDate, period);
  const nextItems = () =>
    [...after.entries()].filter(([, a]) => a.quantity > 0).map(([itemId, a]) => ({ itemId, ...a }));
  const fullLines = (p: { start: number; end: number }) =>
    nextItems().map(({ itemId, price, quantity }) => {
      const existing = sub.items.data.find((item) => item.id === itemId);
      return {
        amount: (price.unit_amount ?? 0) * quantity,
        description: `${quantity} × ${sim.store.find<Stripe.Product>(idOf(price.product as string)!)?.name ?? price.id}`,
        period: p,
        quantity,
        price,
        proration: false,
        taxRates: existing?.tax_rates ?? [],
        subscription: sub.id,
        subscriptionItem: itemId,
      };
    });
  if (resetCycle) {
    const p = { start: now, end: periodEndFrom(now, now, firstPrice) };
    return buildInvoice(
      sim,
      { ...base, billingReason: 'subscription_update' },
      [...prorations.filter((l) => l.amount < 0), ...fullLines(p)],
      false,
    );
  }
  if (prorationBehavior === 'always_invoice') {
    return buildInvoice(
      sim,
      { ...base, billingReason: 'subscription_update' },
      [...prorations, ...pendingItemLines(sim, customer.id, sub.id)],
      false,
    );
  }
  const next = { start: period.end, end: periodEndFrom(sub.billing_cycle_anchor, period.end, firstPrice) };
  return buildInvoice(
    sim,
    // The renewal's own period looks back over the current one; its lines bill `next`.
    { ...base, billingReason: 'upcoming', period },
    [...prorations, ...pendingItemLines(sim, customer.id, sub.id), ...fullLines(next)],
    false,
  );
}
