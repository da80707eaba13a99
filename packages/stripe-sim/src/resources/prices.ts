// /v1/prices: per-unit prices, one-time or recurring (create, retrieve, update, list, search). Prices
// are never deleted, only archived; lookup keys are unique and can be transferred.

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest, resourceMissing, StripeSimError } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route, type RouteContext } from '../http/router.js';
import { insertProduct, newProduct, requireProduct, type SearchFields, searchCatalog } from './products.js';
import { readCurrency, updateWithEvent } from './shared.js';

const INTERVALS = ['day', 'week', 'month', 'year'] as const;
const USAGE_TYPES = ['licensed', 'metered'] as const;
const TAX_BEHAVIORS = ['inclusive', 'exclusive', 'unspecified'] as const;
const PRICE_TYPES = ['one_time', 'recurring'] as const;
/** Stripe allows billing intervals of up to three years. */
const MAX_INTERVAL_COUNT: Record<(typeof INTERVALS)[number], number> = {
  day: 1095,
  week: 156,
  month: 36,
  year: 3,
};
const MAX_LOOKUP_KEY_LENGTH = 200;

export const priceRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/prices', handler: ({ sim, params }) => createPrice(sim, params) },
  {
    method: 'GET',
    pattern: '/v1/prices/search',
    handler: (ctx) =>
      searchCatalog(
        ctx,
        ctx.sim.store.all<Stripe.Price>('price'),
        '/v1/prices',
        'prices',
        PRICE_SEARCH_FIELDS,
      ),
  },
  {
    method: 'GET',
    pattern: '/v1/prices/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return sim.store.get<Stripe.Price>('price', path.id!, 'price');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/prices/:id',
    handler: ({ sim, path, params }) => updatePrice(sim, path.id!, params),
  },
  { method: 'GET', pattern: '/v1/prices', handler: (ctx) => listPrices(ctx) },
];

/**
 * A price named in a request body (e.g. `items[0][price]`), or Stripe's 400 `resource_missing`.
 * Whether the price is active is for the caller to decide.
 */
export function requirePrice(sim: SimContext, id: string, param = 'price'): Stripe.Price {
  const price = sim.store.find<Stripe.Price>(id);
  if (price?.object === 'price') return price;
  throw new StripeSimError(400, resourceMissing('price', id, param).body);
}

/** Every price of a product, archived ones included. */
export function pricesOfProduct(sim: SimContext, productId: string): Stripe.Price[] {
  return sim.store.all<Stripe.Price>('price').filter((price) => price.product === productId);
}

/** What a new price charges: amount, currency, recurrence and tax behaviour. */
export interface PriceTerms {
  currency: string;
  unit_amount: number | null;
  unit_amount_decimal: string;
  recurring: Stripe.Price.Recurring | null;
  tax_behavior: Stripe.Price.TaxBehavior;
}

/**
 * Reads a price's terms from `params` (the top level of `POST /v1/prices`, or a nested hash such as
 * `default_price_data`, named by `prefix` in errors). `usageAndMeter` allows `recurring[usage_type]`,
 * `[meter]` and `[trial_period_days]`, which only `POST /v1/prices` accepts.
 */
export function readPriceTerms(
  params: Params,
  prefix: string,
  options: { usageAndMeter: boolean },
): PriceTerms {
  const currency = readCurrency(params, 'currency')!;
  const amount = readUnitAmount(params, prefix);
  const recurring = readRecurring(
    params.optionalObject('recurring'),
    paramPath(prefix, 'recurring'),
    options,
  );
  const taxBehavior = params.optionalEnum('tax_behavior', TAX_BEHAVIORS) ?? 'unspecified';
  return { currency, ...amount, recurring, tax_behavior: taxBehavior };
}

function paramPath(prefix: string, key: string): string {
  return prefix ? `${prefix}[${key}]` : key;
}

