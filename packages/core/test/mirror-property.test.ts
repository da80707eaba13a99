// Property: whatever a customer does and however time passes, the mirror says what Stripe says.
// Clock advances are followed by sync.refresh, the repair path, standing in for webhooks here.

import fc from 'fast-check';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { fromUnix } from '../src/clock.js';
import { isBillingError } from '../src/errors/billing-error.js';
import { givenEngine, givenUser, type World } from './world.js';

type Step =
  | {
      kind: 'start';
      plan: 'pro' | 'business' | 'starter';
      card: 'pm_card_au' | 'pm_card_chargeCustomerFail' | 'pm_card_authenticationRequired';
    }
  | { kind: 'change'; plan: 'pro' | 'business' | 'starter' }
  | { kind: 'cancel'; atPeriodEnd: boolean }
  | { kind: 'resume' }
  | { kind: 'pause' }
  | { kind: 'advance'; days: number }
  | { kind: 'card'; card: 'pm_card_au' | 'pm_card_chargeCustomerFail' };

const plan = fc.constantFrom('pro' as const, 'business' as const, 'starter' as const);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('start' as const),
    plan,
    card: fc.constantFrom(
      'pm_card_au' as const,
      'pm_card_chargeCustomerFail' as const,
      'pm_card_authenticationRequired' as const,
    ),
  }),
  fc.record({ kind: fc.constant('change' as const), plan }),
  fc.record({ kind: fc.constant('cancel' as const), atPeriodEnd: fc.boolean() }),
  fc.record({ kind: fc.constant('resume' as const) }),
  fc.record({ kind: fc.constant('pause' as const) }),
  fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('card' as const),
    card: fc.constantFrom('pm_card_au' as const, 'pm_card_chargeCustomerFail' as const),
  }),
);

const USER = 'user_p';

async function run(world: World, s: Step): Promise<void> {
  const { billing } = world;
  switch (s.kind) {
    case 'start':
      await billing.subscriptions.start({ userId: USER, plan: s.plan, paymentMethodId: s.card });
      return;
    case 'change':
      await billing.subscriptions.change({ userId: USER, plan: s.plan });
      return;
    case 'cancel':
      await billing.subscriptions.cancel({ userId: USER, atPeriodEnd: s.atPeriodEnd });
      return;
    case 'resume':
      await billing.subscriptions.resume(USER);
      return;
    case 'pause':
      await billing.subscriptions.pause(USER);
      return;
    case 'card':
      await billing.paymentMethods.setDefault(USER, s.card);
      return;
    case 'advance':
      await world.sim.clock.advance({ days: s.days });
      await billing.sync.refresh(USER);
      return;
  }
}

/** The mirror's view of each subscription equals Stripe's. */
async function expectMirrorEqualsStripe(world: World): Promise<void> {
  const customer = await world.billing.customers.get(USER);
  const stripeSubs = await world.stripe.subscriptions.list({
    customer: customer!.stripeCustomerId,
    status: 'all',
    limit: 100,
  });
  const mirrored = await world.store.subscriptions.listByUserId(USER);
  const live = stripeSubs.data.filter((s) => mirrored.some((m) => m.stripeSubscriptionId === s.id));
  expect(mirrored.map((m) => m.stripeSubscriptionId).sort()).toEqual(live.map((s) => s.id).sort());
  for (const sub of live as Stripe.Subscription[]) {
    const record = mirrored.find((m) => m.stripeSubscriptionId === sub.id)!;
    const item = sub.items.data[0]!;
    expect(
      {
        status: record.status,
        price: record.stripePriceId,
        periodStart: record.currentPeriodStart,
        periodEnd: record.currentPeriodEnd,
        cancelAtPeriodEnd: record.cancelAtPeriodEnd,
        cancelAt: record.cancelAt,
        trialEnd: record.trialEnd,
      },
      `subscription ${sub.id}`,
    ).toEqual({
      status: sub.status,
      price: item.price.id,
      periodStart: fromUnix(item.current_period_start),
      periodEnd: fromUnix(item.current_period_end),
      cancelAtPeriodEnd: sub.cancel_at_period_end,
      cancelAt: sub.cancel_at ? fromUnix(sub.cancel_at) : null,
      trialEnd: sub.trial_end ? fromUnix(sub.trial_end) : null,
    });
  }
  // Every subscription Stripe holds for the user that Billkit started is mirrored.
  const ours = stripeSubs.data.filter((s) => s.metadata?.billkit_user_id === USER);
  expect(ours.map((s) => s.id).sort()).toEqual(mirrored.map((m) => m.stripeSubscriptionId).sort());
}

describe('the mirror', () => {
  it('equals what Stripe holds after any sequence of starts, changes, cancels, resumes, card failures and time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const world = await givenEngine();
        await givenUser(world, USER);
        for (const s of steps) {
          try {
            await run(world, s);
          } catch (error) {
            // Refusals (already subscribed, nothing to resume, a declined card...) are part of the
            // game; anything that is not a BillingError is a bug.
            if (!isBillingError(error)) throw error;
          }
          await expectMirrorEqualsStripe(world);
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
