// Applies one Stripe event to the mirror. Stripe is the source of truth: the object an event is
// about is read again from Stripe, so whatever order and however often events arrive, the mirror
// ends as Stripe is. An event older than the mirrored row (its watermark) changes nothing; the
// engine's own writes are stamped with the host's clock and events with Stripe's, so "older" allows
// for the two clocks disagreeing by a few seconds (CLOCK_SKEW_SECONDS).
// Notifications follow specific events, keyed by the state change, so each is sent once.

import type Stripe from 'stripe';
import { subscriptionMrr } from '../analytics/mrr.js';
import { recordAudit } from '../audit/audit.js';
import { fromUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { type QueuedNotification, queueNotification } from '../notifications/outbox.js';
import {
  isFinalAttempt,
  queueAttemptNotification,
  queueInvoiceNotifications,
} from '../payments/invoice-notifications.js';
import { enforceAfterRetries } from '../payments/payments.js';
import { refundTax } from '../payments/refund-tax.js';
import { queueRefundIssued } from '../payments/refunds.js';
import type { StoreSession, UpsertResult } from '../store/billing-store.js';
import type { CustomerRecord, RefundRecord } from '../store/records.js';
import { ABANDONED_AT_SIGNUP, planNameOf, writeSubscription } from '../subscriptions/subscription-writes.js';
import {
  creditRecordFrom,
  disputeRecordFrom,
  invoiceRecordFrom,
  paymentRecordFrom,
  refundRecordFrom,
} from './money-records.js';
import {
  beforeAndAfter,
  CUSTOMER_FIELDS,
  DISPUTE_FIELDS,
  INVOICE_FIELDS,
  PAYMENT_FIELDS,
  PAYMENT_METHOD_FIELDS,
  REFUND_FIELDS,
} from './state-fields.js';
import { customerRecordFrom, idOf, paymentMethodRecordFrom } from './stripe-to-records.js';

export interface ApplyResult {
  status: 'applied' | 'skipped';
  note?: string;
}

type Handler = (ctx: BillingContext, event: Stripe.Event) => Promise<ApplyResult>;

const applied: ApplyResult = { status: 'applied' };
const skipped = (note: string): ApplyResult => ({ status: 'skipped', note });

/** Applies a verified Stripe event to the mirror (and sends what it should send, once). */
export async function applyEvent(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const handler = handlerFor(event.type);
  if (!handler) return skipped(`Billkit does not handle ${event.type} events`);
  return handler(ctx, event);
}

function handlerFor(type: string): Handler | undefined {
  if (type === 'customer.created' || type === 'customer.updated' || type === 'customer.deleted')
    return applyCustomer;
  if (type.startsWith('payment_method.')) return applyPaymentMethod;
  if (type === 'setup_intent.succeeded') return applySetupIntent;
  if (type.startsWith('customer.subscription.')) return applySubscriptionEvent;
  if (type.startsWith('invoice_payment.')) return applyInvoicePayment;
  if (type.startsWith('invoice.')) return applyInvoice;
  if (type.startsWith('payment_intent.')) return applyPaymentIntent;
  if (type.startsWith('charge.dispute.')) return applyDispute;
  if (type.startsWith('charge.')) return applyChargeEvent;
  if (type.startsWith('refund.')) return applyRefund;
  if (type.startsWith('price.') || type.startsWith('product.')) return applyCatalogDrift;
  return undefined;
}

const object = <T>(event: Stripe.Event): T => event.data.object as unknown as T;

/** Who a Stripe customer is to the host: from the mirror, else from Stripe (so event order does not matter). */
interface Owner {
  userId: string;
  email: string | null;
  stripeCustomerId: string;
}

async function customerOf(ctx: BillingContext, stripeCustomerId: string | null): Promise<Owner | null> {
  if (!stripeCustomerId) return null;
  const mirrored = await ctx.store.customers.findByStripeId(stripeCustomerId);
  if (mirrored) return { userId: mirrored.userId, email: mirrored.email, stripeCustomerId };
  const customer = await ctx.gateway.call('customers.retrieve', (stripe) =>
    stripe.customers.retrieve(stripeCustomerId),
  );
  const userId = customer.deleted ? null : customer.metadata?.billkit_user_id;
  return userId ? { userId, email: customer.deleted ? null : customer.email, stripeCustomerId } : null;
}

/** Queues a notification on its own, for events that change nothing else (or arrive stale). */
async function notifyAlone(ctx: BillingContext, notification: QueuedNotification): Promise<void> {
  await ctx.store.transaction((session) => queueNotification(ctx, session, notification));
  await ctx.afterCommit();
}

/**
 * How far the host's clock may run ahead of Stripe's. The engine stamps its own writes with the
 * host's clock and webhook writes with the event's `created` (Stripe's); an event stamped up to
 * this much before the mirrored row is not older than it, since the row may have been written
 * before the change the event reports (a customer's currency, set by the subscription the engine
 * just created, a second "later" on a clock 100 ms ahead).
 */
export const CLOCK_SKEW_SECONDS = 5;

/** The mirrored row is newer than what the event reports: applying it would change nothing. */
function newerThan(existing: { watermark: number } | null, event: Stripe.Event): boolean {
  return existing !== null && existing.watermark > event.created + CLOCK_SKEW_SECONDS;
}

/**
 * The watermark of a row read fresh from Stripe for this event: the event's time, or the stored
 * row's when that is (a little) later, so the store takes the fresh state.
 */
function stamp(existing: { watermark: number } | null, event: Stripe.Event): number {
  return Math.max(event.created, existing?.watermark ?? 0);
}

async function inTransaction(
  ctx: BillingContext,
  event: Stripe.Event,
  write: (session: StoreSession) => Promise<UpsertResult>,
  audit: {
    subjectType: Parameters<typeof recordAudit>[2]['subjectType'];
    subjectId: string;
    userId: string | null;
    /** The row's fields before (null: a new row) and after the write. */
    change?: { before: object | null; after: object };
  },
  /** Further writes (notifications) committed with the change; not run when the change is stale. */
  also?: (session: StoreSession) => Promise<unknown>,
): Promise<ApplyResult> {
  return ctx.store.transaction(async (session) => {
    const result = await write(session);
    if (result === 'stale') return skipped('older than the mirrored state');
    if (also) await also(session);
    await recordAudit(session, ctx.clock, {
      actor: 'stripe',
      action: `webhook.${event.type}`,
      subjectType: audit.subjectType,
      subjectId: audit.subjectId,
      userId: audit.userId,
      data: { eventId: event.id, result, ...(audit.change ?? {}) },
    });
    return applied;
  });
}

async function applyCustomer(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const stripeId = object<Stripe.Customer>(event).id;
  const existing = await ctx.store.customers.findByStripeId(stripeId);
  if (newerThan(existing, event)) return skipped('older than the mirrored state');
  const fresh = await ctx.gateway.call('customers.retrieve', (stripe) =>
    stripe.customers.retrieve(stripeId, { expand: ['tax_ids'] }),
  );
  const userId = existing?.userId ?? (fresh.deleted ? null : fresh.metadata?.billkit_user_id) ?? null;
  if (!userId) return skipped('not a Billkit customer (no billkit_user_id)');
  if (fresh.deleted) {
    if (!existing) return skipped('deleted before Billkit saw it');
    const record: CustomerRecord = {
      ...existing,
      deleted: true,
      watermark: stamp(existing, event),
      version: existing.version + 1,
    };
    return inTransaction(ctx, event, (s) => s.customers.upsert(record), {
      subjectType: 'customer',
      subjectId: stripeId,
      userId,
      change: beforeAndAfter(existing, record, CUSTOMER_FIELDS),
    });
  }
  const record = customerRecordFrom(fresh, userId, stamp(existing, event), existing, fromUnix(event.created));
  const balanceChanged = (existing?.balance ?? 0) !== record.balance;
  const credits = balanceChanged ? await balanceTransactions(ctx, stripeId, userId, event.created) : [];
  const write = async (session: StoreSession) => {
    const result = await session.customers.upsert(record);
    if (result !== 'stale') await markDefaultPaymentMethod(session, stripeId, record.defaultPaymentMethodId);
    if (result !== 'stale') for (const credit of credits) await session.credits.upsert(credit);
    return result;
  };
  return inTransaction(ctx, event, write, {
    subjectType: 'customer',
    subjectId: stripeId,
    userId,
    change: beforeAndAfter(existing, record, CUSTOMER_FIELDS),
  });
}

/** The customer's recent balance transactions (credits given and used), as mirror rows. */
async function balanceTransactions(
  ctx: BillingContext,
  stripeCustomerId: string,
  userId: string,
  watermark: number,
) {
  const list = await ctx.gateway.call('customers.listBalanceTransactions', (stripe) =>
    stripe.customers.listBalanceTransactions(stripeCustomerId, { limit: 100 }),
  );
  return list.data.map((txn) => creditRecordFrom(txn, userId, watermark));
}

/** Keeps each mirrored payment method's isDefault in step with the customer's default. */
async function markDefaultPaymentMethod(
  session: StoreSession,
  stripeCustomerId: string,
  defaultId: string | null,
): Promise<void> {
  for (const pm of await session.paymentMethods.listByCustomer(stripeCustomerId)) {
    const isDefault = pm.stripePaymentMethodId === defaultId;
    if (pm.isDefault !== isDefault) await session.paymentMethods.upsert({ ...pm, isDefault });
  }
}

async function applyPaymentMethod(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const pmId = object<Stripe.PaymentMethod>(event).id;
  const existing = await ctx.store.paymentMethods.findByStripeId(pmId);
  if (newerThan(existing, event)) return skipped('older than the mirrored state');
  const pm = await ctx.gateway.call('paymentMethods.retrieve', (stripe) =>
    stripe.paymentMethods.retrieve(pmId),
  );
  const customerId = idOf(pm.customer as string | null);
  if (!customerId) {
    if (!existing) return skipped('a payment method of no Billkit customer');
    await ctx.store.transaction(async (session) => {
      await session.paymentMethods.delete(pmId);
      await recordAudit(session, ctx.clock, {
        actor: 'stripe',
        action: `webhook.${event.type}`,
        subjectType: 'payment_method',
        subjectId: pmId,
        userId: existing.userId,
        data: { eventId: event.id, result: 'deleted' },
      });
    });
    return applied;
  }
  // The default comes from Stripe too, so it does not depend on which event arrived first.
  const owner = await ctx.gateway.call('customers.retrieve', (stripe) =>
    stripe.customers.retrieve(customerId),
  );
  const userId = owner.deleted ? null : owner.metadata?.billkit_user_id;
  if (owner.deleted || !userId) return skipped('a payment method of no Billkit customer');
  const isDefault = idOf(owner.invoice_settings.default_payment_method as string | null) === pm.id;
  const record = paymentMethodRecordFrom(pm, userId, isDefault, stamp(existing, event));
  return inTransaction(ctx, event, (s) => s.paymentMethods.upsert(record), {
    subjectType: 'payment_method',
    subjectId: pmId,
    userId,
    change: beforeAndAfter(existing, record, PAYMENT_METHOD_FIELDS),
  });
}

async function applySetupIntent(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const pmId = idOf(object<Stripe.SetupIntent>(event).payment_method as string | null);
  if (!pmId) return skipped('the setup saved no payment method');
  return applyPaymentMethod(ctx, { ...event, data: { object: { id: pmId } } } as unknown as Stripe.Event);
}

/** Re-reads a subscription from Stripe and writes it at the event's time, with what it tells the customer. */
async function syncSubscription(
  ctx: BillingContext,
  event: Stripe.Event,
  subscriptionId: string,
  notification?: (subscription: Stripe.Subscription, owner: Owner) => QueuedNotification | null,
): Promise<ApplyResult> {
  const existing = await ctx.store.subscriptions.findByStripeId(subscriptionId);
  if (newerThan(existing, event) && !notification) {
    return skipped('older than the mirrored state');
  }
  const subscription = await ctx.gateway.call('subscriptions.retrieve', (stripe) =>
    stripe.subscriptions.retrieve(subscriptionId, { expand: ['latest_invoice'] }),
  );
  const customer = await customerOf(ctx, idOf(subscription.customer as string));
  const userId = existing?.userId ?? customer?.userId ?? subscription.metadata?.billkit_user_id ?? null;
  if (!userId) return skipped('a subscription of no Billkit customer');
  const message = customer && notification ? notification(subscription, customer) : null;
  if (newerThan(existing, event)) {
    // The notification belongs to the event even when a newer state is already mirrored.
    if (message) await notifyAlone(ctx, message);
    return skipped('older than the mirrored state');
  }
  await writeSubscription(
    ctx,
    subscription,
    userId,
    { action: `webhook.${event.type}`, actor: 'stripe', data: { eventId: event.id } },
    { watermark: stamp(existing, event) },
    fromUnix(event.created),
    message ? (session) => queueNotification(ctx, session, message) : undefined,
    // The state read now is dated at the event only when it is what the event itself reports;
    // a late delivery's re-read may hold later changes, which their own events will date.
    reportedBy(event, subscription),
  );
  return applied;
}

/** Whether the event's own object is this subscription with the same MRR as `current`. */
function reportedBy(event: Stripe.Event, current: Stripe.Subscription): boolean {
  const object = event.data.object as { object?: string; id?: string };
  if (object.object !== 'subscription' || object.id !== current.id) return false;
  return subscriptionMrr(object as Stripe.Subscription) === subscriptionMrr(current);
}

async function applySubscriptionEvent(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const sub = object<Stripe.Subscription>(event);
  return syncSubscription(ctx, event, sub.id, (fresh, owner) => subscriptionNotice(ctx, event, fresh, owner));
}

const END_REASONS: Record<string, string> = {
  cancellation_requested: 'requested',
  payment_failed: 'payment_failed',
  payment_disputed: 'payment_disputed',
};

function subscriptionNotice(
  ctx: BillingContext,
  event: Stripe.Event,
  subscription: Stripe.Subscription,
  owner: Owner,
): QueuedNotification | null {
  const base = { userId: owner.userId, email: owner.email };
  const planName = planNameOf(ctx, subscription);
  if (event.type === 'customer.subscription.trial_will_end') {
    const trialEnd = object<Stripe.Subscription>(event).trial_end;
    if (!trialEnd) return null;
    const item = subscription.items.data[0];
    return {
      ...base,
      kind: 'trial.ending',
      key: `trial_ending:${subscription.id}:${trialEnd}`,
      data: {
        subscriptionId: subscription.id,
        planName,
        trialEnd: fromUnix(trialEnd).toISOString(),
        amount: (item?.price.unit_amount ?? 0) * (item?.quantity ?? 1),
        currency: subscription.currency,
        portalUrl: ctx.urls.portal,
      },
    };
  }
  if (event.type === 'customer.subscription.deleted') {
    // A signup whose first payment was declined never started: there is nothing to say goodbye to.
    if (subscription.cancellation_details?.comment === ABANDONED_AT_SIGNUP) return null;
    const reason = subscription.cancellation_details?.reason ?? null;
    return {
      ...base,
      kind: 'subscription.canceled',
      key: `subscription_canceled:${subscription.id}`,
      data: {
        subscriptionId: subscription.id,
        planName,
        endedAt: subscription.ended_at ? fromUnix(subscription.ended_at).toISOString() : null,
        reason: (reason && END_REASONS[reason]) ?? reason ?? 'requested',
        portalUrl: ctx.urls.portal,
      },
    };
  }
  return null;
}

async function applyInvoice(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const payload = object<Stripe.Invoice>(event);
  const customer = await customerOf(ctx, idOf(payload.customer as string | null));
  if (event.type === 'invoice.upcoming') {
    if (!customer) return skipped('an invoice of no Billkit customer');
    const subscriptionId = idOf(payload.parent?.subscription_details?.subscription as string | null);
    await notifyAlone(ctx, {
      kind: 'invoice.upcoming',
      userId: customer.userId,
      email: customer.email,
      data: {
        amountDue: payload.amount_due,
        currency: payload.currency,
        // When it will be charged (an invoice's own period looks back one period).
        date: fromUnix(
          payload.next_payment_attempt ?? payload.lines.data[0]?.period.start ?? payload.period_end,
        ).toISOString(),
        portalUrl: ctx.urls.portal,
      },
      key: `invoice_upcoming:${subscriptionId ?? customer.stripeCustomerId}:${payload.period_end}`,
    });
    return applied;
  }
  const { result } = await syncInvoice(ctx, event, payload, customer);
  const subscriptionId = idOf(
    payload.parent?.subscription_details?.subscription as string | null | undefined,
  );
  if (subscriptionId && customer) await syncSubscription(ctx, event, subscriptionId);
  if (
    event.type === 'invoice.payment_failed' &&
    customer &&
    subscriptionId &&
    isFinalAttempt(payload) &&
    payload.billing_reason !== 'subscription_create'
  ) {
    await enforceAfterRetries(ctx, subscriptionId);
  }
  return result;
}

/**
 * What an invoice event asks of the customer. A renewal the bank declined because it wants the
 * customer to authenticate (3D Secure) is a request to confirm, not a failure: one email, the
 * "confirm your payment" one. Decided from the failed charge itself, which never changes.
 */
async function triggerOf(ctx: BillingContext, event: Stripe.Event, invoiceId: string): Promise<string> {
  if (event.type !== 'invoice.payment_failed') return event.type;
  const payments = await ctx.gateway.call('invoicePayments.list', (stripe) =>
    stripe.invoicePayments.list({ invoice: invoiceId, limit: 10 }),
  );
  const intentId = idOf(
    payments.data.find((p) => p.payment.type === 'payment_intent')?.payment.payment_intent as
      | string
      | undefined,
  );
  if (!intentId) return event.type;
  const charges = await ctx.gateway.call('charges.list', (stripe) =>
    stripe.charges.list({ payment_intent: intentId, limit: 100 }),
  );
  const last = charges.data
    .filter((c) => c.status === 'failed' && c.created <= event.created)
    .sort((a, b) => b.created - a.created || (b.id < a.id ? -1 : 1))[0];
  return last?.failure_code === 'authentication_required' ? 'invoice.payment_action_required' : event.type;
}

async function syncInvoice(
  ctx: BillingContext,
  event: Stripe.Event,
  /** The invoice as the event carried it (or just its id). */
  payload: Stripe.Invoice | { id: string },
  customer: Owner | null,
): Promise<{ result: ApplyResult; invoice: Stripe.Invoice | null }> {
  const invoiceId = payload.id;
  const trigger = await triggerOf(ctx, event, invoiceId);
  const existing = await ctx.store.invoices.findByStripeId(invoiceId);
  if (newerThan(existing, event)) {
    // A failed try is still mailed when its event comes after newer ones.
    if (customer && 'attempt_count' in payload) {
      await ctx.store.transaction((session) =>
        queueAttemptNotification(ctx, session, payload, customer, trigger),
      );
      await ctx.afterCommit();
    }
    return { result: skipped('older than the mirrored state'), invoice: null };
  }
  const invoice = await ctx.gateway.call('invoices.retrieve', (stripe) =>
    stripe.invoices.retrieve(invoiceId),
  );
  const record = invoiceRecordFrom(invoice, customer?.userId ?? null, stamp(existing, event));
  const notices = customer
    ? (session: StoreSession) =>
        queueInvoiceNotifications(
          ctx,
          session,
          invoice,
          customer,
          trigger,
          'attempt_count' in payload ? payload : invoice,
        )
    : undefined;
  const result = await inTransaction(
    ctx,
    event,
    (s) => s.invoices.upsert(record),
    {
      subjectType: 'invoice',
      subjectId: invoiceId,
      userId: customer?.userId ?? null,
      change: beforeAndAfter(existing, record, INVOICE_FIELDS),
    },
    notices,
  );
  return { result, invoice };
}

async function applyInvoicePayment(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const payment = object<Stripe.InvoicePayment>(event);
  const invoiceId = idOf(payment.invoice as string)!;
  const invoice = await ctx.gateway.call('invoices.retrieve', (stripe) =>
    stripe.invoices.retrieve(invoiceId),
  );
  const customer = await customerOf(ctx, idOf(invoice.customer as string | null));
  return (await syncInvoice(ctx, event, { id: invoiceId }, customer)).result;
}

async function applyPaymentIntent(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const chargeId = idOf(object<Stripe.PaymentIntent>(event).latest_charge as string | null);
  if (!chargeId) return skipped('no charge yet');
  return syncCharge(ctx, event, chargeId);
}

async function applyChargeEvent(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const payload = object<Stripe.Charge | Stripe.Refund>(event);
  const chargeId =
    payload.object === 'refund' ? idOf((payload as Stripe.Refund).charge as string | null) : payload.id;
  if (!chargeId) return skipped('no charge');
  if (payload.object === 'refund') await syncRefund(ctx, event, payload.id);
  return syncCharge(ctx, event, chargeId);
}

async function syncCharge(ctx: BillingContext, event: Stripe.Event, chargeId: string): Promise<ApplyResult> {
  const existing = await ctx.store.payments.findByStripeId(chargeId);
  if (newerThan(existing, event)) return skipped('older than the mirrored state');
  const charge = await ctx.gateway.call('charges.retrieve', (stripe) =>
    stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] }),
  );
  const customer = await customerOf(ctx, idOf(charge.customer as string | null));
  const invoiceId =
    existing?.stripeInvoiceId ??
    (await invoiceOfPaymentIntent(ctx, idOf(charge.payment_intent as string | null)));
  const record = paymentRecordFrom(charge, customer?.userId ?? null, invoiceId, stamp(existing, event));
  return inTransaction(ctx, event, (s) => s.payments.upsert(record), {
    subjectType: 'payment',
    subjectId: chargeId,
    userId: customer?.userId ?? null,
    change: beforeAndAfter(existing, record, PAYMENT_FIELDS),
  });
}

