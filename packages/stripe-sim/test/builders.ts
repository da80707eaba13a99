// Builders for the simulator's journeys: a Pro (A$10) / Business (A$20) monthly catalog with
// inclusive GST, and customers with a saved card. Everything goes through the real client.

import type Stripe from 'stripe';
import { createStripeSim, type StripeSim, type StripeSimOptions } from '../src/index.js';

export const JAN_15 = Date.parse('2026-01-15T00:00:00Z') / 1000;
export const FEB_15 = Date.parse('2026-02-15T00:00:00Z') / 1000;
export const HOUR = 3600;
export const DAY = 86_400;

export interface World {
  sim: StripeSim;
  stripe: Stripe;
  pro: Stripe.Price;
  business: Stripe.Price;
  proYearly: Stripe.Price;
  gst: Stripe.TaxRate;
  /** Every event delivered to the test's webhook listener, verified with constructEvent. */
  received: Stripe.Event[];
}

export async function givenCatalog(options: StripeSimOptions = {}): Promise<World> {
  const sim = createStripeSim({ now: new Date(JAN_15 * 1000), ...options });
  const stripe = sim.stripe;
  const received: Stripe.Event[] = [];
  const listener = sim.webhooks.listen(async (request) => {
    const body = await request.text();
    received.push(
      stripe.webhooks.constructEvent(body, request.headers.get('stripe-signature')!, listener.secret),
    );
    return new Response('ok');
  });
  const proProduct = await stripe.products.create({ name: 'Pro' });
  const businessProduct = await stripe.products.create({ name: 'Business' });
  const recurring = { interval: 'month' as const };
  const pro = await stripe.prices.create({
    product: proProduct.id,
    currency: 'aud',
    unit_amount: 1000,
    recurring,
    tax_behavior: 'inclusive',
    lookup_key: 'pro_monthly',
  });
  const business = await stripe.prices.create({
    product: businessProduct.id,
    currency: 'aud',
    unit_amount: 2000,
    recurring,
    tax_behavior: 'inclusive',
    lookup_key: 'business_monthly',
  });
  const proYearly = await stripe.prices.create({
    product: proProduct.id,
    currency: 'aud',
    unit_amount: 10_000,
    recurring: { interval: 'year' },
    tax_behavior: 'inclusive',
    lookup_key: 'pro_yearly',
  });
  const gst = await stripe.taxRates.create({
    display_name: 'GST',
    percentage: 10,
    inclusive: true,
    country: 'AU',
    tax_type: 'gst',
  });
  return { sim, stripe, pro, business, proYearly, gst, received };
}

/** A customer whose default card is `card` (an Australian Visa unless told otherwise). */
export async function givenCustomer(
  world: World,
  card = 'pm_card_au',
): Promise<{ customer: Stripe.Customer; card: Stripe.PaymentMethod }> {
  const customer = await world.stripe.customers.create({
    email: 'jo@example.com.au',
    name: 'Jo Citizen',
    address: { line1: '1 George St', city: 'Sydney', state: 'NSW', postal_code: '2000', country: 'AU' },
  });
  const pm = await world.stripe.paymentMethods.attach(card, { customer: customer.id });
  await world.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  return { customer, card: pm };
}

/** An active A$10/month Pro subscriber, paid up. */
export async function givenActiveSubscriber(world: World, card = 'pm_card_au') {
  const { customer, card: pm } = await givenCustomer(world, card);
  const subscription = await world.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: world.pro.id }],
    default_tax_rates: [world.gst.id],
  });
  return { customer, card: pm, subscription };
}

export async function latestInvoice(world: World, subscriptionId: string): Promise<Stripe.Invoice> {
  const sub = await world.stripe.subscriptions.retrieve(subscriptionId);
  return world.stripe.invoices.retrieve(sub.latest_invoice as string);
}

/** Types of the events delivered so far, after waiting for deliveries still on their way. */
export async function eventTypes(world: World): Promise<string[]> {
  await world.sim.webhooks.flush();
  return world.received.map((e) => e.type);
}
