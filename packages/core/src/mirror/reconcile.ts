// Reconcile and backfill. Reconcile walks Stripe's customers (those Billkit tagged with
// `billkit_user_id`) page by page and, for each, its subscriptions, payment methods, invoices,
// charges, refunds and disputes, comparing every object with the mirror: missing locally, missing
// in Stripe, or fields that differ. With `repair`, each difference is fixed in the mirror from
// Stripe, one transaction per object with an audit entry (`reconcile.repaired`, with the differing
// fields before and after). A cursor in the store (`checkpoints`) lets a run cut off by a crash
// resume after the last customer it finished; Stripe's 429s and outages are retried with
// exponential back-off. Backfill is the same walk over every customer of an existing Stripe
// account, tagging each with its user id and importing everything into the mirror.

import type Stripe from 'stripe';
import { z } from 'zod';
import { recordMrrChange } from '../analytics/mrr.js';
import { recordAudit } from '../audit/audit.js';
import { toUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { BillingError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import { pages } from '../payments/payments.js';
import type { StoreSession } from '../store/billing-store.js';
import type {
  CustomerRecord,
  DisputeRecord,
  InvoiceRecord,
  PaymentMethodRecord,
  PaymentRecord,
  RefundRecord,
  SubscriptionRecord,
} from '../store/records.js';
import { invoiceOfPaymentIntent, refundRecordFromStripe } from './apply-event.js';
import {
  disputeRecordFrom,
  invoiceRecordFrom,
  paymentRecordFrom,
  refundRecordFrom,
} from './money-records.js';
import {
  CUSTOMER_FIELDS,
  DISPUTE_FIELDS,
  INVOICE_FIELDS,
  PAYMENT_FIELDS,
  PAYMENT_METHOD_FIELDS,
  pick,
  REFUND_FIELDS,
} from './state-fields.js';
import {
  customerRecordFrom,
  idOf,
  paymentMethodRecordFrom,
  subscriptionRecordFrom,
} from './stripe-to-records.js';
import { SUBSCRIPTION_STATE_FIELDS } from './sync.js';

export type ReconcileKind =
  | 'customer'
  | 'subscription'
  | 'payment_method'
  | 'invoice'
  | 'payment'
  | 'refund'
  | 'dispute';

const KINDS: readonly ReconcileKind[] = [
  'customer',
  'subscription',
  'payment_method',
  'invoice',
  'payment',
  'refund',
  'dispute',
];

export interface ReconcileDifference {
  kind: ReconcileKind;
  /** The Stripe id. */
  id: string;
  userId: string | null;
  problem: 'missing_locally' | 'missing_in_stripe' | 'differs';
  /** The fields that differ (for `differs`). */
  fields: string[];
  /**
   * Fixed in the mirror from Stripe (with `repair`). A row Stripe no longer has is marked deleted
   * (customers) or removed (payment methods); other kinds are only reported, never deleted.
   */
  repaired: boolean;
}

export interface ReconcileReport {
  /** Objects compared, by kind (Stripe's and the mirror's, each once). */
  checked: Record<ReconcileKind, number>;
  differences: ReconcileDifference[];
  /** This run continued one cut off before it (its counts and differences are included). */
  resumed: boolean;
}

export interface BackfillReport {
  /** Objects written into the mirror, by kind. */
  imported: Record<ReconcileKind, number>;
  /** Objects already in the mirror and equal to Stripe's. */
  unchanged: number;
  /** Stripe customers not imported: no user id for them, or a second customer for one user. */
  skipped: { stripeCustomerId: string; reason: 'no_user_id' | 'user_has_a_customer' }[];
}

/** Dispute statuses Stripe no longer changes. */
const CLOSED_DISPUTES = new Set(['won', 'lost', 'warning_closed']);

const CHECKPOINT = 'reconcile';

const backoffSchema = z.strictObject({
  /** Tries of one Stripe call that answers 429 or is unavailable. @default 6 */
  attempts: z.number().int().min(1).max(20).optional(),
  /** The first wait; each next one doubles (with jitter), up to 30 s. @default 500 */
  baseDelayMs: z.number().int().min(0).max(60_000).optional(),
});

/** Called after each customer: how far a long run has got (a CLI's progress line). */
const progressSchema = z.custom<(progress: ReconcileProgress) => void>(
  (value) => typeof value === 'function',
  'onProgress must be a function',
);

export interface ReconcileProgress {
  /** Customers finished so far (in this process). */
  customers: number;
  differences: number;
}

const reconcileSchema = z
  .strictObject({
    repair: z.boolean().optional(),
    /** Compare only objects Stripe created at or after this time (payment methods: all). */
    since: z.coerce.date().optional(),
    /** Start over, ignoring the cursor of a run cut off before. @default false */
    restart: z.boolean().optional(),
    backoff: backoffSchema.optional(),
    onProgress: progressSchema.optional(),
  })
  .optional();

const backfillSchema = z
  .strictObject({
    /**
     * The host's user id for a Stripe customer, or null to leave it out. @default its
     * `billkit_user_id` metadata, else its `user_id` metadata
     */
    userIdFor: z
      .custom<(customer: Stripe.Customer) => string | null | undefined>(
        (value) => typeof value === 'function',
        'userIdFor must be a function',
      )
      .optional(),
    backoff: backoffSchema.optional(),
    onProgress: progressSchema.optional(),
  })
  .optional();

export type ReconcileOptions = z.input<typeof reconcileSchema>;
export type BackfillOptions = z.input<typeof backfillSchema>;

/** What a run keeps in the store after each customer, to resume from. */
interface Cursor {
  repair: boolean;
  since: number | null;
  /** The last Stripe customer finished (Stripe lists newest first). */
  after: string;
  checked: Record<ReconcileKind, number>;
  differences: ReconcileDifference[];
}

type Write = (session: StoreSession) => Promise<unknown>;

interface Walk {
  ctx: BillingContext;
  repair: boolean;
  /** Unix seconds, or null for everything. */
  since: number | null;
  action: 'reconcile.repaired' | 'backfill.imported';
  report: { checked: Record<ReconcileKind, number>; differences: ReconcileDifference[] };
  stripe: <T>(operation: string, fn: (stripe: Stripe) => Promise<T>) => Promise<T>;
  /** Customers finished, and the caller's progress hook. */
  done: number;
  onProgress: ((progress: ReconcileProgress) => void) | undefined;
}

export async function reconcileMirror(
  ctx: BillingContext,
  input?: z.input<typeof reconcileSchema>,
): Promise<ReconcileReport> {
  const options = parseInput(reconcileSchema, input, 'reconcile') ?? {};
  const repair = options.repair ?? false;
  const since = options.since ? toUnix(options.since) : null;
  const saved = options.restart ? null : await readCursor(ctx);
  const resumed = saved !== null && saved.repair === repair && saved.since === since;
  const walk: Walk = {
    ctx,
    repair,
    since,
    action: 'reconcile.repaired',
    report: resumed
      ? { checked: saved.checked, differences: saved.differences }
      : { checked: zeroCounts(), differences: [] },
    stripe: patiently(ctx, options.backoff),
    done: 0,
    onProgress: options.onProgress,
  };

  const seen = new Set<string>();
  let after = resumed ? saved.after : undefined;
  for (;;) {
    const page = await walk.stripe('customers.list', (stripe) =>
      stripe.customers.list({ limit: 100, ...(after ? { starting_after: after } : {}) }),
    );
    for (const customer of page.data) {
      const userId = customer.metadata?.billkit_user_id;
      after = customer.id;
      if (!userId) continue;
      seen.add(customer.id);
      await reconcileCustomer(walk, customer, userId);
      await saveCursor(ctx, { repair, since, after, ...walk.report });
    }
    if (!page.has_more || page.data.length === 0) break;
    if (after) await saveCursor(ctx, { repair, since, after, ...walk.report });
  }

  // Mirrored customers the walk did not meet: gone from Stripe, or untagged there (those met by
  // the run this one resumed are asked for one by one).
  const mirrored = await allRows((cursor) => ctx.store.customers.list({ limit: 100, after: cursor }));
  for (const stored of mirrored) {
    if (seen.has(stored.stripeCustomerId) || stored.deleted) continue;
    if (since !== null && toUnix(stored.createdAt) < since) continue;
    const current = await walk.stripe('customers.retrieve', (stripe) =>
      stripe.customers.retrieve(stored.stripeCustomerId).catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode === 404) return null;
        throw error;
      }),
    );
    if (current && !current.deleted && current.metadata?.billkit_user_id) continue;
    walk.report.checked.customer++;
    await found(
      walk,
      { kind: 'customer', id: stored.stripeCustomerId, userId: stored.userId, problem: 'missing_in_stripe' },
      {},
      (session) =>
        session.customers.upsert({
          ...stored,
          deleted: true,
          watermark: watermarkAfter(ctx, stored),
          version: stored.version + 1,
        }),
    );
  }
  await ctx.store.checkpoints.delete(CHECKPOINT);
  await ctx.afterCommit();
  return { ...walk.report, resumed };
}

