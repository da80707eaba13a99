// The catalog through the real `stripe` client: products, prices, coupons, promotion codes and tax
// rates, with Stripe's defaults, its refusals (same type, code, param and status) and its events.
// Their shapes against Stripe's published objects are checked in test/shape/.

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createStripeSim, type StripeSim } from '../src/index.js';

async function eventsOfType(sim: StripeSim, type: string): Promise<Stripe.Event[]> {
  const page = await sim.stripe.events.list({ type, limit: 100 });
  return page.data;
}

async function givenProduct(sim: StripeSim, params: Partial<Stripe.ProductCreateParams> = {}) {
  return sim.stripe.products.create({ name: 'Pro plan', ...params });
}

async function givenMonthlyPrice(sim: StripeSim, params: Partial<Stripe.PriceCreateParams> = {}) {
  const product = params.product ?? (await givenProduct(sim)).id;
  return sim.stripe.prices.create({
    currency: 'aud',
    unit_amount: 1000,
    recurring: { interval: 'month' },
    ...params,
    product,
  });
}

describe('products', () => {
  it("creates a product with Stripe's defaults, shaped like Stripe's example product", async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim, { description: 'Everything', metadata: { tier: 'pro' } });
    expect(product).toMatchObject({
      object: 'product',
      name: 'Pro plan',
      description: 'Everything',
      active: true,
      default_price: null,
      images: [],
      marketing_features: [],
      metadata: { tier: 'pro' },
      type: 'service',
      livemode: false,
    });
    expect(product.id).toMatch(/^prod_/);
    expect(product.updated).toBe(product.created);
    expect(
      (await eventsOfType(sim, 'product.created')).map((e) => (e.data.object as Stripe.Product).id),
    ).toEqual([product.id]);
  });

  it('answers a missing name with parameter_missing on name', async () => {
    const sim = createStripeSim();
    await expect(sim.stripe.products.create({} as Stripe.ProductCreateParams)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'parameter_missing',
      param: 'name',
      statusCode: 400,
      message: 'Missing required param: name.',
    });
  });

  it('creates the default price from default_price_data and sends product.created before price.created', async () => {
    const sim = createStripeSim();
    const product = await sim.stripe.products.create({
      name: 'Résumé Pro',
      default_price_data: {
        currency: 'aud',
        unit_amount: 1000,
        recurring: { interval: 'month' },
        tax_behavior: 'inclusive',
      },
    });
    const price = await sim.stripe.prices.retrieve(String(product.default_price));
    expect(price).toMatchObject({
      product: product.id,
      unit_amount: 1000,
      currency: 'aud',
      type: 'recurring',
      tax_behavior: 'inclusive',
    });
    const events = await sim.stripe.events.list({ types: ['product.created', 'price.created'] });
    expect(events.data.map((e) => e.type).reverse()).toEqual(['product.created', 'price.created']);
    expect((events.data[1]!.data.object as Stripe.Product).default_price).toBe(price.id);
  });

  it('names the nested param when default_price_data is incomplete', async () => {
    const sim = createStripeSim();
    await expect(
      sim.stripe.products.create({ name: 'x', default_price_data: { unit_amount: 5 } as never }),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'default_price_data[currency]' });
    expect((await sim.stripe.products.list()).data).toEqual([]);
  });

  it('keeps a custom id and refuses a second product with the same id', async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim, { id: 'pro_monthly' });
    expect(product.id).toBe('pro_monthly');
    await expect(givenProduct(sim, { id: 'pro_monthly' })).rejects.toMatchObject({
      code: 'resource_already_exists',
      message: 'Product already exists.',
      statusCode: 400,
    });
  });

  it('moves `updated` forward and sends previous_attributes when a product changes', async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim, { metadata: { a: '1' } });
    await sim.clock.advance({ minutes: 5 });
    const updated = await sim.stripe.products.update(product.id, {
      name: 'Pro',
      description: 'New',
      metadata: { b: '2' },
    });
    expect(updated).toMatchObject({ name: 'Pro', description: 'New', metadata: { a: '1', b: '2' } });
    expect(updated.updated).toBe(product.created + 300);
    const [event] = await eventsOfType(sim, 'product.updated');
    expect(event!.data.previous_attributes).toMatchObject({
      name: 'Pro plan',
      description: null,
      updated: product.updated,
    });
  });

  it('leaves `updated` alone and sends no event when an update changes nothing', async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim);
    await sim.clock.advance({ minutes: 5 });
    const same = await sim.stripe.products.update(product.id, { name: 'Pro plan' });
    expect(same.updated).toBe(product.updated);
    expect(await eventsOfType(sim, 'product.updated')).toEqual([]);
  });

  it('refuses to delete a product that has prices, as Stripe does', async () => {
    const sim = createStripeSim();
    const price = await givenMonthlyPrice(sim);
    const error = await sim.stripe.products.del(String(price.product)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      message: 'This product cannot be deleted because it has one or more user-created prices.',
    });
    expect((error as Stripe.errors.StripeError).param).toBeUndefined();
    expect((await sim.stripe.products.retrieve(String(price.product))).active).toBe(true);
  });

  it('deletes a product without prices: it answers 404 afterwards and product.deleted is sent', async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim);
    expect(await sim.stripe.products.del(product.id)).toMatchObject({
      id: product.id,
      object: 'product',
      deleted: true,
    });
    await expect(sim.stripe.products.retrieve(product.id)).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: `No such product: '${product.id}'`,
    });
    const [event] = await eventsOfType(sim, 'product.deleted');
    expect(event!.data.object).toMatchObject({ id: product.id, active: false });
  });

  it('lists products newest first, filtered by active and by ids', async () => {
    const sim = createStripeSim();
    const first = await givenProduct(sim, { name: 'one' });
    const second = await givenProduct(sim, { name: 'two', active: false });
    const third = await givenProduct(sim, { name: 'three' });
    expect((await sim.stripe.products.list()).data.map((p) => p.id)).toEqual([third.id, second.id, first.id]);
    expect((await sim.stripe.products.list({ active: false })).data.map((p) => p.id)).toEqual([second.id]);
    expect((await sim.stripe.products.list({ ids: [first.id, third.id] })).data.map((p) => p.id)).toEqual([
      third.id,
      first.id,
    ]);
    const page = await sim.stripe.products.list({ limit: 2 });
    expect(page.has_more).toBe(true);
  });

  it('finds products by search query on active, metadata and name', async () => {
    const sim = createStripeSim();
    const pro = await givenProduct(sim, { name: 'Pro plan', metadata: { plan: 'pro' } });
    await givenProduct(sim, { name: 'Basic plan', metadata: { plan: 'basic' } });
    await givenProduct(sim, { name: 'Old pro', metadata: { plan: 'pro' }, active: false });
    const found = await sim.stripe.products.search({ query: "active:'true' AND metadata['plan']:'pro'" });
    expect(found.data.map((p) => p.id)).toEqual([pro.id]);
    const byName = await sim.stripe.products.search({ query: "name~'plan'" });
    expect(byName.data).toHaveLength(2);
    await expect(sim.stripe.products.search({ query: "colour:'red'" })).rejects.toMatchObject({
      param: 'query',
    });
  });

  it('pages through search results with next_page', async () => {
    const sim = createStripeSim();
    for (const name of ['a', 'b', 'c']) await givenProduct(sim, { name, metadata: { batch: '1' } });
    const first = await sim.stripe.products.search({ query: "metadata['batch']:'1'", limit: 2 });
    expect(first.has_more).toBe(true);
    const second = await sim.stripe.products.search({
      query: "metadata['batch']:'1'",
      limit: 2,
      page: first.next_page!,
    });
    expect(second.data.map((p) => p.name)).toEqual(['a']);
    expect(second.has_more).toBe(false);
  });
});

