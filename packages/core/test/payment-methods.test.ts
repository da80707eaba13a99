import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { resolveBrand } from '../src/brand.js';
import { defineCatalog } from '../src/catalog/define-catalog.js';
import { createPriceResolver } from '../src/catalog/price-resolver.js';
import { clockFromUnixSeconds } from '../src/clock.js';
import type { BillingContext } from '../src/context.js';
import { createBilling } from '../src/create-billing.js';
import { CardDeclinedError, isBillingError } from '../src/errors/billing-error.js';
import { silentLogger } from '../src/logger.js';
import { nullNotifier } from '../src/notifications/notifier.js';
import { attachAndMakeDefault } from '../src/payment-methods/payment-methods.js';
import { resolvePolicies } from '../src/policies/policies.js';
import { createStripeGateway } from '../src/stripe-gateway/stripe-gateway.js';
import { australianGst } from '../src/tax/tax-strategy.js';
import { testStore } from './test-store.js';

const catalog = defineCatalog({
  currency: 'aud',
  plans: [{ id: 'pro', name: 'Pro', prices: [{ interval: 'month', amount: 1000 }] }],
});

function newSim() {
  return createStripeSim({ now: new Date('2026-01-15T00:00:00Z') });
}

function billingFor(sim: StripeSim) {
  return createBilling({
    stripe: sim.stripe,
    store: testStore(),
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    clock: clockFromUnixSeconds(() => sim.clock.now()),
  });
}

type Billing = ReturnType<typeof billingFor>;

async function givenCustomer(userId = 'user_1') {
  const sim = newSim();
  const billing = billingFor(sim);
  const customer = await billing.customers.ensure({ userId, email: `${userId}@example.com.au` });
  return { sim, billing, customer };
}

/** What the Payment Element does in the browser: confirm the SetupIntent with a card. */
async function saveCardThroughSetupIntent(sim: StripeSim, billing: Billing, userId: string, card: string) {
  const { setupIntentId } = await billing.paymentMethods.createSetupIntent(userId);
  const confirmed = await sim.stripe.setupIntents.confirm(setupIntentId, { payment_method: card });
  return confirmed.payment_method as string;
}

async function givenSubscriber(card = 'pm_card_au') {
  const setup = await givenCustomer();
  await setup.billing.catalog.sync();
  const started = await setup.billing.subscriptions.start({
    userId: 'user_1',
    plan: 'pro',
    paymentMethodId: card,
  });
  return { ...setup, subscription: started.subscription };
}

async function stripeCustomer(sim: StripeSim, id: string): Promise<Stripe.Customer> {
  const customer = await sim.stripe.customers.retrieve(id);
  if (customer.deleted) throw new Error('customer deleted');
  return customer;
}

describe('paymentMethods.createSetupIntent', () => {
  it('gives the Payment Element a client secret to save a card for later payments', async () => {
    const { sim, billing, customer } = await givenCustomer();

    const { clientSecret, setupIntentId } = await billing.paymentMethods.createSetupIntent('user_1');

    expect(clientSecret).toMatch(new RegExp(`^${setupIntentId}_secret_`));
    const intent = await sim.stripe.setupIntents.retrieve(setupIntentId);
    expect(intent).toMatchObject({
      customer: customer.stripeCustomerId,
      usage: 'off_session',
      automatic_payment_methods: expect.objectContaining({ enabled: true }),
      metadata: { billkit_user_id: 'user_1' },
    });
  });

  it('gives a new intent on each call', async () => {
    const { billing } = await givenCustomer();

    const first = await billing.paymentMethods.createSetupIntent('user_1');
    const second = await billing.paymentMethods.createSetupIntent('user_1');

    expect(second.setupIntentId).not.toBe(first.setupIntentId);
  });

  it('refuses a user who is not a billing customer yet', async () => {
    const billing = billingFor(newSim());

    const error = await billing.paymentMethods.createSetupIntent('nobody').catch((e: unknown) => e);

    expect(isBillingError(error, 'customer_not_found')).toBe(true);
  });
});

