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
  dunning: z
    .object({
      /**
       * When every retry of a renewal has failed: 'cancel' ends the subscription (Billkit cancels it
       * if Stripe left it past_due); 'unpaid' keeps it, without access, until the customer pays
       * (set Stripe's "Manage failed payments" to "mark the subscription as unpaid" to match).
       * @default 'cancel'
       */
      afterRetries: z.enum(['cancel', 'unpaid']).default('cancel'),
      /** Pay open invoices at once when a past-due customer sets a new default card. @default true */
      retryOnNewPaymentMethod: z.boolean().default(true),
    })
    .default({ afterRetries: 'cancel', retryOnNewPaymentMethod: true }),
  /** Days before a default card expires that the customer is reminded (the scan runs daily). @default 30 */
  cardExpiryReminderDays: z.number().int().min(1).max(90).default(30),
  retention: z
    .object({
      /**
       * What a customer who is about to cancel is offered, in this order. Each kind is offered
       * only where it fits (a discount once per subscription, a pause to an active one, a
       * downgrade to a plan cheaper than the current one).
       */
      offers: z
        .array(
          z.discriminatedUnion('kind', [
            z.object({
              id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
              kind: z.literal('discount'),
              percentOff: z.number().gt(0).max(100),
              durationMonths: z.number().int().min(1).max(36),
            }),
            z.object({
              id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
              kind: z.literal('pause'),
              months: z.number().int().min(1).max(12),
            }),
            z.object({
              id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
              kind: z.literal('downgrade'),
              plan: z.string().min(1),
            }),
          ]),
        )
        .default([
          { id: 'discount_25_3m', kind: 'discount', percentOff: 25, durationMonths: 3 },
          { id: 'pause_1m', kind: 'pause', months: 1 },
        ]),
    })
    .default({
      offers: [
        { id: 'discount_25_3m', kind: 'discount', percentOff: 25, durationMonths: 3 },
        { id: 'pause_1m', kind: 'pause', months: 1 },
      ],
    }),
  /** One subscription per user; a second start is refused with `already_subscribed`. */
  oneSubscriptionPerUser: z.boolean().default(true),
});

export type PoliciesInput = z.input<typeof policiesSchema>;
export type Policies = z.output<typeof policiesSchema>;

export function resolvePolicies(input: PoliciesInput | undefined): Policies {
  return parseInput(policiesSchema, input ?? {}, 'createBilling policies');
}