function readUnitAmount(
  params: Params,
  prefix: string,
): Pick<PriceTerms, 'unit_amount' | 'unit_amount_decimal'> {
  const amount = params.optionalInt('unit_amount', { min: 0 });
  const decimal = params.optionalString('unit_amount_decimal');
  if (amount !== undefined && decimal !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: unit_amount, unit_amount_decimal.',
      paramPath(prefix, 'unit_amount'),
      'parameters_exclusive',
    );
  }
  if (amount !== undefined) return { unit_amount: amount, unit_amount_decimal: String(amount) };
  if (decimal !== undefined && decimal !== '') {
    return readDecimalAmount(decimal, paramPath(prefix, 'unit_amount_decimal'));
  }
  throw invalidRequest('Prices require an `unit_amount` or `unit_amount_decimal` parameter to be set.');
}

/** A decimal amount in minor units (at most 12 decimal places); `unit_amount` only when it is whole. */
function readDecimalAmount(
  value: string,
  param: string,
): Pick<PriceTerms, 'unit_amount' | 'unit_amount_decimal'> {
  const match = /^(\d+)(?:\.(\d{1,12}))?$/.exec(value);
  if (!match) throw invalidRequest(`Invalid decimal: ${value}`, param);
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (!fraction) return { unit_amount: Number(whole), unit_amount_decimal: whole };
  return { unit_amount: null, unit_amount_decimal: `${whole}.${fraction}` };
}

