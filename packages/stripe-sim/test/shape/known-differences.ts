// Accepted differences between the simulator's objects and Stripe's published example objects
// (fixtures3.json). Where the pinned `stripe` package's types (API version 2026-10-28.endive,
// node_modules/stripe/esm/resources/*.d.ts) and the fixture disagree, the types win; every entry
// below was decided by reading the declaration it cites, and every entry says why.
//
// Categories:
// - fixture-key-not-in-types: the fixture has a key the pinned types don't. Types win: the key is
//   removed from the fixture before comparing (so the simulator sending it is a finding).
// - types-key-not-in-fixture: the types declare a key the fixture's example lacks (newer than the
//   example, or only present in some states). The simulator sends it; the `extra` finding is fine.
// - includable: the types mark the key optional and Stripe only sends it when it is expanded
//   (`expand[]=...`). `onlyWhere` limits the entry to the objects it applies to.
// - simulator-omits: a key the simulator deliberately leaves out, with the reason.
//
// Paths use `[]` for any array item (`lines.data[].pricing.price_details`). `onlyWhere`, when set, is
// tested against the label of the object being checked (`webhookEndpoints.create we_...`,
// `events.list invoice.paid evt_... data.object (invoice)`), so an entry can be confined to, say,
// the create response.

import { pathMatches, type ShapeFinding, type ShapeFindingKind } from './compare-shape.js';

export type DifferenceCategory =
  | 'fixture-key-not-in-types'
  | 'types-key-not-in-fixture'
  | 'includable'
  | 'simulator-omits';

export interface KnownDifference {
  /** The fixture key (`resources.<resource>`): the object type. */
  resource: string;
  /** Where (pattern; `[]` for any array item). */
  path: string;
  kind: ShapeFindingKind;
  category: DifferenceCategory;
  /** Why it is accepted: the declaration that decides it. */
  reason: string;
  /** Only for objects whose label matches (see above). */
  onlyWhere?: RegExp;
}

const typesLack = (resource: string, path: string, reason: string): KnownDifference => ({
  resource,
  path,
  kind: 'missing',
  category: 'fixture-key-not-in-types',
  reason,
});

const typesHave = (resource: string, path: string, reason: string, onlyWhere?: RegExp): KnownDifference => ({
  resource,
  path,
  kind: 'extra',
  category: 'types-key-not-in-fixture',
  reason,
  ...(onlyWhere ? { onlyWhere } : {}),
});

const includable = (
  resource: string,
  path: string,
  kind: ShapeFindingKind,
  reason: string,
  onlyWhere: RegExp,
): KnownDifference => ({ resource, path, kind, category: 'includable', reason, onlyWhere });

/**
 * `shipping: {}` in the fixtures is an empty example; the types' shipping hash
 * (Customer.Shipping, Invoice.CustomerShipping) is `{ address?, carrier?, name?, phone?,
 * tracking_number? }`. The simulator sends the keys that were given.
 */
const shippingKeys = (resource: string, at: string): KnownDifference[] =>
  ['address', 'name', 'phone'].map((key) =>
    typesHave(
      resource,
      `${at}.${key}`,
      `The fixture shows \`${at}: {}\` (an empty example); the types declare \`${at}.${key}?\` ` +
        `(Customer.Shipping / Invoice.CustomerShipping: address?, carrier?, name?, phone?, tracking_number?).`,
    ),
  );

/** `pricing: { type: 'price_details', unit_amount_decimal }` in the fixtures, without its details. */
const priceDetails = (resource: string, at: string): KnownDifference =>
  typesHave(
    resource,
    `${at}.price_details`,
    `Types: \`Pricing.price_details?: PriceDetails\` ({ price, product }), set when \`pricing.type\` is ` +
      `'price_details'; the fixture's example has that type but omits the details.`,
  );

/** The fixtures' wallet example is `{ dynamic_last4, type: 'link' }`, with no per-wallet hash. */
const walletHash = (resource: string, at: string, wallet: string): KnownDifference =>
  typesHave(
    resource,
    `${at}.${wallet}`,
    `Types: \`Wallet.${wallet}?: ${wallet === 'apple_pay' ? 'ApplePay' : wallet}\`, set when \`wallet.type\` is '${wallet}'; the fixture's example wallet is a Link one, which has no hash.`,
  );

