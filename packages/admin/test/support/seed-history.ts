// A deterministic history of a subscription business, made only through the engine's public API and
// the simulator: signups spread over the months (trials, monthly, yearly, Business), upgrades and
// downgrades, renewals declined and then recovered or lost, refunds, cancellations, reactivations
// and GST-free customers abroad. Every Stripe event is delivered to the engine in order and kept,
// so analytics can be checked against figures computed from the events alone.

import {
  australianGst,
  type Billing,
  type BillingStore,
  CardDeclinedError,
  clockFromUnixSeconds,
  createBilling,
  defineCatalog,
  memoryStore,
} from '@billkit/core';
import { createStripeSim, type StripeSim } from '@billkit/stripe-sim';
import type Stripe from 'stripe';

/** Pro A$10/month and A$100/year, Business A$20/month, Starter A$5/month with a 14-day trial; GST included. */
export const historyCatalog = defineCatalog({
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

const DAY = 86_400;
const HOUR = 3600;
/** Succeeds: an Australian Visa. */
const GOOD_CARD = 'pm_card_au';
/** Attaches, then every charge on it is declined: how a renewal fails. */
const FAILING_CARD = 'pm_card_chargeCustomerFail';
const EXPORT_COUNTRIES = ['NZ', 'US', 'GB', 'SG'] as const;

export interface SeedOptions {
  /** @default 200 */
  customers?: number;
  /** Length of the history in calendar months. @default 14 */
  months?: number;
  /** The PRNG seed: the same seed gives the same history. @default 2026 */
  seed?: number;
  /** @default 2026-01-01T00:00:00Z */
  start?: Date;
  /**
   * The longest a Stripe event waits before it is delivered: the simulator's clock moves in steps
   * of this many seconds, and everything that fell due in a step is delivered at its end (as
   * Stripe delivers within moments; larger steps model an endpoint that was down).
   * @default 3600
   */
  deliveryDelaySeconds?: number;
}

export interface SeededHistory {
  sim: StripeSim;
  stripe: Stripe;
  billing: Billing;
  store: BillingStore;
  /** Every Stripe event, in the order it was delivered to the engine (each once). */
  events: Stripe.Event[];
  /** The history's first and last instant (`to` is `from` plus `months`). */
  from: Date;
  to: Date;
  currency: string;
  /** What was done: actions carried out, per kind, and the archetypes drawn. */
  composition: Record<string, number>;
  /** Actions that did not apply when their time came, with why (kept for the summary). */
  skipped: string[];
  /** Deliveries the engine answered with an error (there should be none). */
  deliveryErrors: string[];
  /** The same engine (simulator, catalog, GST, clock) on another store. */
  billingOn(store: BillingStore): Billing;
  /** Wall-clock milliseconds the seeding took. */
  elapsedMs: number;
}

type Interval = 'month' | 'year';
interface PlanChoice {
  plan: 'pro' | 'business' | 'starter';
  interval: Interval;
}

type Action =
  | { kind: 'signup'; choice: PlanChoice; card: string }
  | { kind: 'declinedSignup'; choice: PlanChoice; retryAfterDays: number | null }
  | { kind: 'change'; choice: PlanChoice }
  | { kind: 'breakCard'; recoverAfterDays: number | null; via: 'setDefault' | 'retry' }
  | { kind: 'fixCard'; via: 'setDefault' | 'retry' }
  | { kind: 'cancel'; atPeriodEnd: boolean }
  | { kind: 'resume' }
  | { kind: 'reactivate' }
  | { kind: 'refund'; share: 'full' | 'part'; again: boolean; invoiceId?: string };

interface Step {
  at: number;
  /** Breaks ties between steps at one second: the order they were planned in. */
  order: number;
  userId: string;
  action: Action;
}

/** mulberry32: a small, fast, seedable PRNG (the history must be the same on every run). */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Random = ReturnType<typeof prng>;

const PRO_MONTHLY: PlanChoice = { plan: 'pro', interval: 'month' };
const PRO_YEARLY: PlanChoice = { plan: 'pro', interval: 'year' };
const BUSINESS: PlanChoice = { plan: 'business', interval: 'month' };
const STARTER: PlanChoice = { plan: 'starter', interval: 'month' };

/** What a customer does, as steps in days after their signup. */
type Archetype = (r: Random) => Array<{ afterDays: number; action: Action }>;

const signup = (choice: PlanChoice): { afterDays: number; action: Action } => ({
  afterDays: 0,
  action: { kind: 'signup', choice, card: GOOD_CARD },
});

const ARCHETYPES: Record<string, { weight: number; steps: Archetype }> = {
  'pro-monthly': { weight: 17, steps: () => [signup(PRO_MONTHLY)] },
  business: { weight: 7, steps: () => [signup(BUSINESS)] },
  'pro-yearly': { weight: 10, steps: () => [signup(PRO_YEARLY)] },
  upgrade: {
    weight: 9,
    steps: (r) => [
      signup(PRO_MONTHLY),
      { afterDays: r.int(10, 150), action: { kind: 'change', choice: BUSINESS } },
    ],
  },
  downgrade: {
    weight: 6,
    steps: (r) => [
      signup(BUSINESS),
      { afterDays: r.int(10, 150), action: { kind: 'change', choice: PRO_MONTHLY } },
    ],
  },
  'monthly-to-yearly': {
    weight: 3,
    steps: (r) => [
      signup(PRO_MONTHLY),
      { afterDays: r.int(20, 120), action: { kind: 'change', choice: PRO_YEARLY } },
    ],
  },
  trial: {
    weight: 6,
    steps: (r) => [
      signup(STARTER),
      ...(r.chance(0.5)
        ? [{ afterDays: r.int(30, 150), action: { kind: 'change', choice: PRO_MONTHLY } as Action }]
        : []),
    ],
  },
  'trial-dropped': {
    weight: 3,
    steps: (r) => [
      signup(STARTER),
      { afterDays: r.int(2, 12), action: { kind: 'cancel', atPeriodEnd: false } },
    ],
  },
  recovered: {
    weight: 10,
    steps: (r) => [
      signup(r.chance(0.7) ? PRO_MONTHLY : BUSINESS),
      {
        afterDays: r.int(15, 220),
        action: {
          kind: 'breakCard',
          recoverAfterDays: r.int(1, 12),
          via: r.chance(0.5) ? 'setDefault' : 'retry',
        },
      },
    ],
  },
  lost: {
    weight: 5,
    steps: (r) => [
      signup(PRO_MONTHLY),
      { afterDays: r.int(15, 220), action: { kind: 'breakCard', recoverAfterDays: null, via: 'setDefault' } },
    ],
  },
  'lost-then-back': {
    weight: 2,
    steps: (r) => {
      const broken = r.int(15, 120);
      return [
        signup(PRO_MONTHLY),
        { afterDays: broken, action: { kind: 'breakCard', recoverAfterDays: null, via: 'setDefault' } },
        { afterDays: broken + 50 + r.int(0, 60), action: { kind: 'reactivate' } },
      ];
    },
  },
  'cancel-at-period-end': {
    weight: 6,
    steps: (r) => [
      signup(r.pick([PRO_MONTHLY, PRO_MONTHLY, BUSINESS, PRO_YEARLY])),
      { afterDays: r.int(20, 250), action: { kind: 'cancel', atPeriodEnd: true } },
    ],
  },
  'cancel-now': {
    weight: 4,
    steps: (r) => [
      signup(r.chance(0.7) ? PRO_MONTHLY : BUSINESS),
      { afterDays: r.int(20, 250), action: { kind: 'cancel', atPeriodEnd: false } },
    ],
  },
  comeback: {
    weight: 6,
    steps: (r) => {
      const left = r.int(20, 150);
      return [
        signup(PRO_MONTHLY),
        { afterDays: left, action: { kind: 'cancel', atPeriodEnd: r.chance(0.5) } },
        { afterDays: left + r.int(40, 120), action: { kind: 'reactivate' } },
      ];
    },
  },
  'changed-mind': {
    weight: 3,
    steps: (r) => {
      const asked = r.int(20, 200);
      return [
        signup(PRO_MONTHLY),
        { afterDays: asked, action: { kind: 'cancel', atPeriodEnd: true } },
        { afterDays: asked + r.int(1, 8), action: { kind: 'resume' } },
      ];
    },
  },
  declined: {
    weight: 4,
    steps: (r) => [
      {
        afterDays: 0,
        action: {
          kind: 'declinedSignup',
          choice: r.chance(0.7) ? PRO_MONTHLY : BUSINESS,
          retryAfterDays: r.chance(0.5) ? r.int(1, 5) : null,
        },
      },
    ],
  },
};

/** The customers abroad buy simple things: their sales are GST-free exports. */
const EXPORT_ARCHETYPES = ['pro-monthly', 'upgrade', 'pro-yearly', 'cancel-at-period-end'] as const;

function drawArchetype(r: Random): string {
  const entries = Object.entries(ARCHETYPES);
  const total = entries.reduce((sum, [, a]) => sum + a.weight, 0);
  let ticket = r.next() * total;
  for (const [name, archetype] of entries) {
    ticket -= archetype.weight;
    if (ticket < 0) return name;
  }
  return entries.at(-1)![0];
}

function addMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, date.getUTCDate()));
}

