// Plans as code → Stripe: one product per plan (custom id `billkit_<planId>`) and one active price
// per plan price, found again by lookup_key. A changed price is never edited (Stripe prices are
// immutable): a new one takes over the lookup_key and the old one is archived.

import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { recordAudit } from '../audit/audit.js';
import type { BillingContext } from '../context.js';
import { PLAN_ID_KEY } from '../context.js';
import { InvalidInputError } from '../errors/billing-error.js';
import { idOf } from '../mirror/stripe-to-records.js';
import { type Money, money } from '../money.js';
import { idempotencyKey } from '../stripe-gateway/stripe-gateway.js';
import type { Interval, PlanDefinition, PlanPriceDefinition } from './define-catalog.js';

/** Stripe accepts at most this many marketing features on a product. */
const MAX_MARKETING_FEATURES = 15;
/** `products.list({ ids })` and `prices.list({ lookup_keys })` take at most this many at once. */
const MAX_PRODUCT_IDS = 100;
const MAX_LOOKUP_KEYS = 10;

export type TaxBehavior = 'inclusive' | 'exclusive' | 'unspecified';

/** What sync did to one Stripe object. */
export interface CatalogSyncItem {
  kind: 'product' | 'price';
  planId: string;
  /** Prices only. */
  interval?: Interval;
  /** Prices only. */
  intervalCount?: number;
  /** Prices only: the lookup_key the price answers to. */
  lookupKey?: string;
  /**
   * `created`: nothing stood for it in Stripe; `updated`: changed in place (product fields, a
   * price re-activated or given its tax behaviour); `replaced`: a new price took the lookup_key and
   * the old one (`replacedStripeId`) was archived; `unchanged`: Stripe already matched the catalog.
   */
  action: 'created' | 'updated' | 'unchanged' | 'replaced';
  stripeId: string;
  /** For `replaced`: the archived price. */
  replacedStripeId?: string;
}

export interface CatalogSyncResult {
  items: CatalogSyncItem[];
  /** The tax strategy's Stripe tax rates, created when missing. */
  taxRateIds: string[];
}

export interface PlanPriceView {
  interval: Interval;
  intervalCount: number;
  amount: Money;
  taxBehavior: TaxBehavior;
  trialDays: number | null;
}

export interface PlanView {
  id: string;
  name: string;
  description: string | null;
  features: string[];
  prices: PlanPriceView[];
}

export function catalogApi(ctx: BillingContext) {
  return {
    /**
     * Creates or updates the Stripe products and prices of the catalog; safe to run on every deploy
     * (a second run changes nothing). Returns what happened to each product and price.
     */
    async sync(): Promise<CatalogSyncResult> {
      checkCatalogFitsStripe(ctx.catalog.plans);
      try {
        const taxRateIds = await ctx.tax.taxRateIds(ctx.gateway);
        const products = await findProducts(ctx, ctx.catalog.plans);
        const items: CatalogSyncItem[] = [];
        for (const plan of ctx.catalog.plans) {
          const product = await syncProduct(ctx, plan, products.get(productIdOf(plan.id)) ?? null);
          items.push(product.item);
          items.push(...(await syncPrices(ctx, plan, product.product)));
        }
        await ctx.store.transaction((session) =>
          recordAudit(session, ctx.clock, {
            action: 'catalog.synced',
            subjectType: 'catalog',
            subjectId: 'catalog',
            userId: null,
            data: { items, taxRateIds, changed: items.filter((i) => i.action !== 'unchanged').length },
          }),
        );
        return { items, taxRateIds };
      } finally {
        // Even a sync that failed half-way may have moved lookup keys to new prices.
        ctx.prices.clear();
      }
    },

    /** The catalog for display (plan picker, pricing page): no Stripe call. */
    plans(): PlanView[] {
      return ctx.catalog.plans.map((plan) => ({
        id: plan.id,
        name: plan.name,
        description: plan.description ?? null,
        features: [...plan.features],
        prices: plan.prices.map((price) => ({
          interval: price.interval,
          intervalCount: price.intervalCount,
          amount: money(price.amount, ctx.catalog.currency),
          taxBehavior: taxBehaviorOf(ctx, price),
          trialDays: price.trialDays ?? null,
        })),
      }));
    },
  };
}

