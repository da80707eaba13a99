// Stripe faults against every money-moving engine operation: a 429, a 500, a dropped connection, an
// answer lost after Stripe made the change (500, reset or timeout after applying), and an outage.
// Each operation either completes exactly once (its idempotency key and the client's retries), or
// fails with a typed error (`stripe_unavailable`) leaving the mirror as it was; retried after the
// fault, it then completes, still exactly once.

import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import Stripe from 'stripe';
import { describe, it } from 'vitest';
import { clockFromUnixSeconds } from '../src/clock.js';
import { createBilling } from '../src/create-billing.js';
import { isBillingError } from '../src/errors/billing-error.js';
import type { BillingStore } from '../src/store/billing-store.js';
import { australianGst } from '../src/tax/tax-strategy.js';
import { testStore } from './test-store.js';
import { catalog, JAN_15 } from './world.js';

type ApiFault = Parameters<StripeSim['faults']['inject']>[0];

const FAULTS: Array<[string, Omit<ApiFault, 'path' | 'method'>]> = [
  ['a 429 once', { kind: 429 }],
  ['a 500 once', { kind: 500 }],
  ['a dropped connection', { kind: 'reset' }],
  ['a 500 after Stripe applied the change', { kind: 500, afterApply: true }],
  ['a dropped connection after Stripe applied the change', { kind: 'reset', afterApply: true }],
  ['a timeout after Stripe applied the change', { kind: 'timeout', afterApply: true }],
  ['an outage (every try answers 500)', { kind: 500, times: 20 }],
];

interface Engine {
  sim: StripeSim;
  billing: ReturnType<typeof createBilling>;
  store: BillingStore;
}

/** The engine with a client as a host configures it: retries on, a short timeout (the sim's clock is fast). */
async function givenEngine(): Promise<Engine> {
  const sim = createStripeSim({ now: JAN_15 });
  const stripe = new Stripe('sk_test_faults', {
    httpClient: Stripe.createFetchHttpClient(sim.fetch),
    maxNetworkRetries: 2,
    timeout: 250,
  });
  const store = testStore();
  const billing = createBilling({
    stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    clock: clockFromUnixSeconds(() => sim.clock.now()),
  });
  await billing.catalog.sync();
  return { sim, billing, store };
}

async function subscribed(engine: Engine, userId = 'user_1') {
  await engine.billing.customers.ensure({ userId, email: `${userId}@example.com.au` });
  return engine.billing.subscriptions.start({ userId, plan: 'pro', paymentMethodId: 'pm_card_au' });
}

interface Operation {
  name: string;
  /** The Stripe call the fault hits. */
  fault: Pick<ApiFault, 'method' | 'path'>;
  /** The world before (untimed, no fault). */
  setup(engine: Engine): Promise<void>;
  run(engine: Engine): Promise<unknown>;
  /** How many times the effect is in Stripe: exactly 1 once the operation completed. */
  effects(engine: Engine): Promise<number>;
  /**
   * The operation saves the card as the customer's default before the call the fault hits: when
   * it then fails, the card stays saved (in Stripe, and so in the mirror); nothing else changes.
   */
  savesCardFirst?: boolean;
}

const customerOf = async (engine: Engine, userId = 'user_1') =>
  (await engine.billing.customers.get(userId))!.stripeCustomerId;

