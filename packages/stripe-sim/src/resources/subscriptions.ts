// /v1/subscriptions: create (payment_behavior, trials, anchors, discounts), update (plan changes
// with proration, cancel at period end, pause_collection), cancel, pause, resume, list.

import type Stripe from 'stripe';
import type { Decline } from '../billing/cards.js';
import { onDefaultPaymentMethodChanged } from '../billing/collection.js';
import { createDiscount } from '../billing/discounts.js';
import { finalizeInvoice } from '../billing/invoicing.js';
import type { PaymentOutcome } from '../billing/payments.js';
import {
  cancelSubscriptionNow,
  createPendingItems,
  currentPeriod,
  endTrial,
  type ItemChange,
  type ItemSpec,
  invoiceSubscription,
  newSubscriptionItem,
  type ProrationBehavior,
  periodEndFrom,
  periodLines,
  prorate,
  prorationLines,
  setPeriod,
} from '../billing/subscription-lifecycle.js';
import { addDuration } from '../engine/calendar.js';
import { changedAttributes, type SimContext, snapshot } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest, missingParam } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { redeemCoupon, requireValidCoupon } from './coupons.js';
import { requireCustomer } from './customers.js';
import { cardDeclined } from './payment-methods.js';
import { redeemPromotionCode, resolvePromotionCode } from './promotion-codes.js';
import { idOf } from './shared.js';

const PAYMENT_BEHAVIORS = [
  'allow_incomplete',
  'default_incomplete',
  'error_if_incomplete',
  'pending_if_incomplete',
] as const;
const PRORATION_BEHAVIORS = ['create_prorations', 'always_invoice', 'none'] as const;
const FEEDBACK = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const;

export const subscriptionRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/subscriptions',
    handler: ({ sim, params }) => createSubscription(sim, params),
  },
  {
    method: 'GET',
    pattern: '/v1/subscriptions/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return sim.store.get('subscription', path.id!, 'id');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/subscriptions/:id',
    handler: ({ sim, path, params }) => updateSubscription(sim, path.id!, params),
  },
  {
    method: 'DELETE',
    pattern: '/v1/subscriptions/:id',
    handler: ({ sim, path, params }) => cancel(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/subscriptions/:id/cancel',
    handler: ({ sim, path, params }) => cancel(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/subscriptions/:id/pause',
    handler: ({ sim, path, params }) => pause(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/subscriptions/:id/resume',
    handler: ({ sim, path, params }) => resume(sim, path.id!, params),
  },
  {
    method: 'GET',
    pattern: '/v1/subscriptions',
    handler: (ctx) => {
      const customer = ctx.params.optionalString('customer');
      const price = ctx.params.optionalString('price');
      const status = ctx.params.optionalString('status');
      const clock = ctx.params.optionalString('test_clock');
      ctx.params.accept('collection_method', 'current_period_end', 'current_period_start', 'automatic_tax');
      const rows = ctx.sim.store.all<Stripe.Subscription>('subscription').filter((s) => {
        if (customer && idOf(s.customer as string) !== customer) return false;
        if (price && !s.items.data.some((i) => i.price.id === price)) return false;
        if (clock && s.test_clock !== clock) return false;
        if (status === 'all') return true;
        if (status)
          return (
            s.status === status ||
            (status === 'ended' && ['canceled', 'incomplete_expired'].includes(s.status))
          );
        return s.status !== 'canceled' && s.status !== 'incomplete_expired';
      });
      const page = paginate(ctx, rows, '/v1/subscriptions');
      ctx.params.done();
      return page;
    },
  },
];

export function readItemSpec(
  sim: SimContext,
  item: Params,
  index: number,
): ItemSpec & { id?: string; deleted?: boolean } {
  const id = item.optionalString('id');
  const deleted = item.optionalBool('deleted');
  const priceId = item.optionalString('price');
  const quantity = item.optionalInt('quantity', { min: 0 });
  const taxRateIds = item.optionalStringArray('tax_rates');
  const metadata = item.metadataPatch() ?? {};
  if (item.has('price_data')) {
    throw invalidRequest(
      'price_data is not simulated; create the Price first and pass its id.',
      `items[${index}][price_data]`,
    );
  }
  item.accept('clear_usage', 'discounts', 'billing_thresholds', 'plan');
  item.done();
  if (!id && !priceId) throw missingParam(`items[${index}][price]`);
  const price = priceId
    ? requireRecurringPrice(sim, priceId, `items[${index}][price]`)
    : (undefined as unknown as Stripe.Price);
  return {
    ...(id ? { id } : {}),
    ...(deleted ? { deleted } : {}),
    price,
    quantity: quantity ?? -1,
    taxRates: (taxRateIds ?? []).map((r, i) =>
      sim.store.get<Stripe.TaxRate>('tax_rate', r, `items[${index}][tax_rates][${i}]`),
    ),
    metadata,
  };
}

function requireRecurringPrice(sim: SimContext, id: string, param: string): Stripe.Price {
  const price = sim.store.get<Stripe.Price>('price', id, param);
  if (price.type !== 'recurring') {
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      param,
    );
  }
  if (!price.active) {
    throw invalidRequest(`The price specified is inactive. This field only accepts active prices.`, param);
  }
  return price;
}

export function readTaxRates(sim: SimContext, params: Params, key: string): Stripe.TaxRate[] | undefined {
  if (params.isUnset(key)) return [];
  const ids = params.optionalStringArray(key);
  return ids?.map((id, i) => sim.store.get<Stripe.TaxRate>('tax_rate', id, `${key}[${i}]`));
}

function requireOwnedPaymentMethod(sim: SimContext, customerId: string, id: string, param: string): string {
  const pm = sim.store.get<Stripe.PaymentMethod>('payment_method', id, param);
  if (idOf(pm.customer as string | null) !== customerId) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
      param,
      'resource_missing',
    );
  }
  return pm.id;
}