/** Refuses, before any Stripe call, a catalog that Stripe would refuse half-way through a sync. */
function checkCatalogFitsStripe(plans: readonly PlanDefinition[]): void {
  const issues = plans.flatMap((plan, i) =>
    plan.features.length > MAX_MARKETING_FEATURES
      ? [
          {
            path: `plans.${i}.features`,
            message: `Stripe shows at most ${MAX_MARKETING_FEATURES} features per product; plan ${plan.id} has ${plan.features.length}`,
          },
        ]
      : [],
  );
  if (issues.length > 0) {
    throw new InvalidInputError(
      `The catalog cannot be synced: ${issues.map((i) => i.message).join('; ')}`,
      issues,
    );
  }
}

export function productIdOf(planId: string): string {
  return `billkit_${planId}`;
}

function taxBehaviorOf(ctx: BillingContext, price: PlanPriceDefinition): TaxBehavior {
  return price.taxBehavior ?? ctx.tax.defaultTaxBehavior;
}

/** A short fingerprint of request parameters, so a different request never reuses a key. */
function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Products

async function findProducts(
  ctx: BillingContext,
  plans: readonly PlanDefinition[],
): Promise<Map<string, Stripe.Product>> {
  const found = new Map<string, Stripe.Product>();
  for (const ids of chunks(
    plans.map((plan) => productIdOf(plan.id)),
    MAX_PRODUCT_IDS,
  )) {
    const page = await ctx.gateway.call('products.list', (stripe) =>
      stripe.products.list({ ids, limit: MAX_PRODUCT_IDS }),
    );
    for (const product of page.data) found.set(product.id, product);
  }
  return found;
}

interface DesiredProduct {
  name: string;
  description: string | null;
  metadata: Record<string, string>;
  features: string[];
}

function desiredProduct(plan: PlanDefinition): DesiredProduct {
  return {
    name: plan.name,
    description: plan.description ?? null,
    metadata: { ...plan.metadata, [PLAN_ID_KEY]: plan.id },
    features: plan.features,
  };
}

/** The fields where Stripe differs from the catalog; keys Billkit does not own are left alone. */
function productDifferences(product: Stripe.Product, want: DesiredProduct): string[] {
  const differences: string[] = [];
  if (!product.active) differences.push('active');
  if (product.name !== want.name) differences.push('name');
  if ((product.description ?? null) !== want.description) differences.push('description');
  if (Object.entries(want.metadata).some(([key, value]) => product.metadata[key] !== value)) {
    differences.push('metadata');
  }
  const features = product.marketing_features.map((f) => f.name ?? '');
  if (JSON.stringify(features) !== JSON.stringify(want.features)) differences.push('marketing_features');
  return differences;
}

async function syncProduct(
  ctx: BillingContext,
  plan: PlanDefinition,
  existing: Stripe.Product | null,
): Promise<{ product: Stripe.Product; item: CatalogSyncItem }> {
  const want = desiredProduct(plan);
  const id = productIdOf(plan.id);
  if (!existing) {
    const params: Stripe.ProductCreateParams = {
      id,
      name: want.name,
      ...(want.description ? { description: want.description } : {}),
      metadata: want.metadata,
      marketing_features: want.features.map((name) => ({ name })),
    };
    const product = await ctx.gateway.call('products.create', (stripe) =>
      stripe.products.create(params, {
        idempotencyKey: idempotencyKey('products.create', id, digest(params)),
      }),
    );
    return { product, item: { kind: 'product', planId: plan.id, action: 'created', stripeId: product.id } };
  }
  if (productDifferences(existing, want).length === 0) {
    return {
      product: existing,
      item: { kind: 'product', planId: plan.id, action: 'unchanged', stripeId: id },
    };
  }
  const params: Stripe.ProductUpdateParams = {
    active: true,
    name: want.name,
    // An empty string is how Stripe unsets a field.
    description: want.description ?? '',
    metadata: want.metadata,
    marketing_features: want.features.length > 0 ? want.features.map((name) => ({ name })) : '',
  };
  const product = await ctx.gateway.call('products.update', (stripe) =>
    stripe.products.update(id, params, {
      idempotencyKey: idempotencyKey('products.update', id, existing.updated, digest(params)),
    }),
  );
  return { product, item: { kind: 'product', planId: plan.id, action: 'updated', stripeId: id } };
}

