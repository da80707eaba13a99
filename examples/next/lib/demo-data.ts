// The demo's year of history (the same as the Express example's), made through the engine on the simulator with its clock moving a
// month at a time: customers in different states (monthly, yearly, Business, canceled, past due
// after a failed renewal), a refund and a year of MRR movements for the admin dashboard.

import type { createBilling } from '@billkit/core';
import type { StripeSim } from '@billkit/stripe-sim';

type Billing = ReturnType<typeof createBilling>;

export const DEMO_USERS = [
  { userId: 'jo', description: 'Pro, monthly, for a year' },
  { userId: 'sam', description: 'Business, monthly, since month 3' },
  { userId: 'alex', description: 'Pro, yearly, since month 6' },
  { userId: 'kim', description: 'Pro from month 2, canceled in month 8' },
  { userId: 'lee', description: 'Pro, past due: the renewal three days ago failed' },
  { userId: 'new_user', description: 'no subscription yet' },
  { userId: 'admin', description: 'the operator: the admin dashboard' },
] as const;

const address = {
  line1: '1 George St',
  line2: null,
  city: 'Sydney',
  state: 'NSW',
  postalCode: '2000',
  country: 'AU',
};

async function subscribe(
  billing: Billing,
  userId: string,
  plan: string,
  interval: 'month' | 'year' = 'month',
) {
  await billing.customers.ensure({
    userId,
    email: `${userId}@example.com.au`,
    name: `${userId[0]!.toUpperCase()}${userId.slice(1)} Citizen`,
    address,
  });
  await billing.subscriptions.start({ userId, plan, interval, paymentMethodId: 'pm_card_visa' });
}

/** Twelve months of history ending at the simulator's start time plus a year. */
export async function seedDemo(billing: Billing, sim: StripeSim): Promise<void> {
  const month = async () => {
    await sim.clock.advance({ months: 1 });
    await sim.webhooks.flush();
  };
  await subscribe(billing, 'jo', 'pro');
  await month();
  await subscribe(billing, 'kim', 'pro');
  await month();
  await subscribe(billing, 'sam', 'business');
  await month();
  await month();
  await subscribe(billing, 'lee', 'pro');
  await month();
  await subscribe(billing, 'alex', 'pro', 'year');
  for (let m = 6; m < 8; m++) await month();
  await billing.subscriptions.cancel({ userId: 'kim', atPeriodEnd: false, reason: 'Found another tool' });
  const [first] = (await billing.invoices.list('jo')).items.slice(-1);
  if (first) {
    await billing.refunds.create({
      invoiceId: first.stripeInvoiceId,
      amount: 500,
      reason: 'Goodwill: an outage',
    });
  }
  for (let m = 8; m < 12; m++) await month();
  // Lee's card starts failing just as the renewal is charged (an hour after the period ends):
  // the payment fails, Stripe retries over the next two weeks, and the subscription is past due.
  await billing.paymentMethods.setDefault('lee', 'pm_card_chargeCustomerFail');
  await sim.clock.advance({ days: 3 });
  await sim.webhooks.flush();
  await billing.notifications.flush();
}
