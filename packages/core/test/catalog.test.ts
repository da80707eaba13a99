import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { type CatalogDefinition, defineCatalog } from '../src/catalog/define-catalog.js';
import { clockFromUnixSeconds } from '../src/clock.js';
import { createBilling } from '../src/create-billing.js';
import { isBillingError } from '../src/errors/billing-error.js';
import type { BillingStore } from '../src/store/billing-store.js';
import { australianGst } from '../src/tax/tax-strategy.js';
import { testStore } from './test-store.js';

const baseCatalog: CatalogDefinition = {
  currency: 'aud',
  plans: [
    {
      id: 'pro',
      name: 'Pro',
      description: 'Unlimited résumés',
      features: ['Unlimited résumés', 'Job tracker'],
      prices: [
        { interval: 'month', amount: 1000 },
        { interval: 'year', amount: 10000, trialDays: 14 },
      ],
    },
    { id: 'team', name: 'Team', features: ['Five seats'], prices: [{ interval: 'month', amount: 4000 }] },
  ],
};

function billingFor(
  sim: StripeSim,
  definition: CatalogDefinition = baseCatalog,
  store: BillingStore = testStore(),
) {
  return createBilling({
    stripe: sim.stripe,
    store,
    catalog: defineCatalog(definition),
    tax: australianGst({ abn: '12 345 678 901' }),
    clock: clockFromUnixSeconds(() => sim.clock.now()),
  });
}

function newSim() {
  return createStripeSim({ now: new Date('2026-01-15T00:00:00Z') });
}

async function stripeCounts(sim: StripeSim) {
  const products = await sim.stripe.products.list({ limit: 100 });
  const prices = await sim.stripe.prices.list({ limit: 100 });
  const taxRates = await sim.stripe.taxRates.list({ limit: 100 });
  return { products: products.data.length, prices: prices.data.length, taxRates: taxRates.data.length };
}

async function priceByLookupKey(sim: StripeSim, lookupKey: string): Promise<Stripe.Price> {
  const found = await sim.stripe.prices.list({ lookup_keys: [lookupKey], active: true });
  expect(found.data).toHaveLength(1);
  return found.data[0]!;
}

/** The catalog with one price's amount changed. */
function withProMonthlyAt(amount: number): CatalogDefinition {
  return {
    ...baseCatalog,
    plans: baseCatalog.plans.map((plan) =>
      plan.id === 'pro'
        ? { ...plan, prices: plan.prices.map((p) => (p.interval === 'month' ? { ...p, amount } : p)) }
        : plan,
    ),
  };
}

