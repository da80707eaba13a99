// Plans and prices as code. `defineCatalog` checks the definition once; every price gets a Stripe
// lookup_key derived from its plan and interval, which is how sync finds it again.

import { z } from 'zod';
import { parseInput } from '../errors/parse-input.js';

const intervalSchema = z.enum(['day', 'week', 'month', 'year']);

const priceSchema = z.object({
  interval: intervalSchema,
  intervalCount: z.number().int().min(1).max(12).default(1),
  /** Minor units: 1000 is A$10.00. */
  amount: z.number().int().min(0),
  /** @default the tax strategy's choice ('inclusive' for Australian GST) */
  taxBehavior: z.enum(['inclusive', 'exclusive']).optional(),
  trialDays: z.number().int().min(0).max(730).optional(),
});

const planSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'plan ids are lowercase letters, digits, - and _'),
  name: z.string().min(1),
  description: z.string().optional(),
  features: z.array(z.string()).default([]),
  prices: z.array(priceSchema).min(1),
  metadata: z.record(z.string(), z.string()).default({}),
});

const catalogSchema = z
  .object({
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/)
      .transform((c) => c.toLowerCase()),
    plans: z.array(planSchema).min(1),
  })
  .superRefine((catalog, ctx) => {
    const ids = new Set<string>();
    for (const [i, plan] of catalog.plans.entries()) {
      if (ids.has(plan.id))
        ctx.addIssue({ code: 'custom', message: `duplicate plan id ${plan.id}`, path: ['plans', i, 'id'] });
      ids.add(plan.id);
      const intervals = new Set<string>();
      for (const [j, price] of plan.prices.entries()) {
        const key = `${price.interval}/${price.intervalCount}`;
        if (intervals.has(key)) {
          ctx.addIssue({ code: 'custom', message: `two prices for ${key}`, path: ['plans', i, 'prices', j] });
        }
        intervals.add(key);
      }
    }
  });

export type CatalogDefinition = z.input<typeof catalogSchema>;
export type PlanDefinition = z.output<typeof planSchema>;
export type PlanPriceDefinition = z.output<typeof priceSchema>;
export type Interval = z.output<typeof intervalSchema>;

export interface Catalog {
  readonly currency: string;
  readonly plans: readonly PlanDefinition[];
  findPlan(planId: string): PlanDefinition | undefined;
  /** The plan's price for an interval (the first price when none is named). */
  findPrice(planId: string, interval?: Interval): PlanPriceDefinition | undefined;
  /** The Stripe lookup_key of a plan's price. */
  lookupKey(planId: string, price: PlanPriceDefinition): string;
  /** Which plan and price a lookup_key belongs to. */
  fromLookupKey(lookupKey: string): { plan: PlanDefinition; price: PlanPriceDefinition } | undefined;
}

/** Declares the plans the host sells; checked now, synced to Stripe by `billing.catalog.sync()`. */
export function defineCatalog(definition: CatalogDefinition): Catalog {
  const parsed = parseInput(catalogSchema, definition, 'defineCatalog');
  const lookupKey = (planId: string, price: PlanPriceDefinition) =>
    `billkit_${planId}_${price.intervalCount === 1 ? '' : price.intervalCount}${price.interval}`;
  return {
    currency: parsed.currency,
    plans: parsed.plans,
    findPlan: (planId) => parsed.plans.find((p) => p.id === planId),
    findPrice: (planId, interval) => {
      const plan = parsed.plans.find((p) => p.id === planId);
      if (!plan) return undefined;
      return interval ? plan.prices.find((p) => p.interval === interval) : plan.prices[0];
    },
    lookupKey,
    fromLookupKey: (key) => {
      for (const plan of parsed.plans) {
        for (const price of plan.prices) if (lookupKey(plan.id, price) === key) return { plan, price };
      }
      return undefined;
    },
  };
}