/** `next_action: { type }` in the fixtures; Stripe.js's payload is typed but optional. */
const useStripeSdk = (resource: string): KnownDifference =>
  typesHave(
    resource,
    'next_action.use_stripe_sdk',
    `Types: \`NextAction.use_stripe_sdk?: UseStripeSdk\` ("only intended to be used by Stripe.js"), sent with \`next_action.type\` 'use_stripe_sdk' for 3D Secure; the fixture shows only \`type\`.`,
  );

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  // ── customer ──────────────────────────────────────────────────────────────────────────────────
  ...shippingKeys('customer', 'shipping'),

  // ── setup_intent ──────────────────────────────────────────────────────────────────────────────
  typesHave(
    'setup_intent',
    'allowed_payment_method_types',
    'Types: `SetupIntent.allowed_payment_method_types: Array<AllowedPaymentMethodType> | null` (required); newer than the fixture.',
  ),
  typesHave(
    'setup_intent',
    'customer_account',
    'Types: `SetupIntent.customer_account?: string | null`; the fixture has it on other resources but not on setup_intent.',
  ),
  typesHave(
    'setup_intent',
    'payment_method_options.card',
    'The fixture shows `payment_method_options: {}`; types: `SetupIntent.PaymentMethodOptions.card?: Card` ({ mandate_options, network, request_three_d_secure }), present for card setups.',
  ),
  useStripeSdk('setup_intent'),

  // ── payment_method ────────────────────────────────────────────────────────────────────────────
  walletHash('payment_method', 'card.wallet', 'apple_pay'),

  // ── product ───────────────────────────────────────────────────────────────────────────────────
  typesHave(
    'product',
    'tax_details',
    'Types: `Product.tax_details: TaxDetails | null` (required); newer than the fixture.',
  ),

  // ── subscription / subscription_item ─────────────────────────────────────────────────────────
  typesHave(
    'subscription',
    'cancellation_details.feedback_option',
    'Types: `Subscription.CancellationDetails.feedback_option: string | Billing.FeedbackOption | null` (required).',
  ),
  typesHave(
    'subscription',
    'trial_settings.end_behavior.billing_cycle_anchor',
    'Types: `Subscription.TrialSettings.EndBehavior.billing_cycle_anchor: BillingCycleAnchor | null` (required).',
  ),
  typesHave(
    'subscription',
    'items.data[].current_trial',
    'Types: `SubscriptionItem.current_trial: CurrentTrial | null` (required); the embedded item example predates it.',
  ),
  typesHave(
    'subscription_item',
    'current_trial',
    'Types: `SubscriptionItem.current_trial: CurrentTrial | null` (required); newer than the fixture.',
  ),

  // ── invoice / line_item / invoiceitem / invoice_payment ──────────────────────────────────────
  typesLack(
    'invoice',
    'subscription',
    'Types: `Stripe.Invoice` has no `subscription` (since 2025-03-31.basil it is `parent.subscription_details.subscription`); the fixture still lists it. Types win: the simulator omits it.',
  ),
  {
    resource: 'invoice',
    path: 'id',
    kind: 'missing',
    category: 'simulator-omits',
    reason:
      "Only in invoice.upcoming: Stripe's event documentation says the invoice it carries has no id (it does not exist yet). The shared `Invoice` type still declares `id: string`, as it does not model that payload.",
    onlyWhere: /^events\.list invoice\.upcoming /,
  },
  includable(
    'invoice',
    'payments',
    'extra',
    'Types: `Invoice.payments?: ApiList<InvoicePayment>`, includable: only sent with expand[]=payments.',
    /expand\[[^\]]*payments/,
  ),
  includable(
    'invoice',
    'confirmation_secret',
    'extra',
    'Types: `Invoice.confirmation_secret?: ConfirmationSecret | null`, includable: only sent with expand[]=confirmation_secret.',
    /expand\[[^\]]*confirmation_secret/,
  ),
  ...shippingKeys('invoice', 'customer_shipping'),
  priceDetails('invoice', 'lines.data[].pricing'),
  priceDetails('line_item', 'pricing'),
  priceDetails('invoiceitem', 'pricing'),
  typesHave(
    'invoiceitem',
    'parent.subscription_details.subscription_item',
    'Types: `InvoiceItem.Parent.SubscriptionDetails.subscription_item?: string`, set on proration items a subscription item generated; the fixture example has only `subscription`.',
  ),
  typesHave(
    'invoice_payment',
    'payment.payment_intent',
    "Types: `InvoicePayment.Payment.payment_intent?: string | PaymentIntent`, set when `payment.type` is 'payment_intent'; the fixture has that type but omits the id.",
  ),

  // ── payment_intent ────────────────────────────────────────────────────────────────────────────
  typesHave(
    'payment_intent',
    'allowed_payment_method_types',
    'Types: `PaymentIntent.allowed_payment_method_types: Array<AllowedPaymentMethodType> | null` (required); newer than the fixture.',
  ),
  typesHave(
    'payment_intent',
    'payment_record',
    'Types: `PaymentIntent.payment_record: string | PaymentRecord | null` (required); newer than the fixture.',
  ),
  typesHave(
    'payment_intent',
    'payment_method_options.card',
    'The fixture shows `payment_method_options: {}`; types: `PaymentIntent.PaymentMethodOptions.card?: Card`, present for card payments.',
  ),
  useStripeSdk('payment_intent'),
  // The fixture's `last_payment_error` is `{ type }` only; a card decline fills the optional keys of
  // PaymentIntent.LastPaymentError (advice_code?, charge?, code?, decline_code?, doc_url?, message?,
  // param?, payment_method?, ...).
  ...(['charge', 'code', 'decline_code', 'doc_url', 'message', 'payment_method'] as const).map((key) =>
    typesHave(
      'payment_intent',
      `last_payment_error.${key}`,
      `Types: \`PaymentIntent.LastPaymentError.${key}?\`, set on a card decline; the fixture's error example has only \`type\`.`,
    ),
  ),

  // ── charge ────────────────────────────────────────────────────────────────────────────────────
  includable(
    'charge',
    'refunds',
    'missing',
    'Types: `Charge.refunds?: ApiList<Refund> | null`, includable since API version 2022-11-15: only sent with expand[]=refunds (list them with GET /v1/refunds?charge=).',
    /^(?!.*expand\[refunds\])/,
  ),
  typesHave(
    'charge',
    'outcome.risk_level',
    'Types: `Charge.Outcome.risk_level?: string` ("only available with Radar", which test-mode accounts have); the fixture example lacks it.',
  ),
  typesHave(
    'charge',
    'outcome.risk_score',
    'Types: `Charge.Outcome.risk_score?: number` (Radar for Fraud Teams); the fixture example lacks it. Kept: harmless and useful to tests of risk handling.',
  ),
  walletHash('charge', 'payment_method_details.card.wallet', 'apple_pay'),
  typesHave(
    'charge',
    'payment_method_details.card.electronic_commerce_indicator',
    'Types: `Charge.PaymentMethodDetails.Card.electronic_commerce_indicator: string | null` (required); newer than the fixture.',
  ),

  // ── dispute ───────────────────────────────────────────────────────────────────────────────────
  typesHave(
    'dispute',
    'intended_submission_method',
    'Types: `Dispute.intended_submission_method: IntendedSubmissionMethod | null` (required); newer than the fixture.',
  ),
  typesHave(
    'dispute',
    'evidence_details.submission_method',
    'Types: `Dispute.EvidenceDetails.submission_method: SubmissionMethod` (required); newer than the fixture.',
  ),

  // ── webhook_endpoint ──────────────────────────────────────────────────────────────────────────
  typesHave(
    'webhook_endpoint',
    'secret',
    'Types: `WebhookEndpoint.secret?: string`, "Only returned at creation" (so only accepted on the create response).',
    /^webhookEndpoints\.create /,
  ),

  // ── event ─────────────────────────────────────────────────────────────────────────────────────
  typesHave(
    'event',
    'data.previous_attributes',
    'Types: `Event.Data.previous_attributes?: Partial<...>`, sent on events that change an object (`*.updated`, `charge.refunded`, ...); the fixture is a `*.created` example. Its keys are free-form.',
  ),
];

