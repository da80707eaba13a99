// A small world for the admin's tests: the simulator, an engine on the memory store whose clock
// follows it (Pro A$10/month or A$100/year, Business A$20/month, Starter A$5/month with a 14-day
// trial, GST included), every webhook applied in order, and an admin on top.

import {
  australianGst,
  type BillingStore,
  clockFromUnixSeconds,
  createBilling,
  defineCatalog,
  memoryStore,
} from '@billkit/core';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { type AdminOptions, createAdmin } from '../src/create-admin.js';

export const catalog = defineCatalog({
  currency: 'aud',
  plans: [
    {
      id: 'pro',
      name: 'Pro',
      prices: [
        { interval: 'month', amount: 1000 },
        { interval: 'year', amount: 10_000 },
      ],
    },
    { id: 'business', name: 'Business', prices: [{ interval: 'month', amount: 2000 }] },
    { id: 'starter', name: 'Starter', prices: [{ interval: 'month', amount: 500, trialDays: 14 }] },
  ],
});

export async function givenAdmin(
  options: { store?: BillingStore; now?: Date; admin?: Omit<AdminOptions, 'billing'> } = {},
) {
  const sim: StripeSim = createStripeSim({ now: options.now ?? new Date('2026-01-15T00:00:00Z') });
  const store = options.store ?? memoryStore();
  const billing = createBilling({
    stripe: sim.stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    clock: clockFromUnixSeconds(() => sim.clock.now()),
    notifications: { sendAfterCommit: false },
  });
  await billing.catalog.sync();
  sim.webhooks.listen(async (request) => {
    await billing.sync.applyEvent(JSON.parse(await request.text()) as Stripe.Event);
    return new Response('ok');
  });
  const admin = createAdmin({ billing, ...options.admin });
  const subscribe = async (
    userId: string,
    plan = 'pro',
    extra: { interval?: 'month' | 'year'; card?: string; country?: string } = {},
  ) => {
    await billing.customers.ensure({
      userId,
      email: `${userId}@example.com.au`,
      name: `Customer ${userId}`,
      address: {
        line1: '1 George St',
        line2: null,
        city: 'Sydney',
        state: 'NSW',
        postalCode: '2000',
        country: extra.country ?? 'AU',
      },
    });
    const { subscription } = await billing.subscriptions.start({
      userId,
      plan,
      ...(extra.interval ? { interval: extra.interval } : {}),
      paymentMethodId: extra.card ?? 'pm_card_au',
    });
    await sim.webhooks.flush();
    return subscription;
  };
  const advanceTo = async (iso: string) => {
    await sim.clock.advanceTo(Date.parse(iso) / 1000);
    await sim.webhooks.flush();
  };
  return { sim, stripe: sim.stripe, store, billing, admin, subscribe, advanceTo };
}
