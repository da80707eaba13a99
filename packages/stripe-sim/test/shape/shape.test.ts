// The shape check: every kind of object the simulator returns (and every event's `data.object`) is
// compared, key by key and JSON type by JSON type, with Stripe's published example object of its
// resource (fixtures3.json from stripe/openapi, vendored as ../fixtures/stripe-published-objects.json).
// Differences the pinned `stripe` types justify, or that the simulator makes on purpose, are listed
// with their reason in known-differences.ts; anything else fails the test of its resource.
//
// The simulator is driven only through the real `stripe` client. That client turns decimal strings
// (`unit_amount_decimal`, `quantity_decimal`, ...) into `Decimal` objects, whose toJSON() gives the
// wire string back, so every object is compared in its JSON form: what the simulator actually sent.

import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStripeSim } from '../../src/index.js';
import { stripeFixtures } from '../fixtures/stripe-fixtures.js';
import {
  compareShape,
  DEFAULT_FREE_FORM_PATHS,
  formatFindings,
  normalizePath,
  type ShapeFinding,
} from './compare-shape.js';
import {
  correctFixture,
  KNOWN_DIFFERENCES,
  type KnownDifference,
  knownDifferenceFor,
} from './known-differences.js';

const fixtures: Record<string, unknown> = stripeFixtures.resources;

/** The resources the flow below must produce at least one of (fixture keys). */
const RESOURCES = [
  'customer',
  'tax_id',
  'payment_method',
  'setup_intent',
  'product',
  'price',
  'coupon',
  'promotion_code',
  'tax_rate',
  'subscription',
  'subscription_item',
  'invoice',
  'line_item',
  'invoice_payment',
  'invoiceitem',
  'payment_intent',
  'charge',
  'refund',
  'dispute',
  'balance_transaction',
  'customer_balance_transaction',
  'event',
  'webhook_endpoint',
  'test_helpers.test_clock',
  'discount',
] as const;

type Json = Record<string, unknown>;

interface Sample {
  /** The fixture it is compared with. */
  resource: string;
  /** Where it came from, for messages: `customers.create cus_123`. */
  label: string;
  object: Json;
}