describe('prices', () => {
  it('creates a recurring monthly price, shaped like Stripe example price', async () => {
    const sim = createStripeSim();
    const price = await givenMonthlyPrice(sim, { nickname: 'Monthly', metadata: { plan: 'pro' } });
    expect(price).toMatchObject({
      object: 'price',
      active: true,
      billing_scheme: 'per_unit',
      currency: 'aud',
      unit_amount: 1000,
      type: 'recurring',
      recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed', meter: null },
      tax_behavior: 'unspecified',
      lookup_key: null,
      nickname: 'Monthly',
    });
    expect(String(price.unit_amount_decimal)).toBe('1000');
  });

  it('makes a price without recurring a one_time price', async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim);
    const price = await sim.stripe.prices.create({ currency: 'AUD', unit_amount: 500, product: product.id });
    expect(price).toMatchObject({ type: 'one_time', recurring: null, currency: 'aud' });
  });

  it('answers a missing currency exactly as Stripe does', async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim);
    await expect(
      sim.stripe.prices.create({ unit_amount: 1000, product: product.id } as Stripe.PriceCreateParams),
    ).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'parameter_missing',
      param: 'currency',
      statusCode: 400,
      message: 'Missing required param: currency.',
    });
  });

  it('requires an amount, and either product or product_data but not both', async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim);
    await expect(sim.stripe.prices.create({ currency: 'aud', product: product.id })).rejects.toMatchObject({
      message: 'Prices require an `unit_amount` or `unit_amount_decimal` parameter to be set.',
    });
    await expect(sim.stripe.prices.create({ currency: 'aud', unit_amount: 1 })).rejects.toMatchObject({
      message: 'You must specify either `product` or `product_data` when creating a price.',
    });
    await expect(
      sim.stripe.prices.create({
        currency: 'aud',
        unit_amount: 1,
        product: product.id,
        product_data: { name: 'x' },
      }),
    ).rejects.toMatchObject({
      param: 'product',
      message: 'You may only specify one of these parameters: product, product_data.',
    });
    await expect(
      sim.stripe.prices.create({ currency: 'aud', unit_amount: 1, product: 'prod_nope' }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'product',
      message: "No such product: 'prod_nope'",
    });
  });

  it('creates the product along with the price from product_data', async () => {
    const sim = createStripeSim();
    const price = await sim.stripe.prices.create({
      currency: 'aud',
      unit_amount: 2500,
      product_data: { name: 'Coaching session' },
    });
    const product = await sim.stripe.products.retrieve(String(price.product));
    expect(product).toMatchObject({ name: 'Coaching session', active: true });
    expect(await eventsOfType(sim, 'product.created')).toHaveLength(1);
  });

  it('keeps a fractional unit_amount_decimal and leaves unit_amount null', async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim);
    const price = await sim.stripe.prices.create({
      currency: 'aud',
      unit_amount_decimal: Stripe.Decimal.from('0.125'),
      product: product.id,
    });
    expect(price.unit_amount).toBeNull();
    expect(String(price.unit_amount_decimal)).toBe('0.125');
  });

  it('refuses metered prices without a meter, and tiered prices, with a clear error', async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim);
    await expect(
      sim.stripe.prices.create({
        currency: 'aud',
        unit_amount: 5,
        product: product.id,
        recurring: { interval: 'month', usage_type: 'metered' },
      }),
    ).rejects.toMatchObject({
      message: 'Starting with Stripe version `2025-03-31.basil`, metered prices must be backed by meters.',
    });
    await expect(
      sim.stripe.prices.create({
        currency: 'aud',
        product: product.id,
        billing_scheme: 'tiered',
        tiers_mode: 'volume',
        tiers: [{ up_to: 'inf', unit_amount: 5 }],
      }),
    ).rejects.toMatchObject({ param: 'billing_scheme', message: expect.stringContaining('not supported') });
  });

  it('refuses a billing interval longer than three years', async () => {
    const sim = createStripeSim();
    await expect(
      givenMonthlyPrice(sim, { recurring: { interval: 'month', interval_count: 37 } }),
    ).rejects.toMatchObject({
      param: 'recurring[interval_count]',
    });
    const triennial = await givenMonthlyPrice(sim, { recurring: { interval: 'year', interval_count: 3 } });
    expect(triennial.recurring).toMatchObject({ interval: 'year', interval_count: 3 });
  });

  it('refuses a lookup key another price holds, even an archived one', async () => {
    const sim = createStripeSim();
    const holder = await givenMonthlyPrice(sim, { lookup_key: 'pro_monthly' });
    await sim.stripe.prices.update(holder.id, { active: false });
    await expect(givenMonthlyPrice(sim, { lookup_key: 'pro_monthly' })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'lookup_key',
      statusCode: 400,
      message: `A price (\`${holder.id}\`) already uses that lookup key.`,
    });
  });

  it('moves a lookup key with transfer_lookup_key and sends price.updated for the old price', async () => {
    const sim = createStripeSim();
    const old = await givenMonthlyPrice(sim, { lookup_key: 'pro_monthly' });
    const next = await givenMonthlyPrice(sim, {
      unit_amount: 1200,
      lookup_key: 'pro_monthly',
      transfer_lookup_key: true,
    });
    expect(next.lookup_key).toBe('pro_monthly');
    expect((await sim.stripe.prices.retrieve(old.id)).lookup_key).toBeNull();
    const [event] = await eventsOfType(sim, 'price.updated');
    expect(event!.data.object).toMatchObject({ id: old.id, lookup_key: null });
    expect(event!.data.previous_attributes).toEqual({ lookup_key: 'pro_monthly' });
    const found = await sim.stripe.prices.list({ lookup_keys: ['pro_monthly'] });
    expect(found.data.map((p) => p.id)).toEqual([next.id]);
  });

  it('transfers a lookup key on update too', async () => {
    const sim = createStripeSim();
    const old = await givenMonthlyPrice(sim, { lookup_key: 'k' });
    const other = await givenMonthlyPrice(sim);
    await expect(sim.stripe.prices.update(other.id, { lookup_key: 'k' })).rejects.toMatchObject({
      param: 'lookup_key',
    });
    const moved = await sim.stripe.prices.update(other.id, { lookup_key: 'k', transfer_lookup_key: true });
    expect(moved.lookup_key).toBe('k');
    expect((await sim.stripe.prices.retrieve(old.id)).lookup_key).toBeNull();
  });

  it('lets tax_behavior change only while it is unspecified', async () => {
    const sim = createStripeSim();
    const price = await givenMonthlyPrice(sim);
    const inclusive = await sim.stripe.prices.update(price.id, { tax_behavior: 'inclusive' });
    expect(inclusive.tax_behavior).toBe('inclusive');
    await expect(sim.stripe.prices.update(price.id, { tax_behavior: 'exclusive' })).rejects.toMatchObject({
      param: 'tax_behavior',
      statusCode: 400,
    });
  });

  it('refuses to archive the default price of a product', async () => {
    const sim = createStripeSim();
    const product = await sim.stripe.products.create({
      name: 'x',
      default_price_data: { currency: 'aud', unit_amount: 100 },
    });
    await expect(
      sim.stripe.prices.update(String(product.default_price), { active: false }),
    ).rejects.toMatchObject({
      message: 'This price cannot be archived because it is the default price of its product.',
    });
    const other = await givenMonthlyPrice(sim, { product: product.id });
    await sim.stripe.products.update(product.id, { default_price: other.id });
    const archived = await sim.stripe.prices.update(String(product.default_price), { active: false });
    expect(archived.active).toBe(false);
  });

  it('refuses unknown update params such as unit_amount, which cannot change', async () => {
    const sim = createStripeSim();
    const price = await givenMonthlyPrice(sim);
    await expect(sim.stripe.prices.update(price.id, { unit_amount: 5 } as never)).rejects.toMatchObject({
      code: 'parameter_unknown',
      param: 'unit_amount',
    });
  });

  it('cannot be deleted: DELETE on a price is an unrecognized URL', async () => {
    const sim = createStripeSim();
    const price = await givenMonthlyPrice(sim);
    await expect(sim.stripe.rawRequest('DELETE', `/v1/prices/${price.id}`)).rejects.toMatchObject({
      statusCode: 404,
      message: expect.stringMatching(/^Unrecognized request URL/),
    });
  });

  it('answers 404 naming the price for an unknown price id', async () => {
    const sim = createStripeSim();
    await expect(sim.stripe.prices.retrieve('price_nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'price',
      message: "No such price: 'price_nope'",
    });
  });

  it('lists prices by product, type, active, lookup_keys and recurring interval', async () => {
    const sim = createStripeSim();
    const product = await givenProduct(sim);
    const monthly = await givenMonthlyPrice(sim, { product: product.id, lookup_key: 'm' });
    const yearly = await givenMonthlyPrice(sim, {
      product: product.id,
      recurring: { interval: 'year' },
      lookup_key: 'y',
    });
    const once = await sim.stripe.prices.create({ currency: 'aud', unit_amount: 5000, product: product.id });
    await givenMonthlyPrice(sim);
    const ids = async (params: Stripe.PriceListParams) =>
      (await sim.stripe.prices.list(params)).data.map((p) => p.id);
    expect(await ids({ product: product.id })).toEqual([once.id, yearly.id, monthly.id]);
    expect(await ids({ product: product.id, type: 'recurring' })).toEqual([yearly.id, monthly.id]);
    expect(await ids({ product: product.id, recurring: { interval: 'year' } })).toEqual([yearly.id]);
    expect(await ids({ lookup_keys: ['m', 'y'] })).toEqual([yearly.id, monthly.id]);
    await sim.stripe.prices.update(monthly.id, { active: false });
    expect(await ids({ product: product.id, active: false })).toEqual([monthly.id]);
    await expect(sim.stripe.prices.list({ product: 'prod_nope' })).rejects.toMatchObject({
      statusCode: 400,
      message: "No such product: 'prod_nope'",
    });
  });

  it('searches prices by lookup_key, currency and metadata', async () => {
    const sim = createStripeSim();
    const pro = await givenMonthlyPrice(sim, { lookup_key: 'pro', metadata: { plan: 'pro' } });
    await givenMonthlyPrice(sim, { currency: 'usd', metadata: { plan: 'pro' } });
    const found = await sim.stripe.prices.search({ query: "currency:'AUD' AND metadata['plan']:'pro'" });
    expect(found.data.map((p) => p.id)).toEqual([pro.id]);
    const byKey = await sim.stripe.prices.search({ query: "lookup_key:'pro'" });
    expect(byKey.data.map((p) => p.id)).toEqual([pro.id]);
  });
});

