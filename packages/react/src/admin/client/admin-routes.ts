// The admin module's paths, relative to `<basePath>/admin`. A copy of the contract's `ADMIN_ROUTES`
// (this package imports only types from the server); `satisfies` makes tsc fail if a path drifts.
// Each GET's path with its query string is also its key in the cache, so two components asking for
// the same page share one request.

import type { ADMIN_ROUTES } from '@billkit/server/contract';
import type {
  AuditListQuery,
  CustomerSearchQuery,
  DateRangeQuery,
  DisputeListQuery,
  GstReportQuery,
} from '../wire.js';

/** Where the server mounts the admin module unless told otherwise (the contract's DEFAULT_ADMIN_PREFIX). */
export const DEFAULT_ADMIN_PREFIX = '/admin';

const id = (value: string) => encodeURIComponent(value);

/** `?a=1&b=2` from the defined, non-empty values, in the order given (stable cache keys). */
export function queryString(params: Record<string, string | number | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

export const adminRoutes = {
  customers: '/customers',
  customer: (customerId: string) => `/customers/${id(customerId)}`,
  refunds: '/refunds',
  credits: '/credits',
  invoices: '/invoices',
  resendReceipt: (invoiceId: string) => `/invoices/${id(invoiceId)}/resend-receipt`,
  retryPayment: (invoiceId: string) => `/payments/${id(invoiceId)}/retry`,
  cancelSubscription: (customerId: string) => `/subscriptions/${id(customerId)}/cancel`,
  reactivateSubscription: (customerId: string) => `/subscriptions/${id(customerId)}/reactivate`,
  changePlan: (customerId: string) => `/subscriptions/${id(customerId)}/change-plan`,
  extendTrial: (customerId: string) => `/subscriptions/${id(customerId)}/extend-trial`,
  extendGrace: (customerId: string) => `/subscriptions/${id(customerId)}/extend-grace`,
  disputes: '/disputes',
  evidenceSubmitted: (disputeId: string) => `/disputes/${id(disputeId)}/evidence-submitted`,
  metrics: '/metrics',
  profitability: '/profitability',
  revenueRecognition: '/revenue/recognition',
  gstReport: '/reports/gst',
  journalCsv: '/reports/journal.csv',
  forecast: '/forecast',
  audit: '/audit',
  auditVerify: '/audit/verify',
} as const satisfies typeof ADMIN_ROUTES;

const range = (r: DateRangeQuery) => ({ from: r.from, to: r.to, currency: r.currency });

/** The paths with their query strings, for GETs and download links. */
export const adminPaths = {
  customers: (q: CustomerSearchQuery = {}) =>
    `${adminRoutes.customers}${queryString({ query: q.query?.trim(), status: q.status, cursor: q.cursor, limit: q.limit })}`,
  disputes: (q: DisputeListQuery = {}) =>
    `${adminRoutes.disputes}${queryString({ status: q.status, cursor: q.cursor, limit: q.limit })}`,
  metrics: (r: DateRangeQuery) => `${adminRoutes.metrics}${queryString(range(r))}`,
  profitability: (r: DateRangeQuery) => `${adminRoutes.profitability}${queryString(range(r))}`,
  revenueRecognition: (r: DateRangeQuery) => `${adminRoutes.revenueRecognition}${queryString(range(r))}`,
  gstReport: (q: GstReportQuery, format: 'json' | 'csv' = 'json') =>
    `${adminRoutes.gstReport}${queryString({ ...range(q), period: q.period ?? 'quarter', format })}`,
  journalCsv: (r: DateRangeQuery) => `${adminRoutes.journalCsv}${queryString(range(r))}`,
  forecast: (months: number) => `${adminRoutes.forecast}${queryString({ months })}`,
  audit: (q: AuditListQuery = {}) =>
    `${adminRoutes.audit}${queryString({ customerId: q.customerId, subjectId: q.subjectId, cursor: q.cursor, limit: q.limit })}`,
};
