// A subscription's life: the first invoice, renewals at period end, trials, prorated plan changes,
// cancellation (now or at period end), pause and resume, as Stripe's billing engine runs them.

import type Stripe from 'stripe';
import { addIntervals, type Interval } from '../engine/calendar.js';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { idOf, updateWithEvent } from '../resources/shared.js';
import { attemptInvoicePayment, markUncollectible } from './collection.js';
import { buildInvoice, finalizeInvoice, type LineInput } from './invoicing.js';
import type { PaymentOutcome } from './payments.js';

export type ProrationBehavior = 'create_prorations' | 'always_invoice' | 'none';

export interface ItemSpec {
  price: Stripe.Price;
  quantity: number;
  taxRates: Stripe.TaxRate[];
  metadata: Record<string, string>;
}

/** The period the subscription is in now: every item shares it in classic billing mode. */
export function currentPeriod(sub: Stripe.Subscription): { start: number; end: number } {
  const item = sub.items.data[0];
  return {
    start: item?.current_period_start ?? sub.start_date,
    end: item?.current_period_end ?? sub.start_date,
  };
}

function intervalOf(price: Stripe.Price): { interval: Interval; count: number } {
  return {
    interval: (price.recurring?.interval ?? 'month') as Interval,
    count: price.recurring?.interval_count ?? 1,
  };
}

/** Moves every item into `period` (in classic billing mode the items share one period). */
export function setPeriod(sub: Stripe.Subscription, period: { start: number; end: number }): void {
  for (const item of sub.items.data) {
    item.current_period_start = period.start;
    item.current_period_end = period.end;
  }
}

/** End of the billing period that starts at `start` for this price, counted from the anchor. */
export function periodEndFrom(anchor: number, start: number, price: Stripe.Price): number {
  const { interval, count } = intervalOf(price);
  let k = 1;
  let end = addIntervals(anchor, interval, count);
  while (end <= start) {
    k += 1;
    end = addIntervals(anchor, interval, count * k);
  }
  return end;
}

export function newSubscriptionItem(
  sim: SimContext,
  sub: Stripe.Subscription,
  spec: ItemSpec,
  period: { start: number; end: number },
  domain: string | null,
): Stripe.SubscriptionItem {
  const item: Stripe.SubscriptionItem = {
    id: newId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: sim.now(domain),
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata: spec.metadata,
    plan: planOf(spec.price),
    price: structuredClone(spec.price),
    quantity: spec.quantity,
    subscription: sub.id,
    tax_rates: spec.taxRates.map((r) => structuredClone(r)),
  };
  return sim.store.insert(item);
}

/** The legacy Plan view of a recurring price, which subscription items still carry. */
function planOf(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: (price.recurring?.interval ?? 'month') as Stripe.Plan.Interval,
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product as string,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: price.recurring?.usage_type ?? 'licensed',
  };
}

function productName(sim: SimContext, price: Stripe.Price): string {
  const product = sim.store.find<Stripe.Product>(idOf(price.product as string)!);
  return product?.name ?? price.nickname ?? price.id;
}