describe('coupons', () => {
  it("creates a percent-off coupon with a generated 8-character id, shaped like Stripe's example", async () => {
    const sim = createStripeSim();
    const coupon = await sim.stripe.coupons.create({ percent_off: 25.5, duration: 'forever' });
    expect(coupon.id).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(coupon).toMatchObject({
      object: 'coupon',
      percent_off: 25.5,
      amount_off: null,
      duration: 'forever',
      duration_in_months: null,
      times_redeemed: 0,
      valid: true,
    });
    expect(await eventsOfType(sim, 'coupon.created')).toHaveLength(1);
  });

  it('creates a repeating amount-off coupon with a custom id and refuses the id twice', async () => {
    const sim = createStripeSim();
    const coupon = await sim.stripe.coupons.create({
      id: 'WELCOME5',
      amount_off: 500,
      currency: 'AUD',
      duration: 'repeating',
      duration_in_months: 3,
      max_redemptions: 100,
    });
    expect(coupon).toMatchObject({ id: 'WELCOME5', amount_off: 500, currency: 'aud', duration_in_months: 3 });
    await expect(sim.stripe.coupons.create({ id: 'WELCOME5', percent_off: 5 })).rejects.toMatchObject({
      code: 'resource_already_exists',
      message: 'Coupon already exists.',
    });
  });

  it('requires exactly one of percent_off and amount_off, with Stripe messages', async () => {
    const sim = createStripeSim();
    await expect(sim.stripe.coupons.create({ duration: 'once' })).rejects.toMatchObject({
      code: 'parameter_missing',
      message: 'Must provide percent_off or amount_off.',
    });
    await expect(
      sim.stripe.coupons.create({ percent_off: 10, amount_off: 5, currency: 'aud' }),
    ).rejects.toMatchObject({
      message: 'Received both percent_off and amount_off parameters. Please pass in only one.',
    });
    await expect(sim.stripe.coupons.create({ amount_off: 500 })).rejects.toMatchObject({
      param: 'currency',
      message: 'You must pass currency when passing amount_off',
    });
    await expect(sim.stripe.coupons.create({ percent_off: 0 })).rejects.toMatchObject({
      param: 'percent_off',
      message: "This value must be greater than or equal to 0.01 (it currently is '0.0').",
    });
  });

  it('requires duration_in_months for a repeating coupon', async () => {
    const sim = createStripeSim();
    await expect(sim.stripe.coupons.create({ percent_off: 10, duration: 'repeating' })).rejects.toMatchObject(
      {
        param: 'duration',
        message: 'The duration_in_months param must be set when creating a coupon with a repeating duration',
      },
    );
  });

  it('refuses a redeem_by in the past and becomes invalid once redeem_by passes', async () => {
    const sim = createStripeSim();
    const now = sim.clock.now();
    await expect(sim.stripe.coupons.create({ percent_off: 10, redeem_by: now - 10 })).rejects.toMatchObject({
      param: 'redeem_by',
      message: expect.stringContaining(`You specified the value \`${now - 10}\` which is in the past.`),
    });
    const coupon = await sim.stripe.coupons.create({ percent_off: 10, redeem_by: now + 3600 });
    expect(coupon.valid).toBe(true);
    await sim.clock.advance({ hours: 2 });
    expect((await sim.stripe.coupons.retrieve(coupon.id)).valid).toBe(false);
  });

  it('updates only name and metadata, sending coupon.updated', async () => {
    const sim = createStripeSim();
    const coupon = await sim.stripe.coupons.create({ percent_off: 10 });
    const updated = await sim.stripe.coupons.update(coupon.id, {
      name: 'Launch',
      metadata: { source: 'ads' },
    });
    expect(updated).toMatchObject({ name: 'Launch', metadata: { source: 'ads' }, percent_off: 10 });
    await expect(sim.stripe.coupons.update(coupon.id, { percent_off: 20 } as never)).rejects.toMatchObject({
      code: 'parameter_unknown',
      param: 'percent_off',
    });
    const [event] = await eventsOfType(sim, 'coupon.updated');
    expect(event!.data.previous_attributes).toMatchObject({ name: null });
  });

  it('deletes a coupon: it answers 404 afterwards, leaves lists and sends coupon.deleted', async () => {
    const sim = createStripeSim();
    const coupon = await sim.stripe.coupons.create({ percent_off: 10 });
    expect(await sim.stripe.coupons.del(coupon.id)).toEqual(
      expect.objectContaining({ id: coupon.id, object: 'coupon', deleted: true }),
    );
    await expect(sim.stripe.coupons.retrieve(coupon.id)).rejects.toMatchObject({
      statusCode: 404,
      param: 'coupon',
      message: `No such coupon: '${coupon.id}'`,
    });
    expect((await sim.stripe.coupons.list()).data).toEqual([]);
    const [event] = await eventsOfType(sim, 'coupon.deleted');
    expect(event!.data.object).toMatchObject({ id: coupon.id, valid: false });
  });

  it('refuses applies_to products that do not exist', async () => {
    const sim = createStripeSim();
    await expect(
      sim.stripe.coupons.create({ percent_off: 10, applies_to: { products: ['prod_nope'] } }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'applies_to[products][0]' });
  });
});

