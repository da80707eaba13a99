import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import { describe, expect, it } from 'vitest';
import { defineCatalog } from '../src/catalog/define-catalog.js';
import { clockFromUnixSeconds } from '../src/clock.js';
import { createBilling } from '../src/create-billing.js';
import { isBillingError } from '../src/errors/billing-error.js';
import type { BillingStore } from '../src/store/billing-store.js';
import { australianGst } from '../src/tax/tax-strategy.js';
import { testStore } from './test-store.js';

const catalog = defineCatalog({
  currency: 'aud',
  plans: [{ id: 'pro', name: 'Pro', prices: [{ interval: 'month', amount: 1000 }] }],
});

function newSim() {
  return createStripeSim({ now: new Date('2026-01-15T00:00:00Z') });
}

function billingFor(sim: StripeSim, store: BillingStore = testStore()) {
  return createBilling({
    stripe: sim.stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    clock: clockFromUnixSeconds(() => sim.clock.now()),
  });
}

/** A view of `store` whose customer lookups answer what they saw, but only once `gate` opens. */
function storeWhoseCustomerReadsWaitFor(store: BillingStore, gate: Promise<void>): BillingStore {
  return {
    ...store,
    customers: {
      ...store.customers,
      findByUserId: async (userId) => {
        const seen = await store.customers.findByUserId(userId);
        await gate;
        return seen;
      },
    },
  };
}

async function stripeCustomers(sim: StripeSim) {
  return (await sim.stripe.customers.list({ limit: 100 })).data;
}