/** How a card would answer a charge now, without charging it: for error_if_incomplete / pending_if_incomplete. */
function predictPayment(sim: SimContext, pmId: string | null): Decline | 'action' | 'ok' | 'none' {
  if (!pmId) return 'none';
  const profile = sim.cardProfiles.get(pmId);
  const decline = profile?.declineOnCharge ?? profile?.declineOnAttach;
  if (decline) return decline;
  if (profile?.authentication === 'always' && !sim.authenticatedForSetup.has(pmId)) return 'action';
  if (profile?.authentication === 'setup' && !sim.authenticatedForSetup.has(pmId)) return 'action';
  return 'ok';
}

function readDiscounts(
  sim: SimContext,
  params: Params,
  customerId: string,
): Array<{ coupon: Stripe.Coupon; promotionCode: string | null }> | undefined {
  if (params.isUnset('discounts')) return [];
  const list = params.optionalArray('discounts');
  if (!list) return undefined;
  return list.map((entry, i) => {
    const couponId = entry.optionalString('coupon');
    const promotionCodeId = entry.optionalString('promotion_code');
    entry.accept('discount');
    entry.done();
    if (promotionCodeId) {
      const resolved = resolvePromotionCode(
        sim,
        promotionCodeId,
        customerId,
        `discounts[${i}][promotion_code]`,
      );
      return {
        coupon: requireValidCoupon(sim, resolved, `discounts[${i}][promotion_code]`),
        promotionCode: promotionCodeId,
      };
    }
    if (!couponId) throw missingParam(`discounts[${i}][coupon]`);
    return { coupon: requireValidCoupon(sim, couponId, `discounts[${i}][coupon]`), promotionCode: null };
  });
}

function readCancellationDetails(
  params: Params,
):
  | { comment?: string | null; feedback?: Stripe.Subscription.CancellationDetails.Feedback | null }
  | undefined {
  const details = params.optionalObject('cancellation_details');
  if (!details) return undefined;
  const comment = details.nullableString('comment');
  const feedback = details.optionalEnum('feedback', FEEDBACK);
  details.done();
  return { ...(comment !== undefined ? { comment } : {}), ...(feedback ? { feedback } : {}) };
}

