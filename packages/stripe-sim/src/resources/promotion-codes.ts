// /v1/promotion_codes: customer-facing codes for a coupon, in the 2026 shape (`promotion: { type:
// 'coupon', coupon }`), with their restrictions; and redeeming a code for a customer.

import { randomInt } from 'node:crypto';
import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest, missingParam, resourceMissing, StripeSimError } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route, type RouteContext } from '../http/router.js';
import { isCouponValid, readFutureTimestamp, requireCoupon, requireValidCoupon } from './coupons.js';
import { idOf, readCurrency, updateWithEvent } from './shared.js';

const CODE_PATTERN = /^[a-zA-Z0-9\-_]+$/;
const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export const promotionCodeRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/promotion_codes',
    handler: ({ sim, params }) => createPromotionCode(sim, params),
  },
  {
    method: 'GET',
    pattern: '/v1/promotion_codes/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return refreshActive(sim, promotionCodeAtPath(sim, path.id!));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/promotion_codes/:id',
    handler: ({ sim, path, params }) => updatePromotionCode(sim, promotionCodeAtPath(sim, path.id!), params),
  },
  { method: 'GET', pattern: '/v1/promotion_codes', handler: (ctx) => listPromotionCodes(ctx) },
];

function promotionCodeAtPath(sim: SimContext, id: string): Stripe.PromotionCode {
  return sim.store.get<Stripe.PromotionCode>('promotion_code', id, 'promotion_code');
}

function couponOf(code: Stripe.PromotionCode): string {
  return idOf(code.promotion.coupon) ?? '';
}

/**
 * Checks that a customer may redeem the promotion code now (not expired, not used up, its coupon
 * still valid, active, and its restrictions met) and returns the coupon it grants. `purchase` is the
 * amount being discounted, for `restrictions.minimum_amount`; without it that check is skipped.
 */
export function resolvePromotionCode(
  sim: SimContext,
  id: string,
  customerId: string | null,
  param: string,
  purchase?: { amount: number; currency: string },
): string {
  const code = sim.store.find<Stripe.PromotionCode>(id);
  if (code?.object !== 'promotion_code') {
    throw new StripeSimError(400, resourceMissing('promotion code', id, param).body);
  }
  const lifecycle = lifecycleProblem(sim, code);
  if (lifecycle) throw invalidRequest(lifecycle, param);
  const couponId = requireValidCoupon(sim, couponOf(code), param).id;
  if (!code.active) throw invalidRequest(`The promotion code \`${code.code}\` is not active.`, param);
  const restriction = restrictionProblem(sim, code, customerId, purchase);
  if (restriction) throw invalidRequest(restriction, param);
  return couponId;
}

function lifecycleProblem(sim: SimContext, code: Stripe.PromotionCode): string | null {
  if (isExpired(sim, code)) return `The promotion code \`${code.code}\` has expired.`;
  if (isUsedUp(code)) {
    return `The promotion code \`${code.code}\` has reached its maximum number of redemptions.`;
  }
  return null;
}

/** Why this customer (or this purchase) may not use the code, or null when nothing stands in the way. */
function restrictionProblem(
  sim: SimContext,
  code: Stripe.PromotionCode,
  customerId: string | null,
  purchase: { amount: number; currency: string } | undefined,
): string | null {
  const restrictedTo = idOf(code.customer);
  if (restrictedTo && restrictedTo !== customerId) {
    return `The promotion code \`${code.code}\` cannot be redeemed by this customer.`;
  }
  if (code.restrictions.first_time_transaction && customerId && hasPaidBefore(sim, customerId)) {
    return `The promotion code \`${code.code}\` is only for customers without a prior successful payment.`;
  }
  return minimumAmountProblem(code, purchase);
}

function minimumAmountProblem(
  code: Stripe.PromotionCode,
  purchase: { amount: number; currency: string } | undefined,
): string | null {
  const { minimum_amount: minimum, minimum_amount_currency: currency } = code.restrictions;
  if (minimum === null || !purchase || purchase.currency !== currency) return null;
  if (purchase.amount >= minimum) return null;
  return `The promotion code \`${code.code}\` requires a minimum amount of ${minimum} ${currency}.`;
}

/** A customer "with a prior transaction": a paid invoice or a succeeded charge. */
function hasPaidBefore(sim: SimContext, customerId: string): boolean {
  const paidInvoice = sim.store
    .all<Stripe.Invoice>('invoice')
    .some(
      (invoice) =>
        idOf(invoice.customer) === customerId && invoice.status === 'paid' && invoice.amount_paid > 0,
    );
  if (paidInvoice) return true;
  return sim.store
    .all<Stripe.Charge>('charge')
    .some((charge) => idOf(charge.customer) === customerId && charge.status === 'succeeded');
}