export async function backfillMirror(
  ctx: BillingContext,
  input?: z.input<typeof backfillSchema>,
): Promise<BackfillReport> {
  const options = parseInput(backfillSchema, input, 'backfill') ?? {};
  const userIdFor =
    options.userIdFor ??
    ((customer: Stripe.Customer) => customer.metadata?.billkit_user_id ?? customer.metadata?.user_id);
  const walk: Walk = {
    ctx,
    repair: true,
    since: null,
    action: 'backfill.imported',
    report: { checked: zeroCounts(), differences: [] },
    stripe: patiently(ctx, options.backoff),
    done: 0,
    onProgress: options.onProgress,
  };
  const skipped: BackfillReport['skipped'] = [];
  // Stripe lists newest first; a user with several customers keeps the newest.
  for await (const customer of stripePages(walk, (stripe, after) =>
    stripe.customers.list({ limit: 100, ...(after ? { starting_after: after } : {}) }),
  )) {
    const userId = userIdFor(customer) || null;
    if (!userId) {
      skipped.push({ stripeCustomerId: customer.id, reason: 'no_user_id' });
      continue;
    }
    const owner = await ctx.store.customers.findByUserId(userId);
    if (owner && owner.stripeCustomerId !== customer.id) {
      skipped.push({ stripeCustomerId: customer.id, reason: 'user_has_a_customer' });
      continue;
    }
    let tagged = customer;
    if (customer.metadata?.billkit_user_id !== userId) {
      // Webhooks and reconcile know Billkit's customers by this tag.
      tagged = await walk.stripe('customers.update', (stripe) =>
        stripe.customers.update(customer.id, { metadata: { billkit_user_id: userId } }),
      );
    }
    await reconcileCustomer(walk, tagged, userId);
  }
  await ctx.afterCommit();
  const imported = zeroCounts();
  for (const difference of walk.report.differences) imported[difference.kind]++;
  const total = Object.values(walk.report.checked).reduce((sum, count) => sum + count, 0);
  return { imported, unchanged: total - walk.report.differences.length, skipped };
}

