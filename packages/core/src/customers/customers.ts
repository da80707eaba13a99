// Customers: one Stripe customer per host user, tagged with the user's id so a fresh store can be
// rebuilt from Stripe, and mirrored locally. `ensure` is safe to call concurrently for one user.

import type Stripe from 'stripe';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.js';
import { toUnix } from '../clock.js';
import { type BillingContext, USER_ID_KEY } from '../context.js';
import { BillingError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import { beforeAndAfter, CUSTOMER_FIELDS } from '../mirror/state-fields.js';
import { addressToStripe, customerRecordFrom } from '../mirror/stripe-to-records.js';
import { UniqueViolationError } from '../store/billing-store.js';
import type { Address, CustomerRecord } from '../store/records.js';
import { idempotencyKey } from '../stripe-gateway/stripe-gateway.js';

/** The host's user id, used as given (an opaque key: not trimmed or changed). */
export const userIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^\S(.*\S)?$/s, 'a user id without spaces at either end');

const line = z.string().trim().max(200).nullish();

/** An address in the mirror's shape; keys left out are stored as null. */
export const addressSchema = z
  .object({
    line1: line,
    line2: line,
    city: line,
    state: line,
    postalCode: z.string().trim().max(20).nullish(),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'a two-letter ISO country code')
      .transform((c) => c.toUpperCase())
      .nullish(),
  })
  .strict()
  .transform(
    (a): Address => ({
      line1: a.line1 || null,
      line2: a.line2 || null,
      city: a.city || null,
      state: a.state || null,
      postalCode: a.postalCode || null,
      country: a.country || null,
    }),
  );

const taxIdSchema = z.object({
  /** Stripe's tax id type: `au_abn`, `nz_gst`, `eu_vat`, ... */
  type: z.string().regex(/^[a-z]{2,3}_[a-z_]+$/, "a Stripe tax id type such as 'au_abn'"),
  value: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .transform((v) => v.replace(/\s+/g, '')),
});

const ensureSchema = z.object({
  userId: userIdSchema,
  email: z.email(),
  name: z.string().trim().min(1).max(256).optional(),
  address: addressSchema.optional(),
  /** A business customer's tax id; null removes the one stored. */
  taxId: taxIdSchema.nullable().optional(),
});

export type EnsureCustomerInput = z.input<typeof ensureSchema>;
type EnsureArgs = z.output<typeof ensureSchema>;
export type AddressInput = z.input<typeof addressSchema>;

export function customersApi(ctx: BillingContext) {
  const oneAtATime = perKeyQueue();
  return {
    /**
     * The user's billing customer: found in the mirror, else found in Stripe by its
     * `billkit_user_id` tag, else created. Email, name, address and tax id are brought up to date.
     * Concurrent calls for one user get one customer: in this process they run one after another;
     * across processes the idempotency key (Stripe) and the store's unique user id decide.
     */
    async ensure(input: EnsureCustomerInput): Promise<CustomerRecord> {
      const args = parseInput(ensureSchema, input, 'customers.ensure');
      return oneAtATime(args.userId, () => ensureCustomer(ctx, args));
    },

    /** The user's customer from the mirror, or null when `ensure` was never called. */
    async get(userId: string): Promise<CustomerRecord | null> {
      const id = parseInput(userIdSchema, userId, 'customers.get');
      return ctx.store.customers.findByUserId(id);
    },

    /** Sets the billing address shown on tax invoices, in Stripe and the mirror. */
    async updateBillingAddress(userId: string, address: AddressInput): Promise<CustomerRecord> {
      const id = parseInput(userIdSchema, userId, 'customers.updateBillingAddress');
      const next = parseInput(addressSchema, address, 'customers.updateBillingAddress');
      const customer = await requireCustomer(ctx, id);
      const updated = await ctx.gateway.call('customers.update', (stripe) =>
        stripe.customers.update(
          customer.stripeCustomerId,
          { address: addressToStripe(next) },
          {
            idempotencyKey: idempotencyKey(
              'customers.update.address',
              customer.stripeCustomerId,
              customer.version,
              JSON.stringify(next),
            ),
          },
        ),
      );
      const record = await writeCustomer(ctx, updated, id, {
        action: 'customer.address_updated',
        data: { country: next.country, postalCode: next.postalCode },
      });
      await retaxLiveSubscription(ctx, id, next.country);
      return record;
    },
  };
}