/**
 * Counts one redemption of the promotion code. Its coupon's count is the caller's to keep, with
 * `redeemCoupon`, as for a coupon applied without a code.
 */
export function redeemPromotionCode(sim: SimContext, id: string): Stripe.PromotionCode {
  const code = sim.store.get<Stripe.PromotionCode>('promotion_code', id);
  code.times_redeemed += 1;
  return refreshActive(sim, code);
}

function isExpired(sim: SimContext, code: Stripe.PromotionCode): boolean {
  return code.expires_at !== null && sim.now() >= code.expires_at;
}

function isUsedUp(code: Stripe.PromotionCode): boolean {
  return code.max_redemptions !== null && code.times_redeemed >= code.max_redemptions;
}

/** A code stops being active once it expires, is used up, or its coupon is no longer valid. */
function refreshActive(sim: SimContext, code: Stripe.PromotionCode): Stripe.PromotionCode {
  if (code.active && !isRedeemable(sim, code)) code.active = false;
  return code;
}

function isRedeemable(sim: SimContext, code: Stripe.PromotionCode): boolean {
  return !isExpired(sim, code) && !isUsedUp(code) && isCouponValid(sim, couponOf(code));
}

function createPromotionCode(sim: SimContext, params: Params): Stripe.PromotionCode {
  const coupon = readPromotion(sim, params);
  const customer = readCustomer(sim, params);
  const active = params.optionalBool('active') ?? true;
  const code = readCode(params) ?? generateCode(sim);
  if (active) ensureCodeFree(sim, code, customer, null);
  const promotionCode: Stripe.PromotionCode = {
    id: newId('promo'),
    object: 'promotion_code',
    active,
    code,
    created: sim.now(),
    customer,
    customer_account: null,
    expires_at: readExpiresAt(sim, params, coupon),
    livemode: false,
    max_redemptions: readMaxRedemptions(params, coupon),
    metadata: params.metadataPatch() ?? {},
    promotion: { coupon: coupon.id, type: 'coupon' },
    restrictions: readRestrictions(params.optionalObject('restrictions')),
    times_redeemed: 0,
  };
  params.done();
  sim.store.insert(promotionCode);
  sim.emit('promotion_code.created', promotionCode);
  return promotionCode;
}

/** `promotion[type]=coupon` and `promotion[coupon]`: the coupon the code grants. */
function readPromotion(sim: SimContext, params: Params): Stripe.Coupon {
  const promotion = params.optionalObject('promotion');
  if (!promotion) throw missingParam('promotion');
  promotion.enum('type', ['coupon'] as const);
  const couponId = promotion.optionalString('coupon');
  promotion.done();
  if (!couponId) {
    throw invalidRequest('You must pass promotion.coupon when passing promotion', 'promotion.coupon');
  }
  return requireCoupon(sim, couponId, 'promotion[coupon]');
}

function readCustomer(sim: SimContext, params: Params): string | null {
  const id = params.optionalString('customer');
  if (!id) return null;
  const customer = sim.store.find<Stripe.Customer & { deleted?: boolean }>(id);
  if (customer?.object !== 'customer' || customer.deleted) {
    throw new StripeSimError(400, resourceMissing('customer', id, 'customer').body);
  }
  return id;
}

function readCode(params: Params): string | undefined {
  const code = params.optionalString('code');
  if (code === undefined || code === '') return undefined;
  if (!CODE_PATTERN.test(code)) {
    throw invalidRequest(
      `This value must match the regex pattern. (/\\A[a-zA-Z0-9\\-_]+\\z/ does not match for the value ${code}).`,
      'code',
    );
  }
  return code;
}

/** Eight uppercase letters and digits, like the codes Stripe makes up. */
function generateCode(sim: SimContext): string {
  for (;;) {
    const code = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    if (!activeCodeHolder(sim, code, null, null)) return code;
  }
}

/**
 * Codes are unique, regardless of case, among active codes a customer could use: a code for one
 * customer does not clash with the same code for another, but an unrestricted code clashes with all.
 */
function activeCodeHolder(
  sim: SimContext,
  code: string,
  customer: string | null,
  exceptId: string | null,
): Stripe.PromotionCode | undefined {
  const wanted = code.toLowerCase();
  return sim.store
    .all<Stripe.PromotionCode>('promotion_code')
    .find(
      (other) =>
        other.id !== exceptId &&
        refreshActive(sim, other).active &&
        other.code.toLowerCase() === wanted &&
        (customer === null || other.customer === null || idOf(other.customer) === customer),
    );
}

