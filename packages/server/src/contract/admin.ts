// The HTTP contract of the admin routes (`adminModule(createAdmin(...))`, under basePath + '/admin'):
// zod schemas for every query and body, and the type of every answer. An answer is what the
// `Admin` method returns, as JSON: `Wire<T>` (Dates become ISO 8601 strings, nothing else changes).

import type {
  CustomerDetail,
  Forecast,
  GstReport,
  Metrics,
  Profitability,
  RecognitionReport,
} from '@billkit/admin';
import type {
  AuditEntry,
  AuditVerification,
  CreditRecord,
  CustomerSearchResult,
  DisputeRecord,
  InvoiceRecord,
  Page,
  RefundRecord,
  SubscriptionRecord,
} from '@billkit/core';
import { z } from 'zod';

/** A value as it crosses HTTP: every Date (however deep) is its ISO 8601 string. */
export type Wire<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer Item>
    ? Wire<Item>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

// ---------------------------------------------------------------------------------------------
// Building blocks

/** '2026-03-01' (midnight UTC) or a time with seconds and its zone ('2026-03-01T09:30:00+10:00'). */
export const adminDateSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'an ISO 8601 date (2026-03-01) or time with its zone (2026-03-01T00:00:00Z)',
});

const currencySchema = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, 'a three-letter currency code')
  .transform((currency) => currency.toLowerCase());
const cursorSchema = z.string().min(1).max(500);
/** A query string's number: `?limit=20`. */
const pageLimitSchema = z.coerce.number().int().min(1).max(100);
/** The host's user id (no spaces at either end) or a Stripe customer id (cus_...). */
const customerIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^\S(.*\S)?$/s, 'a user id or Stripe customer id');
const idempotencyKeySchema = z.string().min(1).max(200);
const subscriptionStatusSchema = z.enum([
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
]);

/** `from` before `to`, or the range names `to` as the bad field. */
function fromBeforeTo(range: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (Date.parse(range.from) < Date.parse(range.to)) return;
  ctx.addIssue({ code: 'custom', path: ['to'], message: 'after from' });
}

const rangeShape = {
  from: adminDateSchema,
  /** Excluded: `[from, to)`. */
  to: adminDateSchema,
  /** @default the catalog's currency */
  currency: currencySchema.optional(),
};

// ---------------------------------------------------------------------------------------------
// Customers

/** GET /customers?query=&status=&cursor=&limit= */
export const adminCustomersQuerySchema = z.object({
  /** Part of an email or name, or a whole user id or Stripe customer id. */
  query: z.string().trim().max(200).optional(),
  /** The newest subscription's status; 'none' for customers who never subscribed. */
  status: z.union([subscriptionStatusSchema, z.literal('none')]).optional(),
  cursor: cursorSchema.optional(),
  limit: pageLimitSchema.optional(),
});
export type AdminCustomersQuery = z.input<typeof adminCustomersQuerySchema>;
export type AdminCustomerJson = Wire<CustomerSearchResult>;
export type AdminCustomersResponse = Wire<Page<CustomerSearchResult>>;
/** GET /customers/:customerId (the host's user id or cus_...) */
export type AdminCustomerDetailResponse = Wire<CustomerDetail>;

// ---------------------------------------------------------------------------------------------
// Money: refunds, credits, one-off invoices, payment retries

/** POST /refunds: exactly one of invoiceId and chargeId. */
export const adminRefundRequestSchema = z
  .object({
    invoiceId: z
      .string()
      .regex(/^in_\w{1,250}$/, 'a Stripe invoice id (in_...)')
      .optional(),
    chargeId: z
      .string()
      .regex(/^(ch|py)_\w{1,250}$/, 'a Stripe charge id (ch_...)')
      .optional(),
    /** Minor units; omit to refund everything still refundable. */
    amount: z.number().int().positive().optional(),
    /** 'duplicate', 'fraudulent', 'requested_by_customer' (Stripe's reasons) or any other words. */
    reason: z.string().trim().min(1).max(400),
    /** Billkit's own words, kept with the refund and in the audit log. */
    note: z.string().trim().max(400).optional(),
    /** The same key twice refunds once. */
    idempotencyKey: idempotencyKeySchema.optional(),
  })
  .refine((refund) => (refund.invoiceId ? 1 : 0) + (refund.chargeId ? 1 : 0) === 1, {
    message: 'give exactly one of invoiceId or chargeId',
    path: ['invoiceId'],
  });