/** One customer and everything under it. */
async function reconcileCustomer(walk: Walk, customer: Stripe.Customer, userId: string): Promise<void> {
  const { ctx, since } = walk;
  const now = ctx.clock.now();
  const created = since === null ? {} : { created: { gte: since } };
  const inRange = (record: { createdAt: Date }) => since === null || toUnix(record.createdAt) >= since;

  if (since === null || customer.created >= since) {
    const stored = await ctx.store.customers.findByStripeId(customer.id);
    await compare<CustomerRecord>(walk, {
      kind: 'customer',
      userId,
      fields: CUSTOMER_FIELDS,
      stripe: [
        {
          id: customer.id,
          candidate: (s) => customerRecordFrom(customer, userId, watermarkAfter(ctx, s), s, now),
        },
      ],
      stored: stored ? [[customer.id, stored]] : [],
      upsert: (session, record) => session.customers.upsert(record),
    });
  }

  const subscriptions = await all(walk, (stripe, after) =>
    stripe.subscriptions.list({
      customer: customer.id,
      status: 'all',
      limit: 100,
      ...created,
      ...startingAfter(after),
    }),
  );
  await compare<SubscriptionRecord>(walk, {
    kind: 'subscription',
    userId,
    fields: SUBSCRIPTION_STATE_FIELDS,
    stripe: subscriptions.map((subscription) => ({
      id: subscription.id,
      candidate: (s) =>
        subscriptionRecordFrom(subscription, userId, ctx.catalog, watermarkAfter(ctx, s), s, now),
      // The MRR ledger follows the repaired row.
      alsoWrite: (session, record) => recordMrrChange(session, subscription, record, now),
    })),
    stored: (await ctx.store.subscriptions.listByUserId(userId))
      .filter((record) => record.stripeCustomerId === customer.id && inRange(record))
      .map((record) => [record.stripeSubscriptionId, record]),
    upsert: (session, record) => session.subscriptions.upsert(record),
  });

  const methods = await all(walk, (stripe, after) =>
    stripe.customers.listPaymentMethods(customer.id, { limit: 100, ...startingAfter(after) }),
  );
  const defaultId = idOf(customer.invoice_settings?.default_payment_method as string | null);
  await compare<PaymentMethodRecord>(walk, {
    kind: 'payment_method',
    userId,
    fields: PAYMENT_METHOD_FIELDS,
    stripe: methods.map((method) => ({
      id: method.id,
      candidate: (s) =>
        paymentMethodRecordFrom(method, userId, method.id === defaultId, watermarkAfter(ctx, s)),
    })),
    stored: (await ctx.store.paymentMethods.listByCustomer(customer.id)).map((record) => [
      record.stripePaymentMethodId,
      record,
    ]),
    upsert: (session, record) => session.paymentMethods.upsert(record),
    gone: (session, record) => session.paymentMethods.delete(record.stripePaymentMethodId),
  });

  const invoices = await all(walk, (stripe, after) =>
    stripe.invoices.list({ customer: customer.id, limit: 100, ...created, ...startingAfter(after) }),
  );
  await compare<InvoiceRecord>(walk, {
    kind: 'invoice',
    userId,
    fields: INVOICE_FIELDS,
    stripe: invoices.map((invoice) => ({
      id: invoice.id,
      candidate: (s) => invoiceRecordFrom(invoice, userId, watermarkAfter(ctx, s)),
    })),
    stored: (await allRows((after) => ctx.store.invoices.listByUserId(userId, { limit: 100, after })))
      .filter((record) => record.stripeCustomerId === customer.id && inRange(record))
      .map((record) => [record.stripeInvoiceId, record]),
    upsert: (session, record) => session.invoices.upsert(record),
  });

  const charges = await all(walk, (stripe, after) =>
    stripe.charges.list({
      customer: customer.id,
      limit: 100,
      expand: ['data.balance_transaction'],
      ...created,
      ...startingAfter(after),
    }),
  );
  const storedPayments = (
    await allRows((after) => ctx.store.payments.listByUserId(userId, { limit: 100, after }))
  ).filter((record) => record.stripeCustomerId === customer.id && inRange(record));
  await compare<PaymentRecord>(walk, {
    kind: 'payment',
    userId,
    fields: PAYMENT_FIELDS,
    stripe: charges.map((charge) => ({
      id: charge.id,
      candidate: async (s) =>
        paymentRecordFrom(
          charge,
          userId,
          s
            ? s.stripeInvoiceId
            : await invoiceOfPaymentIntent(ctx, idOf(charge.payment_intent as string | null)),
          watermarkAfter(ctx, s),
        ),
    })),
    stored: storedPayments.map((record) => [record.stripeChargeId, record]),
    upsert: (session, record) => session.payments.upsert(record),
  });

  // Refunds and disputes, per charge that has (or had, in the mirror) any.
  const chargeIds = new Set([
    ...charges.map((charge) => charge.id),
    ...storedPayments.map((p) => p.stripeChargeId),
  ]);
  const byId = new Map(charges.map((charge) => [charge.id, charge]));
  for (const chargeId of chargeIds) {
    const charge = byId.get(chargeId);
    const storedRefunds = (await ctx.store.refunds.listByCharge(chargeId)).filter(inRange);
    const refunds =
      charge && (charge.amount_refunded > 0 || storedRefunds.length > 0 || charge.refunded)
        ? await all(walk, (stripe, after) =>
            stripe.refunds.list({ charge: chargeId, limit: 100, ...created, ...startingAfter(after) }),
          )
        : [];
    await compare<RefundRecord>(walk, {
      kind: 'refund',
      userId,
      fields: REFUND_FIELDS,
      stripe: refunds.map((refund) => ({
        id: refund.id,
        candidate: async (s) => {
          // Where the refund's invoice and GST share came from (metadata, or Stripe's invoice) is
          // kept: only a refund the mirror lacks reads them.
          if (s)
            return {
              ...s,
              ...pick(refundRecordFrom(refund, userId, 0), REFUND_FIELDS),
              watermark: watermarkAfter(ctx, s),
            };
          return refundRecordFromStripe(ctx, refund, userId, watermarkAfter(ctx, null));
        },
      })),
      stored: storedRefunds.map((record) => [record.stripeRefundId, record]),
      upsert: (session, record) => session.refunds.upsert(record),
    });

    const storedDisputes = (await ctx.store.disputes.listByCharge(chargeId)).filter(inRange);
    const disputes =
      charge && (charge.disputed || storedDisputes.length > 0)
        ? await all(walk, (stripe, after) =>
            stripe.disputes.list({ charge: chargeId, limit: 100, ...created, ...startingAfter(after) }),
          )
        : [];
    await compare<DisputeRecord>(walk, {
      kind: 'dispute',
      userId,
      fields: DISPUTE_FIELDS,
      stripe: disputes.map((dispute) => ({
        id: dispute.id,
        candidate: (s) => ({
          ...disputeRecordFrom(dispute, userId, watermarkAfter(ctx, s)),
          // Stripe keeps no closing time: the mirror's, else now for one found closed.
          closedAt: s?.closedAt ?? (CLOSED_DISPUTES.has(dispute.status) ? now : null),
        }),
      })),
      stored: storedDisputes.map((record) => [record.stripeDisputeId, record]),
      upsert: (session, record) => session.disputes.upsert(record),
    });
  }
  walk.done++;
  walk.onProgress?.({ customers: walk.done, differences: walk.report.differences.length });
}