/** The user's mirrored customer, or `customer_not_found`. */
export async function requireCustomer(ctx: BillingContext, userId: string): Promise<CustomerRecord> {
  const customer = await ctx.store.customers.findByUserId(userId);
  if (!customer) {
    throw new BillingError(
      'customer_not_found',
      `No billing customer for user ${userId}; call customers.ensure first.`,
    );
  }
  if (customer.deleted) {
    throw new BillingError(
      'customer_not_found',
      `The billing customer of user ${userId} was deleted in Stripe.`,
    );
  }
  return customer;
}

/**
 * Upserts the mirror row of a Stripe customer and its audit entry, in one transaction. The row
 * read inside the transaction keeps what Stripe's answer may leave out (the tax id).
 */
export async function writeCustomer(
  ctx: BillingContext,
  customer: Stripe.Customer,
  userId: string,
  audit: { action: string; data?: Record<string, unknown> },
): Promise<CustomerRecord> {
  const now = ctx.clock.now();
  return ctx.store.transaction(async (session) => {
    const existing = await session.customers.findByStripeId(customer.id);
    const record = customerRecordFrom(customer, userId, toUnix(now), existing, now);
    await session.customers.upsert(record);
    await recordAudit(session, ctx.clock, {
      action: audit.action,
      subjectType: 'customer',
      subjectId: customer.id,
      userId,
      data: { ...(audit.data ?? {}), ...beforeAndAfter(existing, record, CUSTOMER_FIELDS) },
    });
    return record;
  });
}

// ---------------------------------------------------------------------------------------------
// ensure, step by step

/** Runs work for one key after the work already queued for it; keys do not wait for each other. */
export function perKeyQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.then(() => work());
    const tail = result.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}

async function ensureCustomer(ctx: BillingContext, args: EnsureArgs): Promise<CustomerRecord> {
  const stored = await ctx.store.customers.findByUserId(args.userId);
  if (stored) return bringUpToDate(ctx, stored, args);
  const tagged = await findTaggedCustomer(ctx, args.userId);
  if (tagged) {
    const linked = await insertCustomer(ctx, tagged, args.userId, 'customer.linked');
    return bringUpToDate(ctx, linked, args);
  }
  const created = await createCustomer(ctx, args);
  if (!created) return adoptAfterConflict(ctx, args);
  const record = await insertCustomer(ctx, created, args.userId, 'customer.created');
  // When another call for this user won the race, its record comes back: apply this call's details.
  return record.stripeCustomerId === created.id ? record : bringUpToDate(ctx, record, args);
}

async function findTaggedCustomer(ctx: BillingContext, userId: string): Promise<Stripe.Customer | null> {
  const found = await ctx.gateway.call('customers.search', (stripe) =>
    stripe.customers.search({
      query: `metadata['${USER_ID_KEY}']:'${escapeSearchValue(userId)}'`,
      limit: 10,
      expand: ['data.tax_ids'],
    }),
  );
  // Should there be several (created outside Billkit), the oldest is the one Billkit made first.
  const oldestFirst = [...found.data].sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
  return oldestFirst[0] ?? null;
}

/** Stripe's search language quotes values with single quotes; a quote inside is escaped. */
function escapeSearchValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/**
 * Creates the Stripe customer. The idempotency key is the user's: concurrent or retried calls for
 * one user get one customer. Null when a call with other details holds that key (see adoptAfterConflict).
 */