describe('promotion codes', () => {
  async function givenCoupon(sim: StripeSim, params: Stripe.CouponCreateParams = {}) {
    return sim.stripe.coupons.create({ percent_off: 20, ...params });
  }

  it("creates a code for a coupon under `promotion`, shaped like Stripe's example", async () => {
    const sim = createStripeSim();
    const coupon = await givenCoupon(sim);
    const code = await sim.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id } });
    expect(code.code).toMatch(/^[A-Z0-9]{8}$/);
    expect(code).toMatchObject({
      object: 'promotion_code',
      active: true,
      customer: null,
      expires_at: null,
      max_redemptions: null,
      times_redeemed: 0,
      promotion: { type: 'coupon', coupon: coupon.id },
      restrictions: { first_time_transaction: false, minimum_amount: null, minimum_amount_currency: null },
    });
    const expanded = await sim.stripe.promotionCodes.retrieve(code.id, { expand: ['promotion.coupon'] });
    expect(expanded.promotion.coupon).toMatchObject({ id: coupon.id, object: 'coupon' });
  });

  it('requires promotion and promotion.coupon, and a coupon that exists', async () => {
    const sim = createStripeSim();
    await expect(sim.stripe.promotionCodes.create({ code: 'X' } as never)).rejects.toMatchObject({
      code: 'parameter_missing',
      message: 'Missing required param: promotion.',
    });
    await expect(sim.stripe.promotionCodes.create({ promotion: { type: 'coupon' } })).rejects.toMatchObject({
      param: 'promotion.coupon',
      message: 'You must pass promotion.coupon when passing promotion',
    });
    await expect(
      sim.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: 'NOPE1234' } }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'promotion[coupon]' });
    const coupon = await givenCoupon(sim);
    const promotion = { type: 'coupon' as const, coupon: coupon.id };
    await expect(
      sim.stripe.promotionCodes.create({ promotion, coupon: coupon.id } as never),
    ).rejects.toMatchObject({
      code: 'parameter_unknown',
      param: 'coupon',
    });
  });

  it('keeps codes unique among active codes, regardless of case', async () => {
    const sim = createStripeSim();
    const coupon = await givenCoupon(sim);
    const first = await sim.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'LAUNCH',
    });
    await expect(
      sim.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'launch' }),
    ).rejects.toMatchObject({ message: 'An active promotion code with `code: launch` already exists.' });
    await sim.stripe.promotionCodes.update(first.id, { active: false });
    const second = await sim.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'launch',
    });
    expect(second.active).toBe(true);
    await expect(sim.stripe.promotionCodes.update(first.id, { active: true })).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('refuses codes with characters Stripe does not allow', async () => {
    const sim = createStripeSim();
    const coupon = await givenCoupon(sim);
    await expect(
      sim.stripe.promotionCodes.create({
        promotion: { type: 'coupon', coupon: coupon.id },
        code: 'has spaces!',
      }),
    ).rejects.toMatchObject({
      param: 'code',
      message: expect.stringContaining('This value must match the regex pattern.'),
    });
  });

  it('deactivates a code with promotion_code.updated and lists by coupon, code, customer and active', async () => {
    const sim = createStripeSim();
    const coupon = await givenCoupon(sim);
    const customer = await sim.stripe.customers.create({ email: 'c@example.com' });
    const code = await sim.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      customer: customer.id,
      restrictions: { minimum_amount: 1000, minimum_amount_currency: 'aud', first_time_transaction: true },
      metadata: { campaign: 'spring' },
    });
    expect(code.restrictions).toEqual({
      first_time_transaction: true,
      minimum_amount: 1000,
      minimum_amount_currency: 'aud',
    });
    const inactive = await sim.stripe.promotionCodes.update(code.id, { active: false });
    expect(inactive.active).toBe(false);
    const [event] = await eventsOfType(sim, 'promotion_code.updated');
    expect(event!.data.previous_attributes).toEqual({ active: true });
    const ids = async (params: Stripe.PromotionCodeListParams) =>
      (await sim.stripe.promotionCodes.list(params)).data.map((p) => p.id);
    expect(await ids({ coupon: coupon.id })).toEqual([code.id]);
    expect(await ids({ code: code.code.toLowerCase() })).toEqual([code.id]);
    expect(await ids({ customer: customer.id })).toEqual([code.id]);
    expect(await ids({ coupon: coupon.id, active: true })).toEqual([]);
    await expect(sim.stripe.promotionCodes.list({ coupon: 'UNKNOWN1' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'coupon',
      message: "No such coupon: 'UNKNOWN1'",
    });
  });

  it('refuses restrictions other than currency_options on update', async () => {
    const sim = createStripeSim();
    const coupon = await givenCoupon(sim);
    const code = await sim.stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id } });
    await expect(
      sim.stripe.promotionCodes.update(code.id, { restrictions: { first_time_transaction: true } as never }),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'restrictions[first_time_transaction]' });
  });

  it('turns inactive once it expires, and cannot expire after its coupon', async () => {
    const sim = createStripeSim();
    const now = sim.clock.now();
    const coupon = await givenCoupon(sim, { redeem_by: now + 7200 });
    await expect(
      sim.stripe.promotionCodes.create({
        promotion: { type: 'coupon', coupon: coupon.id },
        expires_at: now + 9000,
      }),
    ).rejects.toMatchObject({ param: 'expires_at' });
    const code = await sim.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      expires_at: now + 3600,
    });
    await sim.clock.advance({ hours: 1 });
    expect((await sim.stripe.promotionCodes.retrieve(code.id)).active).toBe(false);
  });

  it('answers 404 naming the promotion code for an unknown id', async () => {
    const sim = createStripeSim();
    await expect(sim.stripe.promotionCodes.retrieve('promo_nope')).rejects.toMatchObject({
      statusCode: 404,
      message: "No such promotion code: 'promo_nope'",
      param: 'promotion_code',
    });
  });
});