export async function invoiceOfPaymentIntent(
  ctx: BillingContext,
  paymentIntentId: string | null,
): Promise<string | null> {
  if (!paymentIntentId) return null;
  const payments = await ctx.gateway.call('invoicePayments.list', (stripe) =>
    stripe.invoicePayments.list({
      payment: { type: 'payment_intent', payment_intent: paymentIntentId },
      limit: 1,
    }),
  );
  return idOf(payments.data[0]?.invoice as string | undefined);
}

async function applyRefund(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const refund = object<Stripe.Refund>(event);
  const result = await syncRefund(ctx, event, refund.id);
  const chargeId = idOf(refund.charge as string | null);
  if (chargeId) await syncCharge(ctx, event, chargeId);
  return result;
}

async function syncRefund(ctx: BillingContext, event: Stripe.Event, refundId: string): Promise<ApplyResult> {
  const existing = await ctx.store.refunds.findByStripeId(refundId);
  if (newerThan(existing, event)) return skipped('older than the mirrored state');
  const refund = await ctx.gateway.call('refunds.retrieve', (stripe) => stripe.refunds.retrieve(refundId));
  const customer = await customerOf(ctx, idOf(refund.customer as string | null));
  const record = await refundRecordFromStripe(ctx, refund, customer?.userId ?? null, stamp(existing, event));
  return inTransaction(
    ctx,
    event,
    (s) => s.refunds.upsert(record),
    {
      subjectType: 'refund',
      subjectId: refundId,
      userId: customer?.userId ?? null,
      change: beforeAndAfter(existing, record, REFUND_FIELDS),
    },
    customer ? (session) => queueRefundIssued(ctx, session, record, customer) : undefined,
  );
}