interface Comparison<R> {
  kind: ReconcileKind;
  userId: string;
  fields: readonly (keyof R)[];
  /** Stripe's objects, each with the mirror row it should be (given the stored one). */
  stripe: {
    id: string;
    candidate: (stored: R | null) => R | Promise<R>;
    alsoWrite?: (session: StoreSession, record: R) => Promise<unknown>;
  }[];
  stored: (readonly [string, R])[];
  upsert: (session: StoreSession, record: R) => Promise<unknown>;
  /** The repair of a row Stripe does not have; none: reported only. */
  gone?: (session: StoreSession, record: R) => Promise<unknown>;
}

async function compare<R extends object>(walk: Walk, comparison: Comparison<R>): Promise<void> {
  const { kind, userId, fields } = comparison;
  const stored = new Map(comparison.stored);
  for (const object of comparison.stripe) {
    walk.report.checked[kind]++;
    const row = stored.get(object.id) ?? null;
    stored.delete(object.id);
    const candidate = await object.candidate(row);
    const differ = row === null ? [] : differing(row, candidate, fields);
    if (row !== null && differ.length === 0) continue;
    await found(
      walk,
      { kind, id: object.id, userId, problem: row === null ? 'missing_locally' : 'differs' },
      row === null ? {} : { before: pick(row, differ), after: pick(candidate, differ) },
      async (session) => {
        await comparison.upsert(session, candidate);
        if (object.alsoWrite) await object.alsoWrite(session, candidate);
      },
      differ,
    );
  }
  for (const [id, row] of stored) {
    walk.report.checked[kind]++;
    await found(
      walk,
      { kind, id, userId, problem: 'missing_in_stripe' },
      {},
      comparison.gone ? (session) => comparison.gone!(session, row) : null,
    );
  }
}

