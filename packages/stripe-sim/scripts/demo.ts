// The quick-start demo (`npm run demo` at the root): an Australian customer subscribes to Pro at
// A$10/month (GST included), the simulated clock moves a month on, and we print the renewal invoice
// and every webhook event the simulator sent, each one verified with its Stripe-Signature.
// Everything goes through the official `stripe` client; nothing leaves this process.

import Stripe from 'stripe';
import { createStripeSim } from '../src/index.js';

interface ReceivedEvent {
  type: string;
  objectId: string;
}

const sim = createStripeSim();
const { stripe } = sim;

const received: ReceivedEvent[] = [];
const rejected: string[] = [];
const listener = sim.webhooks.listen(async (request) => {
  const body = await request.text();
  try {
    const event = stripe.webhooks.constructEvent(
      body,
      request.headers.get('stripe-signature') ?? '',
      listener.secret,
    );
    received.push({ type: event.type, objectId: objectIdOf(event) });
    return new Response('ok');
  } catch (error) {
    rejected.push(messageOf(error));
    return new Response('bad signature', { status: 400 });
  }
});

async function runDemo(): Promise<void> {
  console.log(`Billkit demo: offline Stripe simulator (API version ${sim.apiVersion})`);
  console.log(`Simulated time starts at ${formatDateTime(sim.clock.now())}\n`);

  const product = await step('create product Pro', () =>
    stripe.products.create({ name: 'Pro', description: 'Résumé builder and job tracker' }),
  );
  console.log(`✓ product      ${product.name} (${product.id})`);

  const price = await step('create the A$10/month price', () =>
    stripe.prices.create({
      product: product.id,
      unit_amount: 1000,
      currency: 'aud',
      recurring: { interval: 'month' },
      tax_behavior: 'inclusive',
      lookup_key: 'pro_monthly',
    }),
  );
  console.log(
    `✓ price        ${formatMoney(price.unit_amount ?? 0, price.currency)} / ${price.recurring?.interval}, ` +
      `tax ${price.tax_behavior}, lookup_key ${price.lookup_key} (${price.id})`,
  );

  const taxRate = await step('create the GST tax rate', () =>
    stripe.taxRates.create({
      display_name: 'GST',
      percentage: 10,
      inclusive: true,
      country: 'AU',
      tax_type: 'gst',
      description: 'Australian GST',
    }),
  );
  console.log(
    `✓ tax rate     ${taxRate.display_name} ${taxRate.percentage}% ${taxRate.inclusive ? 'inclusive' : 'exclusive'}, ` +
      `${taxRate.country} (${taxRate.id})`,
  );

  const customer = await step('create the customer', () =>
    stripe.customers.create({
      name: 'Charlotte Nguyen',
      email: 'charlotte@example.com.au',
      address: { line1: '1 Martin Place', city: 'Sydney', state: 'NSW', postal_code: '2000', country: 'AU' },
    }),
  );
  console.log(
    `✓ customer     ${customer.name} <${customer.email}>, ${formatAddress(customer.address)} (${customer.id})`,
  );

  const paymentMethod = await step('attach the Australian Visa test card (pm_card_au)', () =>
    stripe.paymentMethods.attach('pm_card_au', { customer: customer.id }),
  );
  await step('make the card the default for invoices', () =>
    stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: paymentMethod.id },
    }),
  );
  const card = paymentMethod.card;
  console.log(
    `✓ card         ${card ? `${capitalize(card.brand)} •••• ${card.last4} (${card.country})` : paymentMethod.type}, ` +
      `default for invoices (${paymentMethod.id})`,
  );

  const subscription = await step('subscribe the customer to Pro', () =>
    stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_tax_rates: [taxRate.id],
    }),
  );
  console.log(`✓ subscription ${subscription.status} (${subscription.id})`);

  const firstInvoice = await step('retrieve the first invoice', () => latestInvoice(subscription));
  printInvoice('First invoice', firstInvoice);

  console.log(`\nAdvancing the simulated clock by 1 month and 2 hours ...`);
  await step('advance the clock', () => sim.clock.advance({ months: 1, hours: 2 }));
  console.log(`Simulated time is now ${formatDateTime(sim.clock.now())}`);

  const renewed = await step('retrieve the subscription after renewal', () =>
    stripe.subscriptions.retrieve(subscription.id),
  );
  const renewalInvoice = await step('retrieve the renewal invoice', () => latestInvoice(renewed));
  if (renewalInvoice.id === firstInvoice.id) {
    throw new Error('The subscription did not renew: its latest invoice is still the first one.');
  }
  printInvoice('Renewal invoice', renewalInvoice);
  console.log(`\nSubscription ${renewed.id} is ${renewed.status}`);

  await sim.webhooks.flush();
  printEvents();
}