describe('customers.ensure', () => {
  it('creates one Stripe customer tagged with the host user id and mirrors it', async () => {
    const sim = newSim();
    const billing = billingFor(sim);

    const record = await billing.customers.ensure({
      userId: 'user_1',
      email: 'jo@example.com.au',
      name: 'Jo Citizen',
    });

    const customer = await sim.stripe.customers.retrieve(record.stripeCustomerId);
    expect(customer).toMatchObject({
      email: 'jo@example.com.au',
      name: 'Jo Citizen',
      metadata: { billkit_user_id: 'user_1' },
    });
    expect(record).toMatchObject({
      userId: 'user_1',
      email: 'jo@example.com.au',
      name: 'Jo Citizen',
      deleted: false,
    });
    expect(await billing.customers.get('user_1')).toEqual(record);
    const audit = await billing.store.audit.list({ userId: 'user_1' });
    expect(audit.items.map((e) => [e.action, e.subjectId])).toEqual([
      ['customer.created', record.stripeCustomerId],
    ]);
  });

  it('gives twenty simultaneous calls for one user a single Stripe customer and mirror row', async () => {
    const sim = newSim();
    const billing = billingFor(sim);

    const records = await Promise.all(
      Array.from({ length: 20 }, () =>
        billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' }),
      ),
    );

    expect(new Set(records.map((r) => r.stripeCustomerId)).size).toBe(1);
    expect(await stripeCustomers(sim)).toHaveLength(1);
    expect((await billing.store.customers.list()).items).toHaveLength(1);
    const audit = await billing.store.audit.list({ userId: 'user_1' });
    expect(audit.items.map((e) => e.action)).toEqual(['customer.created']);
  });

  it('gives one customer to a user whose second server read the store before the first one saved', async () => {
    const sim = newSim();
    const store = testStore();
    let release!: () => void;
    const firstServerDone = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = billingFor(sim, store);
    const second = billingFor(sim, storeWhoseCustomerReadsWaitFor(store, firstServerDone));

    const late = second.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' });
    const early = await first.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' });
    release();

    expect((await late).stripeCustomerId).toBe(early.stripeCustomerId);
    expect(await stripeCustomers(sim)).toHaveLength(1);
    expect((await store.customers.list()).items).toHaveLength(1);
    const audit = await store.audit.list({ userId: 'user_1' });
    expect(audit.items.map((e) => e.action)).toEqual(['customer.created']);
  });

  // Across processes, simultaneous creates carry one idempotency key; Stripe answers all but the
  // first with 409 while it runs, and the client retries into the saved answer.
  it('gives one customer to a user signing in through two servers at once', async () => {
    const sim = newSim();
    const store = testStore();
    const first = billingFor(sim, store);
    const second = billingFor(sim, store);

    const records = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? first : second).customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' }),
      ),
    );

    expect(new Set(records.map((r) => r.stripeCustomerId)).size).toBe(1);
    expect(await stripeCustomers(sim)).toHaveLength(1);
  });

  it('creates no second customer when Stripe’s answer to the create is lost and the call is retried', async () => {
    const sim = newSim();
    const billing = billingFor(sim);
    sim.faults.inject({ method: 'POST', path: '/v1/customers', kind: 500, afterApply: true });

    const record = await billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' });

    expect(await stripeCustomers(sim)).toHaveLength(1);
    expect(record.stripeCustomerId).toBe((await stripeCustomers(sim))[0]!.id);
  });

  it('keeps different users apart when they sign up at the same time', async () => {
    const sim = newSim();
    const billing = billingFor(sim);

    const records = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        billing.customers.ensure({ userId: `user_${i}`, email: `u${i}@example.com` }),
      ),
    );

    expect(new Set(records.map((r) => r.stripeCustomerId)).size).toBe(5);
    expect(await stripeCustomers(sim)).toHaveLength(5);
  });

  it('finds the user’s Stripe customer when the store is new, instead of creating a second one', async () => {
    const sim = newSim();
    const original = await billingFor(sim).customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' });
    const rebuilt = billingFor(sim);

    const record = await rebuilt.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' });

    expect(record.stripeCustomerId).toBe(original.stripeCustomerId);
    expect(await stripeCustomers(sim)).toHaveLength(1);
    const audit = await rebuilt.store.audit.list({ userId: 'user_1' });
    expect(audit.items.map((e) => e.action)).toEqual(['customer.linked']);
  });

  it('updates the email and name in Stripe and the mirror when they change', async () => {
    const sim = newSim();
    const billing = billingFor(sim);
    const first = await billing.customers.ensure({
      userId: 'user_1',
      email: 'jo@example.com.au',
      name: 'Jo',
    });

    const updated = await billing.customers.ensure({
      userId: 'user_1',
      email: 'jo@work.com.au',
      name: 'Jo Citizen',
    });

    expect(updated).toMatchObject({
      stripeCustomerId: first.stripeCustomerId,
      email: 'jo@work.com.au',
      name: 'Jo Citizen',
    });
    expect(updated.version).toBeGreaterThan(first.version);
    expect(await sim.stripe.customers.retrieve(first.stripeCustomerId)).toMatchObject({
      email: 'jo@work.com.au',
      name: 'Jo Citizen',
    });
    const audit = await billing.store.audit.list({ userId: 'user_1' });
    expect(audit.items.map((e) => e.action)).toEqual(['customer.created', 'customer.updated']);
  });

  it('changes nothing when called again with the same details', async () => {
    const sim = newSim();
    const billing = billingFor(sim);
    const first = await billing.customers.ensure({
      userId: 'user_1',
      email: 'jo@example.com.au',
      name: 'Jo',
    });
    const updatesBefore = sim.webhooks.events().filter((e) => e.type === 'customer.updated').length;

    const again = await billing.customers.ensure({
      userId: 'user_1',
      email: 'jo@example.com.au',
      name: 'Jo',
    });

    expect(again).toEqual(first);
    expect(sim.webhooks.events().filter((e) => e.type === 'customer.updated')).toHaveLength(updatesBefore);
    expect((await billing.store.audit.list({ userId: 'user_1' })).items).toHaveLength(1);
  });

  it('saves the ABN and billing address given at sign-up, in Stripe and the mirror', async () => {
    const sim = newSim();
    const billing = billingFor(sim);

    const record = await billing.customers.ensure({
      userId: 'user_1',
      email: 'accounts@acme.com.au',
      name: 'Acme Pty Ltd',
      address: { line1: '1 George St', city: 'Sydney', state: 'NSW', postalCode: '2000', country: 'au' },
      taxId: { type: 'au_abn', value: '12 345 678 901' },
    });

    expect(record.taxId).toEqual({ type: 'au_abn', value: '12345678901' });
    expect(record.address).toEqual({
      line1: '1 George St',
      line2: null,
      city: 'Sydney',
      state: 'NSW',
      postalCode: '2000',
      country: 'AU',
    });
    const customer = await sim.stripe.customers.retrieve(record.stripeCustomerId, { expand: ['tax_ids'] });
    if (customer.deleted) throw new Error('customer deleted');
    expect(customer.address).toMatchObject({ line1: '1 George St', postal_code: '2000', country: 'AU' });
    expect(customer.tax_ids?.data.map((t) => [t.type, t.value])).toEqual([['au_abn', '12345678901']]);
  });

  it('replaces the tax id when the user gives a new one', async () => {
    const sim = newSim();
    const billing = billingFor(sim);
    await billing.customers.ensure({
      userId: 'user_1',
      email: 'a@acme.com.au',
      taxId: { type: 'au_abn', value: '12345678901' },
    });

    const record = await billing.customers.ensure({
      userId: 'user_1',
      email: 'a@acme.com.au',
      taxId: { type: 'au_abn', value: '98765432109' },
    });

    expect(record.taxId).toEqual({ type: 'au_abn', value: '98765432109' });
    const taxIds = await sim.stripe.customers.listTaxIds(record.stripeCustomerId);
    expect(taxIds.data.map((t) => t.value)).toEqual(['98765432109']);
  });

  it('removes the tax id when the user gives null', async () => {
    const sim = newSim();
    const billing = billingFor(sim);
    await billing.customers.ensure({
      userId: 'user_1',
      email: 'a@acme.com.au',
      taxId: { type: 'au_abn', value: '12345678901' },
    });

    const record = await billing.customers.ensure({ userId: 'user_1', email: 'a@acme.com.au', taxId: null });

    expect(record.taxId).toBeNull();
    const taxIds = await sim.stripe.customers.listTaxIds(record.stripeCustomerId);
    expect(taxIds.data).toEqual([]);
  });

  it('refuses an invalid email and creates nothing', async () => {
    const sim = newSim();
    const billing = billingFor(sim);

    const error = await billing.customers
      .ensure({ userId: 'user_1', email: 'not-an-email' })
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'invalid_input')).toBe(true);
    expect(await stripeCustomers(sim)).toHaveLength(0);
    expect(await billing.customers.get('user_1')).toBeNull();
  });

  it('refuses an empty user id', async () => {
    const billing = billingFor(newSim());

    await expect(billing.customers.ensure({ userId: '', email: 'jo@example.com.au' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('refuses a tax id Stripe says is invalid, leaving no customer behind', async () => {
    const sim = newSim();
    const billing = billingFor(sim);

    const error = await billing.customers
      .ensure({ userId: 'user_1', email: 'jo@example.com.au', taxId: { type: 'au_abn', value: '123' } })
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'stripe_rejected')).toBe(true);
    expect(await billing.customers.get('user_1')).toBeNull();
  });
});

describe('customers.get', () => {
  it('answers null for a user who never became a customer', async () => {
    expect(await billingFor(newSim()).customers.get('nobody')).toBeNull();
  });
});

describe('customers.updateBillingAddress', () => {
  it('changes the billing address in Stripe and the mirror, with an audit entry', async () => {
    const sim = newSim();
    const billing = billingFor(sim);
    const created = await billing.customers.ensure({
      userId: 'user_1',
      email: 'jo@example.com.au',
      taxId: { type: 'au_abn', value: '12345678901' },
    });

    const record = await billing.customers.updateBillingAddress('user_1', {
      line1: '200 Bourke St',
      city: 'Melbourne',
      state: 'VIC',
      postalCode: '3000',
      country: 'AU',
    });

    expect(record.address).toEqual({
      line1: '200 Bourke St',
      line2: null,
      city: 'Melbourne',
      state: 'VIC',
      postalCode: '3000',
      country: 'AU',
    });
    expect(record.taxId).toEqual({ type: 'au_abn', value: '12345678901' });
    expect(await billing.customers.get('user_1')).toEqual(record);
    const customer = await sim.stripe.customers.retrieve(created.stripeCustomerId);
    if (customer.deleted) throw new Error('customer deleted');
    expect(customer.address).toEqual({
      line1: '200 Bourke St',
      line2: null,
      city: 'Melbourne',
      state: 'VIC',
      postal_code: '3000',
      country: 'AU',
    });
    const audit = await billing.store.audit.list({ userId: 'user_1' });
    expect(audit.items.map((e) => e.action)).toContain('customer.address_updated');
  });

  it('refuses a user who is not a customer yet', async () => {
    const billing = billingFor(newSim());

    const error = await billing.customers
      .updateBillingAddress('nobody', { country: 'AU' })
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'customer_not_found')).toBe(true);
  });

  it('refuses a country that is not a two-letter code, changing nothing', async () => {
    const sim = newSim();
    const billing = billingFor(sim);
    const created = await billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' });

    const error = await billing.customers
      .updateBillingAddress('user_1', { country: 'Australia' })
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'invalid_input')).toBe(true);
    expect(await billing.customers.get('user_1')).toEqual(created);
  });
});