describe('catalog.sync', () => {
  it('creates a product per plan and a GST-inclusive price per plan price, found by lookup key', async () => {
    const sim = newSim();
    const result = await billingFor(sim).catalog.sync();

    const product = await sim.stripe.products.retrieve('billkit_pro');
    expect(product).toMatchObject({
      name: 'Pro',
      description: 'Unlimited résumés',
      metadata: { billkit_plan: 'pro' },
      marketing_features: [{ name: 'Unlimited résumés' }, { name: 'Job tracker' }],
    });
    const monthly = await priceByLookupKey(sim, 'billkit_pro_month');
    expect(monthly).toMatchObject({
      product: 'billkit_pro',
      unit_amount: 1000,
      currency: 'aud',
      tax_behavior: 'inclusive',
      recurring: expect.objectContaining({ interval: 'month', interval_count: 1 }),
      metadata: { billkit_plan: 'pro' },
    });
    expect((await priceByLookupKey(sim, 'billkit_team_month')).unit_amount).toBe(4000);
    expect(result.items.map((i) => [i.kind, i.planId, i.interval ?? null, i.action])).toEqual([
      ['product', 'pro', null, 'created'],
      ['price', 'pro', 'month', 'created'],
      ['price', 'pro', 'year', 'created'],
      ['product', 'team', null, 'created'],
      ['price', 'team', 'month', 'created'],
    ]);
    expect(result.items.find((i) => i.interval === 'month' && i.planId === 'pro')?.stripeId).toBe(monthly.id);
  });

  it('creates nothing new in Stripe when run a second time', async () => {
    const sim = newSim();
    const billing = billingFor(sim);
    await billing.catalog.sync();
    const before = await stripeCounts(sim);

    const second = await billing.catalog.sync();

    expect(await stripeCounts(sim)).toEqual(before);
    expect(before).toEqual({ products: 2, prices: 3, taxRates: 1 });
    expect(second.items.every((item) => item.action === 'unchanged')).toBe(true);
  });

  it('finds everything again from a second server with a fresh store, creating nothing', async () => {
    const sim = newSim();
    await billingFor(sim).catalog.sync();
    const before = await stripeCounts(sim);

    const second = await billingFor(sim).catalog.sync();

    expect(await stripeCounts(sim)).toEqual(before);
    expect(second.items.every((item) => item.action === 'unchanged')).toBe(true);
  });

  it('creates the GST tax rate once and reports it', async () => {
    const sim = newSim();
    const result = await billingFor(sim).catalog.sync();

    const rates = await sim.stripe.taxRates.list({ limit: 100 });
    expect(rates.data).toHaveLength(1);
    expect(rates.data[0]).toMatchObject({ percentage: 10, inclusive: true, country: 'AU' });
    expect(result.taxRateIds).toEqual([rates.data[0]!.id]);
  });

  it('moves the lookup key to a new price when the amount changes and archives the old price', async () => {
    const sim = newSim();
    await billingFor(sim).catalog.sync();
    const old = await priceByLookupKey(sim, 'billkit_pro_month');

    const result = await billingFor(sim, withProMonthlyAt(1200)).catalog.sync();

    const current = await priceByLookupKey(sim, 'billkit_pro_month');
    expect(current.id).not.toBe(old.id);
    expect(current.unit_amount).toBe(1200);
    const archived = await sim.stripe.prices.retrieve(old.id);
    expect(archived.active).toBe(false);
    expect(archived.unit_amount).toBe(1000);
    expect(
      result.items.find((i) => i.kind === 'price' && i.planId === 'pro' && i.interval === 'month'),
    ).toMatchObject({
      action: 'replaced',
      stripeId: current.id,
      replacedStripeId: old.id,
    });
    expect(result.items.filter((i) => i.action !== 'unchanged')).toHaveLength(1);
  });

  it('goes back to the original amount with yet another price, never reviving a stale answer', async () => {
    const sim = newSim();
    await billingFor(sim).catalog.sync();
    await billingFor(sim, withProMonthlyAt(1200)).catalog.sync();

    await billingFor(sim).catalog.sync();

    const current = await priceByLookupKey(sim, 'billkit_pro_month');
    expect(current.unit_amount).toBe(1000);
    const proMonthly = await sim.stripe.prices.list({ product: 'billkit_pro', limit: 100 });
    const monthlies = proMonthly.data.filter((p) => p.recurring?.interval === 'month');
    expect(monthlies.filter((p) => p.active).map((p) => p.id)).toEqual([current.id]);
    expect(monthlies).toHaveLength(3);
  });

  it('replaces a price when its tax treatment changes from inclusive to exclusive', async () => {
    const sim = newSim();
    await billingFor(sim).catalog.sync();
    const old = await priceByLookupKey(sim, 'billkit_team_month');
    const exclusive: CatalogDefinition = {
      ...baseCatalog,
      plans: baseCatalog.plans.map((plan) =>
        plan.id === 'team'
          ? { ...plan, prices: [{ interval: 'month', amount: 4000, taxBehavior: 'exclusive' }] }
          : plan,
      ),
    };

    await billingFor(sim, exclusive).catalog.sync();

    const current = await priceByLookupKey(sim, 'billkit_team_month');
    expect(current.id).not.toBe(old.id);
    expect(current.tax_behavior).toBe('exclusive');
  });

  it('updates the product copy in place when the plan name, description or features change', async () => {
    const sim = newSim();
    await billingFor(sim).catalog.sync();
    const renamed: CatalogDefinition = {
      ...baseCatalog,
      plans: baseCatalog.plans.map((plan) =>
        plan.id === 'pro'
          ? { ...plan, name: 'Pro Plus', description: undefined, features: ['Everything'] }
          : plan,
      ),
    };
    const before = await stripeCounts(sim);

    const result = await billingFor(sim, renamed).catalog.sync();

    const product = await sim.stripe.products.retrieve('billkit_pro');
    expect(product).toMatchObject({
      name: 'Pro Plus',
      description: null,
      marketing_features: [{ name: 'Everything' }],
    });
    expect(await stripeCounts(sim)).toEqual(before);
    expect(result.items.filter((i) => i.action !== 'unchanged')).toEqual([
      { kind: 'product', planId: 'pro', action: 'updated', stripeId: 'billkit_pro' },
    ]);
  });

  it('brings back a price an operator archived by hand instead of creating another', async () => {
    const sim = newSim();
    await billingFor(sim).catalog.sync();
    const price = await priceByLookupKey(sim, 'billkit_team_month');
    await sim.stripe.prices.update(price.id, { active: false });
    const before = await stripeCounts(sim);

    const result = await billingFor(sim).catalog.sync();

    expect((await sim.stripe.prices.retrieve(price.id)).active).toBe(true);
    expect(await stripeCounts(sim)).toEqual(before);
    expect(result.items.find((i) => i.planId === 'team' && i.kind === 'price')?.action).toBe('updated');
  });

  it('writes one audit entry per sync, listing what happened', async () => {
    const sim = newSim();
    const store = testStore();
    const billing = billingFor(sim, baseCatalog, store);

    await billing.catalog.sync();
    await billing.catalog.sync();

    const entries = (await store.audit.list()).items.filter((e) => e.subjectType === 'catalog');
    expect(entries.map((e) => e.action)).toEqual(['catalog.synced', 'catalog.synced']);
    expect(entries[0]!.data).toMatchObject({ changed: 5 });
    expect(entries[1]!.data).toMatchObject({ changed: 0 });
  });

  it('refuses a plan with more features than Stripe can show, before changing anything', async () => {
    const sim = newSim();
    const crowded: CatalogDefinition = {
      currency: 'aud',
      plans: [
        {
          id: 'pro',
          name: 'Pro',
          features: Array.from({ length: 16 }, (_, i) => `F${i}`),
          prices: [{ interval: 'month', amount: 1000 }],
        },
      ],
    };

    const error = await billingFor(sim, crowded)
      .catalog.sync()
      .catch((e: unknown) => e);

    expect(isBillingError(error, 'invalid_input')).toBe(true);
    expect(await stripeCounts(sim)).toEqual({ products: 0, prices: 0, taxRates: 0 });
  });

  it('lets a new subscription use the new price right after a re-sync on the same server', async () => {
    const sim = newSim();
    await billingFor(sim).catalog.sync();
    const billing = billingFor(sim, withProMonthlyAt(1200));
    await billing.customers.ensure({ userId: 'early', email: 'early@example.com.au' });
    // Starting before this server synced finds (and remembers) the old price.
    const early = await billing.subscriptions.start({
      userId: 'early',
      plan: 'pro',
      paymentMethodId: 'pm_card_au',
    });
    expect(early.subscription.amount).toBe(1000);

    await billing.catalog.sync();
    await billing.customers.ensure({ userId: 'late', email: 'late@example.com.au' });
    const late = await billing.subscriptions.start({
      userId: 'late',
      plan: 'pro',
      paymentMethodId: 'pm_card_au',
    });

    expect(late.subscription.amount).toBe(1200);
  });
});

describe('catalog.plans', () => {
  it('shows every plan with its prices, GST treatment and trial, without Stripe', () => {
    const sim = newSim();

    const plans = billingFor(sim).catalog.plans();

    expect(plans).toEqual([
      {
        id: 'pro',
        name: 'Pro',
        description: 'Unlimited résumés',
        features: ['Unlimited résumés', 'Job tracker'],
        prices: [
          {
            interval: 'month',
            intervalCount: 1,
            amount: { amount: 1000, currency: 'aud' },
            taxBehavior: 'inclusive',
            trialDays: null,
          },
          {
            interval: 'year',
            intervalCount: 1,
            amount: { amount: 10000, currency: 'aud' },
            taxBehavior: 'inclusive',
            trialDays: 14,
          },
        ],
      },
      {
        id: 'team',
        name: 'Team',
        description: null,
        features: ['Five seats'],
        prices: [
          {
            interval: 'month',
            intervalCount: 1,
            amount: { amount: 4000, currency: 'aud' },
            taxBehavior: 'inclusive',
            trialDays: null,
          },
        ],
      },
    ]);
  });
});
