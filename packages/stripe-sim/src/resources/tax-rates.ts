// /v1/tax_rates: manually defined percentage tax rates such as Australia's 10% GST (create, retrieve,
// update, list). The percentage and inclusiveness of a rate never change once it exists.

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { invalidRequest, missingParam, resourceMissing, StripeSimError } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route, type RouteContext } from '../http/router.js';
import { updateWithEvent } from './shared.js';

const TAX_TYPES = [
  'admissions_tax',
  'amusement_tax',
  'attendance_tax',
  'communications_tax',
  'digital_excise_tax',
  'entertainment_tax',
  'get_fund',
  'gross_receipts_tax',
  'gst',
  'hospitality_tax',
  'hst',
  'igst',
  'jct',
  'lease_tax',
  'luxury_tax',
  'mass_transit_parking_tax',
  'nhil',
  'parking_tax',
  'pst',
  'qst',
  'resort_tax',
  'retail_delivery_fee',
  'rst',
  'sales_tax',
  'service_tax',
  'tourism_tax',
  'utility_users_tax',
  'vat',
] as const;

const MAX_DISPLAY_NAME = 50;

export const taxRateRoutes: Route[] = [
  { method: 'POST', pattern: '/v1/tax_rates', handler: ({ sim, params }) => createTaxRate(sim, params) },
  {
    method: 'GET',
    pattern: '/v1/tax_rates/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return sim.store.get<Stripe.TaxRate>('tax_rate', path.id!, 'tax_rate');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/tax_rates/:id',
    handler: ({ sim, path, params }) => updateTaxRate(sim, path.id!, params),
  },
  { method: 'GET', pattern: '/v1/tax_rates', handler: (ctx) => listTaxRates(ctx) },
];

/**
 * A tax rate named in a request body (`default_tax_rates[0]`, `tax_rates[0]`), or Stripe's 400
 * `resource_missing`. Whether an archived rate may be used there is for the caller to decide.
 */
export function requireTaxRate(sim: SimContext, id: string, param: string): Stripe.TaxRate {
  const rate = sim.store.find<Stripe.TaxRate>(id);
  if (rate?.object === 'tax_rate') return rate;
  throw new StripeSimError(400, resourceMissing('tax rate', id, param).body);
}

function createTaxRate(sim: SimContext, params: Params): Stripe.TaxRate {
  const displayName = readDisplayName(params, true)!;
  const percentage = readPercentage(params);
  const inclusive = params.optionalBool('inclusive');
  if (inclusive === undefined) throw missingParam('inclusive');
  const rate: Stripe.TaxRate = {
    id: newId('txr'),
    object: 'tax_rate',
    active: true,
    country: null,
    created: sim.now(),
    description: null,
    display_name: displayName,
    effective_percentage: percentage,
    flat_amount: null,
    inclusive,
    jurisdiction: null,
    jurisdiction_level: null,
    livemode: false,
    metadata: {},
    percentage,
    rate_type: 'percentage',
    state: null,
    tax_type: null,
  };
  Object.assign(rate, readTaxRatePatch(params, rate));
  params.done();
  sim.store.insert(rate);
  sim.emit('tax_rate.created', rate);
  return rate;
}

function readDisplayName(params: Params, required: boolean): string | undefined {
  const name = required ? params.string('display_name') : params.optionalString('display_name');
  if (name === '') throw missingParam('display_name');
  if (name !== undefined && name.length > MAX_DISPLAY_NAME) {
    throw invalidRequest(`Display names can be at most ${MAX_DISPLAY_NAME} characters long.`, 'display_name');
  }
  return name;
}

/** A percentage from 0 to 100; decimals such as 8.875 are kept as sent. */
function readPercentage(params: Params): number {
  const percentage = params.optionalNumber('percentage');
  if (percentage === undefined) throw missingParam('percentage');
  const shown = Number.isInteger(percentage) ? percentage.toFixed(1) : String(percentage);
  if (percentage < 0) {
    throw invalidRequest(
      `This value must be greater than or equal to 0 (it currently is '${shown}').`,
      'percentage',
    );
  }
  if (percentage > 100) {
    throw invalidRequest(
      `This value must be less than or equal to 100 (it currently is '${shown}').`,
      'percentage',
    );
  }
  return percentage;
}

/** The fields create and update share; read without touching the rate, so a bad param writes nothing. */
function readTaxRatePatch(params: Params, rate: Stripe.TaxRate): Partial<Stripe.TaxRate> {
  const patch: Partial<Stripe.TaxRate> = {};
  const active = params.optionalBool('active');
  if (active !== undefined) patch.active = active;
  for (const key of ['description', 'jurisdiction', 'state'] as const) {
    const value = params.nullableString(key);
    if (value !== undefined) patch[key] = value;
  }
  const country = readCountry(params);
  if (country !== undefined) patch.country = country;
  const taxType = params.optionalEnum('tax_type', TAX_TYPES);
  if (taxType !== undefined) patch.tax_type = taxType;
  const metadata = params.metadataPatch(rate.metadata ?? {});
  if (metadata) patch.metadata = metadata;
  return patch;
}

function readCountry(params: Params): string | null | undefined {
  const country = params.nullableString('country');
  if (country && !/^[A-Za-z]{2}$/.test(country)) {
    throw invalidRequest(
      `Country '${country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.`,
      'country',
    );
  }
  return country ? country.toUpperCase() : country;
}

function updateTaxRate(sim: SimContext, id: string, params: Params): Stripe.TaxRate {
  const rate = sim.store.get<Stripe.TaxRate>('tax_rate', id, 'tax_rate');
  const patch = readTaxRatePatch(params, rate);
  const displayName = readDisplayName(params, false);
  if (displayName !== undefined) patch.display_name = displayName;
  params.done();
  return updateWithEvent(sim, rate, 'tax_rate.updated', (r) => {
    Object.assign(r, patch);
  });
}

function listTaxRates(ctx: RouteContext): unknown {
  const active = ctx.params.optionalBool('active');
  const inclusive = ctx.params.optionalBool('inclusive');
  const rows = ctx.sim.store
    .all<Stripe.TaxRate>('tax_rate')
    .filter(
      (rate) =>
        (active === undefined || rate.active === active) &&
        (inclusive === undefined || rate.inclusive === inclusive),
    );
  const page = paginate(ctx, rows, '/v1/tax_rates');
  ctx.params.done();
  return page;
}
