// /v1/refunds: full and partial refunds of a charge (named directly or through its PaymentIntent),
// with the negative balance transaction and the charge's refund totals kept in step.

import type Stripe from 'stripe';
import { createBalanceTransaction } from '../billing/payments.js';
import { changedAttributes, type SimContext, snapshot } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { requireCharge } from './charges.js';
import { idOf, isZeroDecimal, updateWithEvent } from './shared.js';

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

export const refundRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/refunds', handler: ({ sim, params }) => createRefund(sim, params) },
  {
    method: 'GET',
    pattern: '/v1/refunds/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return requireRefund(sim, path.id!, 'id');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/refunds/:id',
    handler: ({ sim, path, params }) => {
      const refund = requireRefund(sim, path.id!, 'id');
      const metadata = params.metadataPatch(refund.metadata ?? {});
      params.done();
      const domain = sim.domainOfCustomer(idOf(refund.customer as string | null));
      const before = snapshot(refund);
      updateWithEvent(
        sim,
        refund,
        'refund.updated',
        (target) => {
          if (metadata) target.metadata = metadata;
        },
        domain,
      );
      // A card refund's changes also go out as the older charge.refund.updated.
      const changes = changedAttributes(before, refund);
      if (Object.keys(changes).length > 0) sim.emit('charge.refund.updated', refund, changes, domain);
      return refund;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/refunds/:id/cancel',
    handler: ({ sim, path, params }) => {
      const refund = requireRefund(sim, path.id!, 'id');
      params.done();
      // Card refunds succeed at once, so none ever waits in `requires_action`.
      throw invalidRequest(
        `You can't cancel refund ${refund.id} because it has a status of ${refund.status}. Only refunds with a status of requires_action can be canceled.`,
      );
    },
  },
  {
    method: 'GET',
    pattern: '/v1/refunds',
    handler: (ctx) => {
      const charge = ctx.params.optionalString('charge');
      const paymentIntent = ctx.params.optionalString('payment_intent');
      const rows = ctx.sim.store
        .all<Stripe.Refund>('refund')
        .filter(
          (refund) =>
            (!charge || idOf(refund.charge as string | null) === charge) &&
            (!paymentIntent || idOf(refund.payment_intent as string | null) === paymentIntent),
        );
      const page = paginate(ctx, rows, '/v1/refunds');
      ctx.params.done();
      return page;
    },
  },
];

function requireRefund(sim: SimContext, id: string, param?: string): Stripe.Refund {
  return sim.store.get<Stripe.Refund>('refund', id, param);
}

/** An amount the way Stripe writes it in error messages: `A$10.00`, `$5.00`, `¥500`. */
export function formatMoney(amount: number, currency: string): string {
  const symbols: Record<string, string> = {
    aud: 'A$',
    usd: '$',
    nzd: 'NZ$',
    cad: 'CA$',
    eur: '€',
    gbp: '£',
    jpy: '¥',
  };
  const symbol = symbols[currency] ?? `${currency.toUpperCase()} `;
  const value = isZeroDecimal(currency) ? String(amount) : (amount / 100).toFixed(2);
  return `${symbol}${value}`;
}

function createRefund(sim: SimContext, params: Params): Stripe.Refund {
  const chargeId = params.optionalString('charge');
  const paymentIntentId = params.optionalString('payment_intent');
  const amount = params.optionalInt('amount');
  const reason = params.optionalEnum('reason', REASONS);
  const metadata = params.metadataPatch() ?? {};
  const currency = params.optionalString('currency');
  if (params.has('origin') || params.has('customer')) {
    throw invalidRequest(
      "Refunds from a customer's cash balance (origin=customer_balance) are not supported by this simulator; refund a charge or a PaymentIntent.",
      params.has('origin') ? 'origin' : 'customer',
    );
  }
  // Connect-only options: accepted and ignored, the simulator has no connected accounts.
  params.accept('refund_application_fee', 'reverse_transfer', 'instructions_email');
  params.done();
  if (amount !== undefined && amount <= 0) {
    throw invalidRequest('Invalid positive integer', 'amount', 'parameter_invalid_integer');
  }
  const charge = resolveCharge(sim, chargeId, paymentIntentId);
  if (currency && currency.toLowerCase() !== charge.currency) {
    throw invalidRequest(
      `The currency (${currency.toLowerCase()}) does not match the currency of the charge (${charge.currency}).`,
      'currency',
    );
  }
  if (charge.status !== 'succeeded') {
    throw invalidRequest(
      `Charge ${charge.id} has a status of ${charge.status} and cannot be refunded.`,
      undefined,
      'charge_not_refundable',
    );
  }
  const chargeback = sim.store
    .all<Stripe.Dispute>('dispute')
    .find((d) => idOf(d.charge as string) === charge.id && !d.is_charge_refundable && d.status !== 'won');
  if (chargeback) {
    throw invalidRequest(
      `Charge ${charge.id} has been charged back; cannot issue a refund.`,
      undefined,
      'charge_disputed',
    );
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidRequest(
      `Charge ${charge.id} has already been refunded.`,
      undefined,
      'charge_already_refunded',
    );
  }
  const refundAmount = amount ?? remaining;
  if (refundAmount > remaining) {
    const limit =
      charge.amount_refunded > 0
        ? `unrefunded amount on charge (${formatMoney(remaining, charge.currency)})`
        : `charge amount (${formatMoney(charge.amount, charge.currency)})`;
    throw invalidRequest(
      `Refund amount (${formatMoney(refundAmount, charge.currency)}) is greater than ${limit}`,
      'amount',
      'amount_too_large',
    );
  }
  return refundCharge(sim, charge, { amount: refundAmount, reason: reason ?? null, metadata });
}

