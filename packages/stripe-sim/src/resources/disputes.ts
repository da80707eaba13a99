// /v1/disputes: retrieve, list, stage and submit evidence, and accept (close) a dispute; plus the
// outcome of a dispute (won: funds reinstated, lost), from Stripe's evidence test values or the
// simulator's control API. Disputes are opened by the dispute test cards (src/billing/payments.ts).

import type Stripe from 'stripe';
import { disputeFee } from '../billing/fees.js';
import { createBalanceTransaction, EVIDENCE_KEYS } from '../billing/payments.js';
import { changedAttributes, type SimContext, snapshot } from '../engine/context.js';
import { invalidRequest } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';
import { refreshBalanceTransaction } from './balance-transactions.js';
import { idOf } from './shared.js';

const SUBMISSION_METHODS = ['manual', 'prefer_manual', 'prefer_smart_disputes', 'smart_disputes'] as const;
/** Statuses in which the dispute is decided: nothing can be submitted or accepted any more. */
const CLOSED = new Set(['won', 'lost', 'warning_closed', 'prevented']);
/** Statuses in which the merchant can still respond (stage or submit evidence, or accept). */
const OPEN = new Set(['needs_response', 'warning_needs_response']);
/** Stripe caps the evidence of one dispute at 150,000 characters in all. */
const MAX_EVIDENCE_CHARACTERS = 150_000;

/** Stripe's test values for `evidence[uncategorized_text]`: the dispute's outcome once submitted. */
const TEST_OUTCOMES: Record<string, 'won' | 'lost'> = {
  winning_evidence: 'won',
  losing_evidence: 'lost',
};

export const disputeRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/disputes/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return requireDispute(sim, path.id!, 'dispute');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/disputes/:id',
    handler: ({ sim, path, params }) => updateDispute(sim, path.id!, params),
  },
  {
    method: 'POST',
    pattern: '/v1/disputes/:id/close',
    handler: ({ sim, path, params }) => {
      params.done();
      return closeDispute(sim, path.id!);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/disputes',
    handler: (ctx) => {
      const charge = ctx.params.optionalString('charge');
      const paymentIntent = ctx.params.optionalString('payment_intent');
      const rows = ctx.sim.store
        .all<Stripe.Dispute>('dispute')
        .filter(
          (d) =>
            (!charge || idOf(d.charge as string) === charge) &&
            (!paymentIntent || idOf(d.payment_intent as string | null) === paymentIntent),
        )
        .map((d) => normalize(ctx.sim, d));
      const page = paginate(ctx, rows, '/v1/disputes');
      ctx.params.done();
      return page;
    },
  },
];

function requireDispute(sim: SimContext, id: string, param?: string): Stripe.Dispute {
  return normalize(sim, sim.store.get<Stripe.Dispute>('dispute', id, param));
}

/**
 * Fills fields of the dispute shape that the dispute's creator may not set (idempotent), and brings
 * the status of its balance transactions up to date.
 */
function normalize(sim: SimContext, dispute: Stripe.Dispute): Stripe.Dispute {
  for (const txn of dispute.balance_transactions) refreshBalanceTransaction(sim, txn);
  const details = dispute.evidence_details as Stripe.Dispute.EvidenceDetails & { submission_method?: string };
  if (details.submission_method === undefined) {
    details.submission_method = details.submission_count > 0 ? 'manual' : 'not_submitted';
  }
  const card = dispute.payment_method_details?.card;
  if (card && card.network === undefined) card.network = card.brand;
  return dispute;
}

function isInquiry(dispute: Stripe.Dispute): boolean {
  return (
    dispute.status.startsWith('warning_') || dispute.payment_method_details?.card?.case_type === 'inquiry'
  );
}

function domainOfDispute(sim: SimContext, dispute: Stripe.Dispute): string | null {
  const charge = sim.store.find<Stripe.Charge>(idOf(dispute.charge as string) ?? '');
  return sim.domainOfCustomer(idOf(charge?.customer as string | null | undefined));
}

