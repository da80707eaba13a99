// Payment methods: a SetupIntent for the Payment Element, the saved cards (mirrored: Stripe ids,
// brand, last4, expiry only), the default card for invoices and subscriptions, and removal that
// will not strand a live subscription without a card unless forced.

import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.js';
import { toUnix } from '../clock.js';
import { type BillingContext, USER_ID_KEY } from '../context.js';
import { requireCustomer, userIdSchema } from '../customers/customers.js';
import { BillingError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import { beforeAndAfter, PAYMENT_METHOD_FIELDS } from '../mirror/state-fields.js';
import { customerRecordFrom, idOf, paymentMethodRecordFrom } from '../mirror/stripe-to-records.js';
import { payInvoice } from '../payments/payments.js';
import type { StoreSession } from '../store/billing-store.js';
import type { CustomerRecord, PaymentMethodRecord, SubscriptionStatus } from '../store/records.js';
import { idempotencyKey } from '../stripe-gateway/stripe-gateway.js';

/** Subscriptions whose invoices are (or will be) charged to the default card. */
const CHARGED_STATUSES: ReadonlySet<string> = new Set([
  'active',
  'trialing',
  'past_due',
  'unpaid',
  'incomplete',
]);
/** Subscriptions that must keep a card: removing their last one needs `force`. */
const NEEDS_A_CARD: ReadonlySet<SubscriptionStatus> = new Set(['active', 'trialing', 'past_due', 'unpaid']);

const paymentMethodIdSchema = z.string().regex(/^\S{1,255}$/, 'a Stripe payment method id');

const setDefaultSchema = z.object({ userId: userIdSchema, paymentMethodId: paymentMethodIdSchema });

const removeSchema = z.object({
  userId: userIdSchema,
  paymentMethodId: paymentMethodIdSchema,
  options: z.object({ force: z.boolean().default(false) }).default({ force: false }),
});

export interface SetupIntentResult {
  /** Hand to Stripe.js (`elements({ clientSecret })`, `confirmSetup`). */
  clientSecret: string;
  setupIntentId: string;
}

export interface RemovePaymentMethodResult {
  removedPaymentMethodId: string;
  /** The customer's default after the removal (the newest remaining card when the default was removed). */
  defaultPaymentMethodId: string | null;
}

export function paymentMethodsApi(ctx: BillingContext) {
  return {
    /** A SetupIntent to save a card (or wallet) for later, off-session payments. */
    async createSetupIntent(userId: string): Promise<SetupIntentResult> {
      const id = parseInput(userIdSchema, userId, 'paymentMethods.createSetupIntent');
      const customer = await requireCustomer(ctx, id);
      const intent = await ctx.gateway.call('setupIntents.create', (stripe) =>
        stripe.setupIntents.create(
          {
            customer: customer.stripeCustomerId,
            usage: 'off_session',
            automatic_payment_methods: { enabled: true },
            metadata: { [USER_ID_KEY]: id },
          },
          // Each call is a new intent; the key only makes the client's own retries of this call safe.
          { idempotencyKey: idempotencyKey('setupIntents.create', customer.stripeCustomerId, randomUUID()) },
        ),
      );
      if (!intent.client_secret) {
        throw new BillingError(
          'stripe_error',
          `Stripe returned SetupIntent ${intent.id} without a client secret.`,
        );
      }
      return { clientSecret: intent.client_secret, setupIntentId: intent.id };
    },

    /** The user's saved payment methods, newest first, read from Stripe (the mirror is refreshed). */
    async list(userId: string): Promise<PaymentMethodRecord[]> {
      const id = parseInput(userIdSchema, userId, 'paymentMethods.list');
      const customer = await requireCustomer(ctx, id);
      const [methods, stripeCustomer] = await Promise.all([
        listStripeMethods(ctx, customer.stripeCustomerId),
        retrieveCustomer(ctx, customer.stripeCustomerId),
      ]);
      const defaultId = idOf(stripeCustomer.invoice_settings?.default_payment_method as string | null);
      const watermark = toUnix(ctx.clock.now());
      const records = methods.map((pm) => paymentMethodRecordFrom(pm, id, pm.id === defaultId, watermark));
      await refreshMirror(ctx, customer, stripeCustomer, records);
      return records;
    },

    /**
     * Makes a payment method the default for the user's invoices and live subscriptions, attaching
     * it first when needed (a Stripe test token such as `pm_card_visa` becomes a new card).
     */
    async setDefault(userId: string, paymentMethodId: string): Promise<PaymentMethodRecord> {
      const args = parseInput(setDefaultSchema, { userId, paymentMethodId }, 'paymentMethods.setDefault');
      const customer = await requireCustomer(ctx, args.userId);
      const { paymentMethod, stripeCustomer } = await makeDefaultInStripe(
        ctx,
        customer,
        args.paymentMethodId,
      );
      const subscriptions = await pointSubscriptionsAt(ctx, customer, paymentMethod.id);
      const record = await writeDefault(ctx, customer.userId, paymentMethod, stripeCustomer, {
        action: 'payment_method.default_set',
        data: { subscriptions },
      });
      if (ctx.policies.dunning.retryOnNewPaymentMethod) await payWhatIsOverdue(ctx, customer.userId);
      return record;
    },

    /**
     * Detaches a payment method. Refuses (`last_payment_method`) to remove the only one while a
     * subscription is live, unless `force`; when the default goes, the newest remaining card takes over.
     */
    async remove(
      userId: string,
      paymentMethodId: string,
      options: { force?: boolean } = {},
    ): Promise<RemovePaymentMethodResult> {
      const args = parseInput(removeSchema, { userId, paymentMethodId, options }, 'paymentMethods.remove');
      const customer = await requireCustomer(ctx, args.userId);
      const paymentMethod = await retrievePaymentMethod(ctx, args.paymentMethodId);
      if (idOf(paymentMethod.customer as string | null) !== customer.stripeCustomerId) {
        throw notFound(args.paymentMethodId);
      }
      const [methods, stripeCustomer] = await Promise.all([
        listStripeMethods(ctx, customer.stripeCustomerId),
        retrieveCustomer(ctx, customer.stripeCustomerId),
      ]);
      const remaining = methods.filter((pm) => pm.id !== paymentMethod.id);
      const refused = remaining.length === 0 && (await hasSubscriptionNeedingCard(ctx, args.userId));
      if (refused && !args.options.force) {
        throw new BillingError(
          'last_payment_method',
          'This is the only payment method of a live subscription; add another first, or remove it with force.',
        );
      }
      await ctx.gateway.call('paymentMethods.detach', (stripe) =>
        stripe.paymentMethods.detach(
          paymentMethod.id,
          {},
          { idempotencyKey: idempotencyKey('paymentMethods.detach', paymentMethod.id) },
        ),
      );
      const wasDefault =
        idOf(stripeCustomer.invoice_settings?.default_payment_method as string | null) === paymentMethod.id;
      const successor = wasDefault ? newestOf(remaining) : null;
      const after = wasDefault ? await customerAfterDefaultRemoved(ctx, customer, successor) : null;
      const defaultId = after
        ? idOf(after.invoice_settings?.default_payment_method as string | null)
        : idOf(stripeCustomer.invoice_settings?.default_payment_method as string | null);
      const watermark = toUnix(ctx.clock.now());
      await ctx.store.transaction(async (session) => {
        await session.paymentMethods.delete(paymentMethod.id);
        if (after) await upsertCustomerRow(ctx, session, after, customer.userId, watermark);
        if (successor) {
          await session.paymentMethods.upsert(
            paymentMethodRecordFrom(successor, customer.userId, true, watermark),
          );
        }
        await recordAudit(session, ctx.clock, {
          action: 'payment_method.removed',
          subjectType: 'payment_method',
          subjectId: paymentMethod.id,
          userId: customer.userId,
          data: { forced: refused, defaultPaymentMethodId: defaultId, wasDefault },
        });
      });
      return { removedPaymentMethodId: paymentMethod.id, defaultPaymentMethodId: defaultId };
    },
  };
}

/**
 * Attaches a payment method to the customer (when it is not attached yet) and makes it the
 * customer's default for invoices; mirrored with an audit entry. Returns the attached id, which
 * differs from the one given for Stripe test tokens (`pm_card_visa`). A declined card throws
 * CardDeclinedError and changes nothing. Used by `subscriptions.start`.
 */
export async function attachAndMakeDefault(
  ctx: BillingContext,
  customer: CustomerRecord,
  paymentMethodId: string,
): Promise<string> {
  const id = parseInput(paymentMethodIdSchema, paymentMethodId, 'attachAndMakeDefault');
  const { paymentMethod, stripeCustomer } = await makeDefaultInStripe(ctx, customer, id);
  await writeDefault(ctx, customer.userId, paymentMethod, stripeCustomer, {
    action: 'payment_method.default_set',
  });
  return paymentMethod.id;
}

/**
 * A past-due customer just gave a new card: pay the overdue invoice with it now rather than wait
 * for the next retry. A decline here is recorded (and mailed) like any failed attempt; the card
 * stays saved either way.
 */
async function payWhatIsOverdue(ctx: BillingContext, userId: string): Promise<void> {
  const overdue = (await ctx.store.subscriptions.listByUserId(userId)).filter(
    (s) => (s.status === 'past_due' || s.status === 'unpaid') && s.latestInvoiceId,
  );
  for (const subscription of overdue) {
    const invoice = await ctx.store.invoices.findByStripeId(subscription.latestInvoiceId!);
    if (invoice && invoice.status !== 'open') continue;
    try {
      await payInvoice(ctx, subscription.latestInvoiceId!, { userId, actor: `user:${userId}` });
    } catch (error) {
      ctx.logger.warn('paying the overdue invoice with the new card failed', {
        invoiceId: subscription.latestInvoiceId,
        code: (error as { code?: string }).code,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Stripe

function notFound(paymentMethodId: string): BillingError {
  return new BillingError(
    'payment_method_not_found',
    `No payment method ${paymentMethodId} for this customer.`,
  );
}

function isMissingResource(error: unknown): boolean {
  if (!(error instanceof BillingError) || (error.code !== 'stripe_error' && error.code !== 'stripe_rejected'))
    return false;
  const cause = error.cause as { code?: string; statusCode?: number } | undefined;
  return cause?.code === 'resource_missing' || cause?.statusCode === 404;
}

async function retrievePaymentMethod(
  ctx: BillingContext,
  paymentMethodId: string,
): Promise<Stripe.PaymentMethod> {
  try {
    return await ctx.gateway.call('paymentMethods.retrieve', (stripe) =>
      stripe.paymentMethods.retrieve(paymentMethodId),
    );
  } catch (error) {
    if (isMissingResource(error)) throw notFound(paymentMethodId);
    throw error;
  }
}

async function retrieveCustomer(ctx: BillingContext, stripeCustomerId: string): Promise<Stripe.Customer> {
  const customer = await ctx.gateway.call('customers.retrieve', (stripe) =>
    stripe.customers.retrieve(stripeCustomerId),
  );
  if (customer.deleted) {
    throw new BillingError('customer_not_found', `Stripe customer ${stripeCustomerId} was deleted.`);
  }
  return customer;
}

async function listStripeMethods(
  ctx: BillingContext,
  stripeCustomerId: string,
): Promise<Stripe.PaymentMethod[]> {
  const methods = await ctx.gateway.call('customers.listPaymentMethods', (stripe) =>
    stripe.customers
      .listPaymentMethods(stripeCustomerId, { limit: 100 })
      .autoPagingToArray({ limit: 10_000 }),
  );
  return [...methods].sort(newestFirst);
}

function newestFirst(a: Stripe.PaymentMethod, b: Stripe.PaymentMethod): number {
  return b.created - a.created || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function newestOf(methods: Stripe.PaymentMethod[]): Stripe.PaymentMethod | null {
  return [...methods].sort(newestFirst)[0] ?? null;
}

/** Attaches (when needed) and sets the customer's invoice default. Nothing is mirrored yet. */
async function makeDefaultInStripe(
  ctx: BillingContext,
  customer: CustomerRecord,
  paymentMethodId: string,
): Promise<{ paymentMethod: Stripe.PaymentMethod; stripeCustomer: Stripe.Customer }> {
  // A test token (pm_card_visa) comes back as a new, unattached card with an id of its own.
  let paymentMethod = await retrievePaymentMethod(ctx, paymentMethodId);
  const owner = idOf(paymentMethod.customer as string | null);
  if (owner && owner !== customer.stripeCustomerId) throw notFound(paymentMethodId);
  if (!owner) {
    const unattached = paymentMethod;
    paymentMethod = await ctx.gateway.call('paymentMethods.attach', (stripe) =>
      stripe.paymentMethods.attach(
        unattached.id,
        { customer: customer.stripeCustomerId },
        { idempotencyKey: idempotencyKey('paymentMethods.attach', unattached.id, customer.stripeCustomerId) },
      ),
    );
  }
  const chosen = paymentMethod.id;
  const stripeCustomer = await ctx.gateway.call('customers.update', (stripe) =>
    stripe.customers.update(
      customer.stripeCustomerId,
      { invoice_settings: { default_payment_method: chosen } },
      {
        idempotencyKey: idempotencyKey(
          'customers.update.default_payment_method',
          customer.stripeCustomerId,
          customer.version,
          chosen,
        ),
      },
    ),
  );
  return { paymentMethod, stripeCustomer };
}

/**
 * A subscription with its own default payment method ignores the customer's: point the live ones
 * at the new default. Returns the ids of the subscriptions changed.
 */
async function pointSubscriptionsAt(
  ctx: BillingContext,
  customer: CustomerRecord,
  paymentMethodId: string,
): Promise<string[]> {
  const subscriptions = await ctx.gateway.call('subscriptions.list', (stripe) =>
    stripe.subscriptions
      .list({ customer: customer.stripeCustomerId, status: 'all', limit: 100 })
      .autoPagingToArray({ limit: 10_000 }),
  );
  const changed: string[] = [];
  for (const subscription of subscriptions) {
    if (!CHARGED_STATUSES.has(subscription.status)) continue;
    if (idOf(subscription.default_payment_method as string | null) === paymentMethodId) continue;
    await ctx.gateway.call('subscriptions.update', (stripe) =>
      stripe.subscriptions.update(
        subscription.id,
        { default_payment_method: paymentMethodId },
        {
          idempotencyKey: idempotencyKey(
            'subscriptions.update.default_payment_method',
            subscription.id,
            customer.version,
            paymentMethodId,
          ),
        },
      ),
    );
    changed.push(subscription.id);
  }
  return changed;
}

/** After the default card was detached: the successor becomes the default, or the customer has none. */
async function customerAfterDefaultRemoved(
  ctx: BillingContext,
  customer: CustomerRecord,
  successor: Stripe.PaymentMethod | null,
): Promise<Stripe.Customer> {
  if (!successor) return retrieveCustomer(ctx, customer.stripeCustomerId);
  return ctx.gateway.call('customers.update', (stripe) =>
    stripe.customers.update(
      customer.stripeCustomerId,
      { invoice_settings: { default_payment_method: successor.id } },
      {
        idempotencyKey: idempotencyKey(
          'customers.update.default_payment_method',
          customer.stripeCustomerId,
          customer.version,
          successor.id,
        ),
      },
    ),
  );
}

async function hasSubscriptionNeedingCard(ctx: BillingContext, userId: string): Promise<boolean> {
  const subscriptions = await ctx.store.subscriptions.listByUserId(userId);
  return subscriptions.some((s) => NEEDS_A_CARD.has(s.status));
}

// ---------------------------------------------------------------------------------------------
// Mirror

async function upsertCustomerRow(
  ctx: BillingContext,
  session: StoreSession,
  stripeCustomer: Stripe.Customer,
  userId: string,
  watermark: number,
): Promise<void> {
  const existing = await session.customers.findByStripeId(stripeCustomer.id);
  await session.customers.upsert(
    customerRecordFrom(stripeCustomer, userId, watermark, existing, ctx.clock.now()),
  );
}

/** Mirrors a new default: the customer row, the card (isDefault) and the others (not default), audited. */
async function writeDefault(
  ctx: BillingContext,
  userId: string,
  paymentMethod: Stripe.PaymentMethod,
  stripeCustomer: Stripe.Customer,
  audit: { action: string; data?: Record<string, unknown> },
): Promise<PaymentMethodRecord> {
  const watermark = toUnix(ctx.clock.now());
  return ctx.store.transaction(async (session) => {
    await upsertCustomerRow(ctx, session, stripeCustomer, userId, watermark);
    for (const row of await session.paymentMethods.listByCustomer(stripeCustomer.id)) {
      if (row.isDefault && row.stripePaymentMethodId !== paymentMethod.id) {
        await session.paymentMethods.upsert({ ...row, isDefault: false, watermark });
      }
    }
    const existing = await session.paymentMethods.findByStripeId(paymentMethod.id);
    const record = paymentMethodRecordFrom(paymentMethod, userId, true, watermark);
    await session.paymentMethods.upsert(record);
    await recordAudit(session, ctx.clock, {
      action: audit.action,
      subjectType: 'payment_method',
      subjectId: paymentMethod.id,
      userId,
      data: {
        brand: record.brand,
        last4: record.last4,
        ...(audit.data ?? {}),
        ...beforeAndAfter(existing, record, PAYMENT_METHOD_FIELDS),
      },
    });
    return record;
  });
}

const COMPARED: ReadonlyArray<keyof PaymentMethodRecord> = ['stripeCustomerId', ...PAYMENT_METHOD_FIELDS];

function samePaymentMethod(a: PaymentMethodRecord, b: PaymentMethodRecord): boolean {
  return COMPARED.every((key) => a[key] === b[key]);
}

/**
 * Makes the mirror hold exactly Stripe's cards for this customer. Writes (with one audit entry)
 * only when something differs, so listing stays a read when the mirror is current.
 */
async function refreshMirror(
  ctx: BillingContext,
  customer: CustomerRecord,
  stripeCustomer: Stripe.Customer,
  records: PaymentMethodRecord[],
): Promise<void> {
  const defaultId = idOf(stripeCustomer.invoice_settings?.default_payment_method as string | null);
  const watermark = toUnix(ctx.clock.now());
  await ctx.store.transaction(async (session) => {
    const stored = await session.paymentMethods.listByCustomer(customer.stripeCustomerId);
    const storedById = new Map(stored.map((row) => [row.stripePaymentMethodId, row]));
    const current = new Set(records.map((r) => r.stripePaymentMethodId));
    const added = records.filter((r) => !storedById.has(r.stripePaymentMethodId));
    const changed = records.filter((r) => {
      const row = storedById.get(r.stripePaymentMethodId);
      return row !== undefined && !samePaymentMethod(row, r);
    });
    const removed = stored.filter((row) => !current.has(row.stripePaymentMethodId));
    const customerChanged = customer.defaultPaymentMethodId !== defaultId;
    if (added.length + changed.length + removed.length === 0 && !customerChanged) return;
    for (const record of [...added, ...changed]) await session.paymentMethods.upsert(record);
    for (const row of removed) await session.paymentMethods.delete(row.stripePaymentMethodId);
    if (customerChanged) await upsertCustomerRow(ctx, session, stripeCustomer, customer.userId, watermark);
    await recordAudit(session, ctx.clock, {
      action: 'payment_method.refreshed',
      subjectType: 'payment_method',
      subjectId: customer.stripeCustomerId,
      userId: customer.userId,
      data: {
        added: added.map((r) => r.stripePaymentMethodId),
        changed: changed.map((r) => r.stripePaymentMethodId),
        removed: removed.map((r) => r.stripePaymentMethodId),
        defaultPaymentMethodId: defaultId,
      },
    });
  });
}
