// What every module of the engine works with: the ports and settings given to createBilling.

import type { Brand } from './brand.js';
import type { Catalog } from './catalog/define-catalog.js';
import type { PriceResolver } from './catalog/price-resolver.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { Attachment, Notifier } from './notifications/notifier.js';
import type { Policies } from './policies/policies.js';
import type { BillingStore } from './store/billing-store.js';
import type { OutboxMessageRecord } from './store/records.js';
import type { StripeGateway } from './stripe-gateway/stripe-gateway.js';
import type { TaxStrategy } from './tax/tax-strategy.js';

/** Links Billkit puts in emails, and where operators are told about disputes. */
export interface BillingUrls {
  /** The host's billing page; failed-payment emails link here (else Stripe's hosted invoice page). */
  portal: string | null;
  /** Stripe's dashboard, for links in admin emails. */
  stripeDashboard: string;
}

export interface NotificationSettings {
  /** Addresses that get operators' messages (a dispute opened). */
  adminEmails: string[];
  /** Send the outbox right after each change commits (the outbox keeps what fails for `flush()`). */
  sendAfterCommit: boolean;
  /** Attempts before a message is given up (left `failed`, visible in `notifications.list`). */
  maxAttempts: number;
}

export interface BillingContext {
  readonly gateway: StripeGateway;
  readonly store: BillingStore;
  readonly catalog: Catalog;
  readonly prices: PriceResolver;
  readonly tax: TaxStrategy;
  readonly notifier: Notifier;
  readonly notifications: NotificationSettings;
  readonly brand: Brand;
  readonly urls: BillingUrls;
  readonly policies: Policies;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after a transaction that enqueued notifications has committed. */
  readonly afterCommit: () => Promise<void>;
  /** The files sent with a notification (the invoice PDF with a receipt). */
  readonly attachmentsFor: (message: OutboxMessageRecord) => Promise<Attachment[]>;
}

/** Metadata key on every Stripe object Billkit creates: the host's user id. */
export const USER_ID_KEY = 'billkit_user_id';
/** Metadata key on subscriptions and prices: the catalog plan id. */
export const PLAN_ID_KEY = 'billkit_plan';