/** The object as it went over the wire (see the note at the top). */
function wire(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** Drives a realistic billing flow through the client and collects every object it returns. */
async function runFlow(): Promise<Sample[]> {
  const sim = createStripeSim({ now: new Date('2026-01-15T00:00:00Z') });
  const stripe = sim.stripe;
  const samples: Sample[] = [];
  const add = (label: string, value: unknown, resource?: string) => {
    const object = wire(value);
    samples.push({
      resource: resource ?? String(object.object),
      label: `${label} ${object.id ?? ''}`.trim(),
      object,
    });
  };
  const addAll = (label: string, list: { data: unknown[] }) => {
    for (const item of list.data) add(label, item);
  };

  // Webhook endpoint (every event type), and a test clock.
  const endpoint = await stripe.webhookEndpoints.create({
    url: 'https://example.com/stripe/webhooks',
    enabled_events: ['*'],
    description: 'Billing events',
    metadata: { team: 'billing' },
  });
  add('webhookEndpoints.create', endpoint);
  add('webhookEndpoints.retrieve', await stripe.webhookEndpoints.retrieve(endpoint.id));
  add(
    'webhookEndpoints.update',
    await stripe.webhookEndpoints.update(endpoint.id, { description: 'All billing events' }),
  );

  const frozenTime = Math.floor(Date.parse('2026-01-15T00:00:00Z') / 1000);
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: frozenTime, name: 'Renewals' });
  add('testClocks.create', clock);

  // Customer with everything an address book has; tax id; a card; a saved card via SetupIntent.
  const customer = await stripe.customers.create({
    email: 'jo@example.com',
    name: 'Jo Payer',
    phone: '+61 2 5550 1234',
    description: 'Shape check customer',
    address: { line1: '1 George St', city: 'Sydney', state: 'NSW', postal_code: '2000', country: 'AU' },
    shipping: {
      name: 'Jo Payer',
      phone: '+61 2 5550 1234',
      address: { line1: '1 George St', city: 'Sydney', state: 'NSW', postal_code: '2000', country: 'AU' },
    },
    preferred_locales: ['en-AU'],
    metadata: { crm_id: '42' },
  });
  add('customers.create', customer);
  add(
    'customers.createTaxId',
    await stripe.customers.createTaxId(customer.id, { type: 'au_abn', value: '12345678912' }),
  );
  addAll('customers.listTaxIds', await stripe.customers.listTaxIds(customer.id));
  const card = await stripe.paymentMethods.attach('pm_card_au', { customer: customer.id });
  add('paymentMethods.attach', card);
  add('paymentMethods.retrieve', await stripe.paymentMethods.retrieve(card.id));
  add(
    'customers.update',
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id, footer: 'Thanks!' },
      metadata: { crm_id: '43' },
    }),
  );
  add(
    'setupIntents.create(confirm)',
    await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      usage: 'off_session',
    }),
  );
  const pendingSetup = await stripe.setupIntents.create({ customer: customer.id });
  add('setupIntents.create', pendingSetup);
  add('setupIntents.retrieve', await stripe.setupIntents.retrieve(pendingSetup.id));

  // Catalog: product, prices, coupons, a promotion code, a tax rate.
  const product = await stripe.products.create({
    name: 'Pro plan',
    description: 'Everything',
    metadata: { tier: 'pro' },
  });
  add('products.create', product);
  const monthly = await stripe.prices.create({
    product: product.id,
    currency: 'aud',
    unit_amount: 2000,
    recurring: { interval: 'month' },
    tax_behavior: 'inclusive',
    lookup_key: 'pro_monthly',
  });
  add('prices.create(recurring)', monthly);
  add(
    'prices.create(one_time)',
    await stripe.prices.create({ product: product.id, currency: 'aud', unit_amount: 5000 }),
  );
  add('products.update', await stripe.products.update(product.id, { default_price: monthly.id }));
  add('products.retrieve', await stripe.products.retrieve(product.id));
  const coupon = await stripe.coupons.create({
    percent_off: 20,
    duration: 'repeating',
    duration_in_months: 3,
    name: '20% off',
  });
  add('coupons.create(percent)', coupon);
  const amountCoupon = await stripe.coupons.create({ amount_off: 500, currency: 'aud', duration: 'once' });
  add('coupons.create(amount)', amountCoupon);
  const promo = await stripe.promotionCodes.create({
    promotion: { type: 'coupon', coupon: amountCoupon.id },
    code: 'WELCOME5',
    restrictions: { minimum_amount: 1000, minimum_amount_currency: 'aud' },
  });
  add('promotionCodes.create', promo);
  const gst = await stripe.taxRates.create({
    display_name: 'GST',
    percentage: 10,
    inclusive: true,
    country: 'AU',
    tax_type: 'gst',
    description: 'Australian GST',
  });
  add('taxRates.create', gst);

  // A subscription with a coupon (its discount expanded), its items, its first invoice.
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: monthly.id, quantity: 2 }],
    discounts: [{ coupon: coupon.id }],
    default_tax_rates: [gst.id],
    metadata: { plan: 'pro' },
    expand: ['discounts'],
  });
  add('subscriptions.create', subscription);
  for (const discount of subscription.discounts) add('subscriptions.create expand[discounts]', discount);
  addAll('subscriptionItems.list', await stripe.subscriptionItems.list({ subscription: subscription.id }));
  const item = subscription.items.data[0]!;
  add('subscriptionItems.retrieve', await stripe.subscriptionItems.retrieve(item.id));

  const invoiceId = subscription.latest_invoice as string;
  add('invoices.retrieve', await stripe.invoices.retrieve(invoiceId));
  const expanded = await stripe.invoices.retrieve(invoiceId, { expand: ['payments', 'confirmation_secret'] });
  add('invoices.retrieve expand[payments,confirmation_secret]', expanded);
  for (const payment of expanded.payments?.data ?? []) add('invoice expand[payments]', payment);
  addAll('invoices.listLineItems', await stripe.invoices.listLineItems(invoiceId));
  const invoicePayments = await stripe.invoicePayments.list({ invoice: invoiceId });
  addAll('invoicePayments.list', invoicePayments);
  add('invoicePayments.retrieve', await stripe.invoicePayments.retrieve(invoicePayments.data[0]!.id));

  // A subscription that redeems the promotion code.
  const promoted = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: monthly.id }],
    discounts: [{ promotion_code: promo.id }],
    expand: ['discounts'],
  });
  add('subscriptions.create(promotion_code)', promoted);
  for (const discount of promoted.discounts)
    add('subscriptions.create(promotion_code) expand[discounts]', discount);

  // A quantity change mid-period (proration items), then cancellation.
  add(
    'subscriptions.update',
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, quantity: 3 }],
      proration_behavior: 'create_prorations',
    }),
  );
  addAll(
    'invoiceItems.list(pending)',
    await stripe.invoiceItems.list({ customer: customer.id, pending: true }),
  );
  add('subscriptions.cancel', await stripe.subscriptions.cancel(promoted.id));

  // A one-off invoice from an invoice item: create, finalize, pay.
  const invoiceItem = await stripe.invoiceItems.create({
    customer: customer.id,
    amount: 1500,
    currency: 'aud',
    description: 'Setup fee',
  });
  add('invoiceItems.create', invoiceItem);
  const draft = await stripe.invoices.create({
    customer: customer.id,
    pending_invoice_items_behavior: 'include',
    description: 'One-off',
  });
  add('invoices.create', draft);
  add('invoices.finalizeInvoice', await stripe.invoices.finalizeInvoice(draft.id));
  add('invoices.pay', await stripe.invoices.pay(draft.id));
  add('invoiceItems.retrieve', await stripe.invoiceItems.retrieve(invoiceItem.id));
  addAll('invoices.list', await stripe.invoices.list({ customer: customer.id }));

  // A one-off payment, its charge, a partial refund.
  const paymentIntent = await stripe.paymentIntents.create({
    amount: 4200,
    currency: 'aud',
    customer: customer.id,
    payment_method: 'pm_card_au',
    confirm: true,
    description: 'Consulting',
    metadata: { order: '7' },
  });
  add('paymentIntents.create(confirm)', paymentIntent);
  add('paymentIntents.create', await stripe.paymentIntents.create({ amount: 1000, currency: 'aud' }));
  const charge = await stripe.charges.retrieve(paymentIntent.latest_charge as string);
  add('charges.retrieve', charge);
  addAll('charges.list', await stripe.charges.list({ customer: customer.id }));
  const refund = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 1200 });
  add('refunds.create', refund);
  add('refunds.retrieve', await stripe.refunds.retrieve(refund.id));
  add('charges.retrieve(refunded)', await stripe.charges.retrieve(charge.id));
  const withRefunds = await stripe.charges.retrieve(charge.id, { expand: ['refunds'] });
  add('charges.retrieve expand[refunds]', withRefunds);
  for (const r of withRefunds.refunds?.data ?? []) add('charge expand[refunds]', r);

  // A card that needs 3D Secure (requires_action, next_action), a declined card
  // (last_payment_error, a failed charge), a wallet card, and a setup that needs authentication.
  add(
    'paymentIntents.create(3DS required)',
    await stripe.paymentIntents.create({
      amount: 2500,
      currency: 'aud',
      customer: customer.id,
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
    }),
  );
  const declined = await stripe.paymentIntents.create({
    amount: 2600,
    currency: 'aud',
    customer: customer.id,
    payment_method: 'pm_card_chargeCustomerFail',
  });
  const declineError = await stripe.paymentIntents.confirm(declined.id).then(
    () => null,
    (error: unknown) => error,
  );
  if ((declineError as { type?: string } | null)?.type !== 'StripeCardError') {
    throw new Error(`pm_card_chargeCustomerFail should decline, got ${String(declineError)}`);
  }
  const afterDecline = await stripe.paymentIntents.retrieve(declined.id);
  add('paymentIntents.retrieve(declined)', afterDecline);
  add('charges.retrieve(failed)', await stripe.charges.retrieve(afterDecline.latest_charge as string));
  const walletPayment = await stripe.paymentIntents.create({
    amount: 2700,
    currency: 'aud',
    customer: customer.id,
    payment_method: 'pm_card_visa_applePay',
    confirm: true,
  });
  add('charges.retrieve(wallet)', await stripe.charges.retrieve(walletPayment.latest_charge as string));
  add(
    'paymentMethods.retrieve(wallet)',
    await stripe.paymentMethods.retrieve(walletPayment.payment_method as string),
  );
  add(
    'setupIntents.create(authentication required)',
    await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
    }),
  );

  // A disputed payment, and evidence staged on the dispute.
  const disputedPayment = await stripe.paymentIntents.create({
    amount: 3000,
    currency: 'aud',
    customer: customer.id,
    payment_method: 'pm_card_createDispute',
    confirm: true,
  });
  const disputes = await stripe.disputes.list({ payment_intent: disputedPayment.id });
  addAll('disputes.list', disputes);
  add(
    'disputes.update',
    await stripe.disputes.update(disputes.data[0]!.id, {
      evidence: { customer_name: 'Jo Payer', product_description: 'Pro plan' },
      submit: false,
    }),
  );

  // Customer balance.
  add(
    'customers.createBalanceTransaction',
    await stripe.customers.createBalanceTransaction(customer.id, {
      amount: -500,
      currency: 'aud',
      description: 'Goodwill',
    }),
  );
  addAll('customers.listBalanceTransactions', await stripe.customers.listBalanceTransactions(customer.id));

  // A customer on the test clock whose trial ends and renews as the clock moves.
  const clocked = await stripe.customers.create({ email: 'clock@example.com', test_clock: clock.id });
  await stripe.paymentMethods.attach('pm_card_au', { customer: clocked.id });
  const trialing = await stripe.subscriptions.create({
    customer: clocked.id,
    items: [{ price: monthly.id }],
    trial_period_days: 7,
    default_payment_method: (await stripe.customers.listPaymentMethods(clocked.id)).data[0]!.id,
  });
  add('subscriptions.create(trial, test clock)', trialing);
  add(
    'testClocks.advance',
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: frozenTime + 40 * 86_400 }),
  );
  add('testClocks.retrieve', await stripe.testHelpers.testClocks.retrieve(clock.id));
  add('subscriptions.retrieve(renewed)', await stripe.subscriptions.retrieve(trialing.id));
  addAll('invoices.list(test clock)', await stripe.invoices.list({ customer: clocked.id }));

  // The balance history, the customer at the end, and every event.
  const balance = await stripe.balanceTransactions.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  for (const txn of balance) add('balanceTransactions.list', txn);
  add('customers.retrieve', await stripe.customers.retrieve(customer.id));

  const events = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
  for (const event of events) add(`events.list ${event.type}`, event);
  return samples;
}

