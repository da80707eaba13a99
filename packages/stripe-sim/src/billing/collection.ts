// Collecting invoices: paying one with the right payment method, what a success or a failure does
// to the invoice and its subscription, and Smart Retries (the retry schedule, hard declines).

import type Stripe from 'stripe';
import { addDuration, type Duration } from '../engine/calendar.js';
import type { SimContext } from '../engine/context.js';
import { idOf, updateWithEvent } from '../resources/shared.js';
import { markInvoicePaid } from './invoicing.js';
import { confirmPaymentIntent, type PaymentOutcome } from './payments.js';
import { endSubscription } from './subscription-lifecycle.js';

/** The payment method Stripe charges for an invoice: the subscription's default, else the customer's. */
export function paymentMethodFor(sim: SimContext, invoice: Stripe.Invoice): string | null {
  const subId = invoice.parent?.subscription_details?.subscription;
  const sub = subId ? sim.store.find<Stripe.Subscription>(idOf(subId as string)!) : undefined;
  const fromSub = idOf(sub?.default_payment_method as string | null);
  if (fromSub) return fromSub;
  const fromInvoice = idOf(invoice.default_payment_method as string | null);
  if (fromInvoice) return fromInvoice;
  const customer = sim.store.find<Stripe.Customer>(idOf(invoice.customer as string)!);
  return idOf(customer?.invoice_settings.default_payment_method as string | null);
}

export function paymentIntentOf(sim: SimContext, invoice: Stripe.Invoice): Stripe.PaymentIntent | undefined {
  const payment = invoice.payments?.data.find((p) => p.is_default) ?? invoice.payments?.data[0];
  const piId = payment?.payment.payment_intent;
  return piId ? sim.store.find<Stripe.PaymentIntent>(idOf(piId as string)!) : undefined;
}

/**
 * Tries to collect an open invoice now. Off-session attempts (renewals, retries) cannot answer
 * 3D Secure; the customer must come back on-session.
 */
export function attemptInvoicePayment(
  sim: SimContext,
  invoice: Stripe.Invoice,
  options: { offSession: boolean; paymentMethod?: string | null; domain: string | null },
): PaymentOutcome {
  const pi = paymentIntentOf(sim, invoice);
  if (!pi) return { kind: 'no_payment_method' };
  const pm =
    options.paymentMethod ?? paymentMethodFor(sim, invoice) ?? idOf(pi.payment_method as string | null);
  const before = structuredClone(invoice);
  invoice.attempt_count += 1;
  invoice.attempted = true;
  if (!pm) {
    sim.emit(
      'invoice.updated',
      invoice,
      { attempt_count: before.attempt_count, attempted: before.attempted },
      options.domain,
    );
    const outcome: PaymentOutcome = { kind: 'no_payment_method' };
    onInvoicePaymentFailed(sim, invoice, pi, outcome, options.domain);
    return outcome;
  }
  pi.payment_method = pm;
  const outcome = confirmPaymentIntent(sim, pi, { offSession: options.offSession, domain: options.domain });
  onPaymentIntentSettled(sim, pi, outcome, options.domain);
  return outcome;
}

/** What a PaymentIntent's result does to the invoice it pays (if it pays one). */
export function onPaymentIntentSettled(
  sim: SimContext,
  pi: Stripe.PaymentIntent,
  outcome: PaymentOutcome,
  domain: string | null,
): void {
  const invoiceId = sim.invoiceOfPaymentIntent.get(pi.id);
  if (!invoiceId) return;
  const invoice = sim.store.get<Stripe.Invoice>('invoice', invoiceId);
  if (invoice.status !== 'open') return;
  if (outcome.kind === 'succeeded') {
    markInvoicePaid(sim, invoice, domain, pi);
    onInvoiceSettled(sim, invoice, domain, pi);
    return;
  }
  onInvoicePaymentFailed(sim, invoice, pi, outcome, domain);
}

function subscriptionOf(sim: SimContext, invoice: Stripe.Invoice): Stripe.Subscription | undefined {
  const subId = invoice.parent?.subscription_details?.subscription;
  return subId ? sim.store.find<Stripe.Subscription>(idOf(subId as string)!) : undefined;
}

/** After an invoice is paid, voided or written off: the subscription may be in good standing again. */
export function onInvoiceSettled(
  sim: SimContext,
  invoice: Stripe.Invoice,
  domain: string | null,
  pi?: Stripe.PaymentIntent,
): void {
  const sub = subscriptionOf(sim, invoice);
  if (!sub) return;
  updateWithEvent(
    sim,
    sub,
    'customer.subscription.updated',
    (s) => {
      if (pi && s.payment_settings?.save_default_payment_method === 'on_subscription' && pi.payment_method) {
        s.default_payment_method = idOf(pi.payment_method as string);
      }
      if (invoice.status !== 'paid' && invoice.billing_reason === 'subscription_create') return;
      if (['incomplete', 'past_due', 'unpaid'].includes(s.status) && !hasUnpaidInvoices(sim, s)) {
        s.status = s.trial_end && s.trial_end > sim.now(domain) ? 'trialing' : 'active';
      }
    },
    domain,
  );
}

function hasUnpaidInvoices(sim: SimContext, sub: Stripe.Subscription): boolean {
  return sim.store
    .all<Stripe.Invoice>('invoice')
    .some(
      (i) =>
        i.status === 'open' &&
        i.parent?.subscription_details?.subscription === sub.id &&
        i.collection_method === 'charge_automatically',
    );
}

