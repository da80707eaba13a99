// Disputes (chargebacks): mirrored from Stripe's events with reason, amount, evidence due date and
// status; operators are told at once (the `dispute.opened` admin email) and submit evidence here.
// The outcome (won / lost) is recorded when Stripe closes the dispute.

import type Stripe from 'stripe';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.js';
import { toUnix } from '../clock.js';
import type { BillingContext } from '../context.js';
import { BillingError } from '../errors/billing-error.js';
import { parseInput } from '../errors/parse-input.js';
import { disputeRecordFrom } from '../mirror/money-records.js';
import type { DisputeRecord, Page } from '../store/records.js';
import { idempotencyKey } from '../stripe-gateway/stripe-gateway.js';

const text = z.string().max(20_000).optional();
const evidenceSchema = z
  .object({
    product_description: text,
    customer_name: z.string().max(500).optional(),
    customer_email_address: z.string().max(500).optional(),
    billing_address: z.string().max(1000).optional(),
    service_date: z.string().max(100).optional(),
    access_activity_log: text,
    cancellation_policy_disclosure: text,
    cancellation_rebuttal: text,
    refund_policy_disclosure: text,
    refund_refusal_explanation: text,
    duplicate_charge_explanation: text,
    uncategorized_text: text,
    /** Ids of files uploaded to Stripe (purpose `dispute_evidence`). */
    receipt: z.string().max(500).optional(),
    service_documentation: z.string().max(500).optional(),
    customer_communication: z.string().max(500).optional(),
    uncategorized_file: z.string().max(500).optional(),
  })
  .strict();

const submitSchema = z.object({
  disputeId: z.string().regex(/^(dp|du)_\w{1,250}$/, 'a Stripe dispute id (dp_...)'),
  evidence: evidenceSchema,
  /** true sends it to the bank now (no more changes); false only saves it. @default true */
  submit: z.boolean().default(true),
  actor: z.string().min(1).max(255).default('system'),
});

export function disputesApi(ctx: BillingContext) {
  return {
    /** Saves evidence for a dispute and, unless `submit: false`, sends it to the bank. */
    async submitEvidence(input: z.input<typeof submitSchema>): Promise<DisputeRecord> {
      const args = parseInput(submitSchema, input, 'disputes.submitEvidence');
      const existing = await ctx.store.disputes.findByStripeId(args.disputeId);
      if (!existing) throw new BillingError('dispute_not_found', `No dispute ${args.disputeId}.`);
      if (!['needs_response', 'warning_needs_response'].includes(existing.status)) {
        throw new BillingError(
          'invalid_state',
          `Dispute ${args.disputeId} is ${existing.status}; evidence can only be given while it needs a response.`,
        );
      }
      const evidence = Object.fromEntries(
        Object.entries(args.evidence).filter(([, v]) => v !== undefined && v !== ''),
      ) as Stripe.DisputeUpdateParams.Evidence;
      const updated = await ctx.gateway.call('disputes.update', (stripe) =>
        stripe.disputes.update(
          args.disputeId,
          { evidence, submit: args.submit, metadata: { billkit_actor: args.actor } },
          {
            idempotencyKey: idempotencyKey(
              'dispute.evidence',
              args.disputeId,
              existing.evidenceSubmissionCount,
              args.submit ? 'submit' : 'stage',
              JSON.stringify(evidence),
            ),
          },
        ),
      );
      const record = disputeRecordFrom(updated, existing.userId, toUnix(ctx.clock.now()));
      record.closedAt = existing.closedAt;
      await ctx.store.transaction(async (session) => {
        await session.disputes.upsert(record);
        await recordAudit(session, ctx.clock, {
          actor: args.actor,
          action: args.submit ? 'dispute.evidence_submitted' : 'dispute.evidence_saved',
          subjectType: 'dispute',
          subjectId: args.disputeId,
          userId: existing.userId,
          data: { fields: Object.keys(evidence), status: updated.status },
        });
      });
      return record;
    },

    /** One dispute from the mirror. */
    async get(disputeId: string): Promise<DisputeRecord> {
      const id = parseInput(z.string().min(1).max(255), disputeId, 'disputes.get');
      const found = await ctx.store.disputes.findByStripeId(id);
      if (!found) throw new BillingError('dispute_not_found', `No dispute ${id}.`);
      return found;
    },

    /** Every dispute, oldest first, a page at a time. */
    async list(page?: { limit?: number; after?: string | null }): Promise<Page<DisputeRecord>> {
      return ctx.store.disputes.list(page);
    },
  };
}
