// A real event history from @billkit/stripe-sim: a year of one subscription (signup, upgrade, a
// failed renewal and its recovery, a refund, a dispute, a cancellation), and fresh engines over the
// same simulator to deliver it to, as many times and in as many orders as a test likes.

import {
  australianGst,
  type BillingStore,
  clockFromUnixSeconds,
  createBilling,
  memoryNotifier,
  memoryStore,
  type Notification,
} from '@billkit/core';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';
import { createWebhookHandler, type WebhookHandler } from '../../src/index.js';
import { fixedClock, SECRET } from './signed-events.js';
import { catalog, JAN_15 } from './world.js';

export interface History {
  sim: StripeSim;
  /** Every event, in the order Stripe created them, as the JSON text Stripe sends. */
  payloads: string[];
}

/** Plays a year of a subscriber's life on a simulator and returns the events it produced. */
export async function yearOfSubscription(): Promise<History> {
  const sim = createStripeSim({ now: JAN_15 });
  const billing = createBilling({
    stripe: sim.stripe,
    store: memoryStore(),
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    clock: clockFromUnixSeconds(() => sim.clock.now()),
  });
  const userId = 'user_1';
  await billing.catalog.sync();
  await billing.customers.ensure({ userId, email: 'jo@example.com.au', name: 'Jo Citizen' });
  const on = (iso: string) => sim.clock.advanceTo(Date.parse(iso) / 1000);
  await billing.subscriptions.start({ userId, plan: 'pro', paymentMethodId: 'pm_card_au' });
  await on('2026-02-04T00:00:00Z');
  await billing.subscriptions.change({ userId, plan: 'business' });
  // The April renewal fails, the subscription goes past due, and a new card recovers it.
  await on('2026-04-10T00:00:00Z');
  await billing.paymentMethods.setDefault(userId, 'pm_card_chargeCustomerFail');
  await on('2026-04-18T00:00:00Z');
  await billing.paymentMethods.setDefault(userId, 'pm_card_au');
  // This engine sees no webhooks, so it does not know the invoice is overdue: the customer pays it
  // from the portal (Stripe itself would only try the new card at the next scheduled retry).
  const [overdue] = (await sim.stripe.invoices.list({ status: 'open', limit: 1 })).data;
  await billing.payments.retry(overdue!.id, { userId });
  await sim.clock.advance({ minutes: 5 });
  // A partial refund of the recovered payment.
  const charge = (await sim.stripe.charges.list({ limit: 100 })).data.find((c) => c.status === 'succeeded');
  await sim.stripe.refunds.create({ charge: charge!.id, amount: 500 });
  // The May renewal is disputed by the card holder; the bank sides with the merchant.
  await billing.paymentMethods.setDefault(userId, 'pm_card_createDispute');
  await on('2026-05-16T00:00:00Z');
  const [dispute] = (await sim.stripe.disputes.list({ limit: 1 })).data;
  await sim.testHelpers.closeDispute(dispute!.id, 'won');
  await billing.paymentMethods.setDefault(userId, 'pm_card_au');
  // Canceled at the end of the October period, and the year runs out.
  await on('2026-10-20T00:00:00Z');
  await billing.subscriptions.cancel({ userId, atPeriodEnd: true, reason: 'too_expensive' });
  await on('2027-01-10T00:00:00Z');
  await sim.webhooks.flush();
  const events = sim.webhooks.events() as Stripe.Event[];
  return { sim, payloads: events.map((event) => JSON.stringify(event, null, 2)) };
}

export interface Receiver {
  handler: WebhookHandler;
  store: BillingStore;
  sent: Notification[];
  billing: ReturnType<typeof createBilling>;
}

/**
 * A fresh engine (empty memory store) over the history's simulator, behind a webhook handler.
 * `failFirst` event ids throw on their first application, as a database hiccup would.
 */
export function freshReceiver(history: History, failFirst: ReadonlySet<string> = new Set()): Receiver {
  const store = memoryStore();
  const notifier = memoryNotifier();
  const billing = createBilling({
    stripe: history.sim.stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    notifier,
    clock: clockFromUnixSeconds(() => history.sim.clock.now()),
  });
  const failed = new Set<string>();
  const applyEvent = async (event: Stripe.Event) => {
    if (failFirst.has(event.id) && !failed.has(event.id)) {
      failed.add(event.id);
      throw new Error(`database hiccup on ${event.id}`);
    }
    return billing.sync.applyEvent(event);
  };
  const handler = createWebhookHandler({
    billing: { store, sync: { applyEvent } },
    secret: SECRET,
    clock: fixedClock(),
  });
  return { handler, store, sent: notifier.sent, billing };
}

/** Every table of the mirror a user can see, plus the keys of the emails sent. */
export type MirrorState = Record<string, unknown> & { emails: string[] };

/** Everything a user of the mirror can see, in a comparable form. */
export async function mirrorState(receiver: Receiver): Promise<MirrorState> {
  const { store } = receiver;
  const all = async <T>(
    list: (page: {
      after: string | null;
      limit: number;
    }) => Promise<{ items: T[]; nextCursor: string | null }>,
  ) => {
    const items: T[] = [];
    let after: string | null = null;
    do {
      const page = await list({ after, limit: 100 });
      items.push(...page.items);
      after = page.nextCursor;
    } while (after);
    return items;
  };
  const customers = await all((p) => store.customers.list(p));
  return {
    customers: customers.map(({ updatedAt: _u, version: _v, ...rest }) => rest),
    subscriptions: (await all((p) => store.subscriptions.list(p))).map(
      ({ updatedAt: _u, version: _v, ...rest }) => rest,
    ),
    paymentMethods: (
      await Promise.all(customers.map((c) => store.paymentMethods.listByCustomer(c.stripeCustomerId)))
    ).flat(),
    invoices: await all((p) => store.invoices.list(p)),
    payments: await all((p) => store.payments.list(p)),
    refunds: (
      await Promise.all(
        (await all((p) => store.payments.list(p))).map((p) => store.refunds.listByCharge(p.stripeChargeId)),
      )
    ).flat(),
    disputes: await all((p) => store.disputes.list(p)),
    access: await receiver.billing.access.check('user_1'),
    emails: receiver.sent.map((n) => n.key).sort(),
  };
}