describe('paymentMethods.list', () => {
  it('shows a card saved through the SetupIntent, with brand, last four digits and expiry only', async () => {
    const { sim, billing, customer } = await givenCustomer();
    const pmId = await saveCardThroughSetupIntent(sim, billing, 'user_1', 'pm_card_visa');

    const methods = await billing.paymentMethods.list('user_1');

    expect(methods).toEqual([
      expect.objectContaining({
        stripePaymentMethodId: pmId,
        stripeCustomerId: customer.stripeCustomerId,
        userId: 'user_1',
        brand: 'visa',
        last4: '4242',
        expMonth: 12,
        isDefault: false,
      }),
    ]);
    expect(await billing.store.paymentMethods.listByCustomer(customer.stripeCustomerId)).toEqual(methods);
  });

  it('drops from the mirror a card removed in Stripe directly', async () => {
    const { sim, billing, customer } = await givenCustomer();
    const kept = await saveCardThroughSetupIntent(sim, billing, 'user_1', 'pm_card_visa');
    const gone = await saveCardThroughSetupIntent(sim, billing, 'user_1', 'pm_card_mastercard');
    await billing.paymentMethods.list('user_1');
    await sim.stripe.paymentMethods.detach(gone);

    const methods = await billing.paymentMethods.list('user_1');

    expect(methods.map((m) => m.stripePaymentMethodId)).toEqual([kept]);
    const mirrored = await billing.store.paymentMethods.listByCustomer(customer.stripeCustomerId);
    expect(mirrored.map((m) => m.stripePaymentMethodId)).toEqual([kept]);
  });

  it('marks the default card from Stripe and writes the mirror only when something changed', async () => {
    const { sim, billing, customer } = await givenCustomer();
    const pmId = await saveCardThroughSetupIntent(sim, billing, 'user_1', 'pm_card_visa');
    await sim.stripe.customers.update(customer.stripeCustomerId, {
      invoice_settings: { default_payment_method: pmId },
    });

    const first = await billing.paymentMethods.list('user_1');
    const auditAfterFirst = (await billing.store.audit.list({ userId: 'user_1' })).items.length;
    await billing.paymentMethods.list('user_1');

    expect(first[0]?.isDefault).toBe(true);
    expect((await billing.customers.get('user_1'))?.defaultPaymentMethodId).toBe(pmId);
    expect((await billing.store.audit.list({ userId: 'user_1' })).items).toHaveLength(auditAfterFirst);
  });
});

