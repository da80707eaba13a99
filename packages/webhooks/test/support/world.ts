// An engine on the memory store over @billkit/stripe-sim, with the webhook route mounted as the
// simulator's in-process endpoint: every event the simulator sends goes through the real verifier,
// the real inbox and the real billing.sync.applyEvent.

import {
  australianGst,
  type BillingStore,
  clockFromUnixSeconds,
  createBilling,
  defineCatalog,
  memoryNotifier,
  memoryStore,
  type Notification,
} from '@billkit/core';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { createWebhookHandler, type WebhookBilling, type WebhookHandler } from '../../src/index.js';

export const JAN_15 = new Date('2026-01-15T00:00:00Z');
export const WEBHOOK_SECRET = 'whsec_sim_endpoint_secret';

export const catalog = defineCatalog({
  currency: 'aud',
  plans: [
    {
      id: 'pro',
      name: 'Pro',
      features: ['Unlimited résumés'],
      prices: [{ interval: 'month', amount: 1000 }],
    },
    {
      id: 'business',
      name: 'Business',
      features: ['Team seats'],
      prices: [{ interval: 'month', amount: 2000 }],
    },
  ],
});

export interface World {
  sim: StripeSim;
  stripe: Stripe;
  billing: ReturnType<typeof createBilling>;
  store: BillingStore;
  sent: Notification[];
  handler: WebhookHandler;
}

export interface WorldOptions {
  /** The secret the simulator signs with. @default WEBHOOK_SECRET */
  signingSecret?: string;
  /** Wraps what the handler calls, e.g. to make applications fail. */
  wrapApply?: (apply: WebhookBilling['sync']['applyEvent']) => WebhookBilling['sync']['applyEvent'];
  /** Copies of the server (engine + handler) over one store, each receiving every delivery at once. @default 1 */
  copies?: number;
}

export async function givenWorld(options: WorldOptions = {}): Promise<World> {
  const sim = createStripeSim({ now: JAN_15 });
  const store = memoryStore();
  const copies = Array.from({ length: options.copies ?? 1 }, () => engineCopy(sim, store, options));
  const [first] = copies as [EngineCopy, ...EngineCopy[]];
  // Mounted first, as a host does: the catalog's own product and price events come through it too.
  sim.webhooks.listen(fanOut(copies.map((copy) => copy.handler)), {
    secret: options.signingSecret ?? WEBHOOK_SECRET,
  });
  await first.billing.catalog.sync();
  return {
    sim,
    stripe: sim.stripe,
    billing: first.billing,
    store,
    // Every copy's emails: a state change must be announced once, whichever copy applied it.
    get sent() {
      return copies.flatMap((copy) => copy.sent);
    },
    handler: first.handler,
  };
}

interface EngineCopy {
  billing: ReturnType<typeof createBilling>;
  sent: Notification[];
  handler: WebhookHandler;
}

/** One server process: its own engine, notifier and webhook handler, over the shared store. */
function engineCopy(sim: StripeSim, store: BillingStore, options: WorldOptions): EngineCopy {
  const notifier = memoryNotifier();
  const billing = createBilling({
    stripe: sim.stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    notifier,
    clock: clockFromUnixSeconds(() => sim.clock.now()),
  });
  const applyEvent = options.wrapApply ? options.wrapApply(billing.sync.applyEvent) : billing.sync.applyEvent;
  // The handler keeps the wall clock: the simulator signs deliveries with the wall clock, as Stripe does.
  const handler = createWebhookHandler({
    billing: options.wrapApply ? { store, sync: { applyEvent } } : billing,
    secret: WEBHOOK_SECRET,
  });
  return { billing, sent: notifier.sent, handler };
}

/** Hands each delivery to every copy at the same moment; answers as the load balancer would (any 2xx wins). */
function fanOut(handlers: WebhookHandler[]): (request: Request) => Promise<Response> {
  if (handlers.length === 1) return handlers[0]!;
  return async (request) => {
    const responses = await Promise.all(handlers.map((handler) => handler(request.clone())));
    return responses.find((response) => response.ok) ?? responses[0]!;
  };
}

/** A year-start journey: signup, an upgrade, a failed renewal, recovery with a new card. */
export async function runJourney(world: World, userId = 'user_1'): Promise<void> {
  const { billing, sim } = world;
  await billing.customers.ensure({ userId, email: `${userId}@example.com.au`, name: 'Jo Citizen' });
  await billing.subscriptions.start({ userId, plan: 'pro', paymentMethodId: 'pm_card_au' });
  await sim.clock.advance({ days: 3 });
  await billing.subscriptions.change({ userId, plan: 'business' });
  await billing.paymentMethods.setDefault(userId, 'pm_card_chargeCustomerFail');
  await sim.clock.advance({ months: 1, hours: 2 });
  await billing.paymentMethods.setDefault(userId, 'pm_card_au');
  await sim.clock.advance({ minutes: 5 });
  await sim.webhooks.flush();
}

/** What a user of the mirror sees, without ids that differ between simulator runs. */
export async function mirrorSummary(world: World, userId = 'user_1') {
  const subscriptions = await world.store.subscriptions.listByUserId(userId);
  const invoices = await world.store.invoices.listByUserId(userId);
  const payments = await world.store.payments.listByUserId(userId);
  return {
    access: await world.billing.access.check(userId),
    subscriptions: subscriptions.map((s) => [s.status, s.planId, s.amount, s.currentPeriodEnd.toISOString()]),
    invoices: invoices.items.map((i) => [i.status, i.billingReason, i.total, i.tax, i.amountPaid]),
    payments: payments.items.map((p) => [p.status, p.amount, p.failureCode]),
    notifications: world.sent.map((n) => n.kind).sort(),
  };
}
