// The HTTP contract of Billkit's portal: zod schemas for every request body and response, and the
// types inferred from them. The server parses requests with these schemas and builds responses of
// these types; `@billkit/react` imports the types only (`import type`), never this module's code.
// On the wire: money is `{ amount, currency }` in integer minor units; times are ISO 8601 strings.

import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Building blocks

export const moneySchema = z.object({
  /** Integer minor units: 1000 is A$10.00. */
  amount: z.number().int(),
  /** Lowercase ISO 4217: 'aud'. */
  currency: z.string().length(3),
});
export type MoneyJson = z.infer<typeof moneySchema>;

const isoTime = z.string().describe('ISO 8601 time');
export const intervalSchema = z.enum(['day', 'week', 'month', 'year']);
export type IntervalJson = z.infer<typeof intervalSchema>;

const AU_STATES = new Set(['ACT', 'NSW', 'NT', 'QLD', 'SA', 'TAS', 'VIC', 'WA']);
/** Every ISO 3166-1 alpha-2 code the runtime's Intl knows (a made-up 'ZZ' is not an export destination). */
const KNOWN_REGIONS: ReadonlySet<string> = (() => {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const known = new Set<string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (names.of(code) !== undefined && code !== 'ZZ' && code !== 'EU' && code !== 'UN' && code !== 'EZ')
        known.add(code);
    }
  }
  return known;
})();

export const addressSchema = z
  .object({
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).nullable().default(null),
    city: z.string().trim().min(1).max(100),
    /** For Australia one of ACT, NSW, NT, QLD, SA, TAS, VIC, WA. */
    state: z.string().trim().max(100).nullable().default(null),
    postalCode: z.string().trim().min(1).max(20),
    /** ISO 3166-1 alpha-2: 'AU'. */
    country: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, 'a two-letter country code')
      .transform((c) => c.toUpperCase())
      .refine((c) => KNOWN_REGIONS.has(c), 'an ISO 3166-1 country code'),
  })
  .superRefine((address, ctx) => {
    // An Australian address names its state or territory: the tax invoice and GST depend on it being real.
    if (address.country === 'AU' && !AU_STATES.has((address.state ?? '').toUpperCase())) {
      ctx.addIssue({
        code: 'custom',
        path: ['state'],
        message: 'one of ACT, NSW, NT, QLD, SA, TAS, VIC, WA',
      });
    }
  });
export type AddressJson = z.output<typeof addressSchema>;

/** The error body of every 4xx / 5xx answer. `param` names the offending field when there is one. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    param: z.string().optional(),
    /** Card declines: Stripe's decline code. */
    declineCode: z.string().nullable().optional(),
    /** 3D Secure needed: confirm this with Stripe.js, then retry. */
    clientSecret: z.string().optional(),
    /**
     * Every problem of a 400 `invalid_input` (at most 100), `path` being the field ('thresholds.1';
     * '' for the body as a whole) and `message` what is wrong with it. A usage batch lists each bad
     * field of each event, `index` being the event's place in `events` and `path` the field inside
     * it ('units.input_tokens').
     */
    issues: z
      .array(z.object({ index: z.number().int().optional(), path: z.string(), message: z.string() }))
      .optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * The `error.code` values the server answers with: the engine's codes (a BillingError) and the
 * server's own. Clients branch on these; `message` is for people.
 */
export const errorCodes = [
  // the request
  'invalid_input',
  'invalid_json',
  'unauthenticated',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
  // the engine
  'customer_not_found',
  'plan_not_found',
  'subscription_not_found',
  'payment_method_not_found',
  'invoice_not_found',
  'offer_not_found',
  'payment_not_found',
  'dispute_not_found',
  'already_subscribed',
  'invalid_state',
  'last_payment_method',
  'card_declined',
  'requires_action',
  'payment_method_required',
  'refund_exceeds_refundable',
  'stripe_unavailable',
  'stripe_error',
  'stripe_rejected',
  // the server
  'internal_error',
  'raw_body_required',
  // the usage routes
  'budget_not_found',
  'budget_exists',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

// ---------------------------------------------------------------------------------------------
// Plans

export const planSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  features: z.array(z.string()),
  prices: z.array(
    z.object({
      interval: intervalSchema,
      intervalCount: z.number().int(),
      amount: moneySchema,
      taxBehavior: z.enum(['inclusive', 'exclusive', 'unspecified']),
      trialDays: z.number().int().nullable(),
    }),
  ),
});
export type PlanJson = z.infer<typeof planSchema>;
/** GET /plans */
export const plansResponseSchema = z.object({ plans: z.array(planSchema) });
export type PlansResponse = z.infer<typeof plansResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Access and subscription