interface Outcome {
  unexpected: ShapeFinding[];
  accepted: { finding: ShapeFinding; difference: KnownDifference }[];
}

const used = new Set<KnownDifference>();

/** Compares one object with its (corrected) fixture and splits the findings into accepted and unexpected. */
function check(
  resource: string,
  label: string,
  object: Json,
  freeFormPaths: readonly string[] = DEFAULT_FREE_FORM_PATHS,
): Outcome {
  if (fixtures[resource] === undefined) {
    const finding: ShapeFinding = {
      path: '',
      kind: 'type',
      expected: `a fixture for ${resource}`,
      actual: '(none)',
    };
    return { unexpected: [finding], accepted: [] };
  }
  const fixture = correctFixture(resource, fixtures[resource], (d) => used.add(d));
  const outcome: Outcome = { unexpected: [], accepted: [] };
  for (const finding of compareShape(object, fixture, '', { freeFormPaths })) {
    const difference = knownDifferenceFor(resource, finding, label);
    if (difference) {
      used.add(difference);
      outcome.accepted.push({ finding, difference });
    } else {
      outcome.unexpected.push(finding);
    }
  }
  return outcome;
}

/** One block per distinct finding, listing up to three of the objects that show it. */
function report(rows: { label: string; findings: ShapeFinding[] }[]): string {
  const byFinding = new Map<string, { finding: ShapeFinding; labels: string[] }>();
  for (const { label, findings } of rows) {
    for (const finding of findings) {
      const key = `${finding.kind} ${normalizePath(finding.path)} ${finding.expected} ${finding.actual}`;
      const entry = byFinding.get(key) ?? {
        finding: { ...finding, path: normalizePath(finding.path) },
        labels: [],
      };
      entry.labels.push(label);
      byFinding.set(key, entry);
    }
  }
  return [...byFinding.values()]
    .map(({ finding, labels }) => {
      const more = labels.length > 3 ? ` and ${labels.length - 3} more` : '';
      return `${formatFindings([finding])}\n      seen in: ${labels.slice(0, 3).join('; ')}${more}`;
    })
    .join('\n');
}

