// /v1/charges: retrieve, list, search and update the charges PaymentIntents make. Charges are
// created by confirming a PaymentIntent (src/billing/payments.ts); the legacy create is refused.

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { invalidRequest } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { requireCustomer } from './customers.js';
import { idOf, readAddress, updateWithEvent } from './shared.js';

export const chargeRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/charges',
    handler: () => {
      throw invalidRequest(
        'Creating charges directly with the Charges API is legacy and is not supported by this simulator. ' +
          'Create and confirm a PaymentIntent instead (POST /v1/payment_intents with confirm=true); it makes the charge.',
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges/search',
    handler: ({ sim, params }) => searchCharges(sim, params),
  },
  {
    method: 'GET',
    pattern: '/v1/charges/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return requireCharge(sim, path.id!, 'id');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/charges/:id',
    handler: ({ sim, path, params }) => updateCharge(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/charges/:id/capture',
    handler: ({ sim, path, params }) => {
      const charge = requireCharge(sim, path.id!, 'charge');
      params.accept(
        'amount',
        'application_fee',
        'application_fee_amount',
        'receipt_email',
        'statement_descriptor',
        'statement_descriptor_suffix',
        'transfer_data',
        'transfer_group',
      );
      params.done();
      // Every simulated charge is captured when its PaymentIntent confirms (capture_method=automatic).
      if (charge.captured) {
        throw invalidRequest(
          `Charge ${charge.id} has already been captured.`,
          undefined,
          'charge_already_captured',
        );
      }
      throw invalidRequest(
        `Charge ${charge.id} cannot be captured because it has a status of ${charge.status}.`,
      );
    },
  },
  // The charge's own refunds list (`charge.refunds.url`), which Stripe still answers.
  {
    method: 'GET',
    pattern: '/v1/charges/:id/refunds',
    handler: (ctx) => {
      const charge = requireCharge(ctx.sim, ctx.path.id!, 'charge');
      const rows = ctx.sim.store
        .all<Stripe.Refund>('refund')
        .filter((r) => idOf(r.charge as string) === charge.id);
      const page = paginate(ctx, rows, `/v1/charges/${charge.id}/refunds`);
      ctx.params.done();
      return page;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges/:id/refunds/:refund',
    handler: ({ sim, path, params }) => {
      const charge = requireCharge(sim, path.id!, 'charge');
      params.done();
      const refund = sim.store.get<Stripe.Refund>('refund', path.refund!, 'id');
      if (idOf(refund.charge as string) !== charge.id) {
        throw invalidRequest(`No such refund: '${path.refund}'`, 'id', 'resource_missing');
      }
      return refund;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges',
    handler: (ctx) => {
      const customer = ctx.params.optionalString('customer');
      const paymentIntent = ctx.params.optionalString('payment_intent');
      const transferGroup = ctx.params.optionalString('transfer_group');
      const rows = ctx.sim.store
        .all<Stripe.Charge>('charge')
        .filter(
          (charge) =>
            (!customer || idOf(charge.customer as string | null) === customer) &&
            (!paymentIntent || idOf(charge.payment_intent as string | null) === paymentIntent) &&
            (!transferGroup || charge.transfer_group === transferGroup),
        );
      const page = paginate(ctx, rows, '/v1/charges');
      ctx.params.done();
      return page;
    },
  },
];

/** The charge with this id, or Stripe's 404 naming `param`. */
export function requireCharge(sim: SimContext, id: string, param?: string): Stripe.Charge {
  return sim.store.get<Stripe.Charge>('charge', id, param);
}

function updateCharge(sim: SimContext, id: string, params: Params): Stripe.Charge {
  const charge = requireCharge(sim, id, 'id');
  const domain = sim.domainOfCustomer(idOf(charge.customer as string | null));
  // Every parameter is read and checked before anything changes: a refused update leaves the charge as it was.
  const patch: Partial<Stripe.Charge> = {};
  const customer = params.optionalString('customer');
  if (customer) {
    requireCustomer(sim, customer, 'customer');
    const current = idOf(charge.customer as string | null);
    if (current && current !== customer) {
      throw invalidRequest(
        `This charge already belongs to customer ${current}; its customer can only be set when it has none.`,
        'customer',
      );
    }
    patch.customer = customer;
  }
  const description = params.nullableString('description');
  if (description !== undefined) patch.description = description;
  const receiptEmail = params.nullableString('receipt_email');
  if (receiptEmail !== undefined) {
    if (receiptEmail && !/^[^@\s]+@[^@\s]+$/.test(receiptEmail)) {
      throw invalidRequest(`Invalid email address: ${receiptEmail}`, 'receipt_email', 'email_invalid');
    }
    patch.receipt_email = receiptEmail;
  }
  const metadata = params.metadataPatch(charge.metadata);
  if (metadata) patch.metadata = metadata;
  const fraudDetails = params.optionalObject('fraud_details');
  if (fraudDetails) {
    const report = fraudDetails.optionalString('user_report');
    fraudDetails.done();
    if (report === undefined) {
      throw invalidRequest(
        'Missing required param: fraud_details[user_report].',
        'fraud_details[user_report]',
        'parameter_missing',
      );
    }
    const next = { ...charge.fraud_details };
    if (report === '') delete next.user_report;
    else if (report === 'safe' || report === 'fraudulent') next.user_report = report;
    else {
      throw invalidRequest(
        'Invalid fraud_details[user_report]: must be one of safe, fraudulent',
        'fraud_details[user_report]',
      );
    }
    patch.fraud_details = next;
  }
  const shipping = params.optionalObject('shipping');
  if (shipping) {
    const name = shipping.string('name');
    const address = readAddress(shipping.optionalObject('address'));
    if (!address) {
      throw invalidRequest(
        'Missing required param: shipping[address].',
        'shipping[address]',
        'parameter_missing',
      );
    }
    patch.shipping = {
      address,
      carrier: shipping.optionalString('carrier') ?? null,
      name,
      phone: shipping.optionalString('phone') ?? null,
      tracking_number: shipping.optionalString('tracking_number') ?? null,
    };
    shipping.done();
  } else if (params.isUnset('shipping')) patch.shipping = null;
  const transferGroup = params.optionalString('transfer_group');
  if (transferGroup) {
    if (charge.transfer_group && charge.transfer_group !== transferGroup) {
      throw invalidRequest('transfer_group may only be provided if it has not been set.', 'transfer_group');
    }
    patch.transfer_group = transferGroup;
  }
  params.done();
  return updateWithEvent(sim, charge, 'charge.updated', (target) => Object.assign(target, patch), domain);
}

/** Charge search for Stripe's equality clauses: `customer:'cus_..'`, `status:'succeeded'`, `metadata['k']:'v'`, `amount:1000`. */
function searchCharges(sim: SimContext, params: Params): unknown {
  const query = params.string('query');
  const limit = params.optionalInt('limit', { min: 1, max: 100 }) ?? 10;
  params.accept('page');
  params.done();
  const fields = ['amount', 'currency', 'customer', 'disputed', 'refunded', 'status', 'payment_intent'];
  const clauses = query.split(/\s+AND\s+/i).map((clause) => {
    const m = /^([a-z_]+|metadata\[['"]([^'"]+)['"]\])\s*:\s*(?:['"]([^'"]*)['"]|([^\s'"]+))$/.exec(
      clause.trim(),
    );
    if (!m || (m[2] === undefined && !fields.includes(m[1]!))) {
      throw invalidRequest(`Invalid search query: ${clause}`, 'query');
    }
    return { field: m[1]!, metaKey: m[2], value: m[3] ?? m[4]! };
  });
  const matches = sim.store.all<Stripe.Charge>('charge').filter((charge) =>
    clauses.every((clause) => {
      if (clause.metaKey !== undefined) return charge.metadata[clause.metaKey] === clause.value;
      const value = (charge as unknown as Record<string, unknown>)[clause.field];
      const plain = value && typeof value === 'object' ? (value as { id: string }).id : value;
      return String(plain) === clause.value;
    }),
  );
  const data = matches.reverse().slice(0, limit);
  return {
    object: 'search_result',
    data,
    has_more: matches.length > limit,
    next_page: null,
    url: '/v1/charges/search',
    total_count: matches.length,
  };
}