function readRecurring(
  recurring: Params | undefined,
  path: string,
  options: { usageAndMeter: boolean },
): Stripe.Price.Recurring | null {
  if (!recurring) return null;
  const interval = recurring.enum('interval', INTERVALS);
  const intervalCount = recurring.optionalInt('interval_count', { min: 1 }) ?? 1;
  if (intervalCount > MAX_INTERVAL_COUNT[interval]) {
    throw invalidRequest(
      'The maximum billing interval is three years (3 years, 36 months, 156 weeks or 1095 days).',
      `${path}[interval_count]`,
    );
  }
  const result: Stripe.Price.Recurring = {
    interval,
    interval_count: intervalCount,
    meter: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
  if (options.usageAndMeter) readUsageAndMeter(recurring, result);
  recurring.done();
  return result;
}

/** Since API version 2025-03-31.basil a metered price must name the billing meter that counts its usage. */
function readUsageAndMeter(recurring: Params, result: Stripe.Price.Recurring): void {
  result.usage_type = recurring.optionalEnum('usage_type', USAGE_TYPES) ?? 'licensed';
  result.meter = recurring.optionalString('meter') ?? null;
  result.trial_period_days = recurring.optionalInt('trial_period_days', { min: 0, max: 730 }) ?? null;
  if (result.usage_type === 'metered' && !result.meter) {
    throw invalidRequest(
      'Starting with Stripe version `2025-03-31.basil`, metered prices must be backed by meters.',
    );
  }
}

/**
 * Refuses, with a clear message, the pricing models the simulator does not compute (tiers, custom
 * amounts, per-currency options, quantity transforms), rather than storing what it would bill wrongly.
 */
export function rejectUnsupported(params: Params, prefix: string, keys: string[]): void {
  for (const key of keys) {
    if (params.has(key)) {
      throw invalidRequest(
        `\`${paramPath(prefix, key)}\` is not supported by the Billkit Stripe simulator, which models per-unit prices only.`,
        paramPath(prefix, key),
      );
    }
  }
}

/** A price that is not stored yet, with Stripe's defaults. */
export function newPrice(sim: SimContext, productId: string, terms: PriceTerms): Stripe.Price {
  return {
    id: newId('price'),
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: sim.now(),
    currency: terms.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: productId,
    recurring: terms.recurring,
    tax_behavior: terms.tax_behavior,
    tiers_mode: null,
    transform_quantity: null,
    type: terms.recurring ? 'recurring' : 'one_time',
    unit_amount: terms.unit_amount,
    // A string on the wire; stripe-node turns it into its Decimal type when it reads the response.
    unit_amount_decimal: terms.unit_amount_decimal as unknown as Stripe.Price['unit_amount_decimal'],
  };
}

/** Stores a price and sends `price.created`. */
export function insertPrice(sim: SimContext, price: Stripe.Price): Stripe.Price {
  sim.store.insert(price);
  sim.emit('price.created', price);
  return price;
}

function createPrice(sim: SimContext, params: Params): Stripe.Price {
  const billingScheme = params.optionalEnum('billing_scheme', ['per_unit', 'tiered'] as const);
  if (billingScheme === 'tiered') rejectUnsupported(params, '', ['billing_scheme']);
  rejectUnsupported(params, '', [
    'tiers',
    'tiers_mode',
    'custom_unit_amount',
    'currency_options',
    'transform_quantity',
  ]);
  const terms = readPriceTerms(params, '', { usageAndMeter: true });
  const { product, productToCreate } = readPriceProduct(sim, params);
  const price = newPrice(sim, product, terms);
  price.active = params.optionalBool('active') ?? true;
  price.nickname = params.nullableString('nickname') ?? null;
  price.metadata = params.metadataPatch() ?? {};
  const lookupKey = readLookupKey(params);
  const transfer = params.optionalBool('transfer_lookup_key');
  const holder = lookupKey ? lookupKeyHolder(sim, lookupKey, price.id, transfer) : null;
  params.done();
  if (productToCreate) insertProduct(sim, productToCreate);
  if (holder) releaseLookupKey(sim, holder);
  price.lookup_key = lookupKey ?? null;
  return insertPrice(sim, price);
}

/** `product` (an existing product) or `product_data` (a product created with the price), exactly one. */
function readPriceProduct(
  sim: SimContext,
  params: Params,
): { product: string; productToCreate?: Stripe.Product } {
  const productId = params.optionalString('product');
  const data = params.optionalObject('product_data');
  if (productId && data) {
    throw invalidRequest(
      'You may only specify one of these parameters: product, product_data.',
      'product',
      'parameters_exclusive',
    );
  }
  if (productId) return { product: requireProduct(sim, productId, 'product').id };
  if (!data) {
    throw invalidRequest('You must specify either `product` or `product_data` when creating a price.');
  }
  const product = newProduct(sim, data.string('name'), data.optionalString('id'));
  product.active = data.optionalBool('active') ?? true;
  product.metadata = data.metadataPatch() ?? {};
  product.statement_descriptor = data.optionalString('statement_descriptor') ?? null;
  product.unit_label = data.optionalString('unit_label') ?? null;
  const taxCode = data.optionalString('tax_code');
  if (taxCode) {
    product.tax_code = taxCode;
    product.tax_details = { tax_code: taxCode, performance_location: null };
  }
  data.done();
  return { product: product.id, productToCreate: product };
}

function readLookupKey(params: Params): string | null | undefined {
  const key = params.nullableString('lookup_key');
  if (key && key.length > MAX_LOOKUP_KEY_LENGTH) {
    throw invalidRequest(
      `Lookup keys can be at most ${MAX_LOOKUP_KEY_LENGTH} characters long.`,
      'lookup_key',
    );
  }
  return key;
}

/**
 * The other price (archived or not) that holds `key`, when it may be moved to `ownerId`; Stripe's
 * error when it is held and `transfer_lookup_key` was not true.
 */
function lookupKeyHolder(
  sim: SimContext,
  key: string,
  ownerId: string,
  transfer: boolean | undefined,
): Stripe.Price | null {
  const holder = sim.store.all<Stripe.Price>('price').find((p) => p.lookup_key === key && p.id !== ownerId);
  if (!holder) return null;
  if (transfer !== true) {
    throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, 'lookup_key');
  }
  return holder;
}

function releaseLookupKey(sim: SimContext, holder: Stripe.Price): void {
  updateWithEvent(sim, holder, 'price.updated', (p) => {
    p.lookup_key = null;
  });
}