describe('paymentMethods.setDefault', () => {
  it('attaches a new card and makes it the default for invoices', async () => {
    const { sim, billing, customer } = await givenCustomer();

    const record = await billing.paymentMethods.setDefault('user_1', 'pm_card_visa');

    expect(record.stripePaymentMethodId).toMatch(/^pm_/);
    expect(record.stripePaymentMethodId).not.toBe('pm_card_visa');
    expect(record).toMatchObject({
      isDefault: true,
      brand: 'visa',
      stripeCustomerId: customer.stripeCustomerId,
    });
    const after = await stripeCustomer(sim, customer.stripeCustomerId);
    expect(after.invoice_settings.default_payment_method).toBe(record.stripePaymentMethodId);
    expect((await billing.customers.get('user_1'))?.defaultPaymentMethodId).toBe(
      record.stripePaymentMethodId,
    );
    const audit = await billing.store.audit.list({ subjectId: record.stripePaymentMethodId });
    expect(audit.items.map((e) => e.action)).toEqual(['payment_method.default_set']);
  });

  it('switches the default to a card that is already saved, and only one card is the default', async () => {
    const { sim, billing } = await givenCustomer();
    const first = await billing.paymentMethods.setDefault('user_1', 'pm_card_visa');
    const second = await saveCardThroughSetupIntent(sim, billing, 'user_1', 'pm_card_mastercard');

    await billing.paymentMethods.setDefault('user_1', second);

    const methods = await billing.paymentMethods.list('user_1');
    expect(methods.filter((m) => m.isDefault).map((m) => m.stripePaymentMethodId)).toEqual([second]);
    expect(methods.map((m) => m.stripePaymentMethodId).sort()).toEqual(
      [first.stripePaymentMethodId, second].sort(),
    );
  });

  it('moves the live subscription to the new default card', async () => {
    const { sim, billing, subscription } = await givenSubscriber();

    const card = await billing.paymentMethods.setDefault('user_1', 'pm_card_mastercard');

    const inStripe = await sim.stripe.subscriptions.retrieve(subscription.stripeSubscriptionId);
    expect(inStripe.default_payment_method).toBe(card.stripePaymentMethodId);
    const audit = await billing.store.audit.list({ subjectId: card.stripePaymentMethodId });
    expect(audit.items[0]?.data).toMatchObject({ subscriptions: [subscription.stripeSubscriptionId] });
  });

  it('refuses a declined card and keeps the current default', async () => {
    const { sim, billing, customer } = await givenCustomer();
    const current = await billing.paymentMethods.setDefault('user_1', 'pm_card_visa');

    const error = await billing.paymentMethods
      .setDefault('user_1', 'pm_card_chargeDeclined')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CardDeclinedError);
    expect((error as CardDeclinedError).declineCode).toBe('generic_decline');
    const after = await stripeCustomer(sim, customer.stripeCustomerId);
    expect(after.invoice_settings.default_payment_method).toBe(current.stripePaymentMethodId);
    expect((await billing.customers.get('user_1'))?.defaultPaymentMethodId).toBe(
      current.stripePaymentMethodId,
    );
  });

  it('refuses a card that belongs to another customer', async () => {
    const { sim, billing } = await givenCustomer();
    await billing.customers.ensure({ userId: 'user_2', email: 'user_2@example.com.au' });
    const theirs = await billing.paymentMethods.setDefault('user_2', 'pm_card_visa');

    const error = await billing.paymentMethods
      .setDefault('user_1', theirs.stripePaymentMethodId)
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'payment_method_not_found')).toBe(true);
    const card = await sim.stripe.paymentMethods.retrieve(theirs.stripePaymentMethodId);
    expect(card.customer).not.toBe((await billing.customers.get('user_1'))?.stripeCustomerId);
  });

  it('refuses a payment method id Stripe does not know', async () => {
    const { billing } = await givenCustomer();

    const error = await billing.paymentMethods
      .setDefault('user_1', 'pm_doesnotexist')
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'payment_method_not_found')).toBe(true);
  });
});