/** Records the difference, and with `repair` (and a way to repair it) writes it with an audit entry. */
async function found(
  walk: Walk,
  difference: Omit<ReconcileDifference, 'repaired' | 'fields'>,
  change: { before?: object; after?: object },
  write: Write | null,
  fields: (string | number | symbol)[] = [],
): Promise<void> {
  let repaired = false;
  const named = fields.map(String);
  if (walk.repair && write) {
    await walk.ctx.store.transaction(async (session) => {
      await write(session);
      await recordAudit(session, walk.ctx.clock, {
        action: walk.action,
        subjectType: difference.kind,
        subjectId: difference.id,
        userId: difference.userId,
        data: { problem: difference.problem, fields: named, ...change },
      });
    });
    repaired = true;
  }
  walk.report.differences.push({ ...difference, fields: named, repaired });
}

function differing<R extends object>(stored: R, candidate: R, fields: readonly (keyof R)[]): (keyof R)[] {
  return fields.filter((field) => comparable(stored[field]) !== comparable(candidate[field]));
}

function comparable(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.getTime());
  return JSON.stringify(value ?? null);
}

/** A watermark newer than both the stored row's and now: the repair's upsert wins. */
function watermarkAfter(ctx: BillingContext, stored: { watermark: number } | null): number {
  return Math.max(toUnix(ctx.clock.now()), (stored?.watermark ?? 0) + 1);
}

