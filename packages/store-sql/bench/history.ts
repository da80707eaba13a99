// The events the webhook benchmark delivers: most of a year of four subscribers on @billkit/stripe-sim
// (signup, an upgrade, a renewal that fails and is recovered with a new card, a partial refund of a
// succeeded charge, a cancellation at period end), as the JSON text Stripe sends, in the order Stripe
// created them. The engine that plays the history sees no webhooks; the benchmark's engines read the
// same simulator when they apply the events.

import {
  australianGst,
  type Billing,
  type BillingStore,
  clockFromUnixSeconds,
  createBilling,
  defineCatalog,
  memoryStore,
} from '@billkit/core';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';

export const catalog = defineCatalog({
  currency: 'aud',
  plans: [
    { id: 'pro', name: 'Pro', prices: [{ interval: 'month', amount: 1000 }] },
    { id: 'business', name: 'Business', prices: [{ interval: 'month', amount: 2000 }] },
  ],
});

/** An engine over the simulator, on its clock, with Australian GST. */
export function engine(sim: StripeSim, store: BillingStore): Billing {
  return createBilling({
    stripe: sim.stripe,
    store,
    catalog,
    tax: australianGst({ abn: '12 345 678 901' }),
    clock: clockFromUnixSeconds(() => sim.clock.now()),
  });
}

const USERS = ['user_1', 'user_2', 'user_3', 'user_4'];

export interface History {
  sim: StripeSim;
  /** Every event, in the order Stripe created them, as the JSON text Stripe sends. */
  payloads: string[];
}

export async function yearOfSubscribers(): Promise<History> {
  const sim = createStripeSim({ now: new Date('2026-01-15T00:00:00Z') });
  const billing = engine(sim, memoryStore());
  const on = (iso: string) => sim.clock.advanceTo(Date.parse(iso) / 1000);
  await billing.catalog.sync();
  const customerIds = new Map<string, string>();
  for (const [i, userId] of USERS.entries()) {
    const customer = await billing.customers.ensure({ userId, email: `subscriber${i + 1}@example.com.au` });
    customerIds.set(userId, customer.stripeCustomerId);
    await billing.subscriptions.start({ userId, plan: 'pro', paymentMethodId: 'pm_card_au' });
    await sim.clock.advance({ days: 1 });
  }
  await on('2026-02-04T00:00:00Z');
  for (const userId of USERS) await billing.subscriptions.change({ userId, plan: 'business' });

  // The April renewals fail; a new card and a payment from the portal recover them.
  await on('2026-04-10T00:00:00Z');
  for (const userId of USERS) await billing.paymentMethods.setDefault(userId, 'pm_card_chargeCustomerFail');
  await on('2026-04-22T00:00:00Z');
  for (const userId of USERS) {
    await billing.paymentMethods.setDefault(userId, 'pm_card_au');
    const overdue = (await sim.stripe.invoices.list({ status: 'open', limit: 100 })).data.find(
      (invoice) => invoice.customer === customerIds.get(userId),
    );
    if (overdue) await billing.payments.retry(overdue.id, { userId });
  }
  await sim.clock.advance({ minutes: 5 });

  // A partial refund (5.00 AUD) of each subscriber's latest succeeded charge: the recovered payment.
  const charges = (await sim.stripe.charges.list({ limit: 100 })).data;
  for (const userId of USERS) {
    const charge = charges.find((c) => c.status === 'succeeded' && c.customer === customerIds.get(userId));
    if (!charge) throw new Error(`no succeeded charge for ${userId} to refund`);
    await sim.stripe.refunds.create({ charge: charge.id, amount: 500 });
  }

  await on('2026-08-20T00:00:00Z');
  for (const userId of USERS) await billing.subscriptions.cancel({ userId, atPeriodEnd: true });
  await on('2026-10-01T00:00:00Z');
  await sim.webhooks.flush();
  return { sim, payloads: sim.webhooks.events().map((event) => JSON.stringify(event)) };
}