function dataLabel(event: Sample): string {
  const data = (event.object as { data: { object: Json } }).data.object;
  return `${event.label} data.object (${String(data.object)})`;
}

// The flow runs while the file is collected, so that each event type gets its own test.
const samples: Sample[] = await runFlow();
const direct = samples.filter((s) => s.resource !== 'event');
const events = samples.filter((s) => s.resource === 'event');
const eventTypes = [...new Set(events.map((s) => String(s.object.type)))].sort();

const EVENT_FREE_FORM = [...DEFAULT_FREE_FORM_PATHS, 'data.object'];

/** Checks every object of the flow (each event, and each event's data.object), in no test's order. */
function checkEverything(visit: (resource: string, outcome: Outcome) => void = () => {}): void {
  for (const s of direct) visit(s.resource, check(s.resource, s.label, s.object));
  for (const s of events) {
    visit('event', check('event', s.label, s.object, EVENT_FREE_FORM));
    const data = (s.object as { data: { object: Json } }).data.object;
    visit(String(data.object), check(String(data.object), dataLabel(s), data));
  }
}

// SHAPE_DUMP=/tmp/findings.json writes every distinct finding (accepted or not), to maintain the list.
if (process.env.SHAPE_DUMP) {
  const all = new Map<string, unknown>();
  checkEverything((resource, { unexpected, accepted }) => {
    for (const f of [...unexpected, ...accepted.map((a) => a.finding)]) {
      const path = normalizePath(f.path);
      const accepted = unexpected.includes(f) ? null : 'accepted';
      all.set(`${resource} ${f.kind} ${path}`, {
        resource,
        kind: f.kind,
        path,
        expected: f.expected,
        actual: f.actual,
        accepted,
      });
    }
  });
  writeFileSync(process.env.SHAPE_DUMP, JSON.stringify([...all.values()], null, 2));
}