describe('redeeming coupons and promotion codes', () => {
  async function givenSubscriber(sim: StripeSim) {
    const customer = await sim.stripe.customers.create({ email: 'subscriber@example.com' });
    const price = await givenMonthlyPrice(sim);
    return { customer, price };
  }

  function subscribe(
    sim: StripeSim,
    customer: string,
    price: string,
    discount: Stripe.SubscriptionCreateParams.Discount,
  ) {
    return sim.stripe.subscriptions.create({
      customer,
      items: [{ price }],
      discounts: [discount],
      collection_method: 'send_invoice',
      days_until_due: 7,
    });
  }

  it('counts the redemption on the code and on its coupon, and retires a used-up code', async () => {
    const sim = createStripeSim();
    const { customer, price } = await givenSubscriber(sim);
    const coupon = await sim.stripe.coupons.create({ percent_off: 50 });
    const code = await sim.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      max_redemptions: 1,
    });
    await subscribe(sim, customer.id, price.id, { promotion_code: code.id });
    expect(await sim.stripe.promotionCodes.retrieve(code.id)).toMatchObject({
      times_redeemed: 1,
      active: false,
    });
    expect(await sim.stripe.coupons.retrieve(coupon.id)).toMatchObject({ times_redeemed: 1, valid: true });
    await expect(subscribe(sim, customer.id, price.id, { promotion_code: code.id })).rejects.toMatchObject({
      statusCode: 400,
      param: 'discounts[0][promotion_code]',
    });
  });

  it('refuses a code restricted to another customer', async () => {
    const sim = createStripeSim();
    const { customer, price } = await givenSubscriber(sim);
    const other = await sim.stripe.customers.create({ email: 'other@example.com' });
    const coupon = await sim.stripe.coupons.create({ percent_off: 50 });
    const code = await sim.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      customer: other.id,
    });
    await expect(subscribe(sim, customer.id, price.id, { promotion_code: code.id })).rejects.toMatchObject({
      statusCode: 400,
      param: 'discounts[0][promotion_code]',
    });
    expect((await sim.stripe.coupons.retrieve(coupon.id)).times_redeemed).toBe(0);
  });

  it('refuses a coupon past its redeem_by with coupon_expired', async () => {
    const sim = createStripeSim();
    const { customer, price } = await givenSubscriber(sim);
    const coupon = await sim.stripe.coupons.create({ percent_off: 50, redeem_by: sim.clock.now() + 60 });
    await sim.clock.advance({ minutes: 2 });
    await expect(subscribe(sim, customer.id, price.id, { coupon: coupon.id })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'coupon_expired',
      param: 'discounts[0][coupon]',
      message: `Coupon expired: ${coupon.id}`,
    });
  });

  it('makes a coupon invalid once max_redemptions is reached', async () => {
    const sim = createStripeSim();
    const { customer, price } = await givenSubscriber(sim);
    const coupon = await sim.stripe.coupons.create({ amount_off: 200, currency: 'aud', max_redemptions: 1 });
    await subscribe(sim, customer.id, price.id, { coupon: coupon.id });
    expect(await sim.stripe.coupons.retrieve(coupon.id)).toMatchObject({ times_redeemed: 1, valid: false });
    await expect(subscribe(sim, customer.id, price.id, { coupon: coupon.id })).rejects.toMatchObject({
      code: 'coupon_expired',
    });
  });
});

