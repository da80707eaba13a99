// /v1/customers/:id/balance_transactions: credits and debits of a customer's invoice balance (a
// negative balance is a credit the next invoices use), and the ledger the invoice engine writes to.

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { requireCustomer } from './customers.js';
import { idOf, readCurrency, updateWithEvent } from './shared.js';

export const customerBalanceTransactionRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/customers/:id/balance_transactions',
    handler: ({ sim, path, params }) => createAdjustment(sim, path.id!, params),
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/balance_transactions',
    handler: (ctx) => {
      const customer = requireCustomer(ctx.sim, ctx.path.id!, 'customer');
      const invoice = ctx.params.optionalString('invoice');
      const rows = ctx.sim.store
        .all<Stripe.CustomerBalanceTransaction>('customer_balance_transaction')
        .filter(
          (txn) =>
            idOf(txn.customer as string) === customer.id &&
            (!invoice || idOf(txn.invoice as string | null) === invoice),
        );
      const page = paginate(ctx, rows, `/v1/customers/${customer.id}/balance_transactions`);
      ctx.params.done();
      return page;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/balance_transactions/:transaction',
    handler: ({ sim, path, params }) => {
      params.done();
      return requireTransaction(sim, path.id!, path.transaction!);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/customers/:id/balance_transactions/:transaction',
    handler: ({ sim, path, params }) => {
      const txn = requireTransaction(sim, path.id!, path.transaction!);
      const description = params.nullableString('description');
      const metadata = params.metadataPatch(txn.metadata ?? {});
      params.done();
      if (description !== undefined) txn.description = description;
      if (metadata) txn.metadata = metadata;
      return txn;
    },
  },
];

/** A customer balance transaction of this (live) customer, or Stripe's 404. */
function requireTransaction(
  sim: SimContext,
  customerId: string,
  id: string,
): Stripe.CustomerBalanceTransaction {
  const customer = requireCustomer(sim, customerId, 'customer');
  const txn = sim.store.get<Stripe.CustomerBalanceTransaction>(
    'customer_balance_transaction',
    id,
    'transaction',
  );
  if (idOf(txn.customer as string) !== customer.id) {
    throw invalidRequest(`No such customer balance transaction: '${id}'`, 'transaction', 'resource_missing');
  }
  return txn;
}

function createAdjustment(
  sim: SimContext,
  customerId: string,
  params: Params,
): Stripe.CustomerBalanceTransaction {
  const customer = requireCustomer(sim, customerId, 'customer');
  const amount = params.int('amount');
  const currency = readCurrency(params)!;
  const description = params.optionalString('description');
  const metadata = params.metadataPatch() ?? {};
  params.done();
  if (amount === 0) {
    throw invalidRequest(
      'The amount of a customer balance transaction must be a non-zero integer.',
      'amount',
    );
  }
  if (customer.currency && customer.currency !== currency) {
    throw invalidRequest(
      `The currency of the balance transaction (${currency}) must match the customer's currency (${customer.currency}).`,
      'currency',
    );
  }
  return recordCustomerBalanceChange(sim, customer, {
    amount,
    currency,
    type: 'adjustment',
    description: description || null,
    metadata,
    domain: sim.domainOfCustomer(customer.id),
  });
}

/**
 * Records a change of a customer's invoice balance: the customer balance transaction, with the
 * balance after it, and `customer.balance` updated (`customer.updated`). A negative amount is a
 * credit. The customer's currency is set to `currency` when it has none. Used for manual
 * adjustments here and by the invoice engine (`applied_to_invoice`, `unapplied_from_invoice`,
 * `invoice_overpaid`, `credit_note`, ...). `emitCustomerUpdated: false` leaves the event to a caller
 * that is already sending its own `customer.updated` for the same change (e.g. a customer update
 * that sets `balance`).
 */
export function recordCustomerBalanceChange(
  sim: SimContext,
  customer: Stripe.Customer,
  input: {
    amount: number;
    currency: string;
    type: Stripe.CustomerBalanceTransaction.Type;
    invoice?: string | null;
    creditNote?: string | null;
    description?: string | null;
    metadata?: Record<string, string>;
    domain: string | null;
    /** @default true */
    emitCustomerUpdated?: boolean;
  },
): Stripe.CustomerBalanceTransaction {
  const apply = (c: Stripe.Customer) => {
    if (!c.currency) c.currency = input.currency;
    c.balance += input.amount;
  };
  if (input.emitCustomerUpdated === false) apply(customer);
  else updateWithEvent(sim, customer, 'customer.updated', apply, input.domain);
  const txn: Stripe.CustomerBalanceTransaction = {
    id: newId('cbtxn'),
    object: 'customer_balance_transaction',
    amount: input.amount,
    checkout_session: null,
    created: sim.now(input.domain),
    credit_note: input.creditNote ?? null,
    currency: input.currency,
    customer: customer.id,
    customer_account: null,
    description: input.description ?? null,
    ending_balance: customer.balance,
    invoice: input.invoice ?? null,
    livemode: false,
    metadata: input.metadata ?? {},
    type: input.type,
  };
  return sim.store.insert(txn);
}