function createSubscription(sim: SimContext, params: Params): Stripe.Subscription {
  const customer = requireCustomer(sim, params.string('customer'), 'customer');
  const domain = sim.domainOfCustomer(customer.id);
  const now = sim.now(domain);
  const itemParams = params.optionalArray('items');
  if (!itemParams || itemParams.length === 0) throw missingParam('items');
  const specs = itemParams.map((p, i) => readItemSpec(sim, p, i));
  const first = specs[0]!.price;
  specs.forEach((spec, i) => {
    if (spec.price.currency !== first.currency) {
      throw invalidRequest(
        'Currency mismatch: all prices on a subscription must use the same currency.',
        `items[${i}][price]`,
      );
    }
    if (
      spec.price.recurring?.interval !== first.recurring?.interval ||
      spec.price.recurring?.interval_count !== first.recurring?.interval_count
    ) {
      throw invalidRequest(
        'All prices on a subscription must have the same `recurring[interval]` and `recurring[interval_count]`.',
        `items[${i}][price]`,
      );
    }
    if (spec.quantity === -1) spec.quantity = 1;
  });
  if (customer.currency && customer.currency !== first.currency) {
    throw invalidRequest(
      `You cannot combine currencies on a single customer. This customer has an active subscription, subscription schedule, discount, quote, or invoice item with currency ${customer.currency}.`,
      'currency',
    );
  }
  const paymentBehavior = params.optionalEnum('payment_behavior', PAYMENT_BEHAVIORS) ?? 'allow_incomplete';
  if (paymentBehavior === 'pending_if_incomplete') {
    throw invalidRequest(
      '`payment_behavior=pending_if_incomplete` can only be used when updating a subscription.',
      'payment_behavior',
    );
  }
  const pmParam = params.optionalString('default_payment_method');
  const defaultPm = pmParam
    ? requireOwnedPaymentMethod(sim, customer.id, pmParam, 'default_payment_method')
    : null;
  const defaultTaxRates = readTaxRates(sim, params, 'default_tax_rates') ?? [];
  const trialDays = params.optionalInt('trial_period_days', { min: 0, max: 730 });
  const trialEndParam = params.optionalString('trial_end');
  params.accept('trial_from_plan');
  let trialEnd: number | null = null;
  if (trialEndParam && trialEndParam !== 'now') {
    if (!/^\d+$/.test(trialEndParam))
      throw invalidRequest(`Invalid timestamp: ${trialEndParam}`, 'trial_end');
    trialEnd = Number(trialEndParam);
    if (trialEnd <= now)
      throw invalidRequest(
        'Invalid timestamp: must be an integer Unix timestamp in the future.',
        'trial_end',
      );
  } else if (trialDays) {
    trialEnd = now + trialDays * 86_400;
  }
  const anchorParam = params.optionalInt('billing_cycle_anchor');
  if (anchorParam !== undefined && anchorParam < now) {
    throw invalidRequest('billing_cycle_anchor cannot be in the past.', 'billing_cycle_anchor');
  }
  const prorationBehavior =
    params.optionalEnum('proration_behavior', PRORATION_BEHAVIORS) ?? 'create_prorations';
  const cancelAtPeriodEnd = params.optionalBool('cancel_at_period_end') ?? false;
  const cancelAt = params.optionalInt('cancel_at');
  const collectionMethod =
    params.optionalEnum('collection_method', ['charge_automatically', 'send_invoice']) ??
    'charge_automatically';
  const daysUntilDue = params.optionalInt('days_until_due', { min: 0 });
  if (collectionMethod === 'send_invoice' && daysUntilDue === undefined) throw missingParam('days_until_due');
  const offSession = params.optionalBool('off_session') ?? false;
  const paymentSettings = params.optionalObject('payment_settings');
  const saveDefault = paymentSettings?.optionalEnum('save_default_payment_method', [
    'off',
    'on_subscription',
  ]);
  paymentSettings?.accept('payment_method_types', 'payment_method_options');
  paymentSettings?.done();
  const trialSettings = params.optionalObject('trial_settings');
  const endBehavior = trialSettings?.optionalObject('end_behavior');
  const missingPm = endBehavior?.optionalEnum('missing_payment_method', [
    'cancel',
    'create_invoice',
    'pause',
  ]);
  endBehavior?.done();
  trialSettings?.done();
  const automaticTax = params.optionalObject('automatic_tax');
  if (automaticTax?.optionalBool('enabled')) {
    throw invalidRequest(
      'Stripe Tax (automatic_tax) is not simulated; use tax_rates or default_tax_rates.',
      'automatic_tax[enabled]',
    );
  }
  automaticTax?.accept('liability');
  automaticTax?.done();
  const billingMode = params.optionalObject('billing_mode');
  const billingModeType = billingMode?.optionalEnum('type', ['classic', 'flexible']) ?? 'classic';
  billingMode?.accept('flexible');
  billingMode?.done();
  const discounts = readDiscounts(sim, params, customer.id) ?? [];
  const description = params.optionalString('description') ?? null;
  const metadata = params.metadataPatch() ?? {};
  params.accept(
    'expand',
    'default_source',
    'pending_invoice_item_interval',
    'application_fee_percent',
    'on_behalf_of',
    'transfer_data',
    'invoice_settings',
    'add_invoice_items',
    'currency',
  );
  params.done();

  const predictedPm = defaultPm ?? idOf(customer.invoice_settings.default_payment_method as string | null);
  if (paymentBehavior === 'error_if_incomplete' && !trialEnd && collectionMethod === 'charge_automatically') {
    const prediction = predictPayment(sim, predictedPm);
    if (prediction === 'none') {
      throw invalidRequest(
        'This customer has no attached payment source or default payment method.',
        undefined,
        'resource_missing',
      );
    }
    if (prediction === 'action') {
      throw cardDeclined({
        code: 'authentication_required',
        declineCode: 'authentication_required',
        message: 'Your card was declined. This transaction requires authentication.',
      });
    }
    if (prediction !== 'ok') throw cardDeclined(prediction);
  }

  const id = newId('sub');
  const anchor = trialEnd ?? anchorParam ?? now;
  const period = trialEnd
    ? { start: now, end: trialEnd }
    : anchor > now
      ? { start: now, end: anchor }
      : { start: now, end: periodEndFrom(now, now, first) };
  const sub: Stripe.Subscription = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: billingModeType },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: cancelAt ?? (cancelAtPeriodEnd ? period.end : null),
    cancel_at_period_end: cancelAtPeriodEnd,
    canceled_at: cancelAtPeriodEnd || cancelAt ? now : null,
    cancellation_details: {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: cancelAtPeriodEnd || cancelAt ? 'cancellation_requested' : null,
    },
    collection_method: collectionMethod,
    created: now,
    currency: first.currency,
    customer: customer.id,
    customer_account: null,
    days_until_due: daysUntilDue ?? null,
    default_payment_method: defaultPm,
    default_source: null,
    default_tax_rates: defaultTaxRates,
    description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: { object: 'list', data: [], has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: saveDefault ?? 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: trialEnd ? 'trialing' : 'incomplete',
    test_clock: domain,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: missingPm ?? 'create_invoice' },
    },
    trial_start: trialEnd ? now : null,
  };
  sub.items.data = specs.map((spec) => {
    const item = newSubscriptionItem(sim, sub, spec, period, domain);
    if (trialEnd)
      item.current_trial = { end_date: trialEnd, start_date: now } as Stripe.SubscriptionItem.CurrentTrial;
    return item;
  });
  for (const entry of discounts) {
    const discount = createDiscount(sim, { ...entry, customer: customer.id, subscription: id, domain });
    redeemCoupon(sim, entry.coupon);
    if (entry.promotionCode) redeemPromotionCode(sim, entry.promotionCode);
    sub.discounts.push(discount.id);
  }
  if (!customer.currency) {
    const before = customer.currency;
    customer.currency = first.currency;
    sim.emit('customer.updated', customer, { currency: before }, domain);
  }

  const partialFirstPeriod = !trialEnd && anchor > now;
  const lines = trialEnd
    ? periodLines(sim, sub, sub.items.data, period, () => 0)
    : partialFirstPeriod && prorationBehavior !== 'none'
      ? periodLines(sim, sub, sub.items.data, period, (item) =>
          prorate((item.price.unit_amount ?? 0) * (item.quantity ?? 1), now, {
            start: periodStartBefore(anchor, item.price),
            end: anchor,
          }),
        )
      : partialFirstPeriod
        ? periodLines(sim, sub, sub.items.data, period, () => 0)
        : periodLines(sim, sub, sub.items.data, period);
  const collectNow = paymentBehavior !== 'default_incomplete';
  const { outcome } = invoiceSubscription(sim, sub, {
    reason: 'subscription_create',
    lines,
    domain,
    immediate: collectNow,
    offSession,
    includePending: true,
  });
  if (!collectNow)
    finalizeInvoice(sim, sim.store.get<Stripe.Invoice>('invoice', sub.latest_invoice as string), domain);
  settleNewSubscription(sim, sub, outcome, trialEnd !== null);
  sim.store.insert(sub);
  sim.emit('customer.subscription.created', sub, undefined, domain);
  return sub;
}