// ---------------------------------------------------------------------------------------------
// Prices

interface PriceTerms {
  amount: number;
  currency: string;
  interval: Interval;
  intervalCount: number;
  taxBehavior: TaxBehavior;
}

async function syncPrices(
  ctx: BillingContext,
  plan: PlanDefinition,
  product: Stripe.Product,
): Promise<CatalogSyncItem[]> {
  const lookupKeys = plan.prices.map((price) => ctx.catalog.lookupKey(plan.id, price));
  const holders = await findPricesByLookupKey(ctx, lookupKeys);
  const items: CatalogSyncItem[] = [];
  let currentProduct = product;
  for (const price of plan.prices) {
    const lookupKey = ctx.catalog.lookupKey(plan.id, price);
    const terms: PriceTerms = {
      amount: price.amount,
      currency: ctx.catalog.currency,
      interval: price.interval,
      intervalCount: price.intervalCount,
      taxBehavior: taxBehaviorOf(ctx, price),
    };
    const synced = await syncPrice(
      ctx,
      plan,
      currentProduct,
      lookupKey,
      terms,
      holders.get(lookupKey) ?? null,
    );
    currentProduct = synced.product;
    items.push({
      kind: 'price',
      planId: plan.id,
      interval: price.interval,
      intervalCount: price.intervalCount,
      lookupKey,
      ...synced.outcome,
    });
  }
  return items;
}

/** The price holding each lookup_key, archived or not (a lookup_key belongs to one price at most). */
async function findPricesByLookupKey(
  ctx: BillingContext,
  lookupKeys: string[],
): Promise<Map<string, Stripe.Price>> {
  const found = new Map<string, Stripe.Price>();
  for (const keys of chunks(lookupKeys, MAX_LOOKUP_KEYS)) {
    const page = await ctx.gateway.call('prices.list', (stripe) =>
      stripe.prices.list({ lookup_keys: keys, limit: 100 }),
    );
    for (const price of page.data) {
      if (!price.lookup_key) continue;
      const seen = found.get(price.lookup_key);
      // Should Stripe ever answer with two, the active one is the one that counts.
      if (!seen || (!seen.active && price.active)) found.set(price.lookup_key, price);
    }
  }
  return found;
}

function chargesTerms(price: Stripe.Price, productId: string, terms: PriceTerms): boolean {
  return (
    idOf(price.product as string) === productId &&
    price.unit_amount === terms.amount &&
    price.currency === terms.currency &&
    price.recurring?.interval === terms.interval &&
    price.recurring?.interval_count === terms.intervalCount
  );
}

function stripeTaxBehavior(price: Stripe.Price): TaxBehavior {
  if (price.tax_behavior === 'inclusive') return 'inclusive';
  if (price.tax_behavior === 'exclusive') return 'exclusive';
  return 'unspecified';
}

type PriceOutcome = Pick<CatalogSyncItem, 'action' | 'stripeId' | 'replacedStripeId'>;

