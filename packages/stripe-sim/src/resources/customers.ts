// /v1/customers: create, retrieve, update, delete, list, search, and tax ids.

import type Stripe from 'stripe';
import { onDefaultPaymentMethodChanged } from '../billing/collection.js';
import { cancelSubscriptionNow } from '../billing/subscription-lifecycle.js';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { attachPaymentMethod } from './payment-methods.js';
import { idOf, readAddress, updateWithEvent } from './shared.js';

const TAX_EXEMPT = ['none', 'exempt', 'reverse'] as const;

/** Tax id types Billkit's hosts meet first; any other documented type is accepted as well. */
const TAX_ID_PATTERNS: Record<string, RegExp> = {
  au_abn: /^\d{11}$/,
  au_arn: /^\d{12}$/,
  nz_gst: /^\d{8,9}$/,
  eu_vat: /^[A-Z]{2}[0-9A-Z]{2,13}$/,
  gb_vat: /^GB\d{9}(\d{3})?$/,
};

export const customerRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/customers', handler: ({ sim, params }) => createCustomer(sim, params) },
  {
    method: 'GET',
    pattern: '/v1/customers/search',
    handler: (ctx) => searchCustomers(ctx.sim, ctx.params),
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return retrieveCustomer(sim, path.id!);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/customers/:id',
    handler: ({ sim, params, path }) => updateCustomer(sim, path.id!, params),
  },
  {
    method: 'DELETE',
    pattern: '/v1/customers/:id',
    handler: ({ sim, path }) => deleteCustomer(sim, path.id!),
  },
  {
    method: 'GET',
    pattern: '/v1/customers',
    handler: (ctx) => {
      const email = ctx.params.optionalString('email');
      const clock = ctx.params.optionalString('test_clock');
      const rows = liveCustomers(ctx.sim).filter(
        (c) => (!email || c.email === email) && (!clock || c.test_clock === clock),
      );
      const page = paginate(ctx, rows, '/v1/customers');
      ctx.params.done();
      return page;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/customers/:id/tax_ids',
    handler: ({ sim, params, path }) => {
      const customer = requireCustomer(sim, path.id!);
      const type = params.string('type');
      const value = params.string('value');
      params.done();
      return addTaxId(sim, customer, type, value);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/tax_ids',
    handler: (ctx) => {
      const customer = requireCustomer(ctx.sim, ctx.path.id!);
      const rows = ctx.sim.store.all<Stripe.TaxId>('tax_id').filter((t) => idOf(t.customer) === customer.id);
      const page = paginate(ctx, rows, `/v1/customers/${customer.id}/tax_ids`);
      ctx.params.done();
      return page;
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/customers/:id/tax_ids/:tax_id',
    handler: ({ sim, path }) => {
      const customer = requireCustomer(sim, path.id!);
      const taxId = sim.store.get<Stripe.TaxId>('tax_id', path.tax_id!, 'id');
      sim.store.remove(taxId.id);
      syncTaxIdList(sim, customer);
      sim.emit('customer.tax_id.deleted', taxId, undefined, sim.domainOfCustomer(customer.id));
      return { id: taxId.id, object: 'tax_id', deleted: true };
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/payment_methods',
    handler: (ctx) => {
      const customer = requireCustomer(ctx.sim, ctx.path.id!);
      const type = ctx.params.optionalString('type');
      const rows = ctx.sim.store
        .all<Stripe.PaymentMethod>('payment_method')
        .filter((pm) => idOf(pm.customer) === customer.id && (!type || pm.type === type));
      const page = paginate(ctx, rows, `/v1/customers/${customer.id}/payment_methods`);
      ctx.params.accept('allow_redisplay');
      ctx.params.done();
      return page;
    },
  },
];

function liveCustomers(sim: SimContext): Stripe.Customer[] {
  return sim.store.all<Stripe.Customer & { deleted?: boolean }>('customer').filter((c) => !c.deleted);
}

/** A customer that exists and was not deleted, or Stripe's 404. */
export function requireCustomer(sim: SimContext, id: string, param?: string): Stripe.Customer {
  const customer = sim.store.get<Stripe.Customer & { deleted?: boolean }>('customer', id, param);
  if (customer.deleted) {
    throw invalidRequest(`No such customer: '${id}'`, param, 'resource_missing');
  }
  return customer;
}

function retrieveCustomer(sim: SimContext, id: string): unknown {
  const customer = sim.store.get<Stripe.Customer & { deleted?: boolean }>('customer', id, 'id');
  if (customer.deleted) return { id, object: 'customer', deleted: true };
  return customer;
}

function createCustomer(sim: SimContext, params: Params): Stripe.Customer {
  const testClock = params.optionalString('test_clock');
  if (testClock) sim.store.get('test_helpers.test_clock', testClock, 'test_clock');
  const domain = testClock ?? null;
  const customer: Stripe.Customer = {
    id: newId('cus', 14),
    object: 'customer',
    address: null,
    balance: 0,
    created: sim.now(domain),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: newId('x', 8)
      .slice(2)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '0'),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: testClock ?? null,
  };
  applyCustomerParams(sim, customer, params, true);
  const paymentMethod = params.optionalString('payment_method');
  const taxIdData = params.optionalArray('tax_id_data') ?? [];
  const taxIds = taxIdData.map((item) => {
    const type = item.string('type');
    const value = item.string('value');
    item.done();
    return { type, value };
  });
  params.done();
  sim.store.insert(customer);
  sim.emit('customer.created', customer, undefined, domain);
  for (const { type, value } of taxIds) addTaxId(sim, customer, type, value);
  if (paymentMethod) {
    const attached = attachPaymentMethod(sim, paymentMethod, customer.id, 'payment_method');
    // A test token named twice means the one card it just became.
    if (customer.invoice_settings.default_payment_method === paymentMethod) {
      customer.invoice_settings.default_payment_method = attached.id;
    }
  }
  if (params.raw.invoice_settings && customer.invoice_settings.default_payment_method) {
    ensureOwnedPaymentMethod(sim, customer, String(customer.invoice_settings.default_payment_method));
  }
  return customer;
}

function applyCustomerParams(
  sim: SimContext,
  customer: Stripe.Customer,
  params: Params,
  creating: boolean,
): void {
  const email = params.nullableString('email');
  if (email !== undefined) {
    if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) {
      throw invalidRequest(`Invalid email address: ${email}`, 'email', 'email_invalid');
    }
    customer.email = email;
  }
  for (const key of ['name', 'phone', 'description'] as const) {
    const value = params.nullableString(key);
    if (value !== undefined) customer[key] = value;
  }
  const address = params.optionalObject('address');
  if (address) customer.address = readAddress(address, customer.address);
  else if (params.isUnset('address')) customer.address = null;
  const shipping = params.optionalObject('shipping');
  if (shipping) {
    const name = shipping.string('name');
    const phone = shipping.nullableString('phone') ?? null;
    const shippingAddress = readAddress(shipping.optionalObject('address')) ?? undefined;
    shipping.done();
    customer.shipping = { name, phone, ...(shippingAddress ? { address: shippingAddress } : {}) };
  } else if (params.isUnset('shipping')) customer.shipping = null;
  const taxExempt = params.optionalEnum('tax_exempt', TAX_EXEMPT);
  if (taxExempt) customer.tax_exempt = taxExempt;
  const balance = params.optionalInt('balance');
  if (balance !== undefined) customer.balance = balance;
  const locales = params.optionalStringArray('preferred_locales');
  if (locales) customer.preferred_locales = locales;
  const prefix = params.optionalString('invoice_prefix');
  if (prefix) {
    if (!/^[A-Z0-9]{3,12}$/.test(prefix)) {
      throw invalidRequest('Invoice prefix must be 3-12 uppercase letters or numbers.', 'invoice_prefix');
    }
    customer.invoice_prefix = prefix;
  }
  const sequence = params.optionalInt('next_invoice_sequence', { min: 1 });
  if (sequence !== undefined) customer.next_invoice_sequence = sequence;
  const metadata = params.metadataPatch(customer.metadata);
  if (metadata) customer.metadata = metadata;
  const invoiceSettings = params.optionalObject('invoice_settings');
  if (invoiceSettings) {
    const pm = invoiceSettings.nullableString('default_payment_method');
    if (pm !== undefined) {
      if (pm && !creating) ensureOwnedPaymentMethod(sim, customer, pm);
      customer.invoice_settings.default_payment_method = pm;
    }
    const footer = invoiceSettings.nullableString('footer');
    if (footer !== undefined) customer.invoice_settings.footer = footer;
    invoiceSettings.accept('custom_fields', 'rendering_options');
    invoiceSettings.done();
  }
  params.accept('tax', 'source', 'coupon', 'promotion_code', 'validate');
}

function ensureOwnedPaymentMethod(sim: SimContext, customer: Stripe.Customer, pmId: string): void {
  const pm = sim.store.get<Stripe.PaymentMethod>(
    'payment_method',
    pmId,
    'invoice_settings[default_payment_method]',
  );
  if (idOf(pm.customer) !== customer.id) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
      'invoice_settings[default_payment_method]',
      'resource_missing',
    );
  }
}

