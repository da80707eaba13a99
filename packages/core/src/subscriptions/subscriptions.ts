// Subscriptions: start (with the 3D Secure path), preview and make plan changes with the host's
// proration policy, cancel now or at period end, resume, pause, read the current one, and the
// operator's extensions of a trial or of a past-due customer's grace.

import type Stripe from 'stripe';
import { z } from 'zod';
import { graceEnd } from '../access/access.js';
import { recordAudit } from '../audit/audit.js';
import type { Interval } from '../catalog/define-catalog.js';
import { fromUnix, toUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { perKeyQueue, requireCustomer, userIdSchema } from '../customers/customers.js';
import { BillingError, CardDeclinedError, InvalidInputError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import { invoiceRecordFrom } from '../mirror/money-records.js';
import { idOf } from '../mirror/stripe-to-records.js';
import { type Money, monthlyEquivalent } from '../money.js';
import { queueNotification } from '../notifications/outbox.js';
import { attachAndMakeDefault } from '../payment-methods/payment-methods.js';
import { queueInvoiceNotifications } from '../payments/invoice-notifications.js';
import { payInvoice } from '../payments/payments.js';
import type { SubscriptionRecord } from '../store/records.js';
import { idempotencyKey } from '../stripe-gateway/stripe-gateway.js';
import {
  ABANDONED_AT_SIGNUP,
  liveSubscription,
  subscriptionsOf,
  writeSubscription,
} from './subscription-writes.js';

const userId = userIdSchema;
const interval = z.enum(['day', 'week', 'month', 'year']);

/** Who asked, for the audit log: `user:<id>` (the portal), `admin:<id>`. @default 'system' */
const actorSchema = z.string().min(1).max(255).optional();

const startSchema = z.object({
  userId,
  actor: actorSchema,
  plan: z.string().min(1),
  interval: interval.optional(),
  paymentMethodId: z.string().min(1).optional(),
  trialDays: z.number().int().min(1).max(730).optional(),
  promotionCode: z.string().min(1).max(100).optional(),
});

const reactivateSchema = z.object({
  userId,
  actor: actorSchema,
  /** @default the plan of the last subscription */
  plan: z.string().min(1).optional(),
  interval: interval.optional(),
  paymentMethodId: z.string().min(1).optional(),
});

const changeSchema = z.object({
  userId,
  plan: z.string().min(1),
  interval: interval.optional(),
  actor: actorSchema,
  /**
   * 'none': the plan changes now in Stripe with no proration and nothing charged now; the new
   * price is billed from the next renewal (an operator's courtesy change). @default 'policy'
   */
  proration: z.enum(['policy', 'none']).default('policy'),
});

/** Who did it, for the audit log: operators' actions name them (`admin:<id>`). */
const requiredActor = z.string().min(1).max(255);

const extendTrialSchema = z.object({
  userId,
  /** The new end of the trial: after now and after the current trial end. */
  until: z.date(),
  actor: requiredActor,
});

const extendGraceSchema = z.object({
  userId,
  /** Access while past due (or unpaid) lasts until then, unless the payment is recovered first. */
  until: z.date(),
  actor: requiredActor,
});

export type ChangeInput = z.input<typeof changeSchema>;
export type ExtendTrialInput = z.input<typeof extendTrialSchema>;
export type ExtendGraceInput = z.input<typeof extendGraceSchema>;

const GRACE_STATUSES: ReadonlySet<SubscriptionRecord['status']> = new Set(['past_due', 'unpaid']);

/** Stripe's cancellation_details.feedback values. */
export const cancellationFeedbackSchema = z.enum([
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
]);

const cancelSchema = z.object({
  userId,
  actor: actorSchema,
  atPeriodEnd: z.boolean().default(true),
  reason: z.string().max(500).optional(),
  feedback: cancellationFeedbackSchema.optional(),
  /** The retention offers the customer was shown and turned down (recorded in the audit log). */
  declinedOffers: z.array(z.string().min(1).max(60)).max(10).optional(),
});

export interface StartResult {
  subscription: SubscriptionRecord;
  /** Present when the first payment needs 3D Secure: confirm this client secret with Stripe.js. */
  requiresAction?: { clientSecret: string };
}

/** What the next invoice of a subscription will charge. */
export interface NextCharge {
  /** Tax included. */
  amount: Money;
  /** The tax (GST) in it. */
  tax: Money;
  /** What the tax is called: 'GST', 'Tax'. */
  taxLabel: string;
  date: Date;
}

export interface PreviewLine {
  description: string;
  amount: Money;
  proration: boolean;
  period: { start: Date; end: Date };
}

export interface ChangePreview {
  direction: 'upgrade' | 'downgrade' | 'same';
  /** The moment the proration is computed for; pass the same change soon after to pay exactly this. */
  prorationDate: Date;
  /** Charged now (an upgrade under the default policy); total 0 when nothing is charged now. */
  now: { total: Money; lines: PreviewLine[] };
  /** The next renewal invoice, after the change. */
  next: { total: Money; date: Date; lines: PreviewLine[] };
}

type Direction = ChangePreview['direction'];

export function subscriptionsApi(ctx: BillingContext) {
  async function requireLive(id: string): Promise<SubscriptionRecord> {
    const live = await liveSubscription(ctx, id);
    if (!live) throw new BillingError('subscription_not_found', `User ${id} has no current subscription.`);
    return live;
  }

  function resolvePlan(planId: string, wanted?: Interval) {
    const plan = ctx.catalog.findPlan(planId);
    const price = ctx.catalog.findPrice(planId, wanted);
    if (!plan || !price) {
      throw new BillingError(
        'plan_not_found',
        wanted
          ? `The catalog has no ${wanted} price for plan ${planId}.`
          : `The catalog has no plan ${planId}.`,
      );
    }
    return { plan, price, lookupKey: ctx.catalog.lookupKey(planId, price) };
  }

  async function retrieve(id: string): Promise<Stripe.Subscription> {
    return ctx.gateway.call('subscriptions.retrieve', (stripe) =>
      stripe.subscriptions.retrieve(id, { expand: ['latest_invoice'] }),
    );
  }

  async function firstPaymentIntent(sub: Stripe.Subscription): Promise<Stripe.PaymentIntent | null> {
    const invoiceId = idOf(sub.latest_invoice as string | null);
    if (!invoiceId) return null;
    const payments = await ctx.gateway.call('invoicePayments.list', (stripe) =>
      stripe.invoicePayments.list({ invoice: invoiceId, limit: 1 }),
    );
    const piId = idOf(payments.data[0]?.payment.payment_intent as string | null | undefined);
    if (!piId) return null;
    return ctx.gateway.call('paymentIntents.retrieve', (stripe) => stripe.paymentIntents.retrieve(piId));
  }

  async function resolvePromotionCode(code: string): Promise<string> {
    const found = await ctx.gateway.call('promotionCodes.list', (stripe) =>
      stripe.promotionCodes.list({ code, active: true, limit: 1 }),
    );
    const promotion = found.data[0];
    if (!promotion) {
      throw new InvalidInputError(`The promotion code ${code} is not valid.`, [
        { path: 'promotionCode', message: 'not a valid promotion code' },
      ]);
    }
    return promotion.id;
  }

  function directionOf(
    current: SubscriptionRecord,
    target: { amount: number; interval: Interval; intervalCount: number },
  ): Direction {
    const before = monthlyEquivalent(current.amount, current.interval);
    const after = monthlyEquivalent(target.amount, target.interval, target.intervalCount);
    if (after > before) return 'upgrade';
    if (after < before) return 'downgrade';
    return current.interval === target.interval ? 'same' : 'upgrade';
  }

  /** A change between intervals starts a new period now in Stripe, and charges it. */
  function changesInterval(sub: Stripe.Subscription, price: Stripe.Price): boolean {
    const before = sub.items.data[0]!.price.recurring;
    return (
      before?.interval !== price.recurring?.interval ||
      (before?.interval_count ?? 1) !== (price.recurring?.interval_count ?? 1)
    );
  }

  /** 'none' keeps the billing period, which a change of interval cannot: refused before anything changes. */
  function refuseNoProrationAcrossIntervals(sub: Stripe.Subscription, price: Stripe.Price): void {
    if (!changesInterval(sub, price)) return;
    throw new InvalidInputError(
      "A change to another interval starts a new billing period now and charges it, so it cannot be made with proration 'none'.",
      [{ path: 'proration', message: "'none' needs the same interval" }],
    );
  }

  /** Stripe's proration_behavior for a change, from the host's policy. */
  function prorationFor(direction: Direction): Stripe.SubscriptionUpdateParams.ProrationBehavior {
    if (direction === 'upgrade') {
      return { now: 'always_invoice', next_invoice: 'create_prorations', none: 'none' }[
        ctx.policies.proration.upgrade
      ] as Stripe.SubscriptionUpdateParams.ProrationBehavior;
    }
    if (direction === 'downgrade' && ctx.policies.proration.downgrade === 'now_with_credit')
      return 'always_invoice';
    return 'none';
  }

  function linesOf(invoice: Stripe.Invoice): PreviewLine[] {
    return invoice.lines.data.map((line) => ({
      description: line.description ?? '',
      amount: { amount: line.amount, currency: line.currency },
      proration: Boolean(
        line.parent?.subscription_item_details?.proration ?? line.parent?.invoice_item_details?.proration,
      ),
      period: { start: fromUnix(line.period.start), end: fromUnix(line.period.end) },
    }));
  }

  async function startWith(
    args: z.output<typeof startSchema>,
    options: { allowTrial: boolean; action: string },
  ): Promise<StartResult> {
    {
      let customer = await requireCustomer(ctx, args.userId);
      const { plan, price: priceDef, lookupKey } = resolvePlan(args.plan, args.interval);
      const existing = await liveSubscription(ctx, args.userId);
      if (existing && ctx.policies.oneSubscriptionPerUser) {
        throw new BillingError(
          'already_subscribed',
          `User ${args.userId} already has a ${existing.status} subscription (${existing.planId ?? existing.stripePriceId}); change it instead.`,
        );
      }
      const price = await ctx.prices.byLookupKey(lookupKey);
      // Everything that can be refused is checked before anything changes (the card is attached last).
      const discounts = args.promotionCode
        ? [{ promotion_code: await resolvePromotionCode(args.promotionCode) }]
        : undefined;
      let paymentMethod = customer.defaultPaymentMethodId;
      if (args.paymentMethodId) {
        paymentMethod = await attachAndMakeDefault(ctx, customer, args.paymentMethodId);
        customer = await requireCustomer(ctx, args.userId);
      }
      const trialDays = options.allowTrial ? (args.trialDays ?? priceDef.trialDays) : undefined;
      if (!paymentMethod && !trialDays) {
        throw new BillingError(
          'payment_method_required',
          'A payment method is needed to start a paid subscription.',
        );
      }
      const taxRates = await ctx.tax.taxRateIds(ctx.gateway, { country: customer.address?.country ?? null });
      const history = await ctx.store.subscriptions.listByUserId(args.userId);
      const created = await ctx.gateway.call('subscriptions.create', (stripe) =>
        stripe.subscriptions.create(
          {
            customer: customer.stripeCustomerId,
            items: [{ price: price.id }],
            ...(paymentMethod ? { default_payment_method: paymentMethod } : {}),
            ...(taxRates.length > 0 ? { default_tax_rates: taxRates } : {}),
            ...(ctx.tax.automaticTax ? { automatic_tax: { enabled: true } } : {}),
            ...(trialDays ? { trial_period_days: trialDays } : {}),
            ...(discounts ? { discounts } : {}),
            payment_behavior: 'allow_incomplete',
            payment_settings: { save_default_payment_method: 'on_subscription' },
            metadata: { billkit_user_id: args.userId, billkit_plan: plan.id },
            expand: ['latest_invoice'],
          },
          {
            // One start per user and history: a double click or a retried request gets the same
            // subscription back, never a second charge (the card attach bumps the customer's version).
            idempotencyKey: idempotencyKey('subscription.start', args.userId, history.length, lookupKey),
          },
        ),
      );
      if (created.status !== 'incomplete') {
        const email = customer.email;
        const record = await writeSubscription(
          ctx,
          created,
          args.userId,
          { action: options.action, ...(args.actor ? { actor: args.actor } : {}) },
          {},
          undefined,
          async (session, written) => {
            // The first invoice, paid at the checkout: mirrored now, with its receipt.
            const first = typeof created.latest_invoice === 'object' ? created.latest_invoice : null;
            if (first) {
              await session.invoices.upsert(invoiceRecordFrom(first, args.userId, toUnix(ctx.clock.now())));
              await queueInvoiceNotifications(
                ctx,
                session,
                first,
                { userId: args.userId, email },
                'invoice.paid',
              );
            }
            await queueNotification(ctx, session, {
              kind: 'welcome',
              userId: args.userId,
              email,
              key: `welcome:${created.id}`,
              data: {
                subscriptionId: created.id,
                planId: plan.id,
                planName: plan.name,
                status: created.status,
                amount: written.amount,
                currency: written.currency,
                interval: written.interval,
                trialEnd: written.trialEnd?.toISOString() ?? null,
                portalUrl: ctx.urls.portal,
              },
            });
          },
        );
        return { subscription: record };
      }
      const pi = await firstPaymentIntent(created);
      if (pi?.status === 'requires_action' && pi.client_secret) {
        const record = await writeSubscription(ctx, created, args.userId, {
          action: 'subscription.requires_action',
          ...(args.actor ? { actor: args.actor } : {}),
        });
        return { subscription: record, requiresAction: { clientSecret: pi.client_secret } };
      }
      // Declined: end the incomplete subscription and void its first invoice, so nothing is left
      // to pay or to mail, and the customer can simply try another card.
      const canceled = await ctx.gateway.call('subscriptions.cancel', (stripe) =>
        stripe.subscriptions.cancel(
          created.id,
          { cancellation_details: { comment: ABANDONED_AT_SIGNUP } },
          { idempotencyKey: idempotencyKey('subscription.abandon', created.id) },
        ),
      );
      const firstInvoiceId = idOf(created.latest_invoice as string | Stripe.Invoice | null);
      if (firstInvoiceId) {
        const first = await ctx.gateway.call('invoices.retrieve', (stripe) =>
          stripe.invoices.retrieve(firstInvoiceId),
        );
        if (first.status === 'open') {
          await ctx.gateway.call('invoices.voidInvoice', (stripe) =>
            stripe.invoices.voidInvoice(
              firstInvoiceId,
              {},
              { idempotencyKey: idempotencyKey('invoice.void', firstInvoiceId) },
            ),
          );
        }
      }
      await writeSubscription(ctx, canceled, args.userId, {
        action: 'subscription.start_declined',
        ...(args.actor ? { actor: args.actor } : {}),
        data: { declineCode: pi?.last_payment_error?.decline_code ?? null },
      });
      throw new CardDeclinedError(pi?.last_payment_error?.message ?? 'The card was declined.', {
        declineCode: pi?.last_payment_error?.decline_code ?? null,
        stripeCode: pi?.last_payment_error?.code ?? null,
      });
    }
  }

  const oneStartAtATime = perKeyQueue();

  const api = {
    /** Starts a subscription; a declined card throws CardDeclinedError, 3D Secure returns requiresAction. */
    async start(input: z.input<typeof startSchema>): Promise<StartResult> {
      const args = parseInput(startSchema, input, 'subscriptions.start');
      return oneStartAtATime(args.userId, () =>
        startWith(args, { allowTrial: true, action: 'subscription.started' }),
      );
    },

    /**
     * Brings a customer back: a scheduled cancellation is undone; an unpaid or past-due
     * subscription is paid now (its latest invoice, with the default or the given card); an ended
     * one is started again on the same plan and interval (or the ones given), without a new trial.
     */
    async reactivate(input: z.input<typeof reactivateSchema>): Promise<StartResult> {
      const args = parseInput(reactivateSchema, input, 'subscriptions.reactivate');
      const live = await liveSubscription(ctx, args.userId);
      if (live && (live.cancelAtPeriodEnd || live.cancelAt)) {
        return { subscription: await api.resume(args.userId, args.actor ? { actor: args.actor } : {}) };
      }
      if (live && (live.status === 'unpaid' || live.status === 'past_due') && live.latestInvoiceId) {
        await payInvoice(ctx, live.latestInvoiceId, {
          paymentMethodId: args.paymentMethodId,
          userId: args.userId,
          actor: args.actor ?? `user:${args.userId}`,
        });
        return {
          subscription: (await ctx.store.subscriptions.findByStripeId(live.stripeSubscriptionId)) ?? live,
        };
      }
      if (live) {
        throw new BillingError(
          'already_subscribed',
          `User ${args.userId} already has a ${live.status} subscription.`,
        );
      }
      const last = (await subscriptionsOf(ctx, args.userId))[0];
      const plan = args.plan ?? last?.planId;
      if (!plan) {
        throw new BillingError(
          'subscription_not_found',
          `User ${args.userId} has no earlier subscription to reactivate; name a plan.`,
        );
      }
      return startWith(
        {
          userId: args.userId,
          plan,
          interval: args.interval ?? (args.plan ? undefined : last?.interval),
          paymentMethodId: args.paymentMethodId,
          actor: args.actor,
        },
        { allowTrial: false, action: 'subscription.reactivated' },
      );
    },

    /** What changing plan would cost now and at the next renewal, from Stripe's own preview. */
    async previewChange(input: z.input<typeof changeSchema>): Promise<ChangePreview> {
      const args = parseInput(changeSchema, input, 'subscriptions.previewChange');
      const current = await requireLive(args.userId);
      const { price: priceDef, lookupKey } = resolvePlan(args.plan, args.interval);
      const price = await ctx.prices.byLookupKey(lookupKey);
      const sub = await retrieve(current.stripeSubscriptionId);
      if (args.proration === 'none') refuseNoProrationAcrossIntervals(sub, price);
      const itemId = sub.items.data[0]!.id;
      const direction = directionOf(current, priceDef);
      const behavior = args.proration === 'none' ? 'none' : prorationFor(direction);
      const prorationDate = toUnix(ctx.clock.now());
      const preview = (
        proration_behavior: Stripe.InvoiceCreatePreviewParams.SubscriptionDetails.ProrationBehavior,
      ) =>
        ctx.gateway.call('invoices.createPreview', (stripe) =>
          stripe.invoices.createPreview({
            subscription: sub.id,
            subscription_details: {
              items: [{ id: itemId, price: price.id }],
              proration_behavior,
              proration_date: prorationDate,
            },
          }),
        );
      const currency = price.currency;
      const intervalChanges = changesInterval(sub, price);
      const nowInvoice =
        behavior === 'always_invoice' || intervalChanges ? await preview('always_invoice') : null;
      const nextInvoice = intervalChanges
        ? null
        : await preview(behavior === 'create_prorations' ? 'create_prorations' : 'none');
      return {
        direction,
        prorationDate: fromUnix(prorationDate),
        now: nowInvoice
          ? { total: { amount: nowInvoice.total, currency }, lines: linesOf(nowInvoice) }
          : { total: { amount: 0, currency }, lines: [] },
        next: nextInvoice
          ? {
              total: { amount: nextInvoice.total, currency },
              // The renewal: when the current period ends (an invoice's own period looks back).
              date: fromUnix(sub.items.data[0]!.current_period_end),
              lines: linesOf(nextInvoice),
            }
          : (() => {
              // A new interval starts a new period now: the next renewal is when it ends.
              const newPeriod = nowInvoice?.lines.data.find(
                (l) => l.amount > 0 && !l.parent?.subscription_item_details?.proration,
              );
              return {
                total: { amount: newPeriod?.amount ?? priceDef.amount, currency },
                date: fromUnix(newPeriod?.period.end ?? prorationDate),
                lines: [],
              };
            })(),
      };
    },

    /**
     * Changes plan with the policy's proration: an upgrade is charged now (a declined card leaves
     * the plan as it was); a downgrade takes effect in Stripe now, with access to the old plan kept
     * until the period ends and no refund. With `proration: 'none'` the new plan applies now with
     * nothing charged or credited; its price is billed from the next renewal.
     */
    async change(input: ChangeInput): Promise<SubscriptionRecord> {
      const args = parseInput(changeSchema, input, 'subscriptions.change');
      const current = await requireLive(args.userId);
      const { price: priceDef, lookupKey } = resolvePlan(args.plan, args.interval);
      const price = await ctx.prices.byLookupKey(lookupKey);
      if (price.id === current.stripePriceId) {
        throw new BillingError('invalid_state', `User ${args.userId} is already on ${args.plan}.`);
      }
      const sub = await retrieve(current.stripeSubscriptionId);
      const withoutProration = args.proration === 'none';
      if (withoutProration) refuseNoProrationAcrossIntervals(sub, price);
      const direction = directionOf(current, priceDef);
      const behavior = withoutProration ? 'none' : prorationFor(direction);
      const updated = await ctx.gateway.call('subscriptions.update', (stripe) =>
        stripe.subscriptions.update(
          sub.id,
          {
            items: [{ id: sub.items.data[0]!.id, price: price.id }],
            proration_behavior: behavior,
            payment_behavior: behavior === 'always_invoice' ? 'error_if_incomplete' : 'allow_incomplete',
            metadata: { billkit_plan: args.plan },
            expand: ['latest_invoice'],
          },
          {
            idempotencyKey: idempotencyKey(
              'subscription.change',
              sub.id,
              current.version,
              price.id,
              ...(withoutProration ? ['no_proration'] : []),
            ),
          },
        ),
      );
      const keepOldPlan =
        !withoutProration && direction === 'downgrade' && ctx.policies.proration.downgrade === 'period_end';
      return writeSubscription(
        ctx,
        updated,
        args.userId,
        {
          action: 'subscription.changed',
          ...(args.actor ? { actor: args.actor } : {}),
          data: {
            from: current.planId,
            to: args.plan,
            direction,
            ...(withoutProration ? { proration: 'none' } : {}),
          },
        },
        {
          scheduledDowngrade: keepOldPlan
            ? {
                fromPlanId: current.scheduledDowngrade?.fromPlanId ?? current.planId,
                until: current.currentPeriodEnd,
              }
            : null,
        },
      );
    },

    /**
     * Gives a trialing subscription a longer trial (an operator's action): Stripe moves the trial
     * end and the first charge to `until`, with no proration. Only while trialing (`invalid_state`).
     */
    async extendTrial(input: ExtendTrialInput): Promise<SubscriptionRecord> {
      const args = parseInput(extendTrialSchema, input, 'subscriptions.extendTrial');
      const current = await requireLive(args.userId);
      // Stripe's own state decides: trial_end on a subscription whose trial just ended would start a new one.
      const sub = await retrieve(current.stripeSubscriptionId);
      if (sub.status !== 'trialing' || !sub.trial_end) {
        throw new BillingError(
          'invalid_state',
          `User ${args.userId}'s subscription is ${sub.status}; only a trial can be extended.`,
        );
      }
      const until = toUnix(args.until);
      if (until <= toUnix(ctx.clock.now()) || until <= sub.trial_end) {
        throw new InvalidInputError(
          `Invalid input to subscriptions.extendTrial: until must be after now and after the current trial end (${fromUnix(sub.trial_end).toISOString()}).`,
          [{ path: 'until', message: 'must be after now and after the current trial end' }],
        );
      }
      const updated = await ctx.gateway.call('subscriptions.update', (stripe) =>
        stripe.subscriptions.update(
          sub.id,
          { trial_end: until, proration_behavior: 'none', expand: ['latest_invoice'] },
          { idempotencyKey: idempotencyKey('subscription.extend_trial', sub.id, current.version, until) },
        ),
      );
      return writeSubscription(ctx, updated, args.userId, {
        action: 'subscription.trial_extended',
        actor: args.actor,
        data: { from: fromUnix(sub.trial_end).toISOString(), to: fromUnix(until).toISOString() },
      });
    },

    /**
     * Keeps a past-due (or unpaid) customer's access until `until`, past the grace policy (an
     * operator's action). Recorded in the mirror only (Stripe's retries go on as before); it ends
     * when the subscription is back in good standing.
     */
    async extendGrace(input: ExtendGraceInput): Promise<SubscriptionRecord> {
      const args = parseInput(extendGraceSchema, input, 'subscriptions.extendGrace');
      const current = await requireLive(args.userId);
      const now = ctx.clock.now();
      const requireGraceStatus = (subscription: SubscriptionRecord) => {
        if (GRACE_STATUSES.has(subscription.status)) return;
        throw new BillingError(
          'invalid_state',
          `User ${args.userId}'s subscription is ${subscription.status}; grace is only extended while past_due or unpaid.`,
        );
      };
      requireGraceStatus(current);
      const before = graceEnd(current, now, ctx.policies.grace.days);
      if (args.until <= now || (before && args.until <= before)) {
        throw new InvalidInputError(
          `Invalid input to subscriptions.extendGrace: until must be after now${before ? ` and after the current end of grace (${before.toISOString()})` : ''}.`,
          [{ path: 'until', message: 'must be after now and after the current end of grace' }],
        );
      }
      return ctx.store.transaction(async (session) => {
        const existing = await session.subscriptions.findByStripeId(current.stripeSubscriptionId);
        if (!existing)
          throw new BillingError(
            'subscription_not_found',
            `User ${args.userId} has no current subscription.`,
          );
        requireGraceStatus(existing);
        const record: SubscriptionRecord = {
          ...existing,
          graceExtendedUntil: args.until,
          updatedAt: now,
          version: existing.version + 1,
        };
        await session.subscriptions.upsert(record);
        await recordAudit(session, ctx.clock, {
          actor: args.actor,
          action: 'subscription.grace_extended',
          subjectType: 'subscription',
          subjectId: existing.stripeSubscriptionId,
          userId: args.userId,
          data: {
            status: existing.status,
            from: before?.toISOString() ?? null,
            to: args.until.toISOString(),
          },
        });
        return record;
      });
    },

    /** Cancels at period end (the default: access until then) or now. */
    async cancel(input: z.input<typeof cancelSchema>): Promise<SubscriptionRecord> {
      const args = parseInput(cancelSchema, input, 'subscriptions.cancel');
      const current = await requireLive(args.userId);
      const details = {
        ...(args.reason ? { comment: args.reason } : {}),
        ...(args.feedback ? { feedback: args.feedback } : {}),
      };
      const key = idempotencyKey(
        'subscription.cancel',
        current.stripeSubscriptionId,
        current.version,
        args.atPeriodEnd ? 'end' : 'now',
      );
      const result = args.atPeriodEnd
        ? await ctx.gateway.call('subscriptions.update', (stripe) =>
            stripe.subscriptions.update(
              current.stripeSubscriptionId,
              { cancel_at_period_end: true, cancellation_details: details, expand: ['latest_invoice'] },
              { idempotencyKey: key },
            ),
          )
        : await ctx.gateway.call('subscriptions.cancel', (stripe) =>
            stripe.subscriptions.cancel(
              current.stripeSubscriptionId,
              { cancellation_details: details, expand: ['latest_invoice'] },
              { idempotencyKey: key },
            ),
          );
      const customer = await ctx.store.customers.findByUserId(args.userId);
      const planName = ctx.catalog.findPlan(current.planId ?? '')?.name ?? 'your plan';
      const base = { userId: args.userId, email: customer?.email ?? null };
      return writeSubscription(
        ctx,
        result,
        args.userId,
        {
          action: args.atPeriodEnd ? 'subscription.cancel_scheduled' : 'subscription.canceled',
          ...(args.actor ? { actor: args.actor } : {}),
          data: {
            reason: args.reason ?? null,
            feedback: args.feedback ?? null,
            declinedOffers: args.declinedOffers ?? [],
          },
        },
        {},
        undefined,
        (session, record) =>
          queueNotification(
            ctx,
            session,
            args.atPeriodEnd
              ? {
                  ...base,
                  kind: 'subscription.cancel_scheduled',
                  key: `subscription_cancel_scheduled:${result.id}:${record.version}`,
                  data: {
                    subscriptionId: result.id,
                    planName,
                    endsAt: (record.cancelAt ?? record.currentPeriodEnd).toISOString(),
                    portalUrl: ctx.urls.portal,
                  },
                }
              : {
                  ...base,
                  kind: 'subscription.canceled',
                  key: `subscription_canceled:${result.id}`,
                  data: {
                    subscriptionId: result.id,
                    planName,
                    endedAt: record.endedAt?.toISOString() ?? null,
                    reason: 'requested',
                    portalUrl: ctx.urls.portal,
                  },
                },
          ),
      );
    },

    /** Undoes a scheduled cancellation, resumes a paused subscription, or resumes paused collection. */
    async resume(id: string, options: { actor?: string } = {}): Promise<SubscriptionRecord> {
      const forUser = parseInput(userId, id, 'subscriptions.resume');
      const current = await requireLive(forUser);
      const key = idempotencyKey('subscription.resume', current.stripeSubscriptionId, current.version);
      let result: Stripe.Subscription;
      if (current.status === 'paused') {
        result = await ctx.gateway.call('subscriptions.resume', (stripe) =>
          stripe.subscriptions.resume(
            current.stripeSubscriptionId,
            {
              billing_cycle_anchor: { type: 'now' },
              expand: ['latest_invoice'],
            } as Stripe.SubscriptionResumeParams,
            { idempotencyKey: key },
          ),
        );
      } else if (current.cancelAtPeriodEnd || current.cancelAt) {
        result = await ctx.gateway.call('subscriptions.update', (stripe) =>
          stripe.subscriptions.update(
            current.stripeSubscriptionId,
            { cancel_at_period_end: false, expand: ['latest_invoice'] },
            { idempotencyKey: key },
          ),
        );
      } else if (current.pausedCollection) {
        result = await ctx.gateway.call('subscriptions.update', (stripe) =>
          stripe.subscriptions.update(
            current.stripeSubscriptionId,
            { pause_collection: '', expand: ['latest_invoice'] },
            { idempotencyKey: key },
          ),
        );
      } else {
        throw new BillingError(
          'invalid_state',
          `User ${forUser}'s subscription is neither canceling nor paused.`,
        );
      }
      return writeSubscription(ctx, result, forUser, {
        action: 'subscription.resumed',
        ...(options.actor
          ? { actor: parseInput(z.string().min(1).max(255), options.actor, 'subscriptions.resume') }
          : {}),
      });
    },

    /** Pauses the subscription: no invoices and no access until resumed. */
    async pause(id: string, options: { actor?: string } = {}): Promise<SubscriptionRecord> {
      const forUser = parseInput(userId, id, 'subscriptions.pause');
      const current = await requireLive(forUser);
      if (!['active', 'trialing', 'past_due'].includes(current.status)) {
        throw new BillingError('invalid_state', `A ${current.status} subscription cannot be paused.`);
      }
      const result = await ctx.gateway.call('subscriptions.pause', (stripe) =>
        stripe.subscriptions.pause(
          current.stripeSubscriptionId,
          { expand: ['latest_invoice'] },
          {
            idempotencyKey: idempotencyKey(
              'subscription.pause',
              current.stripeSubscriptionId,
              current.version,
            ),
          },
        ),
      );
      return writeSubscription(ctx, result, forUser, {
        action: 'subscription.paused',
        ...(options.actor
          ? { actor: parseInput(z.string().min(1).max(255), options.actor, 'subscriptions.pause') }
          : {}),
      });
    },

    /**
     * What the next renewal will charge and when, from Stripe's own preview (discounts, credit and
     * tax included); null when nothing is due (no live subscription, or it ends at period end).
     */
    async nextCharge(id: string): Promise<NextCharge | null> {
      const forUser = parseInput(userId, id, 'subscriptions.nextCharge');
      const current = await liveSubscription(ctx, forUser);
      const charging =
        current && !current.cancelAtPeriodEnd && !current.cancelAt && !current.pausedCollection;
      if (!current || !charging || current.status === 'paused') return null;
      const preview = await ctx.gateway.call('invoices.createPreview', (stripe) =>
        stripe.invoices.createPreview({ subscription: current.stripeSubscriptionId }),
      );
      const tax = (preview.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
      return {
        amount: { amount: preview.amount_due, currency: preview.currency },
        tax: { amount: tax, currency: preview.currency },
        taxLabel: ctx.tax.label,
        // The renewal (or the trial's end): an invoice's own period looks back, so not from it.
        date: current.status === 'trialing' && current.trialEnd ? current.trialEnd : current.currentPeriodEnd,
      };
    },

    /** The user's current subscription (or the most recent one), from the mirror. */
    async get(id: string): Promise<SubscriptionRecord | null> {
      const forUser = parseInput(userId, id, 'subscriptions.get');
      const live = await liveSubscription(ctx, forUser);
      if (live) return live;
      const all = await subscriptionsOf(ctx, forUser);
      return all[0] ?? null;
    },
  };
  return api;
}
