// Builders for the engine's journeys: a simulator, a catalog of Pro (A$10/month, A$100/year) and
// Business (A$20/month) with GST included, an engine on the memory store whose clock follows the
// simulator, and users who already have a billing customer.

import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { defineCatalog } from '../src/catalog/define-catalog.js';
import { clockFromUnixSeconds } from '../src/clock.js';
import { type BillingOptions, createBilling } from '../src/create-billing.js';
import { memoryNotifier, type Notification } from '../src/notifications/notifier.js';
import type { PoliciesInput } from '../src/policies/policies.js';
import type { BillingStore } from '../src/store/billing-store.js';
import { australianGst } from '../src/tax/tax-strategy.js';
import { testStore } from './test-store.js';

export const JAN_15 = new Date('2026-01-15T00:00:00Z');
export const DAY = 86_400;

export const catalog = defineCatalog({
  currency: 'aud',
  plans: [
    {
      id: 'pro',
      name: 'Pro',
      features: ['Unlimited résumés', 'Job tracker'],
      prices: [
        { interval: 'month', amount: 1000 },
        { interval: 'year', amount: 10_000 },
      ],
    },
    {
      id: 'business',
      name: 'Business',
      features: ['Everything in Pro', 'Team seats'],
      prices: [{ interval: 'month', amount: 2000 }],
    },
    {
      id: 'starter',
      name: 'Starter',
      features: ['One résumé'],
      prices: [{ interval: 'month', amount: 500, trialDays: 14 }],
    },
  ],
});

export interface World {
  sim: StripeSim;
  stripe: Stripe;
  billing: ReturnType<typeof createBilling>;
  store: BillingStore;
  sent: Notification[];
}

export async function givenEngine(
  options: {
    policies?: PoliciesInput;
    store?: BillingStore;
    sim?: StripeSim;
    /** More createBilling options (brand, urls, notifications, notifier, tax). */
    billing?: Partial<BillingOptions>;
  } = {},
): Promise<World> {
  const sim = options.sim ?? createStripeSim({ now: JAN_15 });
  const store = options.store ?? testStore();
  const notifier = memoryNotifier();
  const billing = createBilling({
    stripe: sim.stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    notifier,
    clock: clockFromUnixSeconds(() => sim.clock.now()),
    ...(options.policies ? { policies: options.policies } : {}),
    ...options.billing,
  });
  await billing.catalog.sync();
  return { sim, stripe: sim.stripe, billing, store, sent: notifier.sent };
}

/** A user with a billing customer (no card yet). */
export async function givenUser(world: World, userId = 'user_1') {
  return world.billing.customers.ensure({
    userId,
    email: `${userId}@example.com.au`,
    name: 'Jo Citizen',
    address: {
      line1: '1 George St',
      line2: null,
      city: 'Sydney',
      state: 'NSW',
      postalCode: '2000',
      country: 'AU',
    },
  });
}

/** A user subscribed to Pro monthly with an Australian Visa. */
export async function givenSubscriber(world: World, userId = 'user_1', card = 'pm_card_au') {
  await givenUser(world, userId);
  const { subscription } = await world.billing.subscriptions.start({
    userId,
    plan: 'pro',
    paymentMethodId: card,
  });
  return subscription;
}

/** Delivers every event the simulator sends straight to applyEvent (what @billkit/webhooks does). */
export function applyEverything(world: World): { results: Array<{ type: string; status: string }> } {
  const results: Array<{ type: string; status: string }> = [];
  world.sim.webhooks.listen(async (request) => {
    const event = JSON.parse(await request.text()) as Stripe.Event;
    const result = await world.billing.sync.applyEvent(event);
    results.push({ type: event.type, status: result.status });
    return new Response('ok');
  });
  return { results };
}

/** Seconds since the epoch of an ISO time, for the simulator's clock. */
export const at = (iso: string) => Date.parse(iso) / 1000;

/** The kinds of the notifications sent so far, in order. */
export const kindsSent = (world: World) => world.sent.map((n) => n.kind);