async function createCustomer(ctx: BillingContext, args: EnsureArgs): Promise<Stripe.Customer | null> {
  const params: Stripe.CustomerCreateParams = {
    email: args.email,
    ...(args.name ? { name: args.name } : {}),
    ...(args.address ? { address: addressToStripe(args.address) } : {}),
    ...(args.taxId
      ? {
          tax_id_data: [
            { type: args.taxId.type as Stripe.CustomerCreateParams.TaxIdDatum.Type, value: args.taxId.value },
          ],
        }
      : {}),
    metadata: { [USER_ID_KEY]: args.userId },
    expand: ['tax_ids'],
  };
  try {
    return await ctx.gateway.call('customers.create', (stripe) =>
      stripe.customers.create(params, { idempotencyKey: idempotencyKey('customers.create', args.userId) }),
    );
  } catch (error) {
    if (isIdempotencyConflict(error)) return null;
    throw error;
  }
}

function isIdempotencyConflict(error: unknown): boolean {
  if (!(error instanceof BillingError)) return false;
  const cause = error.cause as { type?: string; rawType?: string } | undefined;
  return cause?.type === 'StripeIdempotencyError' || cause?.rawType === 'idempotency_error';
}

/**
 * Another call created this user's customer with other details (so the key refused ours): take
 * the customer it made, from the mirror or from Stripe, and apply this call's details to it.
 */
async function adoptAfterConflict(ctx: BillingContext, args: EnsureArgs): Promise<CustomerRecord> {
  const stored = await ctx.store.customers.findByUserId(args.userId);
  if (stored) return bringUpToDate(ctx, stored, args);
  const tagged = await findTaggedCustomer(ctx, args.userId);
  if (tagged)
    return bringUpToDate(ctx, await insertCustomer(ctx, tagged, args.userId, 'customer.linked'), args);
  throw new BillingError(
    'stripe_unavailable',
    `The Stripe customer of user ${args.userId} is being created by another request; try again in a moment.`,
  );
}

/**
 * Inserts the mirror row of a new customer with its audit entry. The store allows one row per user:
 * when a concurrent call got there first, its row is returned instead.
 */
async function insertCustomer(
  ctx: BillingContext,
  customer: Stripe.Customer,
  userId: string,
  action: 'customer.created' | 'customer.linked',
): Promise<CustomerRecord> {
  const now = ctx.clock.now();
  try {
    return await ctx.store.transaction(async (session) => {
      const record = customerRecordFrom(customer, userId, toUnix(now), null, now);
      await session.customers.insert(record);
      await recordAudit(session, ctx.clock, {
        action,
        subjectType: 'customer',
        subjectId: customer.id,
        userId,
        data: { email: record.email },
      });
      return record;
    });
  } catch (error) {
    if (!(error instanceof UniqueViolationError)) throw error;
    const winner = await ctx.store.customers.findByUserId(userId);
    if (!winner) {
      throw new BillingError(
        'invalid_state',
        `Stripe customer ${customer.id} is already mirrored for another user than ${userId}.`,
        { cause: error },
      );
    }
    if (winner.stripeCustomerId !== customer.id) {
      ctx.logger.warn('a second Stripe customer was created for one user; the mirror keeps the first', {
        userId,
        kept: winner.stripeCustomerId,
        extra: customer.id,
      });
    }
    return winner;
  }
}

