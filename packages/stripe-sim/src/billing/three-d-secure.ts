// The customer's side of 3D Secure: answering the challenge of an intent in `requires_action`,
// which Stripe.js does in the browser. The simulator's test helper stands in for it.

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { invalidRequest } from '../errors.js';
import { completeSetup } from '../resources/setup-intents.js';
import { idOf } from '../resources/shared.js';
import { onPaymentIntentSettled } from './collection.js';
import { confirmPaymentIntent } from './payments.js';

export function completeThreeDSecure(sim: SimContext, intentId: string, outcome: 'succeed' | 'fail'): void {
  const intent = sim.store.find<Stripe.PaymentIntent | Stripe.SetupIntent>(intentId);
  if (!intent || (intent.object !== 'payment_intent' && intent.object !== 'setup_intent')) {
    throw invalidRequest(`No such intent: '${intentId}'`, 'intent', 'resource_missing');
  }
  if (intent.status !== 'requires_action') {
    throw invalidRequest(
      `This intent is ${intent.status}; only an intent in requires_action has a 3D Secure challenge to answer.`,
      'intent',
      'payment_intent_unexpected_state',
    );
  }
  const domain = sim.domainOfCustomer(idOf(intent.customer as string | null));
  if (outcome === 'fail') {
    failAuthentication(sim, intent, domain);
    return;
  }
  sim.authenticatedIntents.add(intent.id);
  if (intent.object === 'setup_intent') {
    completeSetup(sim, intent, domain);
    return;
  }
  const result = confirmPaymentIntent(sim, intent, { offSession: false, domain });
  onPaymentIntentSettled(sim, intent, result, domain);
}

function failAuthentication(
  sim: SimContext,
  intent: Stripe.PaymentIntent | Stripe.SetupIntent,
  domain: string | null,
): void {
  const error = {
    type: 'invalid_request_error',
    code:
      intent.object === 'payment_intent'
        ? 'payment_intent_authentication_failure'
        : 'setup_intent_authentication_failure',
    message:
      'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
  };
  intent.status = 'requires_payment_method';
  intent.next_action = null;
  if (intent.object === 'payment_intent') {
    intent.last_payment_error = error as Stripe.PaymentIntent.LastPaymentError;
    sim.emit('payment_intent.payment_failed', intent, { status: 'requires_action' }, domain);
  } else {
    intent.last_setup_error = error as Stripe.SetupIntent.LastSetupError;
    sim.emit('setup_intent.setup_failed', intent, { status: 'requires_action' }, domain);
  }
}
