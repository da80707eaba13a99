// createBilling: the engine a host creates once. Every operation lives in its domain module; this
// file only checks the options and wires the ports together.

import type Stripe from 'stripe';
import { z } from 'zod';
import { accessApi } from './access/access.js';
import { auditApi, auditLinkHash } from './audit/audit-chain.js';
import { type RequestContext, withRequestContext } from './audit/request-context.js';
import { type BrandInput, resolveBrand } from './brand.js';
import { catalogApi } from './catalog/catalog-sync.js';
import type { Catalog } from './catalog/define-catalog.js';
import { createPriceResolver } from './catalog/price-resolver.js';
import { type Clock, systemClock } from './clock.js';
import type { BillingContext, NotificationSettings } from './context.js';
import { customersApi } from './customers/customers.js';
import { parseInput } from './errors/parse-input.js';
import { attachmentsFor, invoicesApi } from './invoices/invoices.js';
import { type Logger, silentLogger } from './logger.js';
import {
  type BackfillOptions,
  backfillMirror,
  type ReconcileOptions,
  reconcileMirror,
} from './mirror/reconcile.js';
import { syncApi } from './mirror/sync.js';
import { type Notifier, nullNotifier } from './notifications/notifier.js';
import { notificationsApi, sendAfterCommit } from './notifications/outbox.js';
import { paymentMethodsApi } from './payment-methods/payment-methods.js';
import { creditsApi } from './payments/credits.js';
import { disputesApi } from './payments/disputes.js';
import { paymentsApi } from './payments/payments.js';
import { refundsApi } from './payments/refunds.js';
import { type PoliciesInput, resolvePolicies } from './policies/policies.js';
import type { BillingStore } from './store/billing-store.js';
import { createStripeGateway } from './stripe-gateway/stripe-gateway.js';
import { retentionApi } from './subscriptions/retention.js';
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
  /** Sends notifications from the outbox: emailNotifier(...) from `@billkit/core/email`. @default nullNotifier() */
  notifier?: Notifier;
  /** The seller on invoices and in emails: name, logo, colours, address, ABN, footer. */
  brand?: BrandInput;
  /** Links in emails. */
  urls?: {
    /** The host's billing page (the portal); failed-payment emails link here. */
    portal?: string;
    /** @default 'https://dashboard.stripe.com' (links to test-mode objects add `/test`) */
    stripeDashboard?: string;
  };
  notifications?: {
    /** Who hears about disputes. */
    adminEmails?: string[];
    /** Send queued notifications right after each change commits. @default true */
    sendAfterCommit?: boolean;
    /** Attempts before a message is given up. @default 10 */
    maxAttempts?: number;
  };
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
  urls: z.object({ portal: z.url().optional(), stripeDashboard: z.url().optional() }).optional(),
  notifications: z
    .object({
      adminEmails: z.array(z.email()).max(50).optional(),
      sendAfterCommit: z.boolean().optional(),
      maxAttempts: z.number().int().min(1).max(100).optional(),
    })
    .optional(),
});

/** The billing engine. */
export function createBilling(options: BillingOptions) {
  parseInput(optionsSchema, options, 'createBilling');
  const logger = options.logger ?? silentLogger();
  const gateway = createStripeGateway(options.stripe, logger);
  const notifications: NotificationSettings = {
    adminEmails: options.notifications?.adminEmails ?? [],
    sendAfterCommit: options.notifications?.sendAfterCommit ?? true,
    maxAttempts: options.notifications?.maxAttempts ?? 10,
  };
  const ctx: BillingContext = {
    gateway,
    store: options.store,
    catalog: options.catalog,
    prices: createPriceResolver(gateway),
    tax: options.tax ?? noTax(),
    notifier: options.notifier ?? nullNotifier(),
    notifications,
    brand: resolveBrand(options.brand),
    urls: {
      portal: options.urls?.portal ?? null,
      stripeDashboard: options.urls?.stripeDashboard ?? 'https://dashboard.stripe.com',
    },
    policies: resolvePolicies(options.policies),
    clock: options.clock ?? systemClock(),
    logger,
    afterCommit: () => afterCommit(),
    attachmentsFor: (message) => attachments(message),
  };
  const sendNotifications = sendAfterCommit(ctx);
  // After a commit: its notifications go out, and its audit entries join the hash chain (a seal
  // that fails is logged; the next seal, or `audit.verify()`, links them).
  const afterCommit = async () => {
    await sendNotifications();
    try {
      await ctx.store.auditChain.seal(auditLinkHash);
    } catch (error) {
      ctx.logger.warn('sealing the audit log failed', { error: String(error) });
    }
  };
  const attachments = attachmentsFor(ctx);
  return {
    catalog: catalogApi(ctx),
    customers: customersApi(ctx),
    paymentMethods: paymentMethodsApi(ctx),
    subscriptions: subscriptionsApi(ctx),
    retention: retentionApi(ctx),
    access: accessApi(ctx),
    payments: paymentsApi(ctx),
    invoices: invoicesApi(ctx),
    refunds: refundsApi(ctx),
    credits: creditsApi(ctx),
    disputes: disputesApi(ctx),
    notifications: notificationsApi(ctx),
    sync: syncApi(ctx),
    audit: auditApi({ log: ctx.store.audit, chain: ctx.store.auditChain }),
    /**
     * Compares the mirror with Stripe (tagged customers and their subscriptions, payment methods,
     * invoices, charges, refunds and disputes) and, with `repair`, fixes each difference from
     * Stripe, audited. Resumes a run cut off by a crash; retries Stripe's 429s with back-off.
     */
    reconcile: (input?: ReconcileOptions) => reconcileMirror(ctx, input),
    /**
     * Imports an existing Stripe account into the mirror (the migration path for a host that
     * already has customers): every customer with a user id (`userIdFor`) is tagged and imported
     * with everything under it.
     */
    backfill: (input?: BackfillOptions) => backfillMirror(ctx, input),
    /**
     * Runs `work` as part of a request: every audit entry written meanwhile carries `requestId`.
     * `@billkit/server` runs each HTTP request in one (its `x-request-id`).
     */
    withRequest: <T>(context: RequestContext, work: () => T): T => withRequestContext(context, work),
    store: ctx.store,
    /** The engine's time source (what the admin's reports call "now"). */
    clock: ctx.clock,
    /** Settings other packages read: the catalog's currency and the configured URLs. */
    config: {
      currency: ctx.catalog.currency,
      urls: { portal: ctx.urls.portal, stripeDashboard: ctx.urls.stripeDashboard },
    } as { readonly currency: string; readonly urls: { portal: string | null; stripeDashboard: string } },
  };
}

export type Billing = ReturnType<typeof createBilling>;
