// /v1/coupons: percent or amount discounts with a duration (create, retrieve, update, delete, list),
// whether a coupon can still be redeemed, and counting its redemptions.

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest, resourceMissing, StripeSimError } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route, type RouteContext } from '../http/router.js';
import { requireProduct } from './products.js';
import { readCurrency, updateWithEvent } from './shared.js';

const DURATIONS = ['once', 'repeating', 'forever'] as const;
const FIVE_YEARS = 5 * 365 * 24 * 60 * 60;

/**
 * Marks a deleted coupon. Stripe answers 404 for it, yet discounts already granted keep working, so
 * the object stays in the store; a symbol key is never rendered or cloned into an event.
 */
const DELETED = Symbol('deleted coupon');

type StoredCoupon = Stripe.Coupon & { [DELETED]?: true };

export const couponRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/coupons', handler: ({ sim, params }) => createCoupon(sim, params) },
  {
    method: 'GET',
    pattern: '/v1/coupons/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return refreshValidity(sim, couponAtPath(sim, path.id!));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/coupons/:id',
    handler: ({ sim, path, params }) => updateCoupon(sim, couponAtPath(sim, path.id!), params),
  },
  {
    method: 'DELETE',
    pattern: '/v1/coupons/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return deleteCoupon(sim, couponAtPath(sim, path.id!));
    },
  },
  { method: 'GET', pattern: '/v1/coupons', handler: (ctx) => listCoupons(ctx) },
];

function findCoupon(sim: SimContext, id: string): StoredCoupon | undefined {
  const coupon = sim.store.find<StoredCoupon>(id);
  if (coupon?.object !== 'coupon' || coupon[DELETED]) return undefined;
  return coupon;
}

function couponAtPath(sim: SimContext, id: string): StoredCoupon {
  const coupon = findCoupon(sim, id);
  if (!coupon) throw resourceMissing('coupon', id, 'coupon');
  return coupon;
}

/** A coupon named in a request body, or Stripe's 400 `resource_missing` naming `param`. */
export function requireCoupon(sim: SimContext, id: string, param: string): Stripe.Coupon {
  const coupon = findCoupon(sim, id);
  if (!coupon) throw new StripeSimError(400, resourceMissing('coupon', id, param).body);
  return refreshValidity(sim, coupon);
}

/** Whether the coupon exists and can be applied right now. */
export function isCouponValid(sim: SimContext, id: string): boolean {
  const coupon = findCoupon(sim, id);
  return coupon ? refreshValidity(sim, coupon).valid : false;
}

/** A coupon that can be applied right now (not past `redeem_by`, not used up), or Stripe's `coupon_expired`. */
export function requireValidCoupon(sim: SimContext, id: string, param: string): Stripe.Coupon {
  const coupon = requireCoupon(sim, id, param);
  if (!coupon.valid) throw invalidRequest(`Coupon expired: ${id}`, param, 'coupon_expired');
  return coupon;
}

/** Counts one more application of the coupon (to a subscription, invoice or customer). */
export function redeemCoupon(sim: SimContext, coupon: Stripe.Coupon): Stripe.Coupon {
  coupon.times_redeemed += 1;
  return refreshValidity(sim, coupon);
}

/** `valid` follows time and use: false once `redeem_by` has passed or `max_redemptions` is reached. */
function refreshValidity<T extends Stripe.Coupon>(sim: SimContext, coupon: T): T {
  coupon.valid = isRedeemable(sim, coupon);
  return coupon;
}

function isRedeemable(sim: SimContext, coupon: StoredCoupon): boolean {
  if (coupon[DELETED]) return false;
  if (coupon.redeem_by !== null && sim.now() > coupon.redeem_by) return false;
  return coupon.max_redemptions === null || coupon.times_redeemed < coupon.max_redemptions;
}

function createCoupon(sim: SimContext, params: Params): Stripe.Coupon {
  const id = readCouponId(sim, params);
  const coupon: Stripe.Coupon = {
    id,
    object: 'coupon',
    ...readDiscount(params),
    ...readDuration(params),
    created: sim.now(),
    livemode: false,
    max_redemptions: params.optionalInt('max_redemptions', { min: 1 }) ?? null,
    metadata: params.metadataPatch() ?? {},
    name: params.optionalString('name') ?? null,
    redeem_by: readFutureTimestamp(sim, params, 'redeem_by'),
    times_redeemed: 0,
    valid: true,
  };
  const appliesTo = readAppliesTo(sim, params);
  if (appliesTo) coupon.applies_to = appliesTo;
  if (params.has('currency_options')) {
    throw invalidRequest(
      'Coupons with `currency_options` are not supported by the Billkit Stripe simulator.',
      'currency_options',
    );
  }
  params.done();
  replaceDeletedCoupon(sim, id);
  sim.store.insert(coupon);
  sim.emit('coupon.created', coupon);
  return coupon;
}

/** A caller-chosen id, or a random 8-character one like Stripe's. */
function readCouponId(sim: SimContext, params: Params): string {
  const id = params.optionalString('id');
  if (!id) return newId('x', 8).slice(2);
  const existing = sim.store.find<StoredCoupon>(id);
  if (existing && !existing[DELETED]) {
    throw invalidRequest('Coupon already exists.', 'id', 'resource_already_exists');
  }
  return id;
}