/** The charge a refund request names: `charge`, or the latest charge of `payment_intent`. */
function resolveCharge(
  sim: SimContext,
  chargeId: string | undefined,
  paymentIntentId: string | undefined,
): Stripe.Charge {
  if (!chargeId && !paymentIntentId) {
    throw invalidRequest(
      'One of the following params should be provided for this request: payment_intent or charge.',
      undefined,
      'parameter_missing',
    );
  }
  if (!paymentIntentId) return requireCharge(sim, chargeId!, 'charge');
  const pi = sim.store.get<Stripe.PaymentIntent>('payment_intent', paymentIntentId, 'payment_intent');
  const latest = idOf(pi.latest_charge as string | null);
  if (pi.status !== 'succeeded' || !latest) {
    throw invalidRequest(
      `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
      'payment_intent',
      'charge_not_refundable',
    );
  }
  if (chargeId && chargeId !== latest) {
    throw invalidRequest(`Charge ${chargeId} does not belong to PaymentIntent ${pi.id}.`, 'charge');
  }
  return requireCharge(sim, latest, 'payment_intent');
}

/**
 * Refunds `amount` of a succeeded charge: the refund (succeeded at once, as card refunds are), its
 * balance transaction (no fee is returned), the charge's totals and refunds list, and the events.
 */
export function refundCharge(
  sim: SimContext,
  charge: Stripe.Charge,
  input: { amount: number; reason: Stripe.Refund.Reason | null; metadata?: Record<string, string> },
): Stripe.Refund {
  const customer = idOf(charge.customer as string | null);
  const domain = sim.domainOfCustomer(customer);
  const now = sim.now(domain);
  const sameDay = Math.floor(now / 86_400) === Math.floor(charge.created / 86_400);
  const refund: Stripe.Refund = {
    id: newId('re'),
    object: 'refund',
    amount: input.amount,
    balance_transaction: null,
    charge: charge.id,
    created: now,
    currency: charge.currency,
    customer,
    customer_account: null,
    // Refunded before the payment settled, the card network reverses the authorisation instead.
    destination_details: {
      card: sameDay
        ? { type: 'reversal' }
        : { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
      type: 'card',
    },
    metadata: input.metadata ?? {},
    payment_intent: idOf(charge.payment_intent as string | null),
    payment_method: idOf(charge.payment_method as string | null),
    reason: input.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  sim.store.insert(refund);
  const txn = createBalanceTransaction(sim, {
    amount: -input.amount,
    currency: charge.currency,
    source: refund.id,
    type: 'refund',
    reportingCategory: 'refund',
    description: charge.description ? `REFUND FOR CHARGE (${charge.description})` : 'REFUND FOR PAYMENT',
    domain,
  });
  refund.balance_transaction = txn.id;
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += input.amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  syncRefundList(sim, charge);
  sim.emit('refund.created', refund, undefined, domain);
  sim.emit('charge.refunded', charge, previous, domain);
  return refund;
}

/** Keeps the includable `charge.refunds` list (the 10 newest) in step with the charge's refunds. */
function syncRefundList(sim: SimContext, charge: Stripe.Charge): void {
  const all = sim.store
    .all<Stripe.Refund>('refund')
    .filter((r) => idOf(r.charge as string) === charge.id)
    .reverse();
  charge.refunds = {
    object: 'list',
    data: all.slice(0, 10),
    has_more: all.length > 10,
    url: `/v1/charges/${charge.id}/refunds`,
  };
}
