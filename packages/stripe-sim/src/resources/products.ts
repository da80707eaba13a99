// /v1/products: the catalog's products (create, retrieve, update, delete, list, search), and the
// search-query matcher that product and price search share.

import type Stripe from 'stripe';
import { changedAttributes, type SimContext, snapshot } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest, missingParam, resourceMissing, StripeSimError } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route, type RouteContext } from '../http/router.js';
import { insertPrice, newPrice, pricesOfProduct, readPriceTerms, rejectUnsupported } from './prices.js';
import { updateWithEvent } from './shared.js';

const PRODUCT_TYPES = ['good', 'service'] as const;
const MAX_IMAGES = 8;
const MAX_MARKETING_FEATURES = 15;
/** Stripe tax codes look like `txcd_10103000`. */
const TAX_CODE = /^txcd_\d{8}$/;

export const productRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/products', handler: ({ sim, params }) => createProduct(sim, params) },
  {
    method: 'GET',
    pattern: '/v1/products/search',
    handler: (ctx) =>
      searchCatalog(ctx, liveProducts(ctx.sim), '/v1/products', 'products', PRODUCT_SEARCH_FIELDS),
  },
  {
    method: 'GET',
    pattern: '/v1/products/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return sim.store.get<Stripe.Product>('product', path.id!, 'id');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/products/:id',
    handler: ({ sim, path, params }) => updateProduct(sim, path.id!, params),
  },
  {
    method: 'DELETE',
    pattern: '/v1/products/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return deleteProduct(sim, path.id!);
    },
  },
  { method: 'GET', pattern: '/v1/products', handler: (ctx) => listProducts(ctx) },
];

function liveProducts(sim: SimContext): Stripe.Product[] {
  return sim.store.all<Stripe.Product>('product');
}

/**
 * A product named in a request body (a price's `product`, a coupon's `applies_to`), or Stripe's
 * 400 `resource_missing` naming `param`.
 */
export function requireProduct(sim: SimContext, id: string, param: string): Stripe.Product {
  const product = sim.store.find<Stripe.Product>(id);
  if (product?.object === 'product') return product;
  throw new StripeSimError(400, resourceMissing('product', id, param).body);
}