/** A deleted coupon's id may be used again; the new coupon takes its place. */
function replaceDeletedCoupon(sim: SimContext, id: string): void {
  const previous = sim.store.find<StoredCoupon>(id);
  if (previous?.[DELETED]) sim.store.remove(id);
}

type Discount = Pick<Stripe.Coupon, 'percent_off' | 'amount_off' | 'currency'>;

/** Exactly one of `percent_off` (0.01 to 100) or `amount_off` with its `currency`. */
function readDiscount(params: Params): Discount {
  const percentOff = params.optionalNumber('percent_off');
  const amountOff = params.optionalInt('amount_off', { min: 1 });
  if (percentOff === undefined && amountOff === undefined) {
    throw invalidRequest('Must provide percent_off or amount_off.', undefined, 'parameter_missing');
  }
  if (percentOff !== undefined && amountOff !== undefined) {
    throw invalidRequest('Received both percent_off and amount_off parameters. Please pass in only one.');
  }
  const currency = readCurrency(params, 'currency', false) ?? null;
  if (amountOff !== undefined) {
    if (!currency) throw invalidRequest('You must pass currency when passing amount_off', 'currency');
    return { percent_off: null, amount_off: amountOff, currency };
  }
  checkPercentOff(percentOff!);
  return { percent_off: percentOff!, amount_off: null, currency };
}

function checkPercentOff(value: number): void {
  const shown = Number.isInteger(value) ? value.toFixed(1) : String(value);
  if (value < 0.01) {
    throw invalidRequest(
      `This value must be greater than or equal to 0.01 (it currently is '${shown}').`,
      'percent_off',
    );
  }
  if (value > 100) {
    throw invalidRequest(
      `This value must be less than or equal to 100 (it currently is '${shown}').`,
      'percent_off',
    );
  }
}

/** `duration` (default `once`); `duration_in_months` is required for, and only for, `repeating`. */
function readDuration(params: Params): Pick<Stripe.Coupon, 'duration' | 'duration_in_months'> {
  const duration = params.optionalEnum('duration', DURATIONS) ?? 'once';
  const months = params.optionalInt('duration_in_months', { min: 1 });
  if (duration === 'repeating' && months === undefined) {
    throw invalidRequest(
      'The duration_in_months param must be set when creating a coupon with a repeating duration',
      'duration',
    );
  }
  if (duration !== 'repeating' && months !== undefined) {
    throw invalidRequest(
      'The duration_in_months param can only be set when creating a coupon with a repeating duration',
      'duration_in_months',
    );
  }
  return { duration, duration_in_months: months ?? null };
}

/** A unix timestamp that must lie in the future, and at most five years ahead. */
export function readFutureTimestamp(sim: SimContext, params: Params, key: string): number | null {
  const value = params.optionalInt(key);
  if (value === undefined) return null;
  const now = sim.now();
  if (value <= now) {
    throw invalidRequest(
      `The parameter \`${key}\` expects a unix timestamp representing a date and time in the future. You specified the value \`${value}\` which is in the past.`,
      key,
    );
  }
  if (value - now > FIVE_YEARS) {
    throw invalidRequest('Invalid timestamp: can be no more than five years in the future.', key);
  }
  return value;
}

function readAppliesTo(sim: SimContext, params: Params): Stripe.Coupon.AppliesTo | undefined {
  const appliesTo = params.optionalObject('applies_to');
  if (!appliesTo) return undefined;
  const products = appliesTo.optionalStringArray('products') ?? [];
  appliesTo.done();
  products.forEach((id, index) => {
    requireProduct(sim, id, `applies_to[products][${index}]`);
  });
  return { products };
}

function updateCoupon(sim: SimContext, coupon: StoredCoupon, params: Params): Stripe.Coupon {
  const patch: Partial<Stripe.Coupon> = {};
  const name = params.nullableString('name');
  if (name !== undefined) patch.name = name;
  const metadata = params.metadataPatch(coupon.metadata ?? {});
  if (metadata) patch.metadata = metadata;
  if (params.has('currency_options')) {
    throw invalidRequest(
      'Coupons with `currency_options` are not supported by the Billkit Stripe simulator.',
      'currency_options',
    );
  }
  params.done();
  refreshValidity(sim, coupon);
  return updateWithEvent(sim, coupon, 'coupon.updated', (c) => {
    Object.assign(c, patch);
  });
}

function deleteCoupon(sim: SimContext, coupon: StoredCoupon): unknown {
  coupon[DELETED] = true;
  coupon.valid = false;
  sim.emit('coupon.deleted', coupon);
  return { id: coupon.id, object: 'coupon', deleted: true };
}

function listCoupons(ctx: RouteContext): unknown {
  const rows = ctx.sim.store
    .all<StoredCoupon>('coupon')
    .filter((coupon) => !coupon[DELETED])
    .map((coupon) => refreshValidity(ctx.sim, coupon));
  const page = paginate(ctx, rows, '/v1/coupons');
  ctx.params.done();
  return page;
}
