// The host's billing policies, with Billkit's defaults: a week of grace after a failed payment,
// upgrades charged now (prorated), downgrades at period end with no refund.

import { z } from 'zod';
import { parseInput } from '../errors/parse-input.js';

const policiesSchema = z.object({
  grace: z
    .object({
      /** Days a past_due subscriber keeps access, from the first failed payment. @default 7 */
      days: z.number().int().min(0).max(60).default(7),
    })
    .default({ days: 7 }),
  proration: z
    .object({
      /** 'now': prorate and charge the difference at once. 'next_invoice': prorate onto the next invoice. @default 'now' */
      upgrade: z.enum(['now', 'next_invoice', 'none']).default('now'),
      /** 'period_end': the customer keeps the higher plan until the period ends, no refund. @default 'period_end' */
      downgrade: z.enum(['period_end', 'now_with_credit', 'now_without_credit']).default('period_end'),
    })
    .default({ upgrade: 'now', downgrade: 'period_end' }),
  /** One subscription per user; a second start is refused with `already_subscribed`. */
  oneSubscriptionPerUser: z.boolean().default(true),
});

export type PoliciesInput = z.input<typeof policiesSchema>;
export type Policies = z.output<typeof policiesSchema>;

export function resolvePolicies(input: PoliciesInput | undefined): Policies {
  return parseInput(policiesSchema, input ?? {}, 'createBilling policies');
}