function updateCustomer(sim: SimContext, id: string, params: Params): Stripe.Customer {
  const customer = requireCustomer(sim, id, 'id');
  const domain = sim.domainOfCustomer(id);
  const previousDefault = idOf(customer.invoice_settings.default_payment_method as string | null);
  // Read and check everything on a copy first, so a refused request changes nothing.
  const draft = structuredClone(customer);
  applyCustomerParams(sim, draft, params, false);
  params.done();
  const updated = updateWithEvent(sim, customer, 'customer.updated', (c) => Object.assign(c, draft), domain);
  const newDefault = idOf(updated.invoice_settings.default_payment_method as string | null);
  if (newDefault && newDefault !== previousDefault) onDefaultPaymentMethodChanged(sim, id, domain);
  return updated;
}

function deleteCustomer(sim: SimContext, id: string): unknown {
  const customer = requireCustomer(sim, id, 'id');
  for (const sub of sim.store.all<Stripe.Subscription>('subscription')) {
    if (idOf(sub.customer) === id && !['canceled', 'incomplete_expired'].includes(sub.status)) {
      cancelSubscriptionNow(sim, sub, {
        prorate: false,
        invoiceNow: false,
        reason: 'cancellation_requested',
      });
    }
  }
  (customer as unknown as { deleted: boolean }).deleted = true;
  sim.emit('customer.deleted', customer, undefined, sim.domainOfCustomer(id));
  return { id, object: 'customer', deleted: true };
}

