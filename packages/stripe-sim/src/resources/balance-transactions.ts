// /v1/balance_transactions: retrieve and list the account's balance history, and /v1/balance: the
// account balance, summed from those transactions (available once `available_on` has passed).

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { resourceMissing } from '../errors.js';
import { paginate, type Route, type RouteContext } from '../http/router.js';
import { idOf, readCurrency } from './shared.js';

/** Every balance transaction type Stripe documents (the `type` filter of the list). */
const TYPES = [
  'adjustment',
  'advance',
  'advance_funding',
  'anticipation_repayment',
  'application_fee',
  'application_fee_refund',
  'charge',
  'climate_order_purchase',
  'climate_order_refund',
  'connect_collection_transfer',
  'contribution',
  'fee_credit_funding',
  'inbound_transfer',
  'inbound_transfer_reversal',
  'issuing_authorization_hold',
  'issuing_authorization_release',
  'issuing_dispute',
  'issuing_dispute_provisional_credit',
  'issuing_dispute_provisional_credit_reversal',
  'issuing_transaction',
  'obligation_outbound',
  'obligation_reversal_inbound',
  'payment',
  'payment_failure_refund',
  'payment_network_reserve_hold',
  'payment_network_reserve_release',
  'payment_refund',
  'payment_reversal',
  'payment_unreconciled',
  'payout',
  'payout_cancel',
  'payout_failure',
  'payout_minimum_balance_hold',
  'payout_minimum_balance_release',
  'refund',
  'refund_failure',
  'reserve_hold',
  'reserve_release',
  'reserve_transaction',
  'reserved_funds',
  'stripe_balance_payment_debit',
  'stripe_balance_payment_debit_reversal',
  'stripe_fee',
  'stripe_fx_fee',
  'tax_fee',
  'tax_fund',
  'topup',
  'topup_reversal',
  'transfer',
  'transfer_cancel',
  'transfer_failure',
  'transfer_refund',
] as const;

export const balanceTransactionRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/balance_transactions/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return retrieveBalanceTransaction(sim, path.id!);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/balance_transactions',
    handler: (ctx) => listBalanceTransactions(ctx, '/v1/balance_transactions'),
  },
  // The endpoints' former names, which Stripe still answers.
  {
    method: 'GET',
    pattern: '/v1/balance/history/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return retrieveBalanceTransaction(sim, path.id!);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/balance/history',
    handler: (ctx) => listBalanceTransactions(ctx, '/v1/balance/history'),
  },
  {
    method: 'GET',
    pattern: '/v1/balance',
    handler: ({ sim, params }) => {
      params.done();
      return accountBalance(sim);
    },
  },
];

function retrieveBalanceTransaction(sim: SimContext, id: string): Stripe.BalanceTransaction {
  return refreshBalanceTransaction(
    sim,
    sim.store.get<Stripe.BalanceTransaction>('balance_transaction', id, 'id'),
  );
}

function listBalanceTransactions(ctx: RouteContext, url: string): unknown {
  const { sim, params } = ctx;
  const type = params.optionalEnum('type', TYPES);
  const source = params.optionalString('source');
  const currency = readCurrency(params, 'currency', false);
  const payout = params.optionalString('payout');
  // The simulator makes no payouts, so any payout id is unknown, as Stripe would answer.
  if (payout) throw resourceMissing('payout', payout, 'payout');
  const rows = sim.store
    .all<Stripe.BalanceTransaction>('balance_transaction')
    .filter(
      (txn) =>
        (!type || txn.type === type) &&
        (!source || idOf(txn.source as string | { id: string } | null) === source) &&
        (!currency || txn.currency === currency),
    )
    .map((txn) => refreshBalanceTransaction(sim, txn));
  const page = paginate(ctx, rows, url);
  params.done();
  return page;
}

/**
 * The time domain (test clock) a balance transaction's money belongs to: that of the customer behind
 * its source (a charge, a refund or dispute of a charge), or the global clock.
 */
function domainOfTransaction(sim: SimContext, txn: Stripe.BalanceTransaction): string | null {
  const sourceId = idOf(txn.source as string | { id: string } | null);
  if (!sourceId) return null;
  const source = sim.store.find<{ customer?: unknown; charge?: unknown }>(sourceId);
  if (!source) return null;
  if (source.customer) return sim.domainOfCustomer(idOf(source.customer as string | { id: string }));
  const chargeId = idOf(source.charge as string | { id: string } | null | undefined);
  const charge = chargeId ? sim.store.find<Stripe.Charge>(chargeId) : undefined;
  return sim.domainOfCustomer(idOf(charge?.customer as string | { id: string } | null | undefined));
}

/** Sets `status` from `available_on`: funds are `available` once that time has passed, else `pending`. */
export function refreshBalanceTransaction(
  sim: SimContext,
  txn: Stripe.BalanceTransaction,
): Stripe.BalanceTransaction {
  txn.status = txn.available_on <= sim.now(domainOfTransaction(sim, txn)) ? 'available' : 'pending';
  return txn;
}

/** The account balance: net amounts of every balance transaction, per currency, available or pending. */
export function accountBalance(sim: SimContext): Stripe.Balance {
  const available = new Map<string, number>();
  const pending = new Map<string, number>();
  for (const txn of sim.store.all<Stripe.BalanceTransaction>('balance_transaction')) {
    refreshBalanceTransaction(sim, txn);
    for (const bucket of [available, pending]) {
      if (!bucket.has(txn.currency)) bucket.set(txn.currency, 0);
    }
    const bucket = txn.status === 'available' ? available : pending;
    bucket.set(txn.currency, (bucket.get(txn.currency) ?? 0) + txn.net);
  }
  if (available.size === 0) {
    available.set(sim.config.account.defaultCurrency, 0);
    pending.set(sim.config.account.defaultCurrency, 0);
  }
  const amounts = (bucket: Map<string, number>) =>
    [...bucket].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }));
  return {
    object: 'balance',
    available: amounts(available),
    connect_reserved: [...available.keys()].map((currency) => ({ amount: 0, currency })),
    livemode: false,
    pending: amounts(pending),
  };
}