function quantityPrefix(quantity: number): string {
  return quantity === 1 ? '' : `${quantity} × `;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function formatDate(timestamp: number): string {
  const d = new Date(timestamp * 1000);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** One line per item for a whole period (a renewal, or the first invoice). */
export function periodLines(
  sim: SimContext,
  sub: Stripe.Subscription,
  items: Stripe.SubscriptionItem[],
  period: { start: number; end: number },
  amountOverride?: (item: Stripe.SubscriptionItem) => number,
): LineInput[] {
  return items.map((item) => {
    const quantity = item.quantity ?? 1;
    const amount = amountOverride ? amountOverride(item) : (item.price.unit_amount ?? 0) * quantity;
    const trial = amount === 0 && sub.status === 'trialing';
    return {
      amount,
      description: trial
        ? `Trial period for ${productName(sim, item.price)}`
        : `${quantity} × ${productName(sim, item.price)} (at ${formatMoney(item.price.unit_amount ?? 0, item.price.currency)} / ${item.price.recurring?.interval ?? 'month'})`,
      period,
      quantity,
      price: item.price,
      proration: false,
      taxRates: item.tax_rates ?? [],
      subscription: sub.id,
      subscriptionItem: item.id,
    };
  });
}

function formatMoney(amount: number, currency: string): string {
  const symbol = currency === 'aud' ? 'A$' : currency === 'usd' ? '$' : `${currency.toUpperCase()} `;
  return `${symbol}${(amount / 100).toFixed(2)}`;
}

/** The share of a price left between `from` and the period end, to the second, as Stripe prorates. */
export function prorate(unitTotal: number, from: number, period: { start: number; end: number }): number {
  const length = period.end - period.start;
  if (length <= 0) return 0;
  const remaining = Math.max(0, Math.min(length, period.end - from));
  return Math.round((unitTotal * remaining) / length);
}

export interface ItemChange {
  /** The item as it was (absent when the change adds an item). */
  before?: { item: Stripe.SubscriptionItem; price: Stripe.Price; quantity: number };
  /** The item as it will be (absent when the change removes the item). */
  after?: { itemId: string; price: Stripe.Price; quantity: number; taxRates: Stripe.TaxRate[] };
}

/** Credit for unused time on the old price and charge for the remaining time on the new one. */
export function prorationLines(
  sim: SimContext,
  sub: Stripe.Subscription,
  changes: ItemChange[],
  prorationDate: number,
  period: { start: number; end: number },
): LineInput[] {
  const lines: LineInput[] = [];
  const date = formatDate(prorationDate);
  const linePeriod = { start: prorationDate, end: period.end };
  for (const change of changes) {
    if (change.before) {
      const { item, price, quantity } = change.before;
      lines.push({
        amount: -prorate((price.unit_amount ?? 0) * quantity, prorationDate, period),
        description: `Unused time on ${quantityPrefix(quantity)}${productName(sim, price)} after ${date}`,
        period: linePeriod,
        quantity,
        price,
        proration: true,
        taxRates: item.tax_rates ?? [],
        subscription: sub.id,
        subscriptionItem: item.id,
      });
    }
    if (change.after) {
      const { itemId, price, quantity, taxRates } = change.after;
      lines.push({
        amount: prorate((price.unit_amount ?? 0) * quantity, prorationDate, period),
        description: `Remaining time on ${quantityPrefix(quantity)}${productName(sim, price)} after ${date}`,
        period: linePeriod,
        quantity,
        price,
        proration: true,
        taxRates,
        subscription: sub.id,
        subscriptionItem: itemId,
      });
    }
  }
  return lines;
}

/** Proration lines kept as pending invoice items, swept into the next invoice. */
export function createPendingItems(
  sim: SimContext,
  sub: Stripe.Subscription,
  lines: LineInput[],
  domain: string | null,
): void {
  const customerId = idOf(sub.customer as string)!;
  for (const line of lines) {
    const item: Stripe.InvoiceItem = {
      id: newId('ii'),
      object: 'invoiceitem',
      amount: line.amount,
      currency: sub.currency,
      customer: customerId,
      customer_account: null,
      date: sim.now(domain),
      description: line.description,
      discountable: false,
      discounts: [],
      invoice: null,
      livemode: false,
      metadata: {},
      net_amount: line.amount,
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: sub.id, subscription_item: line.subscriptionItem ?? undefined },
      },
      period: { ...line.period },
      pricing: line.price
        ? {
            type: 'price_details',
            price_details: { price: line.price.id, product: idOf(line.price.product as string)! },
            unit_amount_decimal: line.price.unit_amount_decimal,
          }
        : null,
      proration: true,
      quantity: line.quantity,
      quantity_decimal: String(line.quantity) as unknown as Stripe.Decimal,
      tax_rates: line.taxRates,
      test_clock: domain,
    };
    sim.store.insert(item);
    sim.emit('invoiceitem.created', item, undefined, domain);
  }
}