/** The start of the full period that a future anchor ends, to prorate a first partial period. */
function periodStartBefore(anchor: number, price: Stripe.Price): number {
  const unit = price.recurring?.interval ?? 'month';
  const count = -(price.recurring?.interval_count ?? 1);
  const d = new Date(anchor * 1000);
  if (unit === 'day') return anchor + count * 86_400;
  if (unit === 'week') return anchor + count * 7 * 86_400;
  const months = unit === 'month' ? count : count * 12;
  d.setUTCMonth(d.getUTCMonth() + months);
  return Math.floor(d.getTime() / 1000);
}

function settleNewSubscription(
  sim: SimContext,
  sub: Stripe.Subscription,
  outcome: PaymentOutcome | null,
  trialing: boolean,
): void {
  const invoice = sim.store.get<Stripe.Invoice>('invoice', sub.latest_invoice as string);
  if (trialing) {
    sub.status = 'trialing';
    return;
  }
  if (invoice.status === 'paid') {
    sub.status = 'active';
    if (
      outcome?.kind === 'succeeded' &&
      sub.payment_settings?.save_default_payment_method === 'on_subscription'
    ) {
      sub.default_payment_method = outcome.charge.payment_method;
    }
    return;
  }
  sub.status = sub.collection_method === 'send_invoice' ? 'active' : 'incomplete';
}

