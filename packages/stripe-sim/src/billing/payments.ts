// Money movement: confirming a PaymentIntent against a test card (success, decline, 3D Secure),
// the Charge it makes, the balance transaction with Stripe's fee, and a dispute when the card asks.

import type Stripe from 'stripe';
import { addDuration } from '../engine/calendar.js';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { idOf } from '../resources/shared.js';
import type { CardProfile, Decline } from './cards.js';
import { cardFee, disputeFee, type FeeBreakdown } from './fees.js';

export type PaymentOutcome =
  | { kind: 'succeeded'; charge: Stripe.Charge }
  | { kind: 'requires_action' }
  | { kind: 'declined'; decline: Decline; charge: Stripe.Charge }
  | { kind: 'no_payment_method' };

export interface NewPaymentIntent {
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethod?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  setupFutureUsage?: 'off_session' | 'on_session' | null;
  receiptEmail?: string | null;
  domain: string | null;
}

/** A PaymentIntent in `requires_payment_method` (or `requires_confirmation` when it has a method). */
export function createPaymentIntent(sim: SimContext, input: NewPaymentIntent): Stripe.PaymentIntent {
  const id = newId('pi');
  const pi: Stripe.PaymentIntent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} } as Stripe.PaymentIntent.AmountDetails,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${id}_secret_${newId('s', 25).slice(2)}`,
    confirmation_method: 'automatic',
    created: sim.now(input.domain),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod ?? null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    } as Stripe.PaymentIntent.PaymentMethodOptions,
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail ?? null,
    review: null,
    setup_future_usage: input.setupFutureUsage ?? null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
  sim.store.insert(pi);
  sim.emit('payment_intent.created', pi, undefined, input.domain);
  return pi;
}

/**
 * Confirms a PaymentIntent with its payment method, as Stripe does for a card: the 3D Secure check,
 * then the charge. `offSession` payments cannot answer a 3D Secure challenge.
 */
export function confirmPaymentIntent(
  sim: SimContext,
  pi: Stripe.PaymentIntent,
  options: { offSession: boolean; domain: string | null },
): PaymentOutcome {
  const pmId = idOf(pi.payment_method as string | null);
  if (!pmId) {
    pi.status = 'requires_payment_method';
    return { kind: 'no_payment_method' };
  }
  const profile = sim.cardProfiles.get(pmId);
  const pm = sim.store.get<Stripe.PaymentMethod>('payment_method', pmId, 'payment_method');
  const needsAuth =
    profile?.authentication === 'always' ||
    (profile?.authentication === 'setup' && !sim.authenticatedForSetup.has(pmId));
  if (needsAuth && !sim.authenticatedIntents.has(pi.id)) {
    if (options.offSession && profile?.authentication === 'always') {
      const decline: Decline = {
        code: 'authentication_required',
        declineCode: 'authentication_required',
        message: 'Your card was declined. This transaction requires authentication.',
        hard: false,
      };
      return fail(sim, pi, pm, profile, decline, options.domain, 'requires_action');
    }
    if (!options.offSession) {
      const before = structuredClone(pi);
      pi.status = 'requires_action';
      pi.next_action = {
        type: 'use_stripe_sdk',
        use_stripe_sdk: {
          type: 'three_d_secure_redirect',
          stripe_js: `${sim.config.publicUrl}/3ds/${pi.id}`,
          source: newId('src'),
        },
      } as unknown as Stripe.PaymentIntent.NextAction;
      sim.emit(
        'payment_intent.requires_action',
        pi,
        { status: before.status, next_action: null },
        options.domain,
      );
      return { kind: 'requires_action' };
    }
  }
  const decline = profile?.declineOnCharge ?? profile?.declineOnAttach;
  if (decline) return fail(sim, pi, pm, profile, decline, options.domain, 'requires_payment_method');
  return succeed(sim, pi, pm, profile, options.domain);
}

function fail(
  sim: SimContext,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  profile: CardProfile | undefined,
  decline: Decline,
  domain: string | null,
  status: 'requires_payment_method' | 'requires_action',
): PaymentOutcome {
  const charge = createCharge(sim, pi, pm, profile, domain, decline);
  const before = structuredClone(pi);
  pi.latest_charge = charge.id;
  pi.status = status === 'requires_action' ? 'requires_action' : 'requires_payment_method';
  if (status === 'requires_action') {
    pi.next_action = {
      type: 'use_stripe_sdk',
      use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `${sim.config.publicUrl}/3ds/${pi.id}` },
    } as unknown as Stripe.PaymentIntent.NextAction;
  }
  pi.last_payment_error = {
    type: 'card_error',
    code: decline.code,
    decline_code: decline.declineCode,
    message: decline.message,
    charge: charge.id,
    doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
    payment_method: structuredClone(pm),
  } as Stripe.PaymentIntent.LastPaymentError;
  sim.emit(
    'payment_intent.payment_failed',
    pi,
    { status: before.status, last_payment_error: before.last_payment_error },
    domain,
  );
  return { kind: 'declined', decline, charge };
}

function succeed(
  sim: SimContext,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  profile: CardProfile | undefined,
  domain: string | null,
): PaymentOutcome {
  const charge = createCharge(sim, pi, pm, profile, domain);
  const before = structuredClone(pi);
  pi.status = 'succeeded';
  pi.amount_received = pi.amount;
  pi.latest_charge = charge.id;
  pi.last_payment_error = null;
  pi.next_action = null;
  sim.emit(
    'payment_intent.succeeded',
    pi,
    { status: before.status, amount_received: before.amount_received },
    domain,
  );
  if (pi.setup_future_usage && pi.customer && !pm.customer) {
    pm.customer = idOf(pi.customer as string);
    sim.emit('payment_method.attached', pm, undefined, domain);
  }
  if (profile?.dispute) createDispute(sim, charge, profile.dispute, domain);
  return { kind: 'succeeded', charge };
}

function createCharge(
  sim: SimContext,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  profile: CardProfile | undefined,
  domain: string | null,
  decline?: Decline,
): Stripe.Charge {
  const id = newId('ch');
  const now = sim.now(domain);
  const succeeded = !decline;
  const charge: Stripe.Charge = {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: succeeded ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: structuredClone(pm.billing_details) as Stripe.Charge.BillingDetails,
    calculated_statement_descriptor: sim.config.account.name.slice(0, 22).toUpperCase(),
    captured: succeeded,
    created: now,
    currency: pi.currency,
    customer: idOf(pi.customer as string | null),
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: succeeded
      ? {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'approved_by_network',
          reason: null,
          risk_level: 'normal',
          risk_score: 20,
          seller_message: 'Payment complete.',
          type: 'authorized',
        }
      : {
          advice_code: decline!.hard ? 'do_not_try_again' : 'try_again_later',
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'declined_by_network',
          reason: decline!.declineCode,
          risk_level: 'normal',
          risk_score: 20,
          seller_message: 'The bank did not return any further details with this decline.',
          type: 'issuer_declined',
        },
    paid: succeeded,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: {
      type: 'card',
      card: {
        amount_authorized: succeeded ? pi.amount : null,
        authorization_code: succeeded ? String(100000 + (now % 899999)) : null,
        brand: pm.card?.brand ?? null,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country: pm.card?.country ?? null,
        electronic_commerce_indicator: null,
        exp_month: pm.card?.exp_month ?? 12,
        exp_year: pm.card?.exp_year ?? 2030,
        extended_authorization: { status: 'disabled' },
        incremental_authorization: { status: 'unavailable' },
        multicapture: { status: 'unavailable' },
        network_token: { used: false },
        overcapture: { maximum_amount_capturable: pi.amount, status: 'unavailable' },
        fingerprint: pm.card?.fingerprint ?? null,
        funding: pm.card?.funding ?? null,
        installments: null,
        last4: pm.card?.last4 ?? null,
        mandate: null,
        network: pm.card?.brand ?? null,
        network_transaction_id: succeeded ? newId('ntx', 15).slice(4) : null,
        regulated_status: 'unregulated',
        three_d_secure: sim.authenticatedIntents.has(pi.id)
          ? ({
              authentication_flow: 'challenge',
              electronic_commerce_indicator: '05',
              exemption_indicator: null,
              result: 'authenticated',
              result_reason: null,
              transaction_id: newId('3ds', 20).slice(4),
              version: '2.2.0',
            } as Stripe.Charge.PaymentMethodDetails.Card.ThreeDSecure)
          : null,
        transaction_link_id: null,
        wallet: (pm.card?.wallet as unknown as Stripe.Charge.PaymentMethodDetails.Card.Wallet) ?? null,
      },
    } as Stripe.Charge.PaymentMethodDetails,
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `${sim.config.publicUrl}/receipts/${id}`,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: succeeded ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
  sim.store.insert(charge);
  if (succeeded) {
    const fee = cardFee(
      charge.amount,
      charge.currency,
      profile?.country ?? pm.card?.country ?? null,
      sim.config.account.country,
    );
    const txn = createBalanceTransaction(sim, {
      amount: charge.amount,
      currency: charge.currency,
      fee,
      source: charge.id,
      type: 'charge',
      reportingCategory: 'charge',
      description: pi.description,
      domain,
    });
    charge.balance_transaction = txn.id;
  }
  sim.emit(succeeded ? 'charge.succeeded' : 'charge.failed', charge, undefined, domain);
  return charge;
}

/** A balance transaction: money into (or out of) the account's balance, net of Stripe's fee. */
export function createBalanceTransaction(
  sim: SimContext,
  input: {
    amount: number;
    currency: string;
    fee?: FeeBreakdown;
    source: string;
    type: Stripe.BalanceTransaction.Type;
    reportingCategory: string;
    description?: string | null;
    domain: string | null;
  },
): Stripe.BalanceTransaction {
  const now = sim.now(input.domain);
  const fee = input.fee?.total ?? 0;
  const availableOn = addDuration(now - (now % 86_400), { days: 2 });
  const txn: Stripe.BalanceTransaction = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: input.amount,
    available_on: availableOn,
    balance_type: 'payments',
    created: now,
    currency: input.currency,
    description: input.description ?? null,
    exchange_rate: null,
    fee,
    fee_details: (input.fee?.details ?? []) as Stripe.BalanceTransaction.FeeDetail[],
    net: input.amount - fee,
    reporting_category: input.reportingCategory,
    source: input.source,
    status: 'pending',
    type: input.type,
  };
  return sim.store.insert(txn);
}

const DISPUTE_REASON: Record<NonNullable<CardProfile['dispute']>, string> = {
  fraudulent: 'fraudulent',
  product_not_received: 'product_not_received',
  inquiry: 'general',
};

/** A dispute opened by the cardholder's bank on a successful charge (the dispute test cards). */
export function createDispute(
  sim: SimContext,
  charge: Stripe.Charge,
  kind: NonNullable<CardProfile['dispute']>,
  domain: string | null,
): Stripe.Dispute {
  const now = sim.now(domain);
  const inquiry = kind === 'inquiry';
  const dispute = {
    id: newId(inquiry ? 'du' : 'dp'),
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [] as Stripe.BalanceTransaction[],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: {
      due_by: addDuration(now, { days: 7 }),
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: inquiry,
    livemode: false,
    metadata: {},
    payment_intent: idOf(charge.payment_intent as string | null),
    payment_method_details: {
      card: {
        brand: charge.payment_method_details?.card?.brand ?? 'visa',
        case_type: inquiry ? 'inquiry' : 'chargeback',
        network: charge.payment_method_details?.card?.network ?? 'visa',
        network_reason_code: kind === 'fraudulent' ? '10.4' : '13.1',
      },
      type: 'card',
    },
    reason: DISPUTE_REASON[kind],
    status: inquiry ? 'warning_needs_response' : 'needs_response',
  } as unknown as Stripe.Dispute;
  sim.store.insert(dispute);
  if (!inquiry) {
    // Stripe withdraws the disputed amount and its dispute fee from the balance at once, so the
    // dispute in charge.dispute.created already lists that withdrawal.
    const txn = createBalanceTransaction(sim, {
      amount: -charge.amount,
      currency: charge.currency,
      fee: disputeFee(charge.currency, sim.config.account.country),
      source: dispute.id,
      type: 'adjustment',
      reportingCategory: 'dispute',
      description: `Chargeback withdrawal for ${charge.id}`,
      domain,
    });
    dispute.balance_transactions.push(txn);
  }
  const chargeBefore = { disputed: charge.disputed };
  charge.disputed = true;
  sim.emit('charge.dispute.created', dispute, undefined, domain);
  sim.emit('charge.updated', charge, chargeBefore, domain);
  if (!inquiry) sim.emit('charge.dispute.funds_withdrawn', dispute, undefined, domain);
  return dispute;
}

function emptyEvidence(): Stripe.Dispute.Evidence {
  const keys = [
    'access_activity_log',
    'billing_address',
    'cancellation_policy',
    'cancellation_policy_disclosure',
    'cancellation_rebuttal',
    'customer_communication',
    'customer_email_address',
    'customer_name',
    'customer_purchase_ip',
    'customer_signature',
    'duplicate_charge_documentation',
    'duplicate_charge_explanation',
    'duplicate_charge_id',
    'product_description',
    'receipt',
    'refund_policy',
    'refund_policy_disclosure',
    'refund_refusal_explanation',
    'service_date',
    'service_documentation',
    'shipping_address',
    'shipping_carrier',
    'shipping_date',
    'shipping_documentation',
    'shipping_tracking_number',
    'uncategorized_file',
    'uncategorized_text',
  ];
  const evidence: Record<string, unknown> = Object.fromEntries(keys.map((k) => [k, null]));
  evidence.enhanced_evidence = {};
  return evidence as unknown as Stripe.Dispute.Evidence;
}

export const EVIDENCE_KEYS = Object.keys(emptyEvidence()).filter((k) => k !== 'enhanced_evidence');