/** Runs the history; see SeededHistory. */
export async function seedHistory(options: SeedOptions = {}): Promise<SeededHistory> {
  const began = performance.now();
  const customers = options.customers ?? 200;
  const months = options.months ?? 14;
  const from = options.start ?? new Date('2026-01-01T00:00:00Z');
  const to = addMonths(from, months);
  const startUnix = from.getTime() / 1000;
  const endUnix = to.getTime() / 1000;
  const r = prng(options.seed ?? 2026);

  const sim = createStripeSim({ now: from });
  const billingOn = (store: BillingStore) =>
    createBilling({
      stripe: sim.stripe,
      store,
      catalog: historyCatalog,
      tax: australianGst({ abn: '12 345 678 901' }),
      clock: clockFromUnixSeconds(() => sim.clock.now()),
      // Nobody reads the emails here: leave them queued rather than render receipts and PDFs.
      notifications: { sendAfterCommit: false },
    });
  const store = memoryStore();
  const billing = billingOn(store);
  await billing.catalog.sync();

  const events: Stripe.Event[] = [];
  const seen = new Set<string>();
  const deliveryErrors: string[] = [];
  sim.webhooks.listen(async (request) => {
    const event = JSON.parse(await request.text()) as Stripe.Event;
    if (!seen.has(event.id)) {
      seen.add(event.id);
      events.push(event);
    }
    try {
      await billing.sync.applyEvent(event);
    } catch (error) {
      deliveryErrors.push(
        `${event.type} ${event.id}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    // Always 2xx: a redelivery would only repeat an error already recorded.
    return new Response('ok');
  });

  const composition: Record<string, number> = {};
  const count = (what: string) => {
    composition[what] = (composition[what] ?? 0) + 1;
  };
  const skipped: string[] = [];
  const queue: Step[] = [];
  let order = 0;
  const plan = (at: number, userId: string, action: Action) => {
    if (at < endUnix) queue.push({ at, order: order++, userId, action });
  };

  // Every customer's life, planned up front from the seed; what depends on Stripe (the renewal a
  // fix follows) is planned when its step runs.
  const signupSpan = Math.floor((endUnix - startUnix) / DAY) - 20;
  const countries = new Map<string, string>();
  for (let i = 0; i < customers; i++) {
    const userId = `user_${String(i + 1).padStart(3, '0')}`;
    const abroad = i % 50 === 7 ? EXPORT_COUNTRIES[Math.floor(i / 50) % EXPORT_COUNTRIES.length]! : null;
    const archetype = abroad ? r.pick(EXPORT_ARCHETYPES) : drawArchetype(r);
    count(`archetype:${archetype}`);
    countries.set(userId, abroad ?? 'AU');
    const signupAt = startUnix + r.int(0, signupSpan) * DAY + r.int(7 * HOUR, 21 * HOUR);
    for (const step of ARCHETYPES[archetype]!.steps(r)) {
      plan(
        signupAt + step.afterDays * DAY + (step.afterDays > 0 ? r.int(0, 8 * HOUR) : 0),
        userId,
        step.action,
      );
    }
    // Refunds ride on any archetype: full or partial, some partial ones followed by another.
    if (r.chance(0.16)) {
      const share = r.chance(0.4) ? 'full' : 'part';
      plan(signupAt + r.int(3, 300) * DAY + r.int(0, 8 * HOUR), userId, {
        kind: 'refund',
        share,
        again: share === 'part' && r.chance(0.4),
      });
    }
  }

  const ensureCustomer = async (userId: string) => {
    const country = countries.get(userId) ?? 'AU';
    await billing.customers.ensure({
      userId,
      email: `${userId}@example.com`,
      name: `Customer ${userId.slice(5)}`,
      address:
        country === 'AU'
          ? { line1: '1 George St', city: 'Sydney', state: 'NSW', postalCode: '2000', country }
          : { line1: '1 Main St', city: 'Elsewhere', postalCode: '1000', country },
    });
  };

  const current = (userId: string) => billing.subscriptions.get(userId);

  const run = async (step: Step): Promise<string | null> => {
    const { userId, action } = step;
    switch (action.kind) {
      case 'signup': {
        await ensureCustomer(userId);
        await billing.subscriptions.start({
          userId,
          plan: action.choice.plan,
          interval: action.choice.interval,
          paymentMethodId: action.card,
        });
        count(`signup:${action.choice.plan}/${action.choice.interval}`);
        if (countries.get(userId) !== 'AU') count('signup:abroad');
        return null;
      }
      case 'declinedSignup': {
        await ensureCustomer(userId);
        try {
          await billing.subscriptions.start({
            userId,
            plan: action.choice.plan,
            interval: action.choice.interval,
            paymentMethodId: FAILING_CARD,
          });
          return 'a declining card was accepted at signup';
        } catch (error) {
          if (!(error instanceof CardDeclinedError)) throw error;
        }
        count('signup:declined');
        if (action.retryAfterDays !== null) {
          plan(step.at + action.retryAfterDays * DAY, userId, {
            kind: 'signup',
            choice: action.choice,
            card: GOOD_CARD,
          });
        }
        return null;
      }
      case 'change': {
        const sub = await current(userId);
        if (sub?.status !== 'active') return `change: subscription is ${sub?.status ?? 'missing'}`;
        if (sub.cancelAtPeriodEnd) return 'change: cancellation scheduled';
        const before = sub.planId;
        await billing.subscriptions.change({
          userId,
          plan: action.choice.plan,
          interval: action.choice.interval,
        });
        count(`change:${before}/${sub.interval}->${action.choice.plan}/${action.choice.interval}`);
        return null;
      }
      case 'breakCard': {
        const sub = await current(userId);
        if (sub?.status !== 'active') return `breakCard: subscription is ${sub?.status ?? 'missing'}`;
        if (sub.cancelAtPeriodEnd) return 'breakCard: cancellation scheduled';
        await billing.paymentMethods.setDefault(userId, FAILING_CARD);
        count(action.recoverAfterDays === null ? 'card:broken-for-good' : 'card:broken');
        if (action.recoverAfterDays !== null) {
          // The renewal is charged about an hour after the period ends; the fix comes days later.
          const renewal = sub.currentPeriodEnd.getTime() / 1000;
          plan(renewal + 2 * HOUR + action.recoverAfterDays * DAY, userId, {
            kind: 'fixCard',
            via: action.via,
          });
        }
        return null;
      }
      case 'fixCard': {
        const sub = await current(userId);
        if (sub?.status === 'past_due' && action.via === 'retry' && sub.latestInvoiceId) {
          await billing.payments.retry(sub.latestInvoiceId, { paymentMethodId: GOOD_CARD, userId });
          count('card:fixed-and-retried');
          return null;
        }
        await billing.paymentMethods.setDefault(userId, GOOD_CARD);
        count(sub?.status === 'past_due' ? 'card:fixed-while-past-due' : 'card:fixed-before-renewal');
        return null;
      }
      case 'cancel': {
        const sub = await current(userId);
        const live = sub && ['active', 'trialing', 'past_due'].includes(sub.status);
        if (!live) return `cancel: subscription is ${sub?.status ?? 'missing'}`;
        if (sub.cancelAtPeriodEnd) return 'cancel: already scheduled';
        await billing.subscriptions.cancel({
          userId,
          atPeriodEnd: action.atPeriodEnd,
          reason: 'seeded history',
        });
        count(
          action.atPeriodEnd
            ? 'cancel:at-period-end'
            : `cancel:now${sub.status === 'trialing' ? ':trial' : ''}`,
        );
        return null;
      }
      case 'resume': {
        const sub = await current(userId);
        if (!sub?.cancelAtPeriodEnd || sub.status !== 'active') return 'resume: nothing scheduled to cancel';
        await billing.subscriptions.reactivate({ userId });
        count('resume');
        return null;
      }
      case 'reactivate': {
        const sub = await current(userId);
        if (sub && sub.status !== 'canceled') return `reactivate: subscription is ${sub.status}`;
        await billing.subscriptions.reactivate({ userId, paymentMethodId: GOOD_CARD });
        count('reactivate');
        return null;
      }
      case 'refund': {
        const invoiceId = action.invoiceId ?? (await refundableInvoice(userId));
        if (!invoiceId) return 'refund: no paid invoice';
        const detail = await billing.invoices.get(userId, invoiceId);
        const refunded = detail.refunds.reduce((sum, refund) => sum + refund.amount, 0);
        const left = detail.amountPaid - refunded;
        if (left <= 0) return 'refund: nothing left to refund';
        const amount =
          action.share === 'full' ? undefined : Math.max(1, Math.floor(left * (0.2 + 0.4 * r.next())));
        await billing.refunds.create({
          invoiceId,
          ...(amount !== undefined ? { amount } : {}),
          reason: 'requested_by_customer',
          actor: 'admin:seed',
        });
        count(action.invoiceId ? 'refund:second-partial' : `refund:${action.share}`);
        if (action.again) {
          plan(step.at + r.int(2, 20) * DAY, userId, {
            kind: 'refund',
            share: 'part',
            again: false,
            invoiceId,
          });
        }
        return null;
      }
    }
  };

  const refundableInvoice = async (userId: string): Promise<string | null> => {
    const { items } = await billing.invoices.list(userId, { limit: 50 });
    return (
      items.find((invoice) => invoice.status === 'paid' && invoice.amountPaid > 0)?.stripeInvoiceId ?? null
    );
  };

  const delay = options.deliveryDelaySeconds ?? HOUR;
  /** Moves the clock to `at` in steps of `delay`, delivering each step's events at its end. */
  const advanceTo = async (at: number) => {
    for (let t = sim.clock.now() - ((sim.clock.now() - startUnix) % delay) + delay; t < at; t += delay) {
      await sim.clock.advanceTo(t);
    }
    await sim.clock.advanceTo(at);
  };

  for (;;) {
    queue.sort((a, b) => a.at - b.at || a.order - b.order);
    const step = queue.shift();
    if (!step) break;
    await advanceTo(step.at);
    const why = await run(step);
    await sim.webhooks.flush();
    if (why) {
      skipped.push(`${step.userId} ${why}`);
      count(`skipped:${step.action.kind}`);
    }
  }
  await advanceTo(endUnix);
  await sim.webhooks.flush();

  return {
    sim,
    stripe: sim.stripe,
    billing,
    store,
    events,
    from,
    to,
    currency: historyCatalog.currency,
    composition,
    skipped,
    deliveryErrors,
    billingOn,
    elapsedMs: performance.now() - began,
  };
}