export const accessSchema = z.object({
  allowed: z.boolean(),
  status: z.string(),
  reason: z.string(),
  planId: z.string().nullable(),
  until: isoTime.optional(),
  graceUntil: isoTime.optional(),
});
export type AccessJson = z.infer<typeof accessSchema>;
/** GET /access */
export const accessResponseSchema = z.object({ access: accessSchema });
export type AccessResponse = z.infer<typeof accessResponseSchema>;

export const subscriptionSchema = z.object({
  id: z.string(),
  status: z.enum([
    'incomplete',
    'incomplete_expired',
    'trialing',
    'active',
    'past_due',
    'canceled',
    'unpaid',
    'paused',
  ]),
  planId: z.string().nullable(),
  planName: z.string().nullable(),
  interval: intervalSchema,
  /** Price per period, tax as the price has it (GST included for Australian prices). */
  amount: moneySchema,
  currentPeriodStart: isoTime,
  currentPeriodEnd: isoTime,
  cancelAtPeriodEnd: z.boolean(),
  cancelAt: isoTime.nullable(),
  canceledAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  trialEnd: isoTime.nullable(),
  pausedCollection: z.string().nullable(),
  /** Set while past_due: access ends then unless the payment is recovered. */
  graceUntil: isoTime.nullable(),
  /** A downgrade made for the period end: the old plan is used until `until`. */
  scheduledDowngrade: z.object({ fromPlanId: z.string().nullable(), until: isoTime }).nullable(),
  /** The open invoice to pay when past_due / unpaid. */
  latestInvoiceId: z.string().nullable(),
});
export type SubscriptionJson = z.infer<typeof subscriptionSchema>;

export const nextChargeSchema = z.object({
  /** What the next invoice will charge, tax included. */
  amount: moneySchema,
  /** The tax (GST) in it. */
  tax: moneySchema,
  taxLabel: z.string(),
  date: isoTime,
});
export type NextChargeJson = z.infer<typeof nextChargeSchema>;

/** GET /subscription: the current (or most recent) subscription, null when there never was one. */
export const subscriptionResponseSchema = z.object({
  subscription: subscriptionSchema.nullable(),
  nextCharge: nextChargeSchema.nullable(),
  access: accessSchema,
});
export type SubscriptionResponse = z.infer<typeof subscriptionResponseSchema>;

/** POST /subscription */
export const startSubscriptionRequestSchema = z.object({
  plan: z.string().min(1).max(40),
  interval: intervalSchema.optional(),
  /** From the Payment Element (a saved card), or absent to use the default card / a trial. */
  paymentMethodId: z.string().min(1).max(255).optional(),
  promotionCode: z.string().min(1).max(100).optional(),
});
export type StartSubscriptionRequest = z.input<typeof startSubscriptionRequestSchema>;
/** POST /subscription, /subscription/change, /subscription/cancel, /subscription/resume */
export const subscriptionMutationResponseSchema = z.object({
  subscription: subscriptionSchema,
  /** The first payment needs 3D Secure: confirm with Stripe.js (`confirmCardPayment` / `confirmPayment`). */
  requiresAction: z.object({ clientSecret: z.string() }).optional(),
});
export type SubscriptionMutationResponse = z.infer<typeof subscriptionMutationResponseSchema>;

/** POST /subscription/preview and /subscription/change */
export const changePlanRequestSchema = z.object({
  plan: z.string().min(1).max(40),
  interval: intervalSchema.optional(),
});
export type ChangePlanRequest = z.input<typeof changePlanRequestSchema>;