function ensureCodeFree(
  sim: SimContext,
  code: string,
  customer: string | null,
  exceptId: string | null,
): void {
  if (activeCodeHolder(sim, code, customer, exceptId)) {
    throw invalidRequest(`An active promotion code with \`code: ${code}\` already exists.`);
  }
}

/** In the future, within five years, and not after the coupon's own `redeem_by`. */
function readExpiresAt(sim: SimContext, params: Params, coupon: Stripe.Coupon): number | null {
  const expiresAt = readFutureTimestamp(sim, params, 'expires_at');
  if (expiresAt !== null && coupon.redeem_by !== null && expiresAt > coupon.redeem_by) {
    throw invalidRequest(
      `The promotion code's \`expires_at\` cannot be after the coupon's \`redeem_by\` (${coupon.redeem_by}).`,
      'expires_at',
    );
  }
  return expiresAt;
}

function readMaxRedemptions(params: Params, coupon: Stripe.Coupon): number | null {
  const max = params.optionalInt('max_redemptions', { min: 1 });
  if (max === undefined) return null;
  if (coupon.max_redemptions !== null && max > coupon.max_redemptions) {
    throw invalidRequest(
      `The promotion code's \`max_redemptions\` cannot be greater than the coupon's \`max_redemptions\` (${coupon.max_redemptions}).`,
      'max_redemptions',
    );
  }
  return max;
}

function readRestrictions(restrictions: Params | undefined): Stripe.PromotionCode.Restrictions {
  const result: Stripe.PromotionCode.Restrictions = {
    first_time_transaction: false,
    minimum_amount: null,
    minimum_amount_currency: null,
  };
  if (!restrictions) return result;
  result.first_time_transaction = restrictions.optionalBool('first_time_transaction') ?? false;
  result.minimum_amount = restrictions.optionalInt('minimum_amount', { min: 1 }) ?? null;
  result.minimum_amount_currency = readCurrency(restrictions, 'minimum_amount_currency', false) ?? null;
  rejectCurrencyOptions(restrictions);
  restrictions.done();
  if (result.minimum_amount !== null && !result.minimum_amount_currency) {
    throw invalidRequest(
      'You must pass minimum_amount_currency when passing minimum_amount',
      'restrictions[minimum_amount_currency]',
    );
  }
  return result;
}

function rejectCurrencyOptions(restrictions: Params): void {
  if (restrictions.has('currency_options')) {
    throw invalidRequest(
      '`restrictions[currency_options]` is not supported by the Billkit Stripe simulator.',
      'restrictions[currency_options]',
    );
  }
}

function updatePromotionCode(
  sim: SimContext,
  code: Stripe.PromotionCode,
  params: Params,
): Stripe.PromotionCode {
  refreshActive(sim, code);
  const patch: Partial<Stripe.PromotionCode> = {};
  const active = params.optionalBool('active');
  if (active !== undefined) patch.active = checkActivation(sim, code, active);
  const metadata = params.metadataPatch(code.metadata ?? {});
  if (metadata) patch.metadata = metadata;
  const restrictions = params.optionalObject('restrictions');
  if (restrictions) {
    rejectCurrencyOptions(restrictions);
    restrictions.done();
  }
  params.done();
  return updateWithEvent(sim, code, 'promotion_code.updated', (c) => {
    Object.assign(c, patch);
  });
}

/** Reactivating needs a code that could be redeemed and whose text is not taken by another active code. */
function checkActivation(sim: SimContext, code: Stripe.PromotionCode, active: boolean): boolean {
  if (!active || code.active) return active;
  if (!isRedeemable(sim, code)) {
    throw invalidRequest(
      'This promotion code cannot be reactivated because it has expired, reached its maximum redemptions, or its coupon is no longer valid.',
      'active',
    );
  }
  ensureCodeFree(sim, code.code, idOf(code.customer), code.id);
  return true;
}

function listPromotionCodes(ctx: RouteContext): unknown {
  const { sim, params } = ctx;
  const active = params.optionalBool('active');
  const code = params.optionalString('code')?.toLowerCase();
  const coupon = params.optionalString('coupon');
  if (coupon) requireCoupon(sim, coupon, 'coupon');
  const customer = params.optionalString('customer');
  const rows = sim.store
    .all<Stripe.PromotionCode>('promotion_code')
    .map((promotionCode) => refreshActive(sim, promotionCode))
    .filter(
      (p) =>
        (active === undefined || p.active === active) &&
        (!code || p.code.toLowerCase() === code) &&
        (!coupon || couponOf(p) === coupon) &&
        (!customer || idOf(p.customer) === customer),
    );
  const page = paginate(ctx, rows, '/v1/promotion_codes');
  params.done();
  return page;
}