/** Runs one step of the demo, naming the step (and a missing simulator route) if it fails. */
async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const notImplemented =
      error instanceof Stripe.errors.StripeError && error.message.startsWith('Unrecognized request URL');
    const reason = notImplemented
      ? `the simulator does not implement this endpoint yet (${error.message.split('.')[0]})`
      : messageOf(error);
    throw new Error(`Step "${name}" failed: ${reason}`);
  }
}

async function latestInvoice(subscription: Stripe.Subscription): Promise<Stripe.Invoice> {
  const latest = subscription.latest_invoice;
  if (!latest) throw new Error(`Subscription ${subscription.id} has no invoice.`);
  return typeof latest === 'string' ? stripe.invoices.retrieve(latest) : latest;
}

function printInvoice(title: string, invoice: Stripe.Invoice): void {
  const taxes = invoice.total_taxes ?? [];
  const tax = taxes.reduce((sum, item) => sum + item.amount, 0);
  const taxNote = taxes[0] ? `(${taxes[0].tax_behavior})` : '(no tax on this invoice)';
  const lines = invoice.lines.data;
  const period = lines[0]?.period;

  console.log(`\n${title}`);
  console.log(`  number   ${invoice.number ?? '(draft: no number yet)'}   (${invoice.id})`);
  console.log(`  status   ${invoice.status}   billing reason: ${invoice.billing_reason}`);
  console.log(`  total    ${formatMoney(invoice.total, invoice.currency)}`);
  console.log(`  GST      ${formatMoney(tax, invoice.currency)} ${taxNote}`);
  console.log(`  paid     ${formatMoney(invoice.amount_paid, invoice.currency)}`);
  if (period) console.log(`  period   ${formatPeriod(period)}`);
  console.log('  lines');
  for (const line of lines) {
    // Stripe writes the quantity into the description: "1 × Pro (at A$10.00 / month)".
    const description = line.description ?? `${line.quantity ?? 1} × (no description)`;
    console.log(
      `    ${description}   ${formatMoney(line.amount, line.currency)}   ${formatPeriod(line.period)}`,
    );
  }
}

function printEvents(): void {
  console.log(`\nWebhook events received (${received.length}, every signature verified)`);
  const width = Math.max(0, ...received.map((event) => event.type.length));
  for (const event of received) {
    console.log(`  ${event.type.padEnd(width)}  ${event.objectId}`);
  }
  if (rejected.length > 0) {
    process.exitCode = 1;
    console.error(`\n✖ ${rejected.length} deliveries failed signature verification: ${rejected[0]}`);
  }
}

function objectIdOf(event: Stripe.Event): string {
  const object = event.data.object as { id?: string };
  return object.id ?? '(no id)';
}

// en-AU writes the Australian dollar as a bare "$"; the demo says "A$" so that nobody reads US
// dollars, and keeps en-AU for everything else.
const currencySymbols = new Map([['aud', 'A$']]);

function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en-AU', { style: 'currency', currency: currency.toUpperCase() });
  const symbol = currencySymbols.get(currency.toLowerCase());
  return format
    .formatToParts(amount / 100)
    .map((part) => (part.type === 'currency' && symbol ? symbol : part.value))
    .join('');
}

const dateFormat = new Intl.DateTimeFormat('en-AU', { dateStyle: 'medium', timeZone: 'Australia/Sydney' });
const dateTimeFormat = new Intl.DateTimeFormat('en-AU', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Australia/Sydney',
});

function formatDateTime(unixSeconds: number): string {
  return `${dateTimeFormat.format(unixSeconds * 1000)} (Sydney time)`;
}

function formatPeriod(period: { start: number; end: number }): string {
  return `${dateFormat.format(period.start * 1000)} → ${dateFormat.format(period.end * 1000)}`;
}

function formatAddress(address: Stripe.Address | null | undefined): string {
  if (!address) return '(no address)';
  return [address.city, address.state, address.postal_code, address.country].filter(Boolean).join(' ');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Last in the file, so that the formatters above are initialised before the demo prints.
try {
  await runDemo();
} catch (error) {
  process.exitCode = 1;
  console.error(`\n✖ ${messageOf(error)}`);
} finally {
  listener.close();
}