function updatePrice(sim: SimContext, id: string, params: Params): Stripe.Price {
  const price = sim.store.get<Stripe.Price>('price', id, 'price');
  const patch: Partial<Stripe.Price> = {};
  const active = params.optionalBool('active');
  if (active !== undefined) patch.active = checkArchivable(sim, price, active);
  const nickname = params.nullableString('nickname');
  if (nickname !== undefined) patch.nickname = nickname;
  const metadata = params.metadataPatch(price.metadata);
  if (metadata) patch.metadata = metadata;
  const taxBehavior = params.optionalEnum('tax_behavior', TAX_BEHAVIORS);
  if (taxBehavior !== undefined) patch.tax_behavior = checkTaxBehaviorChange(price, taxBehavior);
  rejectUnsupported(params, '', ['currency_options']);
  const lookupKey = readLookupKey(params);
  const transfer = params.optionalBool('transfer_lookup_key');
  const holder = lookupKey ? lookupKeyHolder(sim, lookupKey, price.id, transfer) : null;
  if (lookupKey !== undefined) patch.lookup_key = lookupKey;
  params.done();
  if (holder) releaseLookupKey(sim, holder);
  return updateWithEvent(sim, price, 'price.updated', (p) => {
    Object.assign(p, patch);
  });
}

/** A product's default price stays active: Stripe asks to pick another default first. */
function checkArchivable(sim: SimContext, price: Stripe.Price, active: boolean): boolean {
  if (active) return true;
  const product = sim.store.find<Stripe.Product>(String(price.product));
  if (product?.default_price === price.id) {
    throw invalidRequest('This price cannot be archived because it is the default price of its product.');
  }
  return false;
}

/** Once a price is tax-inclusive or tax-exclusive, it stays so. */
function checkTaxBehaviorChange(
  price: Stripe.Price,
  next: Stripe.Price.TaxBehavior,
): Stripe.Price.TaxBehavior {
  const current = price.tax_behavior;
  if (current && current !== 'unspecified' && current !== next) {
    throw invalidRequest(
      `The price's \`tax_behavior\` is \`${current}\` and can no longer be changed; only a price with \`tax_behavior=unspecified\` can be updated to \`inclusive\` or \`exclusive\`.`,
      'tax_behavior',
    );
  }
  return next;
}

function listPrices(ctx: RouteContext): unknown {
  const { sim, params } = ctx;
  const active = params.optionalBool('active');
  const currency = params.optionalString('currency')?.toLowerCase();
  const product = params.optionalString('product');
  if (product) requireProduct(sim, product, 'product');
  const type = params.optionalEnum('type', PRICE_TYPES);
  const lookupKeys = params.optionalStringArray('lookup_keys');
  if (lookupKeys && lookupKeys.length > 10) {
    throw invalidRequest('You can specify at most 10 lookup keys.', 'lookup_keys');
  }
  const recurring = readRecurringFilter(params.optionalObject('recurring'));
  const rows = sim.store
    .all<Stripe.Price>('price')
    .filter(
      (p) =>
        (active === undefined || p.active === active) &&
        (!currency || p.currency === currency) &&
        (!product || p.product === product) &&
        (!type || p.type === type) &&
        (!lookupKeys || (p.lookup_key !== null && lookupKeys.includes(p.lookup_key))) &&
        matchesRecurringFilter(p, recurring),
    );
  const page = paginate(ctx, rows, '/v1/prices');
  params.done();
  return page;
}

type RecurringFilter = Partial<Pick<Stripe.Price.Recurring, 'interval' | 'usage_type' | 'meter'>>;

function readRecurringFilter(recurring: Params | undefined): RecurringFilter | null {
  if (!recurring) return null;
  const filter: RecurringFilter = {
    interval: recurring.optionalEnum('interval', INTERVALS),
    usage_type: recurring.optionalEnum('usage_type', USAGE_TYPES),
    meter: recurring.optionalString('meter'),
  };
  recurring.done();
  return filter;
}

function matchesRecurringFilter(price: Stripe.Price, filter: RecurringFilter | null): boolean {
  if (!filter) return true;
  const recurring = price.recurring;
  if (!recurring) return false;
  return (
    (!filter.interval || recurring.interval === filter.interval) &&
    (!filter.usage_type || recurring.usage_type === filter.usage_type) &&
    (!filter.meter || recurring.meter === filter.meter)
  );
}

const PRICE_SEARCH_FIELDS: SearchFields<Stripe.Price> = {
  active: (p) => p.active,
  created: (p) => p.created,
  currency: (p) => p.currency,
  lookup_key: (p) => p.lookup_key,
  product: (p) => (typeof p.product === 'string' ? p.product : p.product.id),
  type: (p) => p.type,
};