function requireLiveSubscription(sim: SimContext, id: string): Stripe.Subscription {
  const sub = sim.store.get<Stripe.Subscription>('subscription', id, 'id');
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalidRequest(
      'A canceled subscription can only update its cancellation_details and metadata.',
      undefined,
      'resource_missing',
    );
  }
  return sub;
}

function updateSubscription(sim: SimContext, id: string, params: Params): Stripe.Subscription {
  const stored = sim.store.get<Stripe.Subscription>('subscription', id, 'id');
  const domain = sim.domainOfCustomer(idOf(stored.customer as string));
  if (stored.status === 'canceled' || stored.status === 'incomplete_expired') {
    return updateEndedSubscription(sim, stored, params, domain);
  }
  const sub = requireLiveSubscription(sim, id);
  const customerId = idOf(sub.customer as string)!;
  const now = sim.now(domain);
  const period = currentPeriod(sub);

  const itemParams = params.optionalArray('items') ?? [];
  const specs = itemParams.map((p, i) => readItemSpec(sim, p, i));
  const prorationBehavior: ProrationBehavior =
    params.optionalEnum('proration_behavior', PRORATION_BEHAVIORS) ?? 'create_prorations';
  const prorationDate = params.optionalInt('proration_date') ?? now;
  if (prorationDate < period.start || prorationDate > period.end) {
    throw invalidRequest('proration_date must be within the current billing period.', 'proration_date');
  }
  const paymentBehavior = params.optionalEnum('payment_behavior', PAYMENT_BEHAVIORS) ?? 'allow_incomplete';
  const cancelAtPeriodEnd = params.optionalBool('cancel_at_period_end');
  const cancelAtRaw = params.has('cancel_at') ? params.optionalString('cancel_at') : undefined;
  const pauseUnset = params.isUnset('pause_collection');
  const pauseParams = params.optionalObject('pause_collection');
  const pauseBehavior = pauseParams?.enum('behavior', ['keep_as_draft', 'mark_uncollectible', 'void']);
  const pauseResumesAt = pauseParams?.optionalInt('resumes_at');
  pauseParams?.done();
  const pmRaw = params.nullableString('default_payment_method');
  const defaultPm = pmRaw
    ? requireOwnedPaymentMethod(sim, customerId, pmRaw, 'default_payment_method')
    : pmRaw;
  const defaultTaxRates = readTaxRates(sim, params, 'default_tax_rates');
  const trialEndRaw = params.optionalString('trial_end');
  if (trialEndRaw && trialEndRaw !== 'now' && !isFutureTimestamp(trialEndRaw, now)) {
    throw invalidRequest('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
  }
  if (
    trialEndRaw &&
    trialEndRaw !== 'now' &&
    Number(trialEndRaw) > addDuration(sub.billing_cycle_anchor, { years: 2 })
  ) {
    // Stripe's reference: trial_end "Can be at most two years from `billing_cycle_anchor`".
    throw invalidRequest('trial_end can be at most two years from the billing_cycle_anchor.', 'trial_end');
  }
  if (cancelAtRaw && !isFutureTimestamp(cancelAtRaw, now)) {
    throw invalidRequest('cancel_at must be a Unix timestamp in the future.', 'cancel_at');
  }
  const anchorRaw = params.optionalEnum('billing_cycle_anchor', ['now', 'unchanged']);
  const cancellation = readCancellationDetails(params);
  const description = params.nullableString('description');
  const metadata = params.metadataPatch(sub.metadata);
  const discounts = readDiscounts(sim, params, customerId);
  const offSession = params.optionalBool('off_session') ?? false;
  const paymentSettings = params.optionalObject('payment_settings');
  const saveDefault = paymentSettings?.optionalEnum('save_default_payment_method', [
    'off',
    'on_subscription',
  ]);
  paymentSettings?.accept('payment_method_types', 'payment_method_options');
  paymentSettings?.done();
  const collectionMethod = params.optionalEnum('collection_method', ['charge_automatically', 'send_invoice']);
  const daysUntilDue = params.optionalInt('days_until_due', { min: 0 });
  params.accept(
    'expand',
    'trial_from_plan',
    'default_source',
    'automatic_tax',
    'billing_thresholds',
    'invoice_settings',
    'add_invoice_items',
    'trial_settings',
    'pending_invoice_item_interval',
    'on_behalf_of',
    'transfer_data',
    'application_fee_percent',
  );
  params.done();

  // Work out the item changes before touching anything, so a refused change changes nothing.
  const changes: ItemChange[] = [];
  const nextItems: Array<{ existing?: Stripe.SubscriptionItem; spec: ItemSpec; deleted: boolean }> = [];
  for (const [i, spec] of specs.entries()) {
    if (spec.id) {
      const existing = sub.items.data.find((item) => item.id === spec.id);
      if (!existing)
        throw invalidRequest(
          `No such subscription item: '${spec.id}'`,
          `items[${i}][id]`,
          'resource_missing',
        );
      const price = spec.price ?? existing.price;
      const quantity = spec.quantity === -1 ? (existing.quantity ?? 1) : spec.quantity;
      nextItems.push({ existing, spec: { ...spec, price, quantity }, deleted: spec.deleted === true });
    } else {
      nextItems.push({
        spec: { ...spec, quantity: spec.quantity === -1 ? 1 : spec.quantity },
        deleted: false,
      });
    }
  }
  const newFirstPrice = nextItems.find((n) => !n.deleted)?.spec.price ?? sub.items.data[0]!.price;
  const oldInterval = `${sub.items.data[0]!.price.recurring?.interval}/${sub.items.data[0]!.price.recurring?.interval_count}`;
  const newInterval = `${newFirstPrice.recurring?.interval}/${newFirstPrice.recurring?.interval_count}`;
  const resetCycle = (nextItems.length > 0 && oldInterval !== newInterval) || anchorRaw === 'now';
  const itemsChangeMoney = nextItems.some(
    (n) =>
      n.deleted ||
      !n.existing ||
      n.existing.price.id !== n.spec.price.id ||
      (n.existing.quantity ?? 1) !== n.spec.quantity,
  );
  const willInvoiceNow =
    sub.status !== 'trialing' && itemsChangeMoney && (resetCycle || prorationBehavior === 'always_invoice');
  if (
    willInvoiceNow &&
    (paymentBehavior === 'error_if_incomplete' || paymentBehavior === 'pending_if_incomplete')
  ) {
    const prediction = predictPayment(
      sim,
      defaultPm ??
        idOf(sub.default_payment_method as string | null) ??
        idOf(
          sim.store.find<Stripe.Customer>(customerId)?.invoice_settings.default_payment_method as
            | string
            | null,
        ),
    );
    if (prediction !== 'ok') {
      if (prediction === 'none' || prediction === 'action') {
        throw cardDeclined({
          code: 'authentication_required',
          declineCode: 'authentication_required',
          message: 'Your card was declined. This transaction requires authentication.',
        });
      }
      throw cardDeclined(prediction);
    }
  }

  const before = snapshot(sub);
  // Plain fields.
  if (cancelAtPeriodEnd !== undefined) {
    sub.cancel_at_period_end = cancelAtPeriodEnd;
    sub.cancel_at = cancelAtPeriodEnd ? period.end : null;
    sub.canceled_at = cancelAtPeriodEnd ? now : null;
    sub.cancellation_details = cancelAtPeriodEnd
      ? {
          comment: null,
          feedback: null,
          feedback_option: null,
          ...sub.cancellation_details,
          reason: 'cancellation_requested',
        }
      : { comment: null, feedback: null, feedback_option: null, reason: null };
  }
  if (cancelAtRaw !== undefined) {
    if (cancelAtRaw === '') {
      sub.cancel_at = null;
      sub.cancel_at_period_end = false;
      sub.canceled_at = null;
    } else {
      const at = Number(cancelAtRaw);
      sub.cancel_at = at;
      sub.cancel_at_period_end = at === period.end;
      sub.canceled_at = now;
    }
  }
  if (cancellation && sub.cancellation_details) {
    if (cancellation.comment !== undefined) sub.cancellation_details.comment = cancellation.comment;
    if (cancellation.feedback !== undefined) sub.cancellation_details.feedback = cancellation.feedback;
  }
  if (pauseUnset) sub.pause_collection = null;
  if (pauseBehavior) sub.pause_collection = { behavior: pauseBehavior, resumes_at: pauseResumesAt ?? null };
  if (defaultPm !== undefined) sub.default_payment_method = defaultPm;
  if (defaultTaxRates) sub.default_tax_rates = defaultTaxRates;
  if (description !== undefined) sub.description = description;
  if (metadata) sub.metadata = metadata;
  if (saveDefault && sub.payment_settings) sub.payment_settings.save_default_payment_method = saveDefault;
  if (collectionMethod) sub.collection_method = collectionMethod;
  if (daysUntilDue !== undefined) sub.days_until_due = daysUntilDue;
  if (discounts) {
    sub.discounts = discounts.map(
      (entry) => createDiscount(sim, { ...entry, customer: customerId, subscription: sub.id, domain }).id,
    );
  }

  // Items and what they cost.
  let newPeriod = period;
  if (resetCycle) newPeriod = { start: now, end: periodEndFrom(now, now, newFirstPrice) };
  for (const next of nextItems) {
    if (next.existing && next.deleted) {
      changes.push({
        before: { item: next.existing, price: next.existing.price, quantity: next.existing.quantity ?? 1 },
      });
      sub.items.data = sub.items.data.filter((item) => item.id !== next.existing!.id);
      sim.store.remove(next.existing.id);
      continue;
    }
    if (next.existing) {
      const changed =
        next.existing.price.id !== next.spec.price.id || (next.existing.quantity ?? 1) !== next.spec.quantity;
      if (changed) {
        changes.push({
          before: {
            item: structuredClone(next.existing),
            price: next.existing.price,
            quantity: next.existing.quantity ?? 1,
          },
          after: {
            itemId: next.existing.id,
            price: next.spec.price,
            quantity: next.spec.quantity,
            taxRates: next.existing.tax_rates ?? [],
          },
        });
        next.existing.price = structuredClone(next.spec.price);
        next.existing.plan =
          sim.store.find<Stripe.SubscriptionItem>(next.existing.id)?.plan ?? next.existing.plan;
        next.existing.plan = {
          ...next.existing.plan,
          id: next.spec.price.id,
          amount: next.spec.price.unit_amount,
          amount_decimal: next.spec.price.unit_amount_decimal,
          interval: (next.spec.price.recurring?.interval ?? 'month') as Stripe.Plan.Interval,
          interval_count: next.spec.price.recurring?.interval_count ?? 1,
          product: next.spec.price.product as string,
        };
        next.existing.quantity = next.spec.quantity;
      }
      if (next.spec.taxRates.length > 0) next.existing.tax_rates = next.spec.taxRates;
      if (Object.keys(next.spec.metadata).length > 0)
        next.existing.metadata = { ...next.existing.metadata, ...next.spec.metadata };
      continue;
    }
    const item = newSubscriptionItem(sim, sub, next.spec, newPeriod, domain);
    sub.items.data.push(item);
    changes.push({
      after: {
        itemId: item.id,
        price: next.spec.price,
        quantity: next.spec.quantity,
        taxRates: next.spec.taxRates,
      },
    });
  }
  if (resetCycle) {
    sub.billing_cycle_anchor = now;
    setPeriod(sub, newPeriod);
    if (sub.cancel_at_period_end) sub.cancel_at = newPeriod.end;
  }

  let immediateTrialEnd = false;
  if (trialEndRaw === 'now' && sub.status === 'trialing') {
    sub.trial_end = now;
    immediateTrialEnd = true;
  } else if (trialEndRaw && trialEndRaw !== 'now') {
    const at = Number(trialEndRaw);
    sub.trial_end = at;
    if (sub.status === 'trialing') {
      // Stripe's reference: "The `billing_cycle_anchor` will be updated to the `trial_end` value."
      sub.billing_cycle_anchor = at;
      for (const item of sub.items.data) {
        item.current_period_end = at;
        if (item.current_trial) item.current_trial.end_date = at;
      }
    }
  }

  const changesAttr = changedAttributes(before, sub);
  if (Object.keys(changesAttr).length > 0)
    sim.emit('customer.subscription.updated', sub, changesAttr, domain);
  if (before.pause_collection && !sub.pause_collection && before.status !== 'paused') {
    // Collection resumed: nothing else to do; Stripe sends only customer.subscription.updated.
  }
  if (defaultPm && defaultPm !== before.default_payment_method)
    onDefaultPaymentMethodChanged(sim, customerId, domain);

  if (immediateTrialEnd) {
    endTrial(sim, sub, domain);
    const draft = sim.store.find<Stripe.Invoice>(sub.latest_invoice as string);
    if (draft && draft.status === 'draft') {
      draft.automatically_finalizes_at = now;
    }
    return sub;
  }

  if (sub.status === 'trialing' || changes.length === 0) return sub;
  const credits =
    prorationBehavior === 'none'
      ? []
      : prorationLines(sim, sub, changes, resetCycle ? now : prorationDate, period);
  if (resetCycle) {
    const lines = [
      ...credits.filter((l) => l.amount < 0),
      ...periodLines(sim, sub, sub.items.data, newPeriod),
    ];
    invoiceSubscription(sim, sub, {
      reason: 'subscription_update',
      lines,
      domain,
      immediate: true,
      offSession,
      prorationDate: now,
      includePending: true,
    });
    return sub;
  }
  if (credits.length === 0) return sub;
  if (prorationBehavior === 'always_invoice') {
    invoiceSubscription(sim, sub, {
      reason: 'subscription_update',
      lines: credits,
      domain,
      immediate: true,
      offSession,
      prorationDate,
      includePending: true,
    });
  } else {
    createPendingItems(sim, sub, credits, domain);
  }
  return sub;
}

function isFutureTimestamp(value: string, now: number): boolean {
  return /^\d+$/.test(value) && Number(value) > now;
}

function updateEndedSubscription(
  sim: SimContext,
  sub: Stripe.Subscription,
  params: Params,
  domain: string | null,
): Stripe.Subscription {
  const cancellation = readCancellationDetails(params);
  const metadata = params.metadataPatch(sub.metadata);
  params.accept('expand');
  for (const key of Object.keys(params.raw)) {
    if (!['cancellation_details', 'metadata', 'expand'].includes(key)) {
      throw invalidRequest(
        'A canceled subscription can only update its cancellation_details and metadata.',
        key,
      );
    }
  }
  const before = snapshot(sub);
  if (metadata) sub.metadata = metadata;
  if (cancellation && sub.cancellation_details) Object.assign(sub.cancellation_details, cancellation);
  const changes = changedAttributes(before, sub);
  if (Object.keys(changes).length > 0) sim.emit('customer.subscription.updated', sub, changes, domain);
  return sub;
}

function cancel(sim: SimContext, id: string, params: Params): Stripe.Subscription {
  const sub = sim.store.get<Stripe.Subscription>('subscription', id, 'id');
  const invoiceNow = params.optionalBool('invoice_now') ?? false;
  const prorate = params.optionalBool('prorate') ?? false;
  const cancellation = readCancellationDetails(params);
  params.done();
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalidRequest(
      `This subscription is already canceled and cannot be canceled again.`,
      undefined,
      'resource_missing',
    );
  }
  cancelSubscriptionNow(sim, sub, {
    prorate,
    invoiceNow,
    reason: 'cancellation_requested',
    comment: cancellation?.comment ?? null,
    feedback: cancellation?.feedback ?? null,
  });
  return sub;
}