/** Pending invoice items of a customer (optionally of one subscription) as invoice lines. */
export function pendingItemLines(sim: SimContext, customerId: string, subscriptionId?: string): LineInput[] {
  return sim.store
    .all<Stripe.InvoiceItem>('invoiceitem')
    .filter(
      (ii) =>
        ii.invoice === null &&
        idOf(ii.customer as string) === customerId &&
        !(ii as unknown as { deleted?: boolean }).deleted &&
        (!subscriptionId ||
          !ii.parent?.subscription_details ||
          ii.parent.subscription_details.subscription === subscriptionId),
    )
    .map((ii) => ({
      amount: ii.amount,
      description: ii.description ?? '',
      period: { ...ii.period },
      quantity: ii.quantity,
      price: ii.pricing?.price_details
        ? (sim.store.find<Stripe.Price>(idOf(ii.pricing.price_details.price as string)!) ?? null)
        : null,
      proration: ii.proration,
      taxRates: ii.tax_rates ?? [],
      discountable: ii.discountable,
      subscription: ii.parent?.subscription_details?.subscription ?? null,
      subscriptionItem: ii.parent?.subscription_details?.subscription_item ?? null,
      invoiceItem: ii.id,
    }));
}

/**
 * Active discounts of a subscription for an invoice made now; a `once` coupon applies to one
 * invoice. `consume` false peeks (previews) without using up a one-time coupon.
 */
export function discountsForInvoice(
  sim: SimContext,
  sub: Stripe.Subscription,
  now: number,
  consume = true,
): string[] {
  const ids: string[] = [];
  for (const id of sub.discounts) {
    const discount = sim.store.find<Stripe.Discount>(idOf(id as string)!);
    if (!discount) continue;
    if (discount.end !== null && discount.end <= now) continue;
    const coupon = discount.source.coupon
      ? sim.store.find<Stripe.Coupon>(idOf(discount.source.coupon as string)!)
      : undefined;
    if (coupon?.duration === 'once' && sim.notices.has(`discount-used:${discount.id}`)) continue;
    if (consume) sim.notices.add(`discount-used:${discount.id}`);
    ids.push(discount.id);
  }
  return ids.slice(0, 1);
}

/** Creates the invoice for a subscription and, when Stripe would, finalizes and collects it now. */
export function invoiceSubscription(
  sim: SimContext,
  sub: Stripe.Subscription,
  input: {
    reason: Stripe.Invoice.BillingReason;
    lines: LineInput[];
    /**
     * The invoice's own period, which looks back (see `NewInvoice.period`): the period that just
     * ended for a renewal. @default the moment of creation (first invoice, updates, cancellation)
     */
    invoicePeriod?: { start: number; end: number };
    domain: string | null;
    /** Finalize and charge now (first invoice, updates), or leave a draft that finalizes in an hour (renewals). */
    immediate: boolean;
    offSession: boolean;
    prorationDate?: number;
    includePending?: boolean;
    /** Send customer.subscription.updated for the new latest_invoice. @default true except on create */
    announce?: boolean;
    /** More previous_attributes for that event, when the caller changed the subscription too. */
    previousAttributes?: Record<string, unknown>;
  },
): { invoice: Stripe.Invoice; outcome: PaymentOutcome | null } {
  const customer = sim.store.get<Stripe.Customer>('customer', idOf(sub.customer as string)!);
  const now = sim.now(input.domain);
  const lines = [...input.lines, ...(input.includePending ? pendingItemLines(sim, customer.id, sub.id) : [])];
  const paused = sub.pause_collection;
  const invoice = buildInvoice(
    sim,
    {
      customer,
      currency: sub.currency,
      subscription: sub,
      billingReason: input.reason,
      collectionMethod: sub.collection_method,
      daysUntilDue: sub.days_until_due,
      autoAdvance: !(paused && paused.behavior === 'keep_as_draft'),
      defaultTaxRates: sub.default_tax_rates ?? [],
      discounts: discountsForInvoice(sim, sub, now),
      period: input.invoicePeriod,
      prorationDate: input.prorationDate,
      domain: input.domain,
      finalizesAt: input.immediate ? null : now + sim.config.draftFinalizationSeconds,
    },
    lines,
  );
  const before = structuredClone(sub);
  sub.latest_invoice = invoice.id;
  sim.emit('invoice.created', invoice, undefined, input.domain);
  const announce = input.announce ?? input.reason !== 'subscription_create';
  if (announce) {
    const previous = { latest_invoice: before.latest_invoice, ...(input.previousAttributes ?? {}) };
    sim.emit('customer.subscription.updated', sub, previous, input.domain);
  }
  if (!input.immediate) return { invoice, outcome: null };
  return { invoice, outcome: finalizeAndCollect(sim, invoice, input.domain, input.offSession, sub) };
}

