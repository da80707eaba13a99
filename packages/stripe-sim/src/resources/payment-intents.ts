// /v1/payment_intents: create, confirm (with the test cards' outcomes), update, cancel, list.

import type Stripe from 'stripe';
import { onPaymentIntentSettled } from '../billing/collection.js';
import { confirmPaymentIntent, createPaymentIntent } from '../billing/payments.js';
import type { SimContext } from '../engine/context.js';
import { invalidRequest } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { requireCustomer } from './customers.js';
import { cardDeclined, resolvePaymentMethod } from './payment-methods.js';
import { idOf, readCurrency } from './shared.js';

export const paymentIntentRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/payment_intents', handler: ({ sim, params }) => create(sim, params) },
  {
    method: 'GET',
    pattern: '/v1/payment_intents/:id',
    handler: ({ sim, path, params }) => {
      params.accept('client_secret');
      params.done();
      return sim.store.get('payment_intent', path.id!, 'intent');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id',
    handler: ({ sim, path, params }) => update(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id/confirm',
    handler: ({ sim, path, params }) => confirm(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id/cancel',
    handler: ({ sim, path, params }) => cancel(sim, path.id!, params),
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents',
    handler: (ctx) => {
      const customer = ctx.params.optionalString('customer');
      const rows = ctx.sim.store
        .all<Stripe.PaymentIntent>('payment_intent')
        .filter((pi) => !customer || idOf(pi.customer as string | null) === customer);
      const page = paginate(ctx, rows, '/v1/payment_intents');
      ctx.params.done();
      return page;
    },
  },
];

function create(sim: SimContext, params: Params): Stripe.PaymentIntent {
  const amount = params.int('amount');
  const currency = readCurrency(params)!;
  if (amount < 50) {
    throw invalidRequest('Amount must be at least A$0.50 aud', 'amount', 'amount_too_small');
  }
  const customer = params.optionalString('customer');
  if (customer) requireCustomer(sim, customer, 'customer');
  const pmParam = params.optionalString('payment_method');
  const pm = pmParam ? resolvePaymentMethod(sim, pmParam, 'payment_method') : undefined;
  const confirmNow = params.optionalBool('confirm') ?? false;
  const offSession = params.optionalBool('off_session') ?? false;
  const captureMethod = params.optionalEnum('capture_method', ['automatic', 'automatic_async', 'manual']);
  if (captureMethod === 'manual') {
    throw invalidRequest('Manual capture is not simulated; use capture_method=automatic.', 'capture_method');
  }
  const setupFutureUsage = params.optionalEnum('setup_future_usage', ['off_session', 'on_session']);
  const pi = createPaymentIntent(sim, {
    amount,
    currency,
    customer: customer ?? null,
    paymentMethod: pm?.id ?? null,
    description: params.optionalString('description') ?? null,
    metadata: params.metadataPatch() ?? {},
    setupFutureUsage: setupFutureUsage ?? null,
    receiptEmail: params.optionalString('receipt_email') ?? null,
    domain: sim.domainOfCustomer(customer),
  });
  params.accept(
    'automatic_payment_methods',
    'payment_method_types',
    'return_url',
    'statement_descriptor',
    'statement_descriptor_suffix',
    'payment_method_options',
    'error_on_requires_action',
    'use_stripe_sdk',
  );
  params.done();
  if (confirmNow) runConfirmation(sim, pi, offSession);
  return pi;
}

function update(sim: SimContext, id: string, params: Params): Stripe.PaymentIntent {
  const pi = sim.store.get<Stripe.PaymentIntent>('payment_intent', id, 'intent');
  if (['succeeded', 'canceled'].includes(pi.status)) {
    throw invalidRequest(
      `This PaymentIntent's amount could not be updated because it has a status of ${pi.status}.`,
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  // Read everything first, so a refused request changes nothing; Stripe sends no event for an update.
  const amount = params.optionalInt('amount', { min: 50 });
  const pm = params.optionalString('payment_method');
  const paymentMethod = pm ? resolvePaymentMethod(sim, pm, 'payment_method').id : undefined;
  const description = params.nullableString('description');
  const metadata = params.metadataPatch(pi.metadata);
  params.accept('receipt_email', 'setup_future_usage', 'payment_method_options');
  params.done();
  if (amount !== undefined) pi.amount = amount;
  if (paymentMethod) {
    pi.payment_method = paymentMethod;
    pi.status = 'requires_confirmation';
  }
  if (description !== undefined) pi.description = description;
  if (metadata) pi.metadata = metadata;
  return pi;
}

function confirm(sim: SimContext, id: string, params: Params): Stripe.PaymentIntent {
  const pi = sim.store.get<Stripe.PaymentIntent>('payment_intent', id, 'intent');
  if (pi.status === 'succeeded') {
    throw invalidRequest(
      'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.',
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  if (pi.status === 'canceled') {
    throw invalidRequest(
      'You cannot confirm this PaymentIntent because it has a status of canceled.',
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  const pm = params.optionalString('payment_method');
  if (pm) pi.payment_method = resolvePaymentMethod(sim, pm, 'payment_method').id;
  if (!pi.payment_method) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a customer, provide a payment method.",
      'payment_method',
      'payment_intent_unexpected_state',
    );
  }
  const offSession = params.optionalBool('off_session') ?? false;
  params.accept(
    'return_url',
    'payment_method_options',
    'use_stripe_sdk',
    'mandate_data',
    'error_on_requires_action',
    'setup_future_usage',
    'client_secret',
    'receipt_email',
  );
  params.done();
  runConfirmation(sim, pi, offSession);
  return pi;
}

/** Confirms, settles any invoice the intent pays, and answers a decline with Stripe's 402. */
function runConfirmation(sim: SimContext, pi: Stripe.PaymentIntent, offSession: boolean): void {
  const domain = sim.domainOfCustomer(idOf(pi.customer as string | null));
  const outcome = confirmPaymentIntent(sim, pi, { offSession, domain });
  onPaymentIntentSettled(sim, pi, outcome, domain);
  if (outcome.kind === 'declined') {
    throw cardDeclined(outcome.decline, { charge: outcome.charge.id, payment_intent: structuredClone(pi) });
  }
}

function cancel(sim: SimContext, id: string, params: Params): Stripe.PaymentIntent {
  const pi = sim.store.get<Stripe.PaymentIntent>('payment_intent', id, 'intent');
  const reason = params.optionalEnum('cancellation_reason', [
    'duplicate',
    'fraudulent',
    'requested_by_customer',
    'abandoned',
  ]);
  params.done();
  if (['succeeded', 'canceled', 'processing'].includes(pi.status)) {
    throw invalidRequest(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  if (sim.invoiceOfPaymentIntent.has(pi.id)) {
    throw invalidRequest(
      'You cannot cancel this PaymentIntent because it was created by an invoice. Void the invoice instead.',
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  const domain = sim.domainOfCustomer(idOf(pi.customer as string | null));
  const before = structuredClone(pi);
  pi.status = 'canceled';
  pi.canceled_at = sim.now(domain);
  pi.cancellation_reason = reason ?? null;
  pi.next_action = null;
  sim.emit('payment_intent.canceled', pi, { status: before.status, canceled_at: null }, domain);
  return pi;
}