describe("shape check against Stripe's published objects", () => {
  it('the flow produced at least one object of every resource checked', () => {
    const produced = new Set(samples.map((s) => s.resource));
    expect(RESOURCES.filter((r) => !produced.has(r))).toEqual([]);
  });

  it.each(RESOURCES.filter((r) => r !== 'event'))('%s matches its fixture', (resource) => {
    const rows = direct
      .filter((s) => s.resource === resource)
      .map((s) => ({ label: s.label, findings: check(resource, s.label, s.object).unexpected }));
    expect(rows.length).toBeGreaterThan(0);
    expect(report(rows)).toBe('');
  });

  it('event matches its fixture (its data.object is checked per event type below)', () => {
    const rows = events.map((s) => ({
      label: s.label,
      findings: check('event', s.label, s.object, EVENT_FREE_FORM).unexpected,
    }));
    expect(rows.length).toBeGreaterThan(0);
    expect(report(rows)).toBe('');
  });

  it.each(eventTypes)('event %s: data.object matches the fixture of its object type', (eventType) => {
    const rows = events
      .filter((s) => s.object.type === eventType)
      .map((s) => {
        const data = (s.object as { data: { object: Json } }).data.object;
        const label = dataLabel(s);
        return { label, findings: check(String(data.object), label, data).unexpected };
      });
    expect(report(rows)).toBe('');
  });

  it('every known difference is still needed (met at least once by this flow)', () => {
    checkEverything();
    const stale = KNOWN_DIFFERENCES.filter((d) => !used.has(d)).map(
      (d) => `${d.resource} ${d.kind} ${d.path}`,
    );
    expect(stale).toEqual([]);
  });

  it('every known difference gives its reason', () => {
    expect(KNOWN_DIFFERENCES.filter((d) => d.reason.trim().length < 20)).toEqual([]);
  });
});