const previewLineSchema = z.object({
  description: z.string(),
  amount: moneySchema,
  proration: z.boolean(),
  period: z.object({ start: isoTime, end: isoTime }),
});
export const changePreviewSchema = z.object({
  direction: z.enum(['upgrade', 'downgrade', 'same']),
  prorationDate: isoTime,
  /** Charged now (an upgrade under the default policy); total 0 when nothing is charged now. */
  now: z.object({ total: moneySchema, lines: z.array(previewLineSchema) }),
  /** The next renewal after the change. */
  next: z.object({ total: moneySchema, date: isoTime, lines: z.array(previewLineSchema) }),
});
export type ChangePreviewJson = z.infer<typeof changePreviewSchema>;
export const changePreviewResponseSchema = z.object({ preview: changePreviewSchema });
export type ChangePreviewResponse = z.infer<typeof changePreviewResponseSchema>;

export const cancellationFeedbackSchema = z.enum([
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
]);
export type CancellationFeedback = z.infer<typeof cancellationFeedbackSchema>;

/** POST /subscription/cancel */
export const cancelRequestSchema = z.object({
  /** true (default): access until the period ends; false: now. */
  atPeriodEnd: z.boolean().default(true),
  feedback: cancellationFeedbackSchema.optional(),
  /** The customer's own words. */
  reason: z.string().trim().max(500).optional(),
  /** The retention offers shown and turned down, recorded with the cancellation. */
  declinedOffers: z.array(z.string().max(60)).max(10).optional(),
});
export type CancelRequest = z.input<typeof cancelRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Retention offers

export const retentionOfferSchema = z.object({
  id: z.string(),
  kind: z.enum(['discount', 'pause', 'downgrade']),
  title: z.string(),
  description: z.string(),
  /** discount */
  percentOff: z.number().optional(),
  durationMonths: z.number().int().optional(),
  /** pause */
  months: z.number().int().optional(),
  /** downgrade: the cheaper plan and what it costs per period. */
  plan: z
    .object({ id: z.string(), name: z.string(), interval: intervalSchema, amount: moneySchema })
    .optional(),
});
export type RetentionOfferJson = z.infer<typeof retentionOfferSchema>;
/** GET /retention-offers */
export const retentionOffersResponseSchema = z.object({ offers: z.array(retentionOfferSchema) });
export type RetentionOffersResponse = z.infer<typeof retentionOffersResponseSchema>;
/** POST /retention-offers/:id/accept */
export const acceptOfferRequestSchema = z.object({
  feedback: cancellationFeedbackSchema.optional(),
  reason: z.string().trim().max(500).optional(),
});
export type AcceptOfferRequest = z.input<typeof acceptOfferRequestSchema>;
export const acceptOfferResponseSchema = z.object({
  offer: retentionOfferSchema,
  subscription: subscriptionSchema,
});
export type AcceptOfferResponse = z.infer<typeof acceptOfferResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Payment methods

export const paymentMethodSchema = z.object({
  id: z.string(),
  type: z.string(),
  brand: z.string().nullable(),
  last4: z.string().nullable(),
  expMonth: z.number().int().nullable(),
  expYear: z.number().int().nullable(),
  wallet: z.string().nullable(),
  isDefault: z.boolean(),
});
export type PaymentMethodJson = z.infer<typeof paymentMethodSchema>;
/** GET /payment-methods */
export const paymentMethodsResponseSchema = z.object({ paymentMethods: z.array(paymentMethodSchema) });
export type PaymentMethodsResponse = z.infer<typeof paymentMethodsResponseSchema>;
/** POST /payment-methods/setup-intent */
export const setupIntentResponseSchema = z.object({ clientSecret: z.string(), setupIntentId: z.string() });
export type SetupIntentResponse = z.infer<typeof setupIntentResponseSchema>;
/** POST /payment-methods/:id/default */
export const paymentMethodResponseSchema = z.object({ paymentMethod: paymentMethodSchema });
export type PaymentMethodResponse = z.infer<typeof paymentMethodResponseSchema>;
/** DELETE /payment-methods/:id (`?force=true` to remove the last card of a live subscription) */
export const removePaymentMethodResponseSchema = z.object({
  removedPaymentMethodId: z.string(),
  defaultPaymentMethodId: z.string().nullable(),
});
export type RemovePaymentMethodResponse = z.infer<typeof removePaymentMethodResponseSchema>;
/** DELETE /payment-methods/:id?force=true */
export const removePaymentMethodQuerySchema = z.object({
  force: z
    .enum(['true', 'false'])
    .optional()
    .transform((force) => force === 'true'),
});

