// /v1/payment_methods: cards from Stripe's test tokens (pm_card_visa, tok_visa, ...), attach,
// detach, update, list; and the card checks Stripe runs when a card is attached.

import type Stripe from 'stripe';
import { type CardProfile, cardForToken } from '../billing/cards.js';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest, StripeSimError } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { requireCustomer } from './customers.js';
import { idOf, readAddress, updateWithEvent } from './shared.js';

export const paymentMethodRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/payment_methods',
    handler: ({ sim, params }) => createPaymentMethod(sim, params),
  },
  {
    method: 'GET',
    pattern: '/v1/payment_methods/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return resolvePaymentMethod(sim, path.id!, 'payment_method');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id',
    handler: ({ sim, path, params }) => updatePaymentMethod(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id/attach',
    handler: ({ sim, path, params }) => {
      const customer = params.string('customer');
      params.done();
      return attachPaymentMethod(sim, path.id!, customer, 'payment_method');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id/detach',
    handler: ({ sim, path, params }) => {
      params.done();
      return detachPaymentMethod(sim, path.id!);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_methods',
    handler: (ctx) => {
      const customer = ctx.params.optionalString('customer');
      const type = ctx.params.optionalString('type');
      const rows = ctx.sim.store
        .all<Stripe.PaymentMethod>('payment_method')
        .filter((pm) => (!customer || idOf(pm.customer) === customer) && (!type || pm.type === type));
      const page = paginate(ctx, rows, '/v1/payment_methods');
      ctx.params.done();
      return page;
    },
  },
];

/** A new card PaymentMethod object for a test card profile. */
export function materializeCard(
  sim: SimContext,
  profile: CardProfile,
  billingDetails?: Partial<Stripe.PaymentMethod.BillingDetails>,
): Stripe.PaymentMethod {
  const id = newId('pm');
  const pm: Stripe.PaymentMethod = {
    id,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: billingDetails?.address ?? {
        city: null,
        country: null,
        line1: null,
        line2: null,
        postal_code: null,
        state: null,
      },
      email: billingDetails?.email ?? null,
      name: billingDetails?.name ?? null,
      phone: billingDetails?.phone ?? null,
      tax_id: null,
    },
    card: {
      brand: profile.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: profile.country,
      display_brand: profile.brand,
      exp_month: 12,
      exp_year: new Date(sim.now() * 1000).getUTCFullYear() + 3,
      fingerprint: fingerprintOf(profile),
      funding: profile.funding,
      generated_from: null,
      last4: profile.last4,
      networks: { available: [profile.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: profile.wallet
        ? ({
            dynamic_last4: profile.last4,
            type: profile.wallet,
            [profile.wallet]: {},
          } as unknown as Stripe.PaymentMethod.Card.Wallet)
        : null,
    },
    created: sim.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
  sim.cardProfiles.set(id, profile);
  return sim.store.insert(pm);
}

function fingerprintOf(profile: CardProfile): string {
  return `fp${profile.brand.slice(0, 2)}${profile.last4}${profile.country}`.padEnd(16, 'X');
}

/**
 * The PaymentMethod behind an id. A test token (`pm_card_visa`) makes a new PaymentMethod each
 * time it is used, as it does on Stripe.
 */
export function resolvePaymentMethod(
  sim: SimContext,
  idOrToken: string,
  param: string,
): Stripe.PaymentMethod {
  const profile = cardForToken(idOrToken);
  if (profile && !sim.store.find(idOrToken)) return materializeCard(sim, profile);
  return sim.store.get<Stripe.PaymentMethod>('payment_method', idOrToken, param);
}

function createPaymentMethod(sim: SimContext, params: Params): Stripe.PaymentMethod {
  const type = params.optionalString('type');
  const from = params.optionalString('payment_method');
  const card = params.optionalObject('card');
  const billing = params.optionalObject('billing_details');
  const billingDetails = billing ? readBillingDetails(billing) : undefined;
  const metadata = params.metadataPatch();
  params.accept('allow_redisplay', 'customer');
  params.done();
  let profile: CardProfile | undefined;
  if (from) {
    profile = cardForToken(from) ?? sim.cardProfiles.get(from);
    if (!profile) sim.store.get('payment_method', from, 'payment_method');
  } else {
    if (!type) throw invalidRequest('Missing required param: type.', 'type', 'parameter_missing');
    if (type !== 'card') {
      throw invalidRequest(
        `The simulator supports only card payment methods; '${type}' is not simulated.`,
        'type',
        'payment_method_unactivated',
      );
    }
    if (!card) throw invalidRequest('Missing required param: card.', 'card', 'parameter_missing');
    const token = card.optionalString('token');
    if (card.has('number')) {
      throw invalidRequest(
        'Sending credit card numbers directly to the Stripe API is generally unsafe. To continue processing use Stripe.js, the Stripe mobile bindings, or Stripe Elements. For testing, use a test token such as tok_visa.',
        'card[number]',
      );
    }
    card.accept('exp_month', 'exp_year', 'cvc');
    if (!token)
      throw invalidRequest('Missing required param: card[token].', 'card[token]', 'parameter_missing');
    profile = cardForToken(token);
    if (!profile) throw invalidRequest(`No such token: '${token}'`, 'card[token]', 'resource_missing');
  }
  const pm = materializeCard(sim, profile!, billingDetails);
  if (metadata) pm.metadata = metadata;
  return pm;
}

function readBillingDetails(params: Params): Partial<Stripe.PaymentMethod.BillingDetails> {
  const out: Partial<Stripe.PaymentMethod.BillingDetails> = {};
  const address = params.optionalObject('address');
  if (address) out.address = readAddress(address);
  for (const key of ['email', 'name', 'phone'] as const) {
    const value = params.nullableString(key);
    if (value !== undefined) out[key] = value;
  }
  params.accept('tax_id');
  params.done();
  return out;
}

function updatePaymentMethod(sim: SimContext, id: string, params: Params): Stripe.PaymentMethod {
  const pm = sim.store.get<Stripe.PaymentMethod>('payment_method', id, 'payment_method');
  return updateWithEvent(
    sim,
    pm,
    'payment_method.updated',
    (target) => {
      const billing = params.optionalObject('billing_details');
      if (billing) target.billing_details = { ...target.billing_details, ...readBillingDetails(billing) };
      const card = params.optionalObject('card');
      if (card && target.card) {
        const month = card.optionalInt('exp_month', { min: 1, max: 12 });
        const year = card.optionalInt('exp_year');
        card.done();
        if (month !== undefined) target.card.exp_month = month;
        if (year !== undefined) target.card.exp_year = year;
      }
      const metadata = params.metadataPatch(target.metadata ?? {});
      if (metadata) target.metadata = metadata;
      params.accept('allow_redisplay');
      params.done();
    },
    sim.domainOfCustomer(idOf(pm.customer)),
  );
}

/** The card_error Stripe answers when a card check or charge is declined. */
export function cardDeclined(
  decline: { code: string; declineCode: string; message: string },
  extra: { charge?: string; payment_intent?: unknown; payment_method?: unknown; setup_intent?: unknown } = {},
): StripeSimError {
  return new StripeSimError(402, {
    type: 'card_error',
    code: decline.code,
    decline_code: decline.declineCode,
    message: decline.message,
    doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
    ...extra,
  });
}

/** Attaches a payment method (or a test token, which becomes a new one) to a customer. */
export function attachPaymentMethod(
  sim: SimContext,
  idOrToken: string,
  customerId: string,
  param: string,
): Stripe.PaymentMethod {
  const customer = requireCustomer(sim, customerId, 'customer');
  const pm = resolvePaymentMethod(sim, idOrToken, param);
  const owner = idOf(pm.customer);
  if (owner === customer.id) return pm;
  if (owner) {
    throw invalidRequest(
      'The payment method you provided has already been attached to a customer.',
      param,
      'payment_method_unexpected_state',
    );
  }
  if (sim.detachedPaymentMethods.has(pm.id)) {
    throw invalidRequest(
      'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.',
      param,
      'payment_method_unexpected_state',
    );
  }
  const decline = sim.cardProfiles.get(pm.id)?.declineOnAttach;
  if (decline) throw cardDeclined(decline, { payment_method: pm });
  pm.customer = customer.id;
  sim.emit('payment_method.attached', pm, undefined, sim.domainOfCustomer(customer.id));
  return pm;
}

function detachPaymentMethod(sim: SimContext, id: string): Stripe.PaymentMethod {
  const pm = sim.store.get<Stripe.PaymentMethod>('payment_method', id, 'payment_method');
  const customerId = idOf(pm.customer);
  if (!customerId) {
    throw invalidRequest(
      'The payment method you provided is not attached to a customer so detachment is impossible.',
      'payment_method',
      'payment_method_unexpected_state',
    );
  }
  const domain = sim.domainOfCustomer(customerId);
  const before = structuredClone(pm);
  pm.customer = null;
  sim.detachedPaymentMethods.add(pm.id);
  sim.emit('payment_method.detached', pm, { customer: before.customer }, domain);
  const customer = sim.store.find<Stripe.Customer>(customerId);
  if (customer && idOf(customer.invoice_settings.default_payment_method) === pm.id) {
    updateWithEvent(
      sim,
      customer,
      'customer.updated',
      (c) => {
        c.invoice_settings.default_payment_method = null;
      },
      domain,
    );
  }
  for (const sub of sim.store.all<Stripe.Subscription>('subscription')) {
    if (idOf(sub.default_payment_method) === pm.id) {
      updateWithEvent(
        sim,
        sub,
        'customer.subscription.updated',
        (s) => {
          s.default_payment_method = null;
        },
        domain,
      );
    }
  }
  return pm;
}

/** Simulates the card network updating a saved card (new expiry or number), as Stripe's card updater does. */
export function automaticallyUpdateCard(
  sim: SimContext,
  id: string,
  changes: { exp_month?: number; exp_year?: number; last4?: string },
): Stripe.PaymentMethod {
  const pm = sim.store.get<Stripe.PaymentMethod>('payment_method', id, 'payment_method');
  return updateWithEvent(
    sim,
    pm,
    'payment_method.automatically_updated',
    (target) => {
      if (!target.card) return;
      if (changes.exp_month !== undefined) target.card.exp_month = changes.exp_month;
      if (changes.exp_year !== undefined) target.card.exp_year = changes.exp_year;
      if (changes.last4 !== undefined) target.card.last4 = changes.last4;
    },
    sim.domainOfCustomer(idOf(pm.customer)),
  );
}