/** Finalizes a draft and tries to collect it (automatic collection), honouring pause_collection. */
export function finalizeAndCollect(
  sim: SimContext,
  invoice: Stripe.Invoice,
  domain: string | null,
  offSession: boolean,
  /** The invoice's subscription, when it is not in the store yet (while it is being created). */
  subscription?: Stripe.Subscription,
): PaymentOutcome | null {
  const subId = invoice.parent?.subscription_details?.subscription;
  const sub =
    subscription ?? (subId ? sim.store.find<Stripe.Subscription>(idOf(subId as string)!) : undefined);
  finalizeInvoice(sim, invoice, domain);
  const pause = sub?.pause_collection;
  if (pause && invoice.status === 'open') {
    if (pause.behavior === 'void') voidInvoice(sim, invoice, domain);
    else if (pause.behavior === 'mark_uncollectible') markUncollectible(sim, invoice, domain);
    return null;
  }
  if (invoice.status !== 'open' || invoice.collection_method !== 'charge_automatically') return null;
  const paymentMethod = idOf(sub?.default_payment_method as string | null);
  return attemptInvoicePayment(sim, invoice, { offSession, domain, paymentMethod });
}

export function voidInvoice(sim: SimContext, invoice: Stripe.Invoice, domain: string | null): void {
  const before = structuredClone(invoice);
  invoice.status = 'void';
  invoice.status_transitions.voided_at = sim.now(domain);
  invoice.next_payment_attempt = null;
  invoice.amount_remaining = 0;
  sim.dunning.delete(invoice.id);
  for (const payment of invoice.payments?.data ?? []) {
    const stored = sim.store.find<Stripe.InvoicePayment>(payment.id);
    if (stored && stored.status === 'open') {
      stored.status = 'canceled';
      stored.status_transitions.canceled_at = sim.now(domain);
      Object.assign(payment, structuredClone(stored));
    }
    const pi = payment.payment.payment_intent
      ? sim.store.find<Stripe.PaymentIntent>(idOf(payment.payment.payment_intent as string)!)
      : undefined;
    if (pi && pi.status !== 'succeeded' && pi.status !== 'canceled') {
      const piBefore = pi.status;
      pi.status = 'canceled';
      pi.canceled_at = sim.now(domain);
      pi.cancellation_reason = 'void_invoice';
      sim.emit('payment_intent.canceled', pi, { status: piBefore }, domain);
    }
  }
  sim.emit('invoice.voided', invoice, { status: before.status }, domain);
}

/** Ends a subscription now: status canceled, `customer.subscription.deleted`. */
export function endSubscription(
  sim: SimContext,
  sub: Stripe.Subscription,
  options: {
    reason: 'cancellation_requested' | 'payment_failed' | 'payment_disputed';
    domain: string | null;
    comment?: string | null;
    feedback?: Stripe.Subscription.CancellationDetails.Feedback | null;
  },
): void {
  const now = sim.now(options.domain);
  sub.status = 'canceled';
  sub.ended_at = now;
  sub.canceled_at = sub.canceled_at ?? now;
  sub.cancel_at_period_end = false;
  sub.cancellation_details = {
    comment: options.comment ?? sub.cancellation_details?.comment ?? null,
    feedback: options.feedback ?? sub.cancellation_details?.feedback ?? null,
    feedback_option: null,
    reason: options.reason,
  };
  for (const id of sub.discounts) {
    const discount = sim.store.find<Stripe.Discount>(idOf(id as string)!);
    if (discount && discount.end === null) discount.end = now;
  }
  sim.emit('customer.subscription.deleted', sub, undefined, options.domain);
}

