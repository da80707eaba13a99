// /v1/setup_intents: saving a card for later (the Payment Element's flow): create, confirm with a
// test card (3D Secure when the card asks), cancel, list. Success attaches the card to the customer.

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { requireCustomer } from './customers.js';
import { attachPaymentMethod, cardDeclined, resolvePaymentMethod } from './payment-methods.js';
import { idOf } from './shared.js';

export const setupIntentRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/setup_intents', handler: ({ sim, params }) => create(sim, params) },
  {
    method: 'GET',
    pattern: '/v1/setup_intents/:id',
    handler: ({ sim, path, params }) => {
      params.accept('client_secret');
      params.done();
      return sim.store.get('setup_intent', path.id!, 'intent');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/setup_intents/:id',
    handler: ({ sim, path, params }) => {
      const si = sim.store.get<Stripe.SetupIntent>('setup_intent', path.id!, 'intent');
      const metadata = params.metadataPatch(si.metadata ?? {});
      if (metadata) si.metadata = metadata;
      const description = params.nullableString('description');
      if (description !== undefined) si.description = description;
      const pm = params.optionalString('payment_method');
      if (pm) {
        si.payment_method = resolvePaymentMethod(sim, pm, 'payment_method').id;
        si.status = 'requires_confirmation';
      }
      params.accept(
        'payment_method_types',
        'payment_method_options',
        'flow_directions',
        'attach_to_self',
        'customer',
      );
      params.done();
      return si;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/setup_intents/:id/confirm',
    handler: ({ sim, path, params }) => confirm(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/setup_intents/:id/cancel',
    handler: ({ sim, path, params }) => {
      const si = sim.store.get<Stripe.SetupIntent>('setup_intent', path.id!, 'intent');
      const reason = params.optionalEnum('cancellation_reason', [
        'abandoned',
        'duplicate',
        'requested_by_customer',
      ]);
      params.done();
      if (si.status === 'succeeded' || si.status === 'canceled') {
        throw invalidRequest(
          `You cannot cancel this SetupIntent because it has a status of ${si.status}.`,
          undefined,
          'setup_intent_unexpected_state',
        );
      }
      const before = si.status;
      si.status = 'canceled';
      si.cancellation_reason = reason ?? null;
      si.next_action = null;
      sim.emit('setup_intent.canceled', si, { status: before }, domainOf(sim, si));
      return si;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/setup_intents',
    handler: (ctx) => {
      const customer = ctx.params.optionalString('customer');
      const pm = ctx.params.optionalString('payment_method');
      ctx.params.accept('attach_to_self');
      const rows = ctx.sim.store
        .all<Stripe.SetupIntent>('setup_intent')
        .filter(
          (si) =>
            (!customer || idOf(si.customer as string | null) === customer) &&
            (!pm || idOf(si.payment_method as string | null) === pm),
        );
      const page = paginate(ctx, rows, '/v1/setup_intents');
      ctx.params.done();
      return page;
    },
  },
];

function domainOf(sim: SimContext, si: Stripe.SetupIntent): string | null {
  return sim.domainOfCustomer(idOf(si.customer as string | null));
}

function create(sim: SimContext, params: Params): Stripe.SetupIntent {
  const customer = params.optionalString('customer');
  if (customer) requireCustomer(sim, customer, 'customer');
  const pmParam = params.optionalString('payment_method');
  const pm = pmParam ? resolvePaymentMethod(sim, pmParam, 'payment_method') : undefined;
  const usage = params.optionalEnum('usage', ['off_session', 'on_session']) ?? 'off_session';
  const types = params.optionalStringArray('payment_method_types');
  const automatic = params.optionalObject('automatic_payment_methods');
  const automaticEnabled = automatic?.optionalBool('enabled');
  automatic?.accept('allow_redirects');
  automatic?.done();
  const confirmNow = params.optionalBool('confirm') ?? false;
  const description = params.optionalString('description') ?? null;
  const metadata = params.metadataPatch() ?? {};
  params.accept(
    'return_url',
    'payment_method_options',
    'flow_directions',
    'attach_to_self',
    'on_behalf_of',
    'mandate_data',
    'single_use',
    'use_stripe_sdk',
    'payment_method_data',
    'payment_method_configuration',
    'excluded_payment_method_types',
    'confirmation_token',
  );
  params.done();
  const id = newId('seti');
  const domain = sim.domainOfCustomer(customer);
  const si: Stripe.SetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: automaticEnabled ? { allow_redirects: 'always', enabled: true } : null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${newId('s', 25).slice(2)}`,
    created: sim.now(domain),
    customer: customer ?? null,
    customer_account: null,
    description,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: pm?.id ?? null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    } as Stripe.SetupIntent.PaymentMethodOptions,
    payment_method_types: types ?? ['card'],
    single_use_mandate: null,
    status: pm ? 'requires_confirmation' : 'requires_payment_method',
    usage,
  };
  sim.store.insert(si);
  sim.emit('setup_intent.created', si, undefined, domain);
  if (confirmNow) runConfirmation(sim, si);
  return si;
}

function confirm(sim: SimContext, id: string, params: Params): Stripe.SetupIntent {
  const si = sim.store.get<Stripe.SetupIntent>('setup_intent', id, 'intent');
  const pm = params.optionalString('payment_method');
  params.accept(
    'return_url',
    'payment_method_options',
    'mandate_data',
    'use_stripe_sdk',
    'client_secret',
    'payment_method_data',
    'confirmation_token',
  );
  params.done();
  if (si.status === 'succeeded' || si.status === 'canceled') {
    throw invalidRequest(
      `You cannot confirm this SetupIntent because it has a status of ${si.status}.`,
      undefined,
      'setup_intent_unexpected_state',
    );
  }
  if (pm) si.payment_method = resolvePaymentMethod(sim, pm, 'payment_method').id;
  if (!si.payment_method) {
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method.",
      'payment_method',
      'setup_intent_unexpected_state',
    );
  }
  runConfirmation(sim, si);
  return si;
}

/** Runs the card check (and 3D Secure when the card asks), then attaches the card on success. */
function runConfirmation(sim: SimContext, si: Stripe.SetupIntent): void {
  const pmId = idOf(si.payment_method as string)!;
  const profile = sim.cardProfiles.get(pmId);
  const domain = domainOf(sim, si);
  const before = si.status;
  const needsAuth = profile?.authentication !== undefined && !sim.authenticatedIntents.has(si.id);
  if (needsAuth) {
    si.status = 'requires_action';
    si.next_action = {
      type: 'use_stripe_sdk',
      use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `${sim.config.publicUrl}/3ds/${si.id}` },
    } as unknown as Stripe.SetupIntent.NextAction;
    sim.emit('setup_intent.requires_action', si, { status: before }, domain);
    return;
  }
  const decline = profile?.declineOnAttach;
  if (decline) {
    si.status = 'requires_payment_method';
    si.last_setup_error = {
      type: 'card_error',
      code: decline.code,
      decline_code: decline.declineCode,
      message: decline.message,
    } as Stripe.SetupIntent.LastSetupError;
    sim.emit('setup_intent.setup_failed', si, { status: before }, domain);
    throw cardDeclined(decline, { setup_intent: structuredClone(si) });
  }
  completeSetup(sim, si, domain);
}

/** A confirmed (and, when asked, authenticated) setup: the card is saved and usable off-session. */
export function completeSetup(sim: SimContext, si: Stripe.SetupIntent, domain: string | null): void {
  const pmId = idOf(si.payment_method as string)!;
  const before = si.status;
  sim.authenticatedForSetup.add(pmId);
  const customer = idOf(si.customer as string | null);
  if (customer) {
    const pm = sim.store.get<Stripe.PaymentMethod>('payment_method', pmId);
    if (!pm.customer) attachPaymentMethod(sim, pmId, customer, 'payment_method');
  }
  si.status = 'succeeded';
  si.next_action = null;
  si.last_setup_error = null;
  sim.emit('setup_intent.succeeded', si, { status: before }, domain);
}