describe('tax rates', () => {
  it("creates an inclusive 10% GST rate, shaped like Stripe's example", async () => {
    const sim = createStripeSim();
    const rate = await sim.stripe.taxRates.create({
      display_name: 'GST',
      percentage: 10,
      inclusive: true,
      country: 'au',
      jurisdiction: 'AU',
      tax_type: 'gst',
      description: 'Australian GST',
    });
    expect(rate.id).toMatch(/^txr_/);
    expect(rate).toMatchObject({
      object: 'tax_rate',
      active: true,
      percentage: 10,
      effective_percentage: 10,
      inclusive: true,
      country: 'AU',
      tax_type: 'gst',
      rate_type: 'percentage',
      flat_amount: null,
      jurisdiction_level: null,
    });
    expect(await eventsOfType(sim, 'tax_rate.created')).toHaveLength(1);
  });

  it('keeps a decimal percentage as sent', async () => {
    const sim = createStripeSim();
    const rate = await sim.stripe.taxRates.create({
      display_name: 'Sales tax',
      percentage: 8.875,
      inclusive: false,
    });
    expect(rate.percentage).toBe(8.875);
  });

  it('requires display_name, percentage and inclusive', async () => {
    const sim = createStripeSim();
    await expect(
      sim.stripe.taxRates.create({ display_name: 'T', inclusive: true } as never),
    ).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'percentage',
      message: 'Missing required param: percentage.',
    });
    await expect(
      sim.stripe.taxRates.create({ display_name: 'T', percentage: 10 } as never),
    ).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'inclusive',
    });
    await expect(
      sim.stripe.taxRates.create({ percentage: 10, inclusive: true } as never),
    ).rejects.toMatchObject({
      param: 'display_name',
    });
  });

  it('never changes percentage or inclusive after creation', async () => {
    const sim = createStripeSim();
    const rate = await sim.stripe.taxRates.create({ display_name: 'GST', percentage: 10, inclusive: true });
    await expect(sim.stripe.taxRates.update(rate.id, { percentage: 15 } as never)).rejects.toMatchObject({
      code: 'parameter_unknown',
      param: 'percentage',
    });
  });

  it('archives a rate with tax_rate.updated and lists by active and inclusive', async () => {
    const sim = createStripeSim();
    const gst = await sim.stripe.taxRates.create({ display_name: 'GST', percentage: 10, inclusive: true });
    const vat = await sim.stripe.taxRates.create({ display_name: 'VAT', percentage: 20, inclusive: false });
    const archived = await sim.stripe.taxRates.update(vat.id, { active: false, description: 'old' });
    expect(archived).toMatchObject({ active: false, description: 'old' });
    const [event] = await eventsOfType(sim, 'tax_rate.updated');
    expect(event!.data.previous_attributes).toEqual({ active: true, description: null });
    expect((await sim.stripe.taxRates.list({ active: true })).data.map((r) => r.id)).toEqual([gst.id]);
    expect((await sim.stripe.taxRates.list({ inclusive: false })).data.map((r) => r.id)).toEqual([vat.id]);
  });

  it('answers 404 naming the tax rate for an unknown id', async () => {
    const sim = createStripeSim();
    await expect(sim.stripe.taxRates.retrieve('txr_nope')).rejects.toMatchObject({
      statusCode: 404,
      param: 'tax_rate',
      message: "No such tax rate: 'txr_nope'",
    });
  });
});