/** DELETE /v1/subscriptions/:id: cancel now, with an optional final invoice of usage and prorations. */
export function cancelSubscriptionNow(
  sim: SimContext,
  sub: Stripe.Subscription,
  options: {
    prorate: boolean;
    invoiceNow: boolean;
    reason: 'cancellation_requested' | 'payment_failed' | 'payment_disputed';
    comment?: string | null;
    feedback?: Stripe.Subscription.CancellationDetails.Feedback | null;
  },
): void {
  const domain = sim.domainOfCustomer(idOf(sub.customer as string));
  const now = sim.now(domain);
  const period = currentPeriod(sub);
  if (options.prorate && sub.status !== 'trialing') {
    const credits = prorationLines(
      sim,
      sub,
      sub.items.data.map((item) => ({ before: { item, price: item.price, quantity: item.quantity ?? 1 } })),
      now,
      period,
    );
    if (options.invoiceNow) {
      invoiceSubscription(sim, sub, {
        reason: 'subscription_update',
        lines: credits,
        domain,
        immediate: true,
        offSession: true,
        includePending: true,
      });
    } else {
      createPendingItems(sim, sub, credits, domain);
    }
  } else if (options.invoiceNow) {
    const pending = pendingItemLines(sim, idOf(sub.customer as string)!, sub.id);
    if (pending.length > 0) {
      invoiceSubscription(sim, sub, {
        reason: 'subscription_update',
        lines: [],
        domain,
        immediate: true,
        offSession: true,
        includePending: true,
      });
    }
  }
  endSubscription(sim, sub, {
    reason: options.reason,
    domain,
    comment: options.comment,
    feedback: options.feedback,
  });
}

/** At the end of a period: cancel if asked to, else start the next period and invoice it. */
export function renewSubscription(sim: SimContext, sub: Stripe.Subscription, domain: string | null): void {
  const period = currentPeriod(sub);
  if (sub.cancel_at !== null && sub.cancel_at <= period.end) {
    endSubscription(sim, sub, { reason: 'cancellation_requested', domain });
    return;
  }
  const next = {
    start: period.end,
    end: periodEndFrom(sub.billing_cycle_anchor, period.end, sub.items.data[0]!.price),
  };
  const before = structuredClone(sub);
  setPeriod(sub, next);
  invoiceSubscription(sim, sub, {
    reason: 'subscription_cycle',
    lines: periodLines(sim, sub, sub.items.data, next),
    // Stripe: a subscription invoice's own period "looks back one period"; the lines bill `next`.
    invoicePeriod: period,
    domain,
    immediate: false,
    offSession: true,
    includePending: true,
    previousAttributes: { items: before.items },
  });
}

/**
 * The trial is over: with a payment method (or when the settings say invoice anyway) the paid
 * period starts and is invoiced; without one, the trial's end behaviour cancels or pauses.
 */
export function endTrial(sim: SimContext, sub: Stripe.Subscription, domain: string | null): void {
  const now = sim.now(domain);
  const hasPaymentMethod =
    idOf(sub.default_payment_method as string | null) !== null ||
    idOf(
      sim.store.find<Stripe.Customer>(idOf(sub.customer as string)!)?.invoice_settings
        .default_payment_method as string | null,
    ) !== null;
  const behavior = sub.trial_settings?.end_behavior.missing_payment_method ?? 'create_invoice';
  if (!hasPaymentMethod && behavior === 'cancel') {
    endSubscription(sim, sub, { reason: 'cancellation_requested', domain });
    return;
  }
  if (!hasPaymentMethod && behavior === 'pause') {
    updateWithEvent(
      sim,
      sub,
      'customer.subscription.updated',
      (s) => {
        s.status = 'paused';
      },
      domain,
    );
    sim.emit('customer.subscription.paused', sub, undefined, domain);
    return;
  }
  const price = sub.items.data[0]!.price;
  const trial = currentPeriod(sub);
  const next = { start: now, end: periodEndFrom(now, now, price) };
  const before = structuredClone(sub);
  sub.status = 'active';
  sub.billing_cycle_anchor = now;
  sub.billing_cycle_anchor_config = null;
  setPeriod(sub, next);
  for (const item of sub.items.data) item.current_trial = null;
  invoiceSubscription(sim, sub, {
    reason: 'subscription_cycle',
    lines: periodLines(sim, sub, sub.items.data, next),
    // The invoice looks back over the trial, which ends now (also when ended early).
    invoicePeriod: { start: trial.start, end: now },
    domain,
    immediate: false,
    offSession: true,
    includePending: true,
    previousAttributes: {
      status: before.status,
      items: before.items,
      billing_cycle_anchor: before.billing_cycle_anchor,
    },
  });
}