describe('paymentMethods.remove', () => {
  it('refuses to remove the only card of an active subscription', async () => {
    const { sim, billing, customer } = await givenSubscriber();
    const [card] = await billing.paymentMethods.list('user_1');

    const error = await billing.paymentMethods
      .remove('user_1', card!.stripePaymentMethodId)
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'last_payment_method')).toBe(true);
    const stillThere = await sim.stripe.paymentMethods.retrieve(card!.stripePaymentMethodId);
    expect(stillThere.customer).toBe(customer.stripeCustomerId);
  });

  it('removes the only card of an active subscription when forced', async () => {
    const { sim, billing, customer } = await givenSubscriber();
    const [card] = await billing.paymentMethods.list('user_1');

    const result = await billing.paymentMethods.remove('user_1', card!.stripePaymentMethodId, {
      force: true,
    });

    expect(result).toEqual({
      removedPaymentMethodId: card!.stripePaymentMethodId,
      defaultPaymentMethodId: null,
    });
    expect((await sim.stripe.paymentMethods.retrieve(card!.stripePaymentMethodId)).customer).toBeNull();
    expect(await billing.store.paymentMethods.listByCustomer(customer.stripeCustomerId)).toEqual([]);
    expect((await billing.customers.get('user_1'))?.defaultPaymentMethodId).toBeNull();
    const audit = await billing.store.audit.list({ subjectId: card!.stripePaymentMethodId });
    expect(audit.items.at(-1)).toMatchObject({ action: 'payment_method.removed', data: { forced: true } });
  });

  it('removes the only card of a user without a subscription', async () => {
    const { billing } = await givenCustomer();
    const card = await billing.paymentMethods.setDefault('user_1', 'pm_card_visa');

    await billing.paymentMethods.remove('user_1', card.stripePaymentMethodId);

    expect(await billing.paymentMethods.list('user_1')).toEqual([]);
  });

  it('makes the newest remaining card the default when the default card is removed', async () => {
    const { sim, billing, customer } = await givenSubscriber('pm_card_visa');
    const original = (await billing.customers.get('user_1'))!.defaultPaymentMethodId!;
    await sim.clock.advance({ minutes: 1 });
    const older = await saveCardThroughSetupIntent(sim, billing, 'user_1', 'pm_card_mastercard');
    await sim.clock.advance({ minutes: 1 });
    const newest = await saveCardThroughSetupIntent(sim, billing, 'user_1', 'pm_card_amex');

    const result = await billing.paymentMethods.remove('user_1', original);

    expect(result.defaultPaymentMethodId).toBe(newest);
    expect(
      (await stripeCustomer(sim, customer.stripeCustomerId)).invoice_settings.default_payment_method,
    ).toBe(newest);
    const mirrored = await billing.store.paymentMethods.listByCustomer(customer.stripeCustomerId);
    expect(mirrored.find((m) => m.stripePaymentMethodId === newest)?.isDefault).toBe(true);
    expect(mirrored.some((m) => m.stripePaymentMethodId === original)).toBe(false);
    expect((await billing.customers.get('user_1'))?.defaultPaymentMethodId).toBe(newest);
    const methods = await billing.paymentMethods.list('user_1');
    expect(methods.map((m) => [m.stripePaymentMethodId, m.isDefault])).toEqual([
      [newest, true],
      [older, false],
    ]);
  });

  it('refuses to remove a card of another customer', async () => {
    const { sim, billing } = await givenCustomer();
    await billing.customers.ensure({ userId: 'user_2', email: 'user_2@example.com.au' });
    const theirs = await billing.paymentMethods.setDefault('user_2', 'pm_card_visa');

    const error = await billing.paymentMethods
      .remove('user_1', theirs.stripePaymentMethodId)
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'payment_method_not_found')).toBe(true);
    expect((await sim.stripe.paymentMethods.retrieve(theirs.stripePaymentMethodId)).customer).not.toBeNull();
  });

  it('refuses a blank payment method id', async () => {
    const { billing } = await givenCustomer();

    const error = await billing.paymentMethods.remove('user_1', '  ').catch((e: unknown) => e);

    expect(isBillingError(error, 'invalid_input')).toBe(true);
  });
});

describe('attachAndMakeDefault', () => {
  it('returns the id of the card it attached, for subscriptions.start', async () => {
    const sim = newSim();
    const gateway = createStripeGateway(sim.stripe, silentLogger());
    const ctx: BillingContext = {
      gateway,
      store: testStore(),
      catalog,
      prices: createPriceResolver(gateway),
      tax: australianGst({ abn: '12 345 678 901' }),
      notifier: nullNotifier(),
      notifications: { adminEmails: [], sendAfterCommit: false, maxAttempts: 10 },
      brand: resolveBrand(undefined),
      urls: { portal: null, stripeDashboard: 'https://dashboard.stripe.com' },
      afterCommit: async () => {},
      attachmentsFor: async () => [],
      policies: resolvePolicies(undefined),
      clock: clockFromUnixSeconds(() => sim.clock.now()),
      logger: silentLogger(),
    };
    const billing = createBilling({ stripe: sim.stripe, store: ctx.store, catalog, clock: ctx.clock });
    const customer = await billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' });

    const pmId = await attachAndMakeDefault(ctx, customer, 'pm_card_au');

    const card = await sim.stripe.paymentMethods.retrieve(pmId);
    expect(card.customer).toBe(customer.stripeCustomerId);
    expect((await ctx.store.customers.findByUserId('user_1'))?.defaultPaymentMethodId).toBe(pmId);
    expect((await ctx.store.paymentMethods.findByStripeId(pmId))?.isDefault).toBe(true);
  });
});