// ---------------------------------------------------------------------------------------------
// Invoices

export const invoiceSchema = z.object({
  id: z.string(),
  number: z.string().nullable(),
  status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']),
  total: moneySchema,
  tax: moneySchema,
  amountPaid: moneySchema,
  amountDue: moneySchema,
  createdAt: isoTime,
  paidAt: isoTime.nullable(),
  /** The service billed: from the earliest line's start to the latest line's end. */
  periodStart: isoTime,
  periodEnd: isoTime,
  /** Where the PDF is: `<basePath>/invoices/<id>/pdf` (null for drafts). */
  pdfUrl: z.string().nullable(),
  lines: z.array(
    z.object({
      description: z.string().nullable(),
      amount: moneySchema,
      tax: moneySchema,
      proration: z.boolean(),
      periodStart: isoTime,
      periodEnd: isoTime,
    }),
  ),
});
export type InvoiceJson = z.infer<typeof invoiceSchema>;
/** GET /invoices?limit=&after= */
export const invoicesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  after: z.string().max(500).optional(),
});
export const invoicesResponseSchema = z.object({
  invoices: z.array(invoiceSchema),
  nextCursor: z.string().nullable(),
});
export type InvoicesResponse = z.infer<typeof invoicesResponseSchema>;
/** POST /invoices/:id/pay: pay an open invoice now with the default card (or the one given). */
export const payInvoiceRequestSchema = z.object({ paymentMethodId: z.string().min(1).max(255).optional() });
export type PayInvoiceRequest = z.input<typeof payInvoiceRequestSchema>;
export const invoiceResponseSchema = z.object({ invoice: invoiceSchema });
export type InvoiceResponse = z.infer<typeof invoiceResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Billing address

export const billingAddressSchema = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  address: addressSchema.nullable(),
  /** An Australian Business Number, for business customers (11 digits). */
  abn: z.string().nullable(),
});
export type BillingAddressJson = z.infer<typeof billingAddressSchema>;
/** GET /billing-address and PUT /billing-address */
export const billingAddressResponseSchema = z.object({ billingAddress: billingAddressSchema });
export type BillingAddressResponse = z.infer<typeof billingAddressResponseSchema>;
export const updateBillingAddressRequestSchema = z.object({
  name: z.string().trim().min(1).max(256).optional(),
  address: addressSchema,
  /** 11 digits, spaces allowed; empty or absent for a private customer. */
  abn: z
    .string()
    .trim()
    .regex(/^(\d\s*){11}$/, 'an ABN has 11 digits')
    .optional()
    .or(z.literal('')),
});
export type UpdateBillingAddressRequest = z.input<typeof updateBillingAddressRequestSchema>;

/** The portal's routes, relative to the server's basePath. */
export const portalRoutes = {
  plans: '/plans',
  subscription: '/subscription',
  preview: '/subscription/preview',
  change: '/subscription/change',
  cancel: '/subscription/cancel',
  resume: '/subscription/resume',
  retentionOffers: '/retention-offers',
  acceptOffer: (id: string) => `/retention-offers/${encodeURIComponent(id)}/accept`,
  paymentMethods: '/payment-methods',
  setupIntent: '/payment-methods/setup-intent',
  setDefault: (id: string) => `/payment-methods/${encodeURIComponent(id)}/default`,
  removePaymentMethod: (id: string) => `/payment-methods/${encodeURIComponent(id)}`,
  invoices: '/invoices',
  invoicePdf: (id: string) => `/invoices/${encodeURIComponent(id)}/pdf`,
  payInvoice: (id: string) => `/invoices/${encodeURIComponent(id)}/pay`,
  billingAddress: '/billing-address',
  access: '/access',
  stripeWebhook: '/webhooks/stripe',
} as const;

// ---------------------------------------------------------------------------------------------
// Admin routes (`adminModule`): their own file

