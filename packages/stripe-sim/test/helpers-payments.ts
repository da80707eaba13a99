// Shared steps of the payment tests: a customer and a confirmed A$ payment on a test card.

import type Stripe from 'stripe';
import type { StripeSim } from '../src/index.js';

export async function customerWithPayment(
  sim: StripeSim,
  options: { paymentMethod?: string; amount?: number; description?: string } = {},
): Promise<{ customer: Stripe.Customer; paymentIntent: Stripe.PaymentIntent; chargeId: string }> {
  const customer = await sim.stripe.customers.create({ email: 'payer@example.com' });
  const paymentIntent = await sim.stripe.paymentIntents.create({
    amount: options.amount ?? 1000,
    currency: 'aud',
    customer: customer.id,
    payment_method: options.paymentMethod ?? 'pm_card_au',
    confirm: true,
    ...(options.description ? { description: options.description } : {}),
  });
  return { customer, paymentIntent, chargeId: paymentIntent.latest_charge as string };
}

export function eventsOfType(sim: StripeSim, type: string): Stripe.Event[] {
  return sim.webhooks.events().filter((event) => event.type === type);
}
