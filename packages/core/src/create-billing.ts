// createBilling: the engine a host creates once. Every operation lives in its domain module; this
// file only checks the options and wires the ports together.

import type Stripe from 'stripe';
import { z } from 'zod';
import { accessApi } from './access/access.js';
import { catalogApi } from './catalog/catalog-sync.js';
import type { Catalog } from './catalog/define-catalog.js';
import { createPriceResolver } from './catalog/price-resolver.js';
import { type Clock, systemClock } from './clock.js';
import type { BillingContext } from './context.js';
import { customersApi } from './customers/customers.js';
import { parseInput } from './errors/parse-input.js';
import { type Logger, silentLogger } from './logger.js';
import { syncApi } from './mirror/sync.js';
import { type Notifier, nullNotifier } from './notifications/notifier.js';
import { paymentMethodsApi } from './payment-methods/payment-methods.js';
import { type PoliciesInput, resolvePolicies } from './policies/policies.js';
import type { BillingStore } from './store/billing-store.js';
import { createStripeGateway } from './stripe-gateway/stripe-gateway.js';
import { subscriptionsApi } from './subscriptions/subscriptions.js';
import { noTax, type TaxStrategy } from './tax/tax-strategy.js';

export interface BillingOptions {
  /** An instance of the official `stripe` client (real, or pointed at @billkit/stripe-sim). */
  stripe: Stripe;
  /** Where the mirror lives: memoryStore(), sqliteStore(...), postgresStore(...), mysqlStore(...). */
  store: BillingStore;
  /** The plans, from defineCatalog({...}). */
  catalog: Catalog;
  /** australianGst({ abn }), stripeTax() or noTax(). @default noTax() */
  tax?: TaxStrategy;
  /** Where notifications go. @default nullNotifier() */
  notifier?: Notifier;
  /** Grace period, proration defaults. @default { grace: { days: 7 }, proration: { upgrade: 'now', downgrade: 'period_end' } } */
  policies?: PoliciesInput;
  /** Time source. @default systemClock() */
  clock?: Clock;
  /** @default silentLogger() */
  logger?: Logger;
}

const optionsSchema = z.object({
  stripe: z.custom<Stripe>(
    (v) => typeof v === 'object' && v !== null && 'subscriptions' in v,
    'a stripe client',
  ),
  store: z.custom<BillingStore>(
    (v) => typeof v === 'object' && v !== null && 'transaction' in v,
    'a BillingStore',
  ),
  catalog: z.custom<Catalog>(
    (v) => typeof v === 'object' && v !== null && 'plans' in v,
    'a catalog from defineCatalog',
  ),
});

/** The billing engine. */
export function createBilling(options: BillingOptions) {
  parseInput(optionsSchema, options, 'createBilling');
  const logger = options.logger ?? silentLogger();
  const gateway = createStripeGateway(options.stripe, logger);
  const ctx: BillingContext = {
    gateway,
    store: options.store,
    catalog: options.catalog,
    prices: createPriceResolver(gateway),
    tax: options.tax ?? noTax(),
    notifier: options.notifier ?? nullNotifier(),
    policies: resolvePolicies(options.policies),
    clock: options.clock ?? systemClock(),
    logger,
  };
  return {
    catalog: catalogApi(ctx),
    customers: customersApi(ctx),
    paymentMethods: paymentMethodsApi(ctx),
    subscriptions: subscriptionsApi(ctx),
    access: accessApi(ctx),
    sync: syncApi(ctx),
    store: ctx.store,
  };
}

export type Billing = ReturnType<typeof createBilling>;