/** A product that is not stored yet, with Stripe's defaults; `product_data` and `POST /v1/products` start here. */
export function newProduct(sim: SimContext, name: string, id?: string): Stripe.Product {
  if (id !== undefined) ensureProductIdFree(sim, id);
  const now = sim.now();
  return {
    id: id ?? newId('prod', 14),
    object: 'product',
    active: true,
    created: now,
    default_price: null,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
}

function ensureProductIdFree(sim: SimContext, id: string): void {
  if (!id) throw missingParam('id');
  if (sim.store.find(id)) {
    throw invalidRequest('Product already exists.', 'id', 'resource_already_exists');
  }
}

/** Stores a product and sends `product.created`. */
export function insertProduct(sim: SimContext, product: Stripe.Product): Stripe.Product {
  sim.store.insert(product);
  sim.emit('product.created', product);
  return product;
}

function createProduct(sim: SimContext, params: Params): Stripe.Product {
  const name = params.string('name');
  const product = newProduct(sim, name, params.optionalString('id'));
  product.type = params.optionalEnum('type', PRODUCT_TYPES) ?? 'service';
  Object.assign(product, readProductPatch(product, params));
  const defaultPrice = readDefaultPrice(sim, product, params.optionalObject('default_price_data'));
  params.done();
  if (defaultPrice) product.default_price = defaultPrice.id;
  insertProduct(sim, product);
  if (defaultPrice) insertPrice(sim, defaultPrice);
  return product;
}

/** `default_price_data`: the price a new product starts with, validated before anything is stored. */
function readDefaultPrice(
  sim: SimContext,
  product: Stripe.Product,
  data: Params | undefined,
): Stripe.Price | null {
  if (!data) return null;
  rejectUnsupported(data, 'default_price_data', ['currency_options', 'custom_unit_amount']);
  const terms = readPriceTerms(data, 'default_price_data', { usageAndMeter: false });
  const metadata = data.metadataPatch() ?? {};
  data.done();
  const price = newPrice(sim, product.id, terms);
  price.metadata = metadata;
  return price;
}

type ProductPatch = Partial<Stripe.Product>;

/** Reads every field create and update share, without touching the product (a bad param writes nothing). */
function readProductPatch(product: Stripe.Product, params: Params): ProductPatch {
  const patch: ProductPatch = {};
  const active = params.optionalBool('active');
  if (active !== undefined) patch.active = active;
  const shippable = params.optionalBool('shippable');
  if (shippable !== undefined) patch.shippable = shippable;
  for (const key of ['description', 'url'] as const) {
    const value = params.nullableString(key);
    if (value !== undefined) patch[key] = value;
  }
  readDescriptorFields(product, params, patch);
  readTaxFields(params, patch, product);
  const images = readImages(params);
  if (images) patch.images = images;
  const features = readMarketingFeatures(params);
  if (features) patch.marketing_features = features;
  const dimensions = readPackageDimensions(params);
  if (dimensions !== undefined) patch.package_dimensions = dimensions;
  const metadata = params.metadataPatch(product.metadata);
  if (metadata) patch.metadata = metadata;
  return patch;
}

function readDescriptorFields(product: Stripe.Product, params: Params, patch: ProductPatch): void {
  const descriptor = params.nullableString('statement_descriptor');
  if (descriptor !== undefined) {
    if (descriptor !== null) checkStatementDescriptor(descriptor);
    patch.statement_descriptor = descriptor;
  }
  const unitLabel = params.nullableString('unit_label');
  if (unitLabel !== undefined) {
    if (unitLabel !== null && unitLabel.length > 12) {
      throw invalidRequest('Invalid unit_label: must be at most 12 characters.', 'unit_label');
    }
    patch.unit_label = unitLabel;
  }
  const setsServiceOnlyField = Boolean(patch.statement_descriptor || patch.unit_label);
  if (setsServiceOnlyField && product.type === 'good') {
    const param = patch.statement_descriptor ? 'statement_descriptor' : 'unit_label';
    throw invalidRequest(
      `The \`${param}\` parameter may only be set on products with \`type=service\`.`,
      param,
    );
  }
}

/** Stripe's statement descriptor rules: at most 22 characters, at least one letter, none of `< > \ " '`. */
function checkStatementDescriptor(value: string): void {
  if (value.length > 22) {
    throw invalidRequest('The statement descriptor must be at most 22 characters.', 'statement_descriptor');
  }
  if (!/[a-zA-Z]/.test(value) || /[<>\\"']/.test(value)) {
    throw invalidRequest(
      'The statement descriptor must contain at least one letter and may not include any of the special characters <, >, \\, \', or ".',
      'statement_descriptor',
    );
  }
}

/** `tax_code` and `tax_details[tax_code]` name the same thing; both fields are kept in step. */
function readTaxFields(params: Params, patch: ProductPatch, product: Stripe.Product): void {
  const taxCode = params.nullableString('tax_code');
  const details = readTaxDetails(params);
  if (taxCode === undefined && details === undefined) return;
  const current: Stripe.Product.TaxDetails = {
    tax_code: (product.tax_code as string | null) ?? null,
    performance_location: product.tax_details?.performance_location ?? null,
  };
  const next = details === null ? { tax_code: null, performance_location: null } : { ...current, ...details };
  if (taxCode !== undefined) next.tax_code = taxCode;
  if (next.tax_code && !TAX_CODE.test(next.tax_code)) {
    throw new StripeSimError(400, resourceMissing('tax code', next.tax_code, 'tax_code').body);
  }
  patch.tax_code = next.tax_code;
  patch.tax_details = next.tax_code || next.performance_location ? next : null;
}

/** `tax_details[...]`: the keys sent, null when the whole hash is unset, undefined when absent. */
function readTaxDetails(params: Params): Partial<Stripe.Product.TaxDetails> | null | undefined {
  if (params.isUnset('tax_details')) return null;
  const details = params.optionalObject('tax_details');
  if (!details) return undefined;
  const read: Partial<Stripe.Product.TaxDetails> = {};
  const code = details.nullableString('tax_code');
  if (code !== undefined) read.tax_code = code;
  const location = details.optionalString('performance_location');
  if (location !== undefined) read.performance_location = location;
  details.done();
  return read;
}

function readImages(params: Params): string[] | undefined {
  if (params.isUnset('images')) return [];
  const images = params.optionalStringArray('images');
  if (images && images.length > MAX_IMAGES) {
    throw invalidRequest(`You can specify at most ${MAX_IMAGES} images.`, 'images');
  }
  return images;
}

function readMarketingFeatures(params: Params): Stripe.Product.MarketingFeature[] | undefined {
  if (params.isUnset('marketing_features')) return [];
  const items = params.optionalArray('marketing_features');
  if (!items) return undefined;
  if (items.length > MAX_MARKETING_FEATURES) {
    throw invalidRequest(
      `You can specify at most ${MAX_MARKETING_FEATURES} marketing features.`,
      'marketing_features',
    );
  }
  return items.map((item) => {
    const name = item.string('name');
    item.done();
    return { name };
  });
}

function readPackageDimensions(params: Params): Stripe.Product.PackageDimensions | null | undefined {
  if (params.isUnset('package_dimensions')) return null;
  const dimensions = params.optionalObject('package_dimensions');
  if (!dimensions) return undefined;
  const read = (key: string) => {
    const value = dimensions.optionalNumber(key);
    if (value === undefined) throw missingParam(`package_dimensions[${key}]`);
    return value;
  };
  const result = {
    height: read('height'),
    length: read('length'),
    weight: read('weight'),
    width: read('width'),
  };
  dimensions.done();
  return result;
}

function updateProduct(sim: SimContext, id: string, params: Params): Stripe.Product {
  const product = sim.store.get<Stripe.Product>('product', id, 'id');
  const patch = readProductPatch(product, params);
  const name = params.optionalString('name');
  if (name === '') throw emptyNotAllowed('name');
  if (name !== undefined) patch.name = name;
  const defaultPrice = params.optionalString('default_price');
  if (defaultPrice !== undefined) patch.default_price = checkDefaultPrice(sim, product, defaultPrice);
  params.done();
  return updateWithEvent(sim, product, 'product.updated', (p) => {
    const before = snapshot(p);
    Object.assign(p, patch);
    if (Object.keys(changedAttributes(before, p)).length > 0) p.updated = sim.now();
  });
}

function emptyNotAllowed(param: string): StripeSimError {
  return invalidRequest(
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    param,
    'parameter_invalid_empty',
  );
}

/** A new default price must be an active price of this very product. */
function checkDefaultPrice(sim: SimContext, product: Stripe.Product, priceId: string): string {
  if (priceId === '') throw emptyNotAllowed('default_price');
  const price = sim.store.find<Stripe.Price>(priceId);
  if (price?.object !== 'price') {
    throw new StripeSimError(400, resourceMissing('price', priceId, 'default_price').body);
  }
  if (price.product !== product.id) {
    throw invalidRequest(
      `The price \`${priceId}\` does not belong to the product \`${product.id}\`.`,
      'default_price',
    );
  }
  if (!price.active) {
    throw invalidRequest(
      `The price \`${priceId}\` is not active and cannot be the default price.`,
      'default_price',
    );
  }
  return priceId;
}

/** Stripe keeps a product that has prices: they can only be archived, so the product can only be archived. */
function deleteProduct(sim: SimContext, id: string): unknown {
  const product = sim.store.get<Stripe.Product>('product', id, 'id');
  if (pricesOfProduct(sim, id).length > 0) {
    throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.');
  }
  sim.store.remove(id);
  product.active = false;
  sim.emit('product.deleted', product);
  return { id, object: 'product', deleted: true };
}

function listProducts(ctx: RouteContext): unknown {
  const { params } = ctx;
  const active = params.optionalBool('active');
  const shippable = params.optionalBool('shippable');
  const ids = params.optionalStringArray('ids');
  const type = params.optionalString('type');
  const url = params.optionalString('url');
  const rows = liveProducts(ctx.sim).filter(
    (p) =>
      (active === undefined || p.active === active) &&
      (shippable === undefined || p.shippable === shippable) &&
      (!ids || ids.includes(p.id)) &&
      (!type || p.type === type) &&
      (!url || p.url === url),
  );
  const page = paginate(ctx, rows, '/v1/products');
  params.done();
  return page;
}

const PRODUCT_SEARCH_FIELDS: SearchFields<Stripe.Product> = {
  active: (p) => p.active,
  created: (p) => p.created,
  description: (p) => p.description,
  name: (p) => p.name,
  shippable: (p) => p.shippable,
  url: (p) => p.url,
};

/** How search reads each queryable field of an object (`metadata['key']` is always queryable). */
export type SearchFields<T> = Record<string, (row: T) => string | number | boolean | null | undefined>;

type Operator = ':' | '~' | '>' | '<' | '>=' | '<=' | '=';

interface Clause {
  negate: boolean;
  field: string;
  metadataKey?: string;
  operator: Operator;
  value: string;
}

const CLAUSE =
  /^(-)?(?:metadata\[(['"])(.+?)\2\]|([a-z_]+))\s*(:|~|>=|<=|>|<|=)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?))$/;

/**
 * Stripe's search query language over `rows`, for the forms hosts use: `field:'value'` (exact, case
 * insensitive), `field~'sub'` (substring), `created>123`, `metadata['k']:'v'`, a leading `-` to
 * negate, and clauses joined by AND or by OR (not both). Newest first, paged by `page` tokens.
 */
export function searchCatalog<T extends { id: string; metadata: Stripe.Metadata | null }>(
  ctx: RouteContext,
  rows: T[],
  url: string,
  resource: string,
  fields: SearchFields<T>,
): unknown {
  const { params } = ctx;
  const query = params.string('query');
  const limit = params.optionalInt('limit', { min: 1, max: 100 }) ?? 10;
  const offset = readPageToken(params.optionalString('page'));
  params.done();
  const { clauses, joiner } = parseQuery(query, resource, fields);
  const matches = [...rows].reverse().filter((row) => {
    const results = clauses.map((clause) => clauseMatches(row, clause, fields));
    return joiner === 'OR' ? results.some(Boolean) : results.every(Boolean);
  });
  const data = matches.slice(offset, offset + limit);
  const hasMore = offset + limit < matches.length;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? pageToken(offset + limit) : null,
    url,
    ...(ctx.expand.includes('total_count') ? { total_count: matches.length } : {}),
  };
}

function pageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function readPageToken(token: string | undefined): number {
  if (!token) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!match) throw invalidRequest(`Invalid page: ${token}`, 'page');
  return Number(match[1]);
}

function parseQuery<T>(
  query: string,
  resource: string,
  fields: SearchFields<T>,
): { clauses: Clause[]; joiner: 'AND' | 'OR' } {
  const { parts, joiners } = splitQuery(query);
  if (joiners.has('AND') && joiners.has('OR')) {
    throw invalidRequest('Search queries cannot combine AND and OR in the same query.', 'query');
  }
  const clauses = parts.map((part) => parseClause(part, resource, fields));
  return { clauses, joiner: joiners.has('OR') ? 'OR' : 'AND' };
}

/** Splits on ` AND ` / ` OR ` outside quoted values. */
function splitQuery(query: string): { parts: string[]; joiners: Set<'AND' | 'OR'> } {
  const parts: string[] = [];
  const joiners = new Set<'AND' | 'OR'>();
  let quote: string | null = null;
  let current = '';
  for (let i = 0; i < query.length; i++) {
    const char = query[i]!;
    if (quote) {
      if (char === quote) quote = null;
      current += char;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    const joiner = /^\s+(AND|OR)\s+/.exec(query.slice(i));
    if (joiner) {
      parts.push(current.trim());
      joiners.add(joiner[1] as 'AND' | 'OR');
      current = '';
      i += joiner[0].length - 1;
      continue;
    }
    current += char;
  }
  parts.push(current.trim());
  return { parts, joiners };
}

function parseClause<T>(text: string, resource: string, fields: SearchFields<T>): Clause {
  const m = CLAUSE.exec(text);
  if (!m) throw invalidRequest(`Invalid search query: ${text}`, 'query');
  const field = m[4] ?? 'metadata';
  if (field !== 'metadata' && !fields[field]) {
    throw invalidRequest(
      `Field \`${field}\` is an unsupported search field for resource \`${resource}\`. See https://docs.stripe.com/search#query-fields-for-${resource} for a list of supported fields.`,
      'query',
    );
  }
  const operator = m[5] as Operator;
  const value = m[6] ?? m[7] ?? m[8] ?? '';
  if (operator === '~' && value.length < 3) {
    throw invalidRequest('The substring operator `~` needs a value of at least 3 characters.', 'query');
  }
  return { negate: m[1] === '-', field, metadataKey: m[3], operator, value };
}

function clauseMatches<T extends { metadata: Stripe.Metadata | null }>(
  row: T,
  clause: Clause,
  fields: SearchFields<T>,
): boolean {
  const actual =
    clause.metadataKey !== undefined ? row.metadata?.[clause.metadataKey] : fields[clause.field]!(row);
  const matched = compare(actual, clause.operator, clause.value);
  return clause.negate ? !matched : matched;
}

function compare(
  actual: string | number | boolean | null | undefined,
  operator: Operator,
  value: string,
): boolean {
  if (actual === null || actual === undefined) return false;
  const text = String(actual).toLowerCase();
  switch (operator) {
    case ':':
      return text === value.toLowerCase();
    case '~':
      return text.includes(value.toLowerCase());
    case '=':
      return Number(actual) === Number(value);
    case '>':
      return Number(actual) > Number(value);
    case '<':
      return Number(actual) < Number(value);
    case '>=':
      return Number(actual) >= Number(value);
    case '<=':
      return Number(actual) <= Number(value);
  }
}