function sameAddress(a: Address | null, b: Address | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Applies the details `ensure` was given where they differ from the stored customer. */
async function bringUpToDate(
  ctx: BillingContext,
  stored: CustomerRecord,
  args: EnsureArgs,
): Promise<CustomerRecord> {
  if (stored.deleted) {
    throw new BillingError(
      'invalid_state',
      `The billing customer of user ${args.userId} (${stored.stripeCustomerId}) was deleted in Stripe.`,
    );
  }
  const params: Stripe.CustomerUpdateParams = {};
  if (stored.email !== args.email) params.email = args.email;
  if (args.name !== undefined && stored.name !== args.name) params.name = args.name;
  if (args.address && !sameAddress(stored.address, args.address))
    params.address = addressToStripe(args.address);
  const taxIdChanged =
    args.taxId === null
      ? stored.taxId !== null
      : args.taxId !== undefined &&
        (stored.taxId?.type !== args.taxId.type || stored.taxId?.value !== args.taxId.value);
  const changed = [...Object.keys(params), ...(taxIdChanged ? ['taxId'] : [])];
  if (changed.length === 0) return stored;
  if (taxIdChanged) await replaceTaxId(ctx, stored, args.taxId ?? null);
  const updated = await ctx.gateway.call('customers.update', (stripe) =>
    stripe.customers.update(
      stored.stripeCustomerId,
      { ...params, expand: ['tax_ids'] },
      {
        idempotencyKey: idempotencyKey(
          'customers.update',
          stored.stripeCustomerId,
          stored.version,
          JSON.stringify({ params, taxId: args.taxId }),
        ),
      },
    ),
  );
  return writeCustomer(ctx, updated, args.userId, { action: 'customer.updated', data: { changed } });
}

/**
 * Adds the new tax id, then removes the customer's others (a customer has one tax id in Billkit);
 * with null, removes them all.
 */
async function replaceTaxId(
  ctx: BillingContext,
  stored: CustomerRecord,
  taxId: { type: string; value: string } | null,
): Promise<void> {
  const customerId = stored.stripeCustomerId;
  const added =
    taxId === null
      ? null
      : await ctx.gateway.call('customers.createTaxId', (stripe) =>
          stripe.customers.createTaxId(
            customerId,
            { type: taxId.type as Stripe.CustomerCreateTaxIdParams.Type, value: taxId.value },
            {
              idempotencyKey: idempotencyKey(
                'customers.createTaxId',
                customerId,
                stored.version,
                taxId.type,
                taxId.value,
              ),
            },
          ),
        );
  const all = await ctx.gateway.call('customers.listTaxIds', (stripe) =>
    stripe.customers.listTaxIds(customerId, { limit: 100 }),
  );
  for (const old of all.data) {
    if (old.id === added?.id) continue;
    await ctx.gateway.call('customers.deleteTaxId', (stripe) =>
      stripe.customers.deleteTaxId(customerId, old.id),
    );
  }
}

/**
 * A customer who moves in or out of the tax's country: their live subscription's tax rates follow
 * (under australianGst, GST for Australia, none for an export), from the next invoice on.
 */
async function retaxLiveSubscription(
  ctx: BillingContext,
  userId: string,
  country: string | null,
): Promise<void> {
  if (ctx.tax.kind !== 'australian_gst') return;
  const live = (await ctx.store.subscriptions.listByUserId(userId)).find((s) =>
    ['active', 'trialing', 'past_due', 'unpaid', 'paused'].includes(s.status),
  );
  if (!live) return;
  const wanted = await ctx.tax.taxRateIds(ctx.gateway, { country });
  const subscription = await ctx.gateway.call('subscriptions.retrieve', (stripe) =>
    stripe.subscriptions.retrieve(live.stripeSubscriptionId),
  );
  const current = (subscription.default_tax_rates ?? []).map((rate) => rate.id).sort();
  if (JSON.stringify(current) === JSON.stringify([...wanted].sort())) return;
  await ctx.gateway.call('subscriptions.update', (stripe) =>
    stripe.subscriptions.update(
      live.stripeSubscriptionId,
      { default_tax_rates: wanted.length > 0 ? wanted : '' },
      {
        idempotencyKey: idempotencyKey(
          'subscription.retax',
          live.stripeSubscriptionId,
          live.version,
          wanted.join(','),
        ),
      },
    ),
  );
}