/**
 * The accepted difference that covers `finding` on an object of `resource` labelled `label`, if any.
 * (Entries of category fixture-key-not-in-types are applied to the fixture instead: see
 * correctFixture.)
 */
export function knownDifferenceFor(
  resource: string,
  finding: ShapeFinding,
  label = '',
): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find(
    (d) =>
      d.category !== 'fixture-key-not-in-types' &&
      d.resource === resource &&
      d.kind === finding.kind &&
      pathMatches(d.path, finding.path) &&
      (d.onlyWhere === undefined || d.onlyWhere.test(label)),
  );
}

/**
 * The fixture of `resource` as the pinned types have it: a copy without the keys the types lack.
 * `applied` receives each entry that removed something.
 */
export function correctFixture(
  resource: string,
  fixture: unknown,
  applied: (difference: KnownDifference) => void = () => {},
): unknown {
  const copy = structuredClone(fixture);
  for (const difference of KNOWN_DIFFERENCES) {
    if (difference.category !== 'fixture-key-not-in-types' || difference.resource !== resource) continue;
    if (removePath(copy, difference.path.replace(/\[\]/g, '.[]').split('.'))) applied(difference);
  }
  return copy;
}

function removePath(value: unknown, segments: string[]): boolean {
  const [head, ...rest] = segments;
  if (head === undefined || value === null || typeof value !== 'object') return false;
  if (head === '[]') {
    if (!Array.isArray(value)) return false;
    return value.map((item) => removePath(item, rest)).some(Boolean);
  }
  const record = value as Record<string, unknown>;
  if (!(head in record)) return false;
  if (rest.length === 0) {
    delete record[head];
    return true;
  }
  return removePath(record[head], rest);
}