function closedError(dispute: Stripe.Dispute): never {
  throw invalidRequest(
    `This dispute is already closed (status ${dispute.status}); it can no longer be updated with evidence, submitted or closed.`,
  );
}

function updateDispute(sim: SimContext, id: string, params: Params): Stripe.Dispute {
  const dispute = requireDispute(sim, id, 'dispute');
  const evidenceParams = params.optionalObject('evidence');
  const evidence = evidenceParams ? readEvidence(evidenceParams) : undefined;
  const submit = params.optionalBool('submit');
  const metadata = params.metadataPatch(dispute.metadata);
  const intended = params.optionalEnum('intended_submission_method', SUBMISSION_METHODS);
  params.done();
  const touchesEvidence = evidence !== undefined || submit !== undefined || intended !== undefined;
  if (touchesEvidence && CLOSED.has(dispute.status)) closedError(dispute);
  if (touchesEvidence && !OPEN.has(dispute.status)) {
    throw invalidRequest(
      `This dispute's evidence has already been submitted and the dispute is ${dispute.status}; evidence can no longer be changed.`,
    );
  }
  // `submit` defaults to true: sending evidence submits it unless submit=false stages it.
  const submitting = submit === true || (evidence !== undefined && submit !== false);
  const domain = domainOfDispute(sim, dispute);
  const merged = { ...dispute.evidence, ...evidence } as Record<string, unknown>;
  const total = EVIDENCE_KEYS.reduce((sum, key) => sum + String(merged[key] ?? '').length, 0);
  if (total > MAX_EVIDENCE_CHARACTERS) {
    throw invalidRequest(
      `The combined evidence is ${total} characters long; a dispute's evidence can be at most ${MAX_EVIDENCE_CHARACTERS} characters.`,
      'evidence',
    );
  }
  const hasEvidence = EVIDENCE_KEYS.some((key) => merged[key] !== null && merged[key] !== undefined);
  if (submitting && !hasEvidence) {
    throw invalidRequest('You must provide evidence before submitting a dispute response.', 'evidence');
  }
  const before = snapshot(dispute);
  if (evidence) {
    dispute.evidence = merged as unknown as Stripe.Dispute.Evidence;
    dispute.evidence_details.has_evidence = hasEvidence;
  }
  if (metadata) dispute.metadata = metadata;
  if (intended) dispute.intended_submission_method = intended;
  if (submitting) {
    const now = sim.now(domain);
    const details = dispute.evidence_details;
    details.submission_count += 1;
    details.submission_method = 'manual';
    details.past_due = details.due_by !== null && details.due_by > 0 && now > details.due_by;
    dispute.status = isInquiry(dispute) ? 'warning_under_review' : 'under_review';
  }
  const changes = changedAttributes(before, dispute);
  if (Object.keys(changes).length > 0) sim.emit('charge.dispute.updated', dispute, changes, domain);
  const outcome = submitting ? TEST_OUTCOMES[dispute.evidence.uncategorized_text ?? ''] : undefined;
  if (outcome) resolveDispute(sim, dispute.id, outcome);
  return dispute;
}

/** Reads `evidence[...]`: the documented evidence fields (strings, '' clears one); any other key is refused. */
function readEvidence(params: Params): Partial<Record<string, string | null>> {
  const out: Partial<Record<string, string | null>> = {};
  for (const key of EVIDENCE_KEYS) {
    const value = params.nullableString(key);
    if (value === undefined) continue;
    if (value !== null && value.length > 20_000) {
      throw invalidRequest(
        `evidence[${key}] is ${value.length} characters long; it can be at most 20000 characters.`,
        `evidence[${key}]`,
      );
    }
    out[key] = value;
  }
  // Enhanced evidence (Visa CE 3.0, compliance fee acknowledgements) and appeals: accepted, not stored.
  params.accept('enhanced_evidence', 'appeal');
  params.done();
  return out;
}