/**
 * A failed attempt: schedule the next Smart Retry (none after a hard decline) first, so that
 * `invoice.payment_failed` carries the next attempt (null after the last one), as Stripe's does.
 * A payment that needs 3D Secure also sends `invoice.payment_action_required` (its PaymentIntent is
 * `requires_action`); an on-session one made no charge, so it sends only that. Then the
 * subscription goes past_due, and once retries run out, the configured outcome follows.
 */
function onInvoicePaymentFailed(
  sim: SimContext,
  invoice: Stripe.Invoice,
  pi: Stripe.PaymentIntent,
  outcome: PaymentOutcome,
  domain: string | null,
): void {
  const sub = subscriptionOf(sim, invoice);
  const now = sim.now(domain);
  const state = sim.dunning.get(invoice.id) ?? { firstFailureAt: now, retriesDone: -1, hardDecline: false };
  state.retriesDone += 1;
  state.hardDecline = outcome.kind === 'declined' && outcome.decline.hard;
  sim.dunning.set(invoice.id, state);
  const before = structuredClone(invoice);
  const isCreate = invoice.billing_reason === 'subscription_create';
  const nextOffset = sim.config.retrySchedule[state.retriesDone];
  const retriesApply = invoice.auto_advance !== false && !isCreate && sub !== undefined;
  invoice.next_payment_attempt =
    retriesApply && !state.hardDecline && nextOffset ? addDuration(state.firstFailureAt, nextOffset) : null;
  if (before.next_payment_attempt !== invoice.next_payment_attempt) {
    sim.emit('invoice.updated', invoice, { next_payment_attempt: before.next_payment_attempt }, domain);
  }
  if (outcome.kind !== 'requires_action') sim.emit('invoice.payment_failed', invoice, undefined, domain);
  if (pi.status === 'requires_action') {
    sim.emit('invoice.payment_action_required', invoice, undefined, domain);
  }
  if (!sub || isCreate) return;
  if (sub.status === 'active' || sub.status === 'trialing') {
    updateWithEvent(
      sim,
      sub,
      'customer.subscription.updated',
      (s) => {
        s.status = 'past_due';
      },
      domain,
    );
  }
  const exhausted = retriesApply && !state.hardDecline && !nextOffset;
  if (exhausted) retriesExhausted(sim, invoice, sub, domain);
}

function retriesExhausted(
  sim: SimContext,
  invoice: Stripe.Invoice,
  sub: Stripe.Subscription,
  domain: string | null,
): void {
  if (sim.config.markUncollectible) markUncollectible(sim, invoice, domain);
  const action = sim.config.afterExhausted;
  if (action === 'cancel') {
    endSubscription(sim, sub, { reason: 'payment_failed', domain });
  } else if (action === 'unpaid') {
    updateWithEvent(
      sim,
      sub,
      'customer.subscription.updated',
      (s) => {
        s.status = 'unpaid';
      },
      domain,
    );
  }
}

export function markUncollectible(sim: SimContext, invoice: Stripe.Invoice, domain: string | null): void {
  const before = structuredClone(invoice);
  invoice.status = 'uncollectible';
  invoice.status_transitions.marked_uncollectible_at = sim.now(domain);
  invoice.next_payment_attempt = null;
  sim.dunning.delete(invoice.id);
  sim.emit('invoice.marked_uncollectible', invoice, { status: before.status }, domain);
}

/**
 * The default payment method changed (the customer's `invoice_settings.default_payment_method` or
 * the subscription's `default_payment_method`). Stripe does not retry an open invoice because of
 * that: its API reference names only a new `source` on the customer update as a trigger for an
 * immediate retry. The next scheduled retry simply uses the new default. An invoice whose retries
 * stopped at a hard decline gets its next attempt at the next slot of the retry schedule that is
 * still ahead (none when the schedule is used up); to collect at once, the host calls
 * `invoices.pay`.
 */
export function onDefaultPaymentMethodChanged(
  sim: SimContext,
  customerId: string,
  domain: string | null,
): void {
  const now = sim.now(domain);
  for (const invoice of sim.store.all<Stripe.Invoice>('invoice')) {
    if (idOf(invoice.customer as string) !== customerId || invoice.status !== 'open') continue;
    const state = sim.dunning.get(invoice.id);
    if (!state?.hardDecline || invoice.auto_advance === false) continue;
    state.hardDecline = false;
    const before = invoice.next_payment_attempt;
    invoice.next_payment_attempt = nextScheduledAttempt(sim.config.retrySchedule, state, now);
    if (before !== invoice.next_payment_attempt) {
      sim.emit('invoice.updated', invoice, { next_payment_attempt: before }, domain);
    }
  }
}

/**
 * The first retry slot of the schedule (offsets from the first failure) that is still ahead, from
 * the next unused one on; null when none is left. Slots skipped over count as used.
 */
export function nextScheduledAttempt(
  schedule: readonly Duration[],
  state: { firstFailureAt: number; retriesDone: number },
  now: number,
): number | null {
  for (let i = state.retriesDone; i < schedule.length; i++) {
    const at = addDuration(state.firstFailureAt, schedule[i]!);
    if (at > now) {
      state.retriesDone = i;
      return at;
    }
  }
  return null;
}

/** Retries of failed invoices whose time has come. */
export function dueRetries(sim: SimContext, domain: string | null): Stripe.Invoice[] {
  return sim.store
    .all<Stripe.Invoice>('invoice')
    .filter(
      (i) =>
        i.status === 'open' &&
        i.next_payment_attempt !== null &&
        (i.test_clock ?? null) === domain &&
        i.collection_method === 'charge_automatically',
    );
}