/**
 * The mirror row of a Stripe refund. One made outside Billkit (Stripe's dashboard) names no
 * invoice: its invoice and GST share are read from Stripe (not the mirror, which may not have the
 * payment yet).
 */
export async function refundRecordFromStripe(
  ctx: BillingContext,
  refund: Stripe.Refund,
  userId: string | null,
  watermark: number,
): Promise<RefundRecord> {
  const record = refundRecordFrom(refund, userId, watermark);
  if (!record.stripeInvoiceId && record.stripeChargeId) {
    const chargeId = record.stripeChargeId;
    const charge = await ctx.gateway.call('charges.retrieve', (stripe) => stripe.charges.retrieve(chargeId));
    const invoiceId = await invoiceOfPaymentIntent(ctx, idOf(charge.payment_intent as string | null));
    if (invoiceId) {
      const invoice = await ctx.gateway.call('invoices.retrieve', (stripe) =>
        stripe.invoices.retrieve(invoiceId),
      );
      const tax = (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
      // What was refunded on the charge before this refund, in Stripe's order.
      const all = await ctx.gateway.call('refunds.list', (stripe) =>
        stripe.refunds.list({ charge: chargeId, limit: 100 }),
      );
      const before = all.data
        .filter((r) => r.status !== 'failed' && r.status !== 'canceled')
        .filter((r) => r.created < refund.created || (r.created === refund.created && r.id < refund.id))
        .reduce((sum, r) => sum + r.amount, 0);
      record.stripeInvoiceId = invoiceId;
      record.tax = refundTax({ tax, total: invoice.total }, before, record.amount);
    }
  }
  return record;
}

async function applyDispute(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  const payload = object<Stripe.Dispute>(event);
  const chargeId = idOf(payload.charge as string)!;
  const owner = await chargeOwner(ctx, chargeId);
  // Operators hear of a new dispute at once, even when its event arrives after newer ones.
  const opened = event.type === 'charge.dispute.created' ? disputeOpened(ctx, payload, owner) : null;
  const existing = await ctx.store.disputes.findByStripeId(payload.id);
  if (newerThan(existing, event)) {
    if (opened) await notifyAlone(ctx, opened);
    return skipped('older than the mirrored state');
  }
  const dispute = await ctx.gateway.call('disputes.retrieve', (stripe) =>
    stripe.disputes.retrieve(payload.id),
  );
  const record = disputeRecordFrom(dispute, owner?.userId ?? null, stamp(existing, event));
  // When Stripe closed it: the time of its charge.dispute.closed event, whatever order events come in.
  record.closedAt =
    existing?.closedAt ?? (event.type === 'charge.dispute.closed' ? fromUnix(event.created) : null);
  const result = await inTransaction(
    ctx,
    event,
    (s) => s.disputes.upsert(record),
    {
      subjectType: 'dispute',
      subjectId: dispute.id,
      userId: owner?.userId ?? null,
      change: beforeAndAfter(existing, record, DISPUTE_FIELDS),
    },
    opened ? (session) => queueNotification(ctx, session, opened) : undefined,
  );
  await syncCharge(ctx, event, chargeId);
  return result;
}

async function chargeOwner(ctx: BillingContext, chargeId: string): Promise<Owner | null> {
  const charge = await ctx.gateway.call('charges.retrieve', (stripe) => stripe.charges.retrieve(chargeId));
  return customerOf(ctx, idOf(charge.customer as string | null));
}

function disputeOpened(
  ctx: BillingContext,
  dispute: Stripe.Dispute,
  owner: Owner | null,
): QueuedNotification {
  return {
    kind: 'dispute.opened',
    userId: owner?.userId ?? 'unknown',
    email: null,
    key: `dispute_opened:${dispute.id}`,
    data: {
      disputeId: dispute.id,
      chargeId: idOf(dispute.charge as string)!,
      amount: dispute.amount,
      currency: dispute.currency,
      reason: dispute.reason,
      evidenceDueBy: dispute.evidence_details?.due_by
        ? fromUnix(dispute.evidence_details.due_by).toISOString()
        : null,
      customerUserId: owner?.userId ?? null,
      customerEmail: owner?.email ?? null,
      dashboardUrl: `${ctx.urls.stripeDashboard}${dispute.livemode ? '' : '/test'}/disputes/${dispute.id}`,
    },
  };
}

/** A price or product changed in Stripe: forget cached prices; note drift from the catalog. */
async function applyCatalogDrift(ctx: BillingContext, event: Stripe.Event): Promise<ApplyResult> {
  ctx.prices.clear();
  const payload = object<Stripe.Price | Stripe.Product>(event);
  if (payload.object !== 'price') return applied;
  const price = payload as Stripe.Price;
  const known = price.lookup_key ? ctx.catalog.fromLookupKey(price.lookup_key) : undefined;
  if (!known || (price.unit_amount === known.price.amount && price.active)) return applied;
  await ctx.store.transaction((session) =>
    recordAudit(session, ctx.clock, {
      actor: 'stripe',
      action: 'catalog.drift',
      subjectType: 'catalog',
      subjectId: price.id,
      userId: null,
      data: {
        eventId: event.id,
        lookupKey: price.lookup_key,
        stripeAmount: price.unit_amount,
        catalogAmount: known.price.amount,
        active: price.active,
      },
    }),
  );
  return applied;
}
