// Money coming in and what happens when it does not: paying an open invoice now (the customer's
// "retry" after fixing their card), the end of dunning when every retry has failed, card-expiry
// reminders, and the payment figures operators watch (success rate, failure reasons, recovery).

import type Stripe from 'stripe';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.js';
import { toUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { requireCustomer } from '../customers/customers.js';
import { BillingError, isBillingError, RequiresActionError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import { invoiceRecordFrom, paymentRecordFrom } from '../mirror/money-records.js';
import { idOf } from '../mirror/stripe-to-records.js';
import { queueNotification } from '../notifications/outbox.js';
import { attachAndMakeDefault } from '../payment-methods/payment-methods.js';
import type { InvoiceRecord, PaymentRecord } from '../store/records.js';
import { idempotencyKey } from '../stripe-gateway/stripe-gateway.js';
import { planNameOf, writeSubscription } from '../subscriptions/subscription-writes.js';
import { queueInvoiceNotifications } from './invoice-notifications.js';

const invoiceIdSchema = z.string().regex(/^in_\w{1,250}$/, 'a Stripe invoice id (in_...)');
const retrySchema = z.object({
  invoiceId: invoiceIdSchema,
  options: z
    .object({
      /** Pay with this card (attached and made the default first); else the default. */
      paymentMethodId: z
        .string()
        .regex(/^\S{1,255}$/)
        .optional(),
      /** Only this user's invoice (the portal passes the signed-in user); another's is not found. */
      userId: z.string().min(1).max(255).optional(),
      /** Who asked: `user:<id>`, `admin:<id>`. @default 'system' */
      actor: z.string().min(1).max(255).default('system'),
    })
    .default({ actor: 'system' }),
});

const statsSchema = z.object({ from: z.date(), to: z.date() }).refine((r) => r.from < r.to, {
  message: '`from` must be before `to`',
  path: ['to'],
});

export interface PaymentStats {
  from: Date;
  to: Date;
  currency: string;
  /** Charges attempted in the range (first tries and retries). */
  attempts: number;
  succeeded: number;
  failed: number;
  /** succeeded / attempts, or null when nothing was attempted. */
  successRate: number | null;
  /** Failed attempts by Stripe's failure code, most frequent first. */
  failureReasons: Array<{ code: string; count: number }>;
  /** Invoices with at least one failed attempt in the range. */
  failedInvoices: number;
  /** Of those, paid since. */
  recoveredInvoices: number;
  /** recoveredInvoices / failedInvoices, or null when none failed. */
  recoveryRate: number | null;
  /** From an invoice's first failed attempt to its payment, in seconds. */
  timeToRecover: { medianSeconds: number | null; averageSeconds: number | null };
  /** Collected by successful charges, minor units, before refunds. */
  collected: number;
  refunds: { count: number; amount: number };
  disputes: { count: number; amount: number; won: number; lost: number; lostAmount: number; open: number };
}

export function paymentsApi(ctx: BillingContext) {
  return {
    /**
     * Pays an open invoice now, with the default card or the one given (the customer fixed their
     * card; an operator retries). A paid invoice is returned as it is. A decline throws
     * CardDeclinedError and 3D Secure RequiresActionError (confirm its client secret with
     * Stripe.js); either way the attempt is recorded.
     */
    async retry(invoiceId: string, options?: z.input<typeof retrySchema>['options']): Promise<InvoiceRecord> {
      const args = parseInput(retrySchema, { invoiceId, options }, 'payments.retry');
      return payInvoice(ctx, args.invoiceId, args.options);
    },

    /** Payment figures for a period, from the mirror. Amounts are in the catalog's currency. */
    async stats(range: { from: Date; to: Date }): Promise<PaymentStats> {
      const args = parseInput(statsSchema, range, 'payments.stats');
      return paymentStats(ctx, args.from, args.to);
    },

    /**
     * Reminds customers whose default card expires within `policies.cardExpiryReminderDays`
     * (and has not expired yet) while they have a live subscription. Run it daily; each card and
     * expiry is reminded once.
     */
    async remindExpiringCards(): Promise<{ reminded: number }> {
      return remindExpiringCards(ctx);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Paying an invoice now

export async function payInvoice(
  ctx: BillingContext,
  invoiceId: string,
  options: { paymentMethodId?: string | undefined; userId?: string | undefined; actor: string },
): Promise<InvoiceRecord> {
  const invoice = await retrieveInvoice(ctx, invoiceId);
  const stripeCustomerId = idOf(invoice.customer as string | null);
  const customer = stripeCustomerId ? await ctx.store.customers.findByStripeId(stripeCustomerId) : null;
  if (!customer || (options.userId !== undefined && customer.userId !== options.userId)) {
    throw new BillingError('invoice_not_found', `No invoice ${invoiceId} for this user.`);
  }
  if (invoice.status === 'paid') return writeInvoice(ctx, invoice, customer, options.actor, 'invoice.paid');
  if (invoice.status !== 'open') {
    throw new BillingError(
      'invalid_state',
      `Invoice ${invoiceId} is ${invoice.status ?? 'a draft'}; only open invoices can be paid.`,
    );
  }
  const paymentMethod = options.paymentMethodId
    ? await attachAndMakeDefault(ctx, await requireCustomer(ctx, customer.userId), options.paymentMethodId)
    : null;
  try {
    const paid = await ctx.gateway.call('invoices.pay', (stripe) =>
      stripe.invoices.pay(invoiceId, paymentMethod ? { payment_method: paymentMethod } : {}, {
        idempotencyKey: idempotencyKey(
          'invoice.pay',
          invoiceId,
          invoice.attempt_count,
          paymentMethod ?? customer.defaultPaymentMethodId,
        ),
      }),
    );
    const record = await writeInvoice(ctx, paid, customer, options.actor, 'invoice.paid');
    await refreshAfterPayment(ctx, paid, customer.userId, options.actor);
    return record;
  } catch (error) {
    if (!isBillingError(error, 'card_declined') && !isBillingError(error, 'requires_action')) throw error;
    // Record the attempt (the invoice's count and the failed charge) before answering.
    const after = await retrieveInvoice(ctx, invoiceId);
    await writeInvoice(ctx, after, customer, options.actor, 'invoice.payment_failed');
    if (isBillingError(error, 'requires_action')) {
      const secret = await clientSecretOf(ctx, invoiceId);
      if (secret)
        throw new RequiresActionError('The bank asks the customer to confirm this payment.', secret);
    }
    throw error;
  }
}

async function retrieveInvoice(ctx: BillingContext, invoiceId: string): Promise<Stripe.Invoice> {
  try {
    return await ctx.gateway.call('invoices.retrieve', (stripe) => stripe.invoices.retrieve(invoiceId));
  } catch (error) {
    const cause = (error as { cause?: { statusCode?: number } }).cause;
    if (cause?.statusCode === 404) {
      throw new BillingError('invoice_not_found', `No invoice ${invoiceId} for this user.`);
    }
    throw error;
  }
}

/** The payment intent of an invoice's latest payment, for Stripe.js to confirm. */
async function clientSecretOf(ctx: BillingContext, invoiceId: string): Promise<string | null> {
  const payments = await ctx.gateway.call('invoicePayments.list', (stripe) =>
    stripe.invoicePayments.list({ invoice: invoiceId, limit: 10 }),
  );
  const intentId = idOf(
    payments.data.find((p) => p.payment.type === 'payment_intent')?.payment.payment_intent as
      | string
      | undefined,
  );
  if (!intentId) return null;
  const intent = await ctx.gateway.call('paymentIntents.retrieve', (stripe) =>
    stripe.paymentIntents.retrieve(intentId),
  );
  return intent.client_secret;
}

/**
 * Mirrors an invoice Billkit just changed, its charges, and what it tells the customer, in one
 * transaction. Webhooks for the same change later find the same state (and the same keys).
 */
export async function writeInvoice(
  ctx: BillingContext,
  invoice: Stripe.Invoice,
  owner: { userId: string; email: string | null },
  actor: string,
  trigger: string,
): Promise<InvoiceRecord> {
  const now = ctx.clock.now();
  const watermark = toUnix(now);
  const record = invoiceRecordFrom(invoice, owner.userId, watermark);
  const charges = await chargesOf(ctx, invoice.id, owner.userId, watermark);
  const written = await ctx.store.transaction(async (session) => {
    for (const charge of charges) await session.payments.upsert(charge);
    if ((await session.invoices.upsert(record)) === 'stale') {
      return (await session.invoices.findByStripeId(invoice.id)) ?? record;
    }
    await recordAudit(session, ctx.clock, {
      actor,
      action: trigger === 'invoice.paid' ? 'invoice.paid' : 'invoice.payment_attempted',
      subjectType: 'invoice',
      subjectId: invoice.id,
      userId: owner.userId,
      data: { status: invoice.status, attemptCount: invoice.attempt_count, amountPaid: invoice.amount_paid },
    });
    await queueInvoiceNotifications(ctx, session, invoice, owner, trigger);
    return record;
  });
  await ctx.afterCommit();
  return written;
}

/** The charges (attempts) of an invoice, read from Stripe, as mirror rows. */
async function chargesOf(
  ctx: BillingContext,
  invoiceId: string,
  userId: string,
  watermark: number,
): Promise<PaymentRecord[]> {
  const payments = await ctx.gateway.call('invoicePayments.list', (stripe) =>
    stripe.invoicePayments.list({ invoice: invoiceId, limit: 10 }),
  );
  const records: PaymentRecord[] = [];
  for (const payment of payments.data) {
    const intentId = idOf(payment.payment.payment_intent as string | undefined);
    if (!intentId) continue;
    const charges = await ctx.gateway.call('charges.list', (stripe) =>
      stripe.charges.list({ payment_intent: intentId, limit: 100, expand: ['data.balance_transaction'] }),
    );
    for (const charge of charges.data) records.push(paymentRecordFrom(charge, userId, invoiceId, watermark));
  }
  return records;
}

/** After a payment, the subscription it paid for is back in good standing: mirror it. */
async function refreshAfterPayment(
  ctx: BillingContext,
  invoice: Stripe.Invoice,
  userId: string,
  actor: string,
): Promise<void> {
  const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription as string | null);
  if (!subscriptionId) return;
  const subscription = await ctx.gateway.call('subscriptions.retrieve', (stripe) =>
    stripe.subscriptions.retrieve(subscriptionId, { expand: ['latest_invoice'] }),
  );
  await writeSubscription(ctx, subscription, userId, {
    action: 'subscription.payment_recovered',
    actor,
    data: { invoiceId: invoice.id },
  });
}

// ---------------------------------------------------------------------------------------------
// The end of dunning

/**
 * Every retry of a renewal has failed. Under the 'cancel' policy a subscription Stripe left
 * past_due (or unpaid) is canceled now; the customer's "subscription canceled" email says why.
 * Under 'unpaid' it is kept without access (grace has run out) until the customer pays.
 */
export async function enforceAfterRetries(ctx: BillingContext, subscriptionId: string): Promise<void> {
  const subscription = await ctx.gateway.call('subscriptions.retrieve', (stripe) =>
    stripe.subscriptions.retrieve(subscriptionId),
  );
  // Billkit tags the subscriptions it starts; one imported by backfill is known by its mirror row.
  const userId =
    subscription.metadata?.billkit_user_id ??
    (await ctx.store.subscriptions.findByStripeId(subscriptionId))?.userId;
  if (!userId) return;
  if (ctx.policies.dunning.afterRetries !== 'cancel') return;
  if (subscription.status !== 'past_due' && subscription.status !== 'unpaid') return;
  const canceled = await ctx.gateway.call('subscriptions.cancel', (stripe) =>
    stripe.subscriptions.cancel(
      subscriptionId,
      { cancellation_details: { comment: 'payment_failed' }, expand: ['latest_invoice'] },
      { idempotencyKey: idempotencyKey('dunning.cancel', subscriptionId) },
    ),
  );
  const customer = await ctx.store.customers.findByUserId(userId);
  await writeSubscription(
    ctx,
    canceled,
    userId,
    { action: 'subscription.canceled_after_retries', data: { policy: 'cancel' } },
    { cancellationReason: 'payment_failed' },
    undefined,
    (session) =>
      queueNotification(ctx, session, {
        kind: 'subscription.canceled',
        userId,
        email: customer?.email ?? null,
        key: `subscription_canceled:${subscriptionId}`,
        data: {
          subscriptionId,
          planName: planNameOf(ctx, canceled),
          endedAt: canceled.ended_at ? new Date(canceled.ended_at * 1000).toISOString() : null,
          reason: 'payment_failed',
          portalUrl: ctx.urls.portal,
        },
      }),
  );
}

// ---------------------------------------------------------------------------------------------
// Card-expiry reminders

const DAY_MS = 86_400_000;

async function remindExpiringCards(ctx: BillingContext): Promise<{ reminded: number }> {
  const now = ctx.clock.now();
  const horizon = new Date(now.getTime() + ctx.policies.cardExpiryReminderDays * DAY_MS);
  const through = { year: horizon.getUTCFullYear(), month: horizon.getUTCMonth() + 1 };
  let reminded = 0;
  let after: string | null = null;
  do {
    const page = await ctx.store.paymentMethods.listExpiring({ through, limit: 200, after });
    for (const card of page.items) {
      if (!card.isDefault || card.expYear === null || card.expMonth === null) continue;
      // A card works to the end of its expiry month.
      const expiresAt = Date.UTC(card.expYear, card.expMonth, 1);
      if (expiresAt <= now.getTime()) continue;
      const live = (await ctx.store.subscriptions.listByUserId(card.userId)).some((s) =>
        ['active', 'trialing', 'past_due'].includes(s.status),
      );
      if (!live) continue;
      const customer = await ctx.store.customers.findByUserId(card.userId);
      const { expYear, expMonth } = card;
      const queued = await ctx.store.transaction((session) =>
        queueNotification(ctx, session, {
          kind: 'card.expiring',
          userId: card.userId,
          email: customer?.email ?? null,
          key: `card_expiring:${card.stripePaymentMethodId}:${expYear}-${expMonth}`,
          data: {
            paymentMethodId: card.stripePaymentMethodId,
            brand: card.brand,
            last4: card.last4,
            expMonth,
            expYear,
            updateUrl: ctx.urls.portal,
          },
        }),
      );
      if (queued === 'enqueued') reminded++;
    }
    after = page.nextCursor;
  } while (after);
  await ctx.afterCommit();
  return { reminded };
}

// ---------------------------------------------------------------------------------------------
// Figures

async function paymentStats(ctx: BillingContext, from: Date, to: Date): Promise<PaymentStats> {
  const currency = ctx.catalog.currency;
  const inRange = (d: Date) => d >= from && d < to;
  const payments: PaymentRecord[] = [];
  for await (const p of pages((after) => ctx.store.payments.list({ limit: 500, after }))) {
    if (inRange(p.createdAt) && p.currency === currency) payments.push(p);
  }
  const attempted = payments.filter((p) => p.status === 'succeeded' || p.status === 'failed');
  const succeeded = attempted.filter((p) => p.status === 'succeeded');
  const failed = attempted.filter((p) => p.status === 'failed');
  const reasons = new Map<string, number>();
  for (const p of failed)
    reasons.set(p.failureCode ?? 'unknown', (reasons.get(p.failureCode ?? 'unknown') ?? 0) + 1);

  const firstFailure = new Map<string, Date>();
  for (const p of failed) {
    if (!p.stripeInvoiceId) continue;
    const seen = firstFailure.get(p.stripeInvoiceId);
    if (!seen || p.createdAt < seen) firstFailure.set(p.stripeInvoiceId, p.createdAt);
  }
  const recoverySeconds: number[] = [];
  for (const [invoiceId, failedAt] of firstFailure) {
    const invoice = await ctx.store.invoices.findByStripeId(invoiceId);
    if (invoice?.status === 'paid' && invoice.paidAt) {
      recoverySeconds.push(Math.max(0, (invoice.paidAt.getTime() - failedAt.getTime()) / 1000));
    }
  }
  recoverySeconds.sort((a, b) => a - b);

  const refunds = { count: 0, amount: 0 };
  for await (const r of pages((after) => ctx.store.refunds.list({ limit: 500, after }))) {
    if (!inRange(r.createdAt) || r.currency !== currency || r.status === 'failed' || r.status === 'canceled')
      continue;
    refunds.count++;
    refunds.amount += r.amount;
  }
  const disputes = { count: 0, amount: 0, won: 0, lost: 0, lostAmount: 0, open: 0 };
  for await (const d of pages((after) => ctx.store.disputes.list({ limit: 500, after }))) {
    if (!inRange(d.createdAt) || d.currency !== currency) continue;
    disputes.count++;
    disputes.amount += d.amount;
    if (d.status === 'won') disputes.won++;
    else if (d.status === 'lost') {
      disputes.lost++;
      disputes.lostAmount += d.amount;
    } else disputes.open++;
  }
  return {
    from,
    to,
    currency,
    attempts: attempted.length,
    succeeded: succeeded.length,
    failed: failed.length,
    successRate: attempted.length ? succeeded.length / attempted.length : null,
    failureReasons: [...reasons]
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    failedInvoices: firstFailure.size,
    recoveredInvoices: recoverySeconds.length,
    recoveryRate: firstFailure.size ? recoverySeconds.length / firstFailure.size : null,
    timeToRecover: {
      medianSeconds: recoverySeconds.length ? median(recoverySeconds) : null,
      averageSeconds: recoverySeconds.length
        ? Math.round(recoverySeconds.reduce((a, b) => a + b, 0) / recoverySeconds.length)
        : null,
    },
    collected: succeeded.reduce((sum, p) => sum + p.amount, 0),
    refunds,
    disputes,
  };
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** Every row of a paged list, one page at a time. */
export async function* pages<T>(
  fetch: (after: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
): AsyncGenerator<T> {
  let after: string | null = null;
  do {
    const page = await fetch(after);
    yield* page.items;
    after = page.nextCursor;
  } while (after);
}