const OPERATIONS: Operation[] = [
  {
    name: 'customers.ensure',
    fault: { method: 'POST', path: '/v1/customers' },
    setup: async () => {},
    run: (engine) => engine.billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' }),
    effects: async (engine) =>
      (await engine.sim.stripe.customers.list({ limit: 100 })).data.filter(
        (customer) => customer.metadata.billkit_user_id === 'user_1',
      ).length,
  },
  {
    name: 'subscriptions.start',
    fault: { method: 'POST', path: '/v1/subscriptions' },
    savesCardFirst: true,
    setup: async (engine) => {
      await engine.billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au' });
    },
    run: (engine) =>
      engine.billing.subscriptions.start({ userId: 'user_1', plan: 'pro', paymentMethodId: 'pm_card_au' }),
    effects: async (engine) =>
      (
        await engine.sim.stripe.subscriptions.list({
          customer: await customerOf(engine),
          status: 'all',
        })
      ).data.length,
  },
  {
    name: 'subscriptions.change (upgrade now)',
    fault: { method: 'POST', path: '/v1/subscriptions/*' },
    setup: async (engine) => {
      await subscribed(engine);
    },
    run: (engine) => engine.billing.subscriptions.change({ userId: 'user_1', plan: 'business' }),
    effects: async (engine) => {
      const [subscription] = (
        await engine.sim.stripe.subscriptions.list({ customer: await customerOf(engine) })
      ).data;
      const business = subscription?.items.data.some(
        (item) => item.price.metadata?.billkit_plan === 'business',
      );
      // Proration invoices for the upgrade: one per completed change.
      const invoices = (
        await engine.sim.stripe.invoices.list({ customer: await customerOf(engine), limit: 100 })
      ).data;
      return business
        ? invoices.filter((invoice) => invoice.billing_reason === 'subscription_update').length
        : 0;
    },
  },
  {
    name: 'subscriptions.cancel (at period end)',
    fault: { method: 'POST', path: '/v1/subscriptions/*' },
    setup: async (engine) => {
      await subscribed(engine);
    },
    run: (engine) => engine.billing.subscriptions.cancel({ userId: 'user_1', atPeriodEnd: true }),
    effects: async (engine) =>
      (await engine.sim.stripe.subscriptions.list({ customer: await customerOf(engine) })).data.filter(
        (subscription) => subscription.cancel_at_period_end,
      ).length,
  },
  {
    name: 'refunds.create (part of an invoice)',
    fault: { method: 'POST', path: '/v1/refunds' },
    setup: async (engine) => {
      await subscribed(engine);
    },
    run: async (engine) => {
      const subscription = await engine.billing.subscriptions.get('user_1');
      return engine.billing.refunds.create({
        invoiceId: subscription!.latestInvoiceId!,
        amount: 300,
        reason: 'requested_by_customer',
      });
    },
    effects: async (engine) => (await engine.sim.stripe.refunds.list({ limit: 100 })).data.length,
  },
];

/** The whole mirror: a failed operation must leave it as it was. */
async function mirrorOf(engine: Engine) {
  const page = { limit: 1000 };
  const { store } = engine;
  const [customers, subscriptions, invoices, payments, refunds, audit] = await Promise.all([
    store.customers.list(page),
    store.subscriptions.list(page),
    store.invoices.list(page),
    store.payments.list(page),
    store.refunds.list(page),
    store.audit.list(page),
  ]);
  return { customers, subscriptions, invoices, payments, refunds, audit };
}

/** The mirror without the customer's default card and the audit entries of saving it. */
function withoutSavedCard(mirror: Awaited<ReturnType<typeof mirrorOf>>) {
  return {
    ...mirror,
    customers: mirror.customers.items.map(({ defaultPaymentMethodId, version, ...rest }) => rest),
    audit: mirror.audit.items.filter((entry) => !entry.action.startsWith('payment_method.')),
  };
}

describe('Stripe faults', () => {
  for (const operation of OPERATIONS) {
    describe(operation.name, () => {
      // Concurrent: most of each case is the client's back-off between retries.
      it.concurrent.for(FAULTS)(
        'with %s: completes exactly once, or fails typed leaving the mirror as it was',
        async ([, fault], { expect }) => {
          const engine = await givenEngine();
          await operation.setup(engine);
          const before = await mirrorOf(engine);

          engine.sim.faults.inject({ ...operation.fault, ...fault });
          const outcome = await operation.run(engine).then(
            () => 'completed' as const,
            (error: unknown) => error,
          );
          engine.sim.faults.clear();

          if (outcome !== 'completed') {
            expect(isBillingError(outcome) && outcome.code, String(outcome)).toBe('stripe_unavailable');
            const after = await mirrorOf(engine);
            if (operation.savesCardFirst) {
              // The saved card is what Stripe says; everything else is as it was.
              const customer = await engine.sim.stripe.customers.retrieve(await customerOf(engine));
              expect(after.customers.items[0]?.defaultPaymentMethodId).toBe(
                (customer as { invoice_settings: { default_payment_method: string } }).invoice_settings
                  .default_payment_method,
              );
              expect(withoutSavedCard(after)).toEqual(withoutSavedCard(before));
            } else {
              expect(after).toEqual(before);
            }
            expect(await operation.effects(engine)).toBeLessThanOrEqual(1);
            await operation.run(engine);
          }
          expect(await operation.effects(engine)).toBe(1);
        },
      );
    });
  }
});
