// What every module of the engine works with: the ports and settings given to createBilling.

import type { Catalog } from './catalog/define-catalog.js';
import type { PriceResolver } from './catalog/price-resolver.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { Notifier } from './notifications/notifier.js';
import type { Policies } from './policies/policies.js';
import type { BillingStore } from './store/billing-store.js';
import type { StripeGateway } from './stripe-gateway/stripe-gateway.js';
import type { TaxStrategy } from './tax/tax-strategy.js';

export interface BillingContext {
  readonly gateway: StripeGateway;
  readonly store: BillingStore;
  readonly catalog: Catalog;
  readonly prices: PriceResolver;
  readonly tax: TaxStrategy;
  readonly notifier: Notifier;
  readonly policies: Policies;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Metadata key on every Stripe object Billkit creates: the host's user id. */
export const USER_ID_KEY = 'billkit_user_id';
/** Metadata key on subscriptions and prices: the catalog plan id. */
export const PLAN_ID_KEY = 'billkit_plan';