function zeroCounts(): Record<ReconcileKind, number> {
  return Object.fromEntries(KINDS.map((kind) => [kind, 0])) as Record<ReconcileKind, number>;
}

async function saveCursor(ctx: BillingContext, cursor: Cursor): Promise<void> {
  await ctx.store.checkpoints.put(CHECKPOINT, JSON.stringify(cursor));
}

async function readCursor(ctx: BillingContext): Promise<Cursor | null> {
  const raw = await ctx.store.checkpoints.get(CHECKPOINT);
  if (raw === null) return null;
  try {
    const cursor = JSON.parse(raw) as Cursor;
    return { ...cursor, checked: { ...zeroCounts(), ...cursor.checked } };
  } catch {
    return null;
  }
}

/**
 * Stripe calls retried while Stripe answers 429 (rate limited) or is unavailable (5xx, timeouts,
 * lost connections), waiting base × 2ⁿ with full jitter, up to 30 s a wait. Reconcile's calls
 * are reads (and backfill's one write, a metadata tag, is the same each time), so a retry is safe.
 */
function patiently(ctx: BillingContext, options: z.infer<typeof backoffSchema> = {}): Walk['stripe'] {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 500;
  return async (operation, fn) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ctx.gateway.call(operation, fn);
      } catch (error) {
        if (!(error instanceof BillingError) || error.code !== 'stripe_unavailable' || attempt >= attempts) {
          throw error;
        }
        const wait = Math.min(30_000, base * 2 ** (attempt - 1));
        await new Promise((resolve) =>
          setTimeout(resolve, Math.round(wait / 2 + (Math.random() * wait) / 2)),
        );
      }
    }
  };
}

function startingAfter(after: string | undefined): { starting_after?: string } {
  return after ? { starting_after: after } : {};
}

/** Every row of a store's paged list. */
async function allRows<T>(
  read: (after: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const rows: T[] = [];
  for await (const row of pages(read)) rows.push(row);
  return rows;
}

/** Every item of a Stripe list, page by page (each page retried on its own). */
async function all<T extends { id: string }>(
  walk: Walk,
  list: (stripe: Stripe, after: string | undefined) => Promise<Stripe.ApiList<T>>,
): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stripePages(walk, list)) items.push(item);
  return items;
}

async function* stripePages<T extends { id: string }>(
  walk: Walk,
  list: (stripe: Stripe, after: string | undefined) => Promise<Stripe.ApiList<T>>,
): AsyncGenerator<T> {
  let after: string | undefined;
  for (;;) {
    const page = await walk.stripe('list', (stripe) => list(stripe, after));
    yield* page.data;
    if (!page.has_more || page.data.length === 0) return;
    after = page.data.at(-1)!.id;
  }
}