async function syncPrice(
  ctx: BillingContext,
  plan: PlanDefinition,
  product: Stripe.Product,
  lookupKey: string,
  terms: PriceTerms,
  holder: Stripe.Price | null,
): Promise<{ product: Stripe.Product; outcome: PriceOutcome }> {
  if (holder && chargesTerms(holder, product.id, terms)) {
    const taxBehavior = stripeTaxBehavior(holder);
    // Stripe lets an `unspecified` price become inclusive or exclusive once; any other change needs a new price.
    const taxFixable = taxBehavior === terms.taxBehavior || taxBehavior === 'unspecified';
    if (taxFixable) {
      if (holder.active && taxBehavior === terms.taxBehavior) {
        return { product, outcome: { action: 'unchanged', stripeId: holder.id } };
      }
      const updated = await reviveOrRetax(ctx, holder, terms);
      return { product, outcome: { action: 'updated', stripeId: updated.id } };
    }
  }
  const created = await createPrice(ctx, plan, product.id, lookupKey, terms, holder);
  if (!holder?.active) {
    return { product, outcome: { action: 'created', stripeId: created.id } };
  }
  const current = await moveDefaultPrice(ctx, product, holder.id, created.id);
  await ctx.gateway.call('prices.update', (stripe) =>
    stripe.prices.update(
      holder.id,
      { active: false },
      { idempotencyKey: idempotencyKey('prices.archive', holder.id) },
    ),
  );
  return {
    product: current,
    outcome: { action: 'replaced', stripeId: created.id, replacedStripeId: holder.id },
  };
}

/** A price that already charges the right amount: re-activated, or given its tax behaviour. */
async function reviveOrRetax(
  ctx: BillingContext,
  price: Stripe.Price,
  terms: PriceTerms,
): Promise<Stripe.Price> {
  const params: Stripe.PriceUpdateParams = {
    ...(price.active ? {} : { active: true }),
    ...(stripeTaxBehavior(price) === terms.taxBehavior ? {} : { tax_behavior: terms.taxBehavior }),
  };
  const from = { active: price.active, taxBehavior: stripeTaxBehavior(price) };
  return ctx.gateway.call('prices.update', (stripe) =>
    stripe.prices.update(price.id, params, {
      idempotencyKey: idempotencyKey('prices.update', price.id, digest({ from, params })),
    }),
  );
}

async function createPrice(
  ctx: BillingContext,
  plan: PlanDefinition,
  productId: string,
  lookupKey: string,
  terms: PriceTerms,
  holder: Stripe.Price | null,
): Promise<Stripe.Price> {
  const every = terms.intervalCount === 1 ? terms.interval : `${terms.intervalCount} ${terms.interval}s`;
  const params: Stripe.PriceCreateParams = {
    product: productId,
    currency: terms.currency,
    unit_amount: terms.amount,
    recurring: { interval: terms.interval, interval_count: terms.intervalCount },
    tax_behavior: terms.taxBehavior,
    lookup_key: lookupKey,
    // The lookup_key may still be held by the price this one replaces, or by an archived one.
    transfer_lookup_key: true,
    nickname: `${plan.name} / ${every}`,
    metadata: { [PLAN_ID_KEY]: plan.id },
  };
  // Keyed on the price it takes over: a retry replays, a later change of the same price does not.
  const key = idempotencyKey('prices.create', lookupKey, holder?.id ?? 'none', digest(params));
  return ctx.gateway.call('prices.create', (stripe) => stripe.prices.create(params, { idempotencyKey: key }));
}

/** Stripe refuses to archive a product's default price: the new price becomes the default first. */
async function moveDefaultPrice(
  ctx: BillingContext,
  product: Stripe.Product,
  fromPriceId: string,
  toPriceId: string,
): Promise<Stripe.Product> {
  if (idOf(product.default_price as string | null) !== fromPriceId) return product;
  return ctx.gateway.call('products.update', (stripe) =>
    stripe.products.update(
      product.id,
      { default_price: toPriceId },
      { idempotencyKey: idempotencyKey('products.default_price', product.id, fromPriceId, toPriceId) },
    ),
  );
}