export type AdminRefundRequest = z.input<typeof adminRefundRequestSchema>;
export type AdminRefundResponse = Wire<RefundRecord>;

/** POST /credits: credit on the customer's balance, used up by their next invoices. */
export const adminCreditRequestSchema = z.object({
  customerId: customerIdSchema,
  /** Minor units of credit (positive): 500 is A$5.00 off the next invoices. */
  amount: z.number().int().positive().max(100_000_000),
  currency: currencySchema.optional(),
  /** Shown to the customer on their invoice. */
  description: z.string().trim().min(1).max(350),
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type AdminCreditRequest = z.input<typeof adminCreditRequestSchema>;
export type AdminCreditResponse = Wire<CreditRecord>;

/** POST /invoices: an invoice outside the subscription. */
export const adminOneOffInvoiceRequestSchema = z.object({
  customerId: customerIdSchema,
  /** Amounts in minor units, GST included when the catalog's prices include it. */
  items: z
    .array(
      z.object({
        description: z.string().trim().min(1).max(500),
        amount: z.number().int().positive().max(100_000_000),
      }),
    )
    .min(1)
    .max(50),
  /** 'charge': now, to the default card; 'send': emailed, to be paid within `daysUntilDue`. */
  collection: z.enum(['charge', 'send']),
  /** For 'send'. @default 14 */
  daysUntilDue: z.number().int().min(1).max(365).optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type AdminOneOffInvoiceRequest = z.input<typeof adminOneOffInvoiceRequestSchema>;
/** POST /invoices and POST /payments/:invoiceId/retry */
export type AdminInvoiceResponse = Wire<InvoiceRecord>;
/** POST /invoices/:invoiceId/resend-receipt */
export interface AdminResendReceiptResponse {
  invoiceId: string;
  resent: true;
}

// ---------------------------------------------------------------------------------------------
// Subscriptions (by customer: the host's user id or cus_...)

/** POST /subscriptions/:customerId/cancel */
export const adminCancelRequestSchema = z.object({
  when: z.enum(['now', 'period_end']),
  reason: z.string().trim().max(500).optional(),
});
export type AdminCancelRequest = z.input<typeof adminCancelRequestSchema>;

/** POST /subscriptions/:customerId/change-plan: no proration, the new price from the next renewal. */
export const adminChangePlanRequestSchema = z.object({
  plan: z.string().min(1).max(40),
  interval: z.enum(['month', 'year']).optional(),
});
export type AdminChangePlanRequest = z.input<typeof adminChangePlanRequestSchema>;

/** POST /subscriptions/:customerId/extend-trial */
export const adminExtendTrialRequestSchema = z.object({ until: adminDateSchema });
export type AdminExtendTrialRequest = z.input<typeof adminExtendTrialRequestSchema>;

/** POST /subscriptions/:customerId/extend-grace: days of access past due beyond the policy's grace. */
export const adminExtendGraceRequestSchema = z.object({ days: z.number().int().min(1).max(90) });
export type AdminExtendGraceRequest = z.input<typeof adminExtendGraceRequestSchema>;

/** Every POST /subscriptions/:customerId/... route (reactivate has no body). */
export type AdminSubscriptionResponse = Wire<SubscriptionRecord>;

// ---------------------------------------------------------------------------------------------
// Disputes

/** GET /disputes?status=&cursor=&limit= */
export const adminDisputesQuerySchema = z.object({
  /** Stripe's: 'needs_response', 'under_review', 'won', 'lost', 'warning_needs_response', ... */
  status: z
    .string()
    .regex(/^[a-z_]{1,40}$/, "a Stripe dispute status such as 'needs_response'")
    .optional(),
  cursor: cursorSchema.optional(),
  limit: pageLimitSchema.optional(),
});
export type AdminDisputesQuery = z.input<typeof adminDisputesQuerySchema>;
export type AdminDisputesResponse = Wire<Page<DisputeRecord>>;
/** POST /disputes/:disputeId/evidence-submitted */
export type AdminDisputeResponse = Wire<DisputeRecord>;

// ---------------------------------------------------------------------------------------------
// Analytics and reports

/** GET /metrics and GET /revenue/recognition: `?from=&to=&currency=` */
export const adminRangeQuerySchema = z.object(rangeShape).superRefine(fromBeforeTo);
export type AdminRangeQuery = z.input<typeof adminRangeQuerySchema>;
export type AdminMetricsResponse = Wire<Metrics>;
export type AdminRecognitionResponse = Wire<RecognitionReport>;

/** GET /profitability?from=&to=&currency=&limit= (limit: how many customers, most profitable first) */
export const adminProfitabilityQuerySchema = z
  .object({ ...rangeShape, limit: z.coerce.number().int().min(1).max(1000).optional() })
  .superRefine(fromBeforeTo);
export type AdminProfitabilityQuery = z.input<typeof adminProfitabilityQuerySchema>;
export type AdminProfitabilityResponse = Wire<Profitability>;

/** GET /reports/gst?from=&to=&currency=&period=&format= */
export const adminGstQuerySchema = z
  .object({
    ...rangeShape,
    period: z.enum(['quarter', 'month']).default('quarter'),
    /** 'csv' answers text/csv as an attachment. */
    format: z.enum(['json', 'csv']).default('json'),
  })
  .superRefine(fromBeforeTo);
export type AdminGstQuery = z.input<typeof adminGstQuerySchema>;
/** GET /reports/gst with format=json (the default). */
export type AdminGstResponse = Wire<GstReport>;

/** GET /reports/journal.csv?from=&to=&currency=: text/csv as an attachment. */
export const adminJournalQuerySchema = z.object(rangeShape).superRefine(fromBeforeTo);
export type AdminJournalQuery = z.input<typeof adminJournalQuerySchema>;

/** GET /forecast?months=&currency= */
export const adminForecastQuerySchema = z.object({
  /** @default 12 */
  months: z.coerce.number().int().min(1).max(36).optional(),
  currency: currencySchema.optional(),
});
export type AdminForecastQuery = z.input<typeof adminForecastQuerySchema>;
export type AdminForecastResponse = Wire<Forecast>;

/** GET /audit?customerId=&subjectId=&cursor=&limit= */
export const adminAuditQuerySchema = z
  .object({
    customerId: customerIdSchema.optional(),
    /** A Stripe id (sub_..., in_..., re_...) or a user id. */
    subjectId: z.string().min(1).max(255).optional(),
    /** 'system', 'stripe', 'user:<id>', 'admin:<id>'. */
    actor: z.string().min(1).max(255).optional(),
    /** Entries at or after (a date is its start, UTC). */
    from: adminDateSchema.optional(),
    /** Entries before. */
    to: adminDateSchema.optional(),
    cursor: cursorSchema.optional(),
    limit: pageLimitSchema.optional(),
  })
  .superRefine((range, ctx) => {
    if (range.from !== undefined && range.to !== undefined)
      fromBeforeTo({ from: range.from, to: range.to }, ctx);
  });
export type AdminAuditQuery = z.input<typeof adminAuditQuerySchema>;
export type AdminAuditResponse = Wire<Page<AuditEntry>>;
/** GET /audit/verify: the hash chain walked (see `billing.audit.verify()`). */
export type AdminAuditVerificationResponse = Wire<AuditVerification>;

// ---------------------------------------------------------------------------------------------
// Paths

/** Where `adminModule` is mounted unless told otherwise, under the server's basePath. */
export const DEFAULT_ADMIN_PREFIX = '/admin';

const segment = encodeURIComponent;

/** The admin routes, relative to `basePath + prefix` (`/api/billing/admin` by default). */
export const ADMIN_ROUTES = {
  customers: '/customers',
  customer: (customerId: string) => `/customers/${segment(customerId)}`,
  refunds: '/refunds',
  credits: '/credits',
  invoices: '/invoices',
  resendReceipt: (invoiceId: string) => `/invoices/${segment(invoiceId)}/resend-receipt`,
  retryPayment: (invoiceId: string) => `/payments/${segment(invoiceId)}/retry`,
  cancelSubscription: (customerId: string) => `/subscriptions/${segment(customerId)}/cancel`,
  reactivateSubscription: (customerId: string) => `/subscriptions/${segment(customerId)}/reactivate`,
  changePlan: (customerId: string) => `/subscriptions/${segment(customerId)}/change-plan`,
  extendTrial: (customerId: string) => `/subscriptions/${segment(customerId)}/extend-trial`,
  extendGrace: (customerId: string) => `/subscriptions/${segment(customerId)}/extend-grace`,
  disputes: '/disputes',
  evidenceSubmitted: (disputeId: string) => `/disputes/${segment(disputeId)}/evidence-submitted`,
  metrics: '/metrics',
  profitability: '/profitability',
  revenueRecognition: '/revenue/recognition',
  gstReport: '/reports/gst',
  journalCsv: '/reports/journal.csv',
  forecast: '/forecast',
  audit: '/audit',
  auditVerify: '/audit/verify',
} as const;