function pause(sim: SimContext, id: string, params: Params): Stripe.Subscription {
  const sub = requireLiveSubscription(sim, id);
  params.accept('bill_for', 'invoicing_behavior', 'type');
  params.done();
  if (!['active', 'trialing', 'past_due'].includes(sub.status)) {
    throw invalidRequest(
      `A subscription with status ${sub.status} cannot be paused.`,
      undefined,
      'subscription_status_invalid',
    );
  }
  const domain = sim.domainOfCustomer(idOf(sub.customer as string));
  const before = snapshot(sub);
  sub.status = 'paused';
  sim.emit('customer.subscription.updated', sub, changedAttributes(before, sub), domain);
  sim.emit('customer.subscription.paused', sub, undefined, domain);
  return sub;
}

function resume(sim: SimContext, id: string, params: Params): Stripe.Subscription {
  const sub = requireLiveSubscription(sim, id);
  // The 2026 API takes billing_cycle_anchor[type]; a bare string is accepted as well.
  const anchorValue = params.value('billing_cycle_anchor');
  const anchorParams =
    typeof anchorValue === 'string' ? undefined : params.optionalObject('billing_cycle_anchor');
  const anchor =
    (anchorParams
      ? anchorParams.optionalEnum('type', ['now', 'unchanged'])
      : params.optionalEnum('billing_cycle_anchor', ['now', 'unchanged'])) ?? 'now';
  anchorParams?.done();
  params.accept('proration_behavior', 'proration_date', 'payment_behavior');
  params.done();
  if (sub.status !== 'paused') {
    throw invalidRequest(
      'Only a paused subscription can be resumed. To resume collection, unset pause_collection instead.',
      undefined,
      'subscription_status_invalid',
    );
  }
  const domain = sim.domainOfCustomer(idOf(sub.customer as string));
  const now = sim.now(domain);
  const before = snapshot(sub);
  sub.status = 'active';
  let period = currentPeriod(sub);
  if (anchor === 'now' || period.end <= now) {
    period = { start: now, end: periodEndFrom(now, now, sub.items.data[0]!.price) };
    sub.billing_cycle_anchor = now;
    setPeriod(sub, period);
  }
  sim.emit('customer.subscription.updated', sub, changedAttributes(before, sub), domain);
  sim.emit('customer.subscription.resumed', sub, undefined, domain);
  if (anchor === 'now') {
    invoiceSubscription(sim, sub, {
      reason: 'subscription_update',
      lines: periodLines(sim, sub, sub.items.data, period),
      domain,
      immediate: true,
      offSession: true,
      includePending: true,
    });
  }
  return sub;
}
