// Reconcile (first part): walks Stripe's customers (those Billkit tagged with `billkit_user_id`),
// their subscriptions and their payment methods, page by page, and compares each with the mirror:
// missing locally, missing in Stripe, or fields that differ. With `repair`, each difference is
// fixed in the mirror from Stripe, one transaction per object with an audit entry
// (`reconcile.repaired`). Invoices, charges, refunds and disputes, a resumable cursor and 429
// back-off are not covered yet.

import type Stripe from 'stripe';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.js';
import { toUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { parseInput } from '../errors/parse-input.js';
import type { CustomerRecord, PaymentMethodRecord, SubscriptionRecord } from '../store/records.js';
import { customerRecordFrom, paymentMethodRecordFrom, subscriptionRecordFrom } from './stripe-to-records.js';
import { SUBSCRIPTION_STATE_FIELDS } from './sync.js';

export type ReconcileKind = 'customer' | 'subscription' | 'payment_method';

export interface ReconcileDifference {
  kind: ReconcileKind;
  /** The Stripe id. */
  id: string;
  userId: string | null;
  problem: 'missing_locally' | 'missing_in_stripe' | 'differs';
  /** The fields that differ (for `differs`). */
  fields: string[];
  /** Fixed in the mirror from Stripe (with `repair`). */
  repaired: boolean;
}

export interface ReconcileReport {
  /** Objects compared, by kind (Stripe's and the mirror's, each once). */
  checked: Record<ReconcileKind, number>;
  differences: ReconcileDifference[];
}

const CUSTOMER_FIELDS = [
  'email',
  'name',
  'address',
  'currency',
  'balance',
  'defaultPaymentMethodId',
  'deleted',
] as const;
const PAYMENT_METHOD_FIELDS = [
  'type',
  'brand',
  'last4',
  'expMonth',
  'expYear',
  'wallet',
  'isDefault',
] as const;

const reconcileSchema = z.strictObject({ repair: z.boolean().optional() }).optional();

export async function reconcileMirror(
  ctx: BillingContext,
  input?: z.input<typeof reconcileSchema>,
): Promise<ReconcileReport> {
  const repair = parseInput(reconcileSchema, input, 'reconcile')?.repair ?? false;
  const report: ReconcileReport = {
    checked: { customer: 0, subscription: 0, payment_method: 0 },
    differences: [],
  };
  const now = ctx.clock.now();
  const watermarkAfter = (stored: { watermark: number } | null) =>
    Math.max(toUnix(now), (stored?.watermark ?? 0) + 1);

  /** Records the difference, and with `repair` writes Stripe's state with an audit entry. */
  const found = async (
    difference: Omit<ReconcileDifference, 'repaired'>,
    write: (session: Parameters<Parameters<typeof ctx.store.transaction>[0]>[0]) => Promise<unknown>,
  ) => {
    let repaired = false;
    if (repair) {
      await ctx.store.transaction(async (session) => {
        await write(session);
        await recordAudit(session, ctx.clock, {
          action: 'reconcile.repaired',
          subjectType: difference.kind,
          subjectId: difference.id,
          userId: difference.userId,
          data: { problem: difference.problem, fields: difference.fields },
        });
      });
      repaired = true;
    }
    report.differences.push({ ...difference, repaired });
  };

  // Customers: Stripe's tagged ones against every mirrored one.
  const stripeCustomers = new Map<string, { customer: Stripe.Customer; userId: string }>();
  const allCustomers = await ctx.gateway.call('customers.list', (stripe) =>
    collect(stripe.customers.list({ limit: 100 })),
  );
  for (const customer of allCustomers) {
    const userId = customer.metadata?.billkit_user_id;
    if (userId) stripeCustomers.set(customer.id, { customer, userId });
  }
  const mirrored = await allPages((after) => ctx.store.customers.list({ limit: 100, after }));
  const mirroredById = new Map(mirrored.map((record) => [record.stripeCustomerId, record]));
  for (const { customer, userId } of stripeCustomers.values()) {
    report.checked.customer++;
    const stored = mirroredById.get(customer.id) ?? null;
    const candidate = customerRecordFrom(customer, userId, watermarkAfter(stored), stored, now);
    const fields = stored === null ? [] : differing(stored, candidate, CUSTOMER_FIELDS);
    if (stored !== null && fields.length === 0) continue;
    await found(
      {
        kind: 'customer',
        id: customer.id,
        userId,
        problem: stored === null ? 'missing_locally' : 'differs',
        fields,
      },
      (session) => session.customers.upsert(candidate),
    );
  }
  for (const stored of mirrored) {
    if (stripeCustomers.has(stored.stripeCustomerId) || stored.deleted) continue;
    report.checked.customer++;
    await found(
      {
        kind: 'customer',
        id: stored.stripeCustomerId,
        userId: stored.userId,
        problem: 'missing_in_stripe',
        fields: [],
      },
      (session) =>
        session.customers.upsert({
          ...stored,
          deleted: true,
          watermark: watermarkAfter(stored),
          version: stored.version + 1,
        }),
    );
  }

  // Subscriptions and payment methods, per tagged customer.
  for (const { customer, userId } of stripeCustomers.values()) {
    const subscriptions = await ctx.gateway.call('subscriptions.list', (stripe) =>
      collect(stripe.subscriptions.list({ customer: customer.id, status: 'all', limit: 100 })),
    );
    const storedSubscriptions = new Map(
      (await ctx.store.subscriptions.listByUserId(userId)).map((record) => [
        record.stripeSubscriptionId,
        record,
      ]),
    );
    for (const subscription of subscriptions) {
      report.checked.subscription++;
      const stored = storedSubscriptions.get(subscription.id) ?? null;
      storedSubscriptions.delete(subscription.id);
      const candidate = subscriptionRecordFrom(
        subscription,
        userId,
        ctx.catalog,
        watermarkAfter(stored),
        stored,
        now,
      );
      const fields = stored === null ? [] : differing(stored, candidate, SUBSCRIPTION_STATE_FIELDS);
      if (stored !== null && fields.length === 0) continue;
      await found(
        {
          kind: 'subscription',
          id: subscription.id,
          userId,
          problem: stored === null ? 'missing_locally' : 'differs',
          fields,
        },
        (session) => session.subscriptions.upsert(candidate),
      );
    }
    for (const stored of storedSubscriptions.values()) {
      report.checked.subscription++;
      // No delete in the port: reported only, never repaired.
      report.differences.push({
        kind: 'subscription',
        id: stored.stripeSubscriptionId,
        userId,
        problem: 'missing_in_stripe',
        fields: [],
        repaired: false,
      });
    }

    const methods = await ctx.gateway.call('customers.listPaymentMethods', (stripe) =>
      collect(stripe.customers.listPaymentMethods(customer.id, { limit: 100 })),
    );
    const defaultId = (customer.invoice_settings?.default_payment_method as string | null) ?? null;
    const storedMethods = new Map(
      (await ctx.store.paymentMethods.listByCustomer(customer.id)).map((record) => [
        record.stripePaymentMethodId,
        record,
      ]),
    );
    for (const method of methods) {
      report.checked.payment_method++;
      const stored = storedMethods.get(method.id) ?? null;
      storedMethods.delete(method.id);
      const candidate = paymentMethodRecordFrom(
        method,
        userId,
        method.id === defaultId,
        watermarkAfter(stored),
      );
      const fields = stored === null ? [] : differing(stored, candidate, PAYMENT_METHOD_FIELDS);
      if (stored !== null && fields.length === 0) continue;
      await found(
        {
          kind: 'payment_method',
          id: method.id,
          userId,
          problem: stored === null ? 'missing_locally' : 'differs',
          fields,
        },
        (session) => session.paymentMethods.upsert(candidate),
      );
    }
    for (const stored of storedMethods.values()) {
      report.checked.payment_method++;
      await found(
        {
          kind: 'payment_method',
          id: stored.stripePaymentMethodId,
          userId,
          problem: 'missing_in_stripe',
          fields: [],
        },
        (session) => session.paymentMethods.delete(stored.stripePaymentMethodId),
      );
    }
  }
  return report;
}

type Compared = CustomerRecord | SubscriptionRecord | PaymentMethodRecord;

function differing<R extends Compared>(stored: R, candidate: R, fields: readonly (keyof R)[]): string[] {
  return fields
    .filter((field) => JSON.stringify(stored[field] ?? null) !== JSON.stringify(candidate[field] ?? null))
    .map(String);
}

async function collect<T>(list: Stripe.ApiListPromise<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of list) items.push(item);
  return items;
}

async function allPages<T>(
  read: (after: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  do {
    const page = await read(after);
    items.push(...page.items);
    after = page.nextCursor;
  } while (after !== null);
  return items;
}