/** Accepting the dispute: a chargeback is lost, an inquiry is closed. The funds stay withdrawn. */
function closeDispute(sim: SimContext, id: string): Stripe.Dispute {
  const dispute = requireDispute(sim, id, 'dispute');
  if (CLOSED.has(dispute.status)) closedError(dispute);
  if (!OPEN.has(dispute.status)) {
    throw invalidRequest(
      `This dispute's evidence has already been submitted and the dispute is ${dispute.status}; it can no longer be closed.`,
    );
  }
  dispute.status = isInquiry(dispute) ? 'warning_closed' : 'lost';
  sim.emit('charge.dispute.closed', dispute, undefined, domainOfDispute(sim, dispute));
  return dispute;
}

/**
 * Decides a dispute, as the card network would (used by the control API and Stripe's evidence test
 * values). A chargeback that is won gets its amount back (the dispute fee is kept, as Stripe
 * Australia does since October 2023): `charge.dispute.closed`, then `charge.dispute.funds_reinstated`
 * (Stripe: "funds are reinstated to your account after a dispute is closed").
 * A lost chargeback is closed as `lost`; its funds were withdrawn when it opened.
 * An inquiry (no funds moved yet) that is won closes as `warning_closed`; one that is lost escalates
 * into a chargeback (`needs_response`, amount and dispute fee withdrawn), as the network would do —
 * resolve it again to decide the chargeback — unless the payment was fully refunded (then it closes).
 */
export function resolveDispute(sim: SimContext, disputeId: string, outcome: 'won' | 'lost'): Stripe.Dispute {
  const dispute = requireDispute(sim, disputeId, 'dispute');
  if (CLOSED.has(dispute.status)) closedError(dispute);
  const domain = domainOfDispute(sim, dispute);
  const chargeId = idOf(dispute.charge as string)!;
  if (isInquiry(dispute)) {
    // A fully refunded payment has nothing left to charge back: the inquiry just closes.
    const charge = sim.store.find<Stripe.Charge>(chargeId);
    if (outcome === 'won' || charge?.refunded) {
      dispute.status = 'warning_closed';
      sim.emit('charge.dispute.closed', dispute, undefined, domain);
      return dispute;
    }
    const before = snapshot(dispute);
    dispute.status = 'needs_response';
    dispute.is_charge_refundable = false;
    if (dispute.payment_method_details?.card) dispute.payment_method_details.card.case_type = 'chargeback';
    dispute.evidence_details.due_by = sim.now(domain) + 7 * 86_400;
    withdrawFunds(sim, dispute, chargeId, domain);
    sim.emit('charge.dispute.updated', dispute, changedAttributes(before, dispute), domain);
    sim.emit('charge.dispute.funds_withdrawn', dispute, undefined, domain);
    return dispute;
  }
  if (outcome === 'won') {
    dispute.status = 'won';
    const txn = createBalanceTransaction(sim, {
      amount: dispute.amount,
      currency: dispute.currency,
      source: dispute.id,
      type: 'adjustment',
      reportingCategory: 'dispute_reversal',
      description: `Chargeback reversal for ${chargeId}`,
      domain,
    });
    dispute.balance_transactions.push(txn);
    sim.emit('charge.dispute.closed', dispute, undefined, domain);
    sim.emit('charge.dispute.funds_reinstated', dispute, undefined, domain);
    return dispute;
  }
  dispute.status = 'lost';
  sim.emit('charge.dispute.closed', dispute, undefined, domain);
  return dispute;
}

function withdrawFunds(
  sim: SimContext,
  dispute: Stripe.Dispute,
  chargeId: string,
  domain: string | null,
): void {
  const txn = createBalanceTransaction(sim, {
    amount: -dispute.amount,
    currency: dispute.currency,
    fee: disputeFee(dispute.currency, sim.config.account.country),
    source: dispute.id,
    type: 'adjustment',
    reportingCategory: 'dispute',
    description: `Chargeback withdrawal for ${chargeId}`,
    domain,
  });
  dispute.balance_transactions.push(txn);
}
