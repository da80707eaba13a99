// How tax is charged: Australian GST through a Stripe tax rate (the default for Billkit's first
// host), Stripe Tax, or no tax. The strategy decides prices' tax_behavior and subscriptions' rates;
// Australian GST leaves customers outside Australia GST-free (exports).

import type Stripe from 'stripe';
import type { StripeGateway } from '../stripe-gateway/stripe-gateway.js';

export interface TaxStrategy {
  readonly kind: 'australian_gst' | 'stripe_tax' | 'none';
  /** tax_behavior for prices that do not name one. */
  readonly defaultTaxBehavior: 'inclusive' | 'exclusive' | 'unspecified';
  /** Whether subscriptions turn on Stripe's automatic_tax. */
  readonly automaticTax: boolean;
  /**
   * The Stripe tax rate ids to put on a subscription (created on first use, found again after).
   * With the customer's country, a sale that is not taxed there (an export) gets none.
   */
  taxRateIds(gateway: StripeGateway, customer?: { country: string | null }): Promise<string[]>;
  /** Whether catalog prices include the tax. */
  readonly pricesIncludeTax: boolean;
  /** What the tax is called on invoices and receipts: 'GST', 'Tax'. */
  readonly label: string;
  /** The seller's tax registration, for tax invoices (e.g. the ABN). */
  readonly registration: { type: string; value: string } | null;
}

const GST_MARKER = 'billkit_tax';

/**
 * Australian GST at 10%: one Stripe tax rate (inclusive when prices include GST), marked with
 * metadata so it is found again rather than duplicated.
 */
export function australianGst(options: {
  abn: string;
  pricesIncludeTax?: boolean;
  rate?: number;
}): TaxStrategy {
  const inclusive = options.pricesIncludeTax ?? true;
  const percentage = options.rate ?? 10;
  const marker = `au_gst_${percentage}_${inclusive ? 'inclusive' : 'exclusive'}`;
  let cached: Promise<string[]> | null = null;
  return {
    kind: 'australian_gst',
    defaultTaxBehavior: inclusive ? 'inclusive' : 'exclusive',
    automaticTax: false,
    registration: { type: 'au_abn', value: options.abn.replace(/\s+/g, '') },
    pricesIncludeTax: inclusive,
    label: 'GST',
    taxRateIds(gateway, customer) {
      // GST-free export: a customer known to be outside Australia pays no GST.
      const country = customer?.country?.toUpperCase() ?? null;
      if (country && country !== 'AU') return Promise.resolve([]);
      cached ??= findOrCreateGst(gateway, marker, percentage, inclusive).catch((error) => {
        cached = null;
        throw error;
      });
      return cached;
    },
  };
}

async function findOrCreateGst(
  gateway: StripeGateway,
  marker: string,
  percentage: number,
  inclusive: boolean,
): Promise<string[]> {
  const existing = await gateway.call('taxRates.list', (stripe) =>
    stripe.taxRates.list({ active: true, limit: 100 }),
  );
  const found = existing.data.find((rate: Stripe.TaxRate) => rate.metadata?.[GST_MARKER] === marker);
  if (found) return [found.id];
  const created = await gateway.call('taxRates.create', (stripe) =>
    stripe.taxRates.create(
      {
        display_name: 'GST',
        description: `Australian GST ${percentage}%`,
        percentage,
        inclusive,
        country: 'AU',
        jurisdiction: 'AU',
        tax_type: 'gst',
        metadata: { [GST_MARKER]: marker },
      },
      { idempotencyKey: `billkit:tax-rate:${marker}` },
    ),
  );
  return [created.id];
}

/** Stripe Tax computes the tax (needs Stripe Tax turned on in the Stripe account). */
export function stripeTax(options: { pricesIncludeTax?: boolean } = {}): TaxStrategy {
  return {
    kind: 'stripe_tax',
    defaultTaxBehavior: options.pricesIncludeTax === false ? 'exclusive' : 'inclusive',
    automaticTax: true,
    registration: null,
    pricesIncludeTax: options.pricesIncludeTax !== false,
    label: 'Tax',
    taxRateIds: async () => [],
  };
}

/** No tax on anything. */
export function noTax(): TaxStrategy {
  return {
    kind: 'none',
    defaultTaxBehavior: 'unspecified',
    automaticTax: false,
    registration: null,
    pricesIncludeTax: true,
    label: 'Tax',
    taxRateIds: async () => [],
  };
}