function addTaxId(sim: SimContext, customer: Stripe.Customer, type: string, value: string): Stripe.TaxId {
  const pattern = TAX_ID_PATTERNS[type];
  const normalized = value.replace(/\s+/g, '');
  if (pattern && !pattern.test(normalized)) {
    throw invalidRequest(`Invalid value for ${type}.`, 'value', 'tax_id_invalid');
  }
  const taxId = {
    id: newId('txi'),
    object: 'tax_id',
    country: type.slice(0, 2).toUpperCase(),
    created: sim.nowFor(customer.id),
    customer: customer.id,
    customer_account: null,
    livemode: false,
    owner: { customer: customer.id, type: 'customer', customer_account: null },
    type,
    value: normalized,
    verification: {
      status: type === 'au_abn' ? 'verified' : 'pending',
      verified_address: null,
      verified_name: null,
    },
  } as unknown as Stripe.TaxId;
  sim.store.insert(taxId);
  syncTaxIdList(sim, customer);
  sim.emit('customer.tax_id.created', taxId, undefined, sim.domainOfCustomer(customer.id));
  return taxId;
}

/** Keeps the includable `customer.tax_ids` list in step with the customer's tax id objects. */
function syncTaxIdList(sim: SimContext, customer: Stripe.Customer): void {
  const data = sim.store.all<Stripe.TaxId>('tax_id').filter((t) => idOf(t.customer) === customer.id);
  customer.tax_ids = { object: 'list', data, has_more: false, url: `/v1/customers/${customer.id}/tax_ids` };
}

/** Customer search, for the query forms hosts use: `email:'x'`, `metadata['k']:'v'`, `name:'x'`. */
function searchCustomers(sim: SimContext, params: Params): unknown {
  const query = params.string('query');
  const limit = params.optionalInt('limit', { min: 1, max: 100 }) ?? 10;
  params.accept('page');
  params.done();
  const clauses = query.split(/\s+AND\s+/i).map((clause) => {
    const m = /^(email|name|phone|metadata\[['"]([^'"]+)['"]\])\s*:\s*['"]([^'"]*)['"]$/.exec(clause.trim());
    if (!m) throw invalidRequest(`Invalid search query: ${clause}`, 'query');
    return { field: m[1]!, metaKey: m[2], value: m[3]! };
  });
  const matches = liveCustomers(sim).filter((c) =>
    clauses.every((clause) =>
      clause.metaKey !== undefined
        ? c.metadata[clause.metaKey] === clause.value
        : (c as unknown as Record<string, unknown>)[clause.field] === clause.value,
    ),
  );
  const data = matches.reverse().slice(0, limit);
  return {
    object: 'search_result',
    data,
    has_more: matches.length > limit,
    next_page: null,
    url: '/v1/customers/search',
    total_count: matches.length,
  };
}