export type {
  AdminAuditQuery,
  AdminAuditResponse,
  AdminAuditVerificationResponse,
  AdminCancelRequest,
  AdminChangePlanRequest,
  AdminCreditRequest,
  AdminCreditResponse,
  AdminCustomerDetailResponse,
  AdminCustomerJson,
  AdminCustomersQuery,
  AdminCustomersResponse,
  AdminDisputeResponse,
  AdminDisputesQuery,
  AdminDisputesResponse,
  AdminExtendGraceRequest,
  AdminExtendTrialRequest,
  AdminForecastQuery,
  AdminForecastResponse,
  AdminGstQuery,
  AdminGstResponse,
  AdminInvoiceResponse,
  AdminJournalQuery,
  AdminMetricsResponse,
  AdminOneOffInvoiceRequest,
  AdminProfitabilityQuery,
  AdminProfitabilityResponse,
  AdminRangeQuery,
  AdminRecognitionResponse,
  AdminRefundRequest,
  AdminRefundResponse,
  AdminResendReceiptResponse,
  AdminSubscriptionResponse,
  Wire,
} from './admin.js';

// ---------------------------------------------------------------------------------------------
// Usage routes (`usageModule`): their own file

export {
  ADMIN_ROUTES,
  adminAuditQuerySchema,
  adminCancelRequestSchema,
  adminChangePlanRequestSchema,
  adminCreditRequestSchema,
  adminCustomersQuerySchema,
  adminDateSchema,
  adminDisputesQuerySchema,
  adminExtendGraceRequestSchema,
  adminExtendTrialRequestSchema,
  adminForecastQuerySchema,
  adminGstQuerySchema,
  adminJournalQuerySchema,
  adminOneOffInvoiceRequestSchema,
  adminProfitabilityQuerySchema,
  adminRangeQuerySchema,
  adminRefundRequestSchema,
  DEFAULT_ADMIN_PREFIX,
} from './admin.js';
export type {
  UsageAlertJson,
  UsageAlertsQuery,
  UsageAlertsResponse,
  UsageBudgetDeletedResponse,
  UsageBudgetJson,
  UsageBudgetResponse,
  UsageBudgetStatusJson,
  UsageBudgetsResponse,
  UsageCostRowJson,
  UsageCostsQuery,
  UsageCostsResponse,
  UsageCreateBudgetRequest,
  UsageCustomerJson,
  UsageCustomersQuery,
  UsageCustomersResponse,
  UsageDimensionJson,
  UsageEventJson,
  UsageEventsRequest,
  UsageEventsResponse,
  UsageForecastJson,
  UsageGranularityJson,
  UsagePriceBookQuery,
  UsagePriceBookResponse,
  UsagePriceEntryJson,
  UsageProviderTotalJson,
  UsagePutBudgetRequest,
  UsageQuotaJson,
  UsageSeriesJson,
  UsageSummaryQuery,
  UsageSummaryResponse,
  UsageTimeseriesQuery,
  UsageTimeseriesResponse,
} from './usage.js';
export {
  DEFAULT_USAGE_PREFIX,
  MAX_USAGE_BUCKETS,
  MAX_USAGE_EVENTS_PER_BATCH,
  USAGE_BUDGET_ID_PATTERN,
  USAGE_EVENTS_PATH,
  USAGE_ROUTES,
  usageAlertSchema,
  usageAlertsQuerySchema,
  usageAlertsResponseSchema,
  usageBudgetDeletedResponseSchema,
  usageBudgetIdSchema,
  usageBudgetResponseSchema,
  usageBudgetSchema,
  usageBudgetStatusSchema,
  usageBudgetsResponseSchema,
  usageCostRowSchema,
  usageCostsQuerySchema,
  usageCostsResponseSchema,
  usageCreateBudgetRequestSchema,
  usageCurrencySchema,
  usageCustomerSchema,
  usageCustomersQuerySchema,
  usageCustomersResponseSchema,
  usageDimensionSchema,
  usageEventSchema,
  usageEventsRequestSchema,
  usageEventsResponseSchema,
  usageForecastSchema,
  usageGranularitySchema,
  usagePriceBookQuerySchema,
  usagePriceBookResponseSchema,
  usagePriceEntrySchema,
  usageProviderTotalSchema,
  usagePutBudgetRequestSchema,
  usageQuotaSchema,
  usageSeriesSchema,
  usageSummaryQuerySchema,
  usageSummaryResponseSchema,
  usageTimeseriesQuerySchema,
  usageTimeseriesResponseSchema,
} from './usage.js';
