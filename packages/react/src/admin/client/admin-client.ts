// One typed function per admin route. The portal client's conventions: JSON both ways, the host's
// session cookie (same-origin credentials), and every failure a `BillingApiError`. An answer with
// no body (a 204 from a proxy or an older server) resolves to undefined.

import type { PlansResponse } from '@billkit/server/contract';
import { BillingApiError, errorFromResponse } from '../../client/billing-api-error.js';
import type {
  AdminCancelRequest,
  AdminChangePlanRequest,
  AdminCreditRequest,
  AdminExtendGraceRequest,
  AdminExtendTrialRequest,
  AdminInvoiceRequest,
  AdminRefundRequest,
  AdminResendReceiptResponse,
  AuditListQuery,
  AuditPageJson,
  BudgetAlertsRequest,
  CreateBudgetRequest,
  CreditRecordJson,
  CustomerDetailJson,
  CustomerSearchQuery,
  CustomersPageJson,
  DateRangeQuery,
  DisputeListQuery,
  DisputeRecordJson,
  DisputesPageJson,
  ForecastJson,
  GstReportJson,
  GstReportQuery,
  InvoiceRecordJson,
  MetricsJson,
  ProfitabilityJson,
  RecognitionReportJson,
  RefundRecordJson,
  SubscriptionRecordJson,
  UpdateBudgetRequest,
  UsageAlertsResponse,
  UsageBudgetDeletedResponse,
  UsageBudgetResponse,
  UsageBudgetsResponse,
  UsageCustomersPageJson,
  UsageCustomersRequest,
  UsageSummaryJson,
  UsageTimeseriesJson,
  UsageTimeseriesRequest,
} from '../wire.js';
import { adminPaths, adminRoutes, DEFAULT_ADMIN_PREFIX } from './admin-routes.js';
import { usagePaths, usageRoutes } from './usage-routes.js';

export interface AdminClientOptions {
  /**
   * Where the server's routes are mounted (its basePath); the admin routes are under `/admin` there.
   * @example '/api/billing'
   */
  baseUrl: string;
  /**
   * Where the server's `adminModule` is mounted under its basePath (its `prefix` option).
   * @default '/admin'
   */
  prefix?: string;
  /**
   * The fetch to call; for hosts that add auth headers, and for tests.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
}

/** The admin routes as functions. Used by the admin hooks; usable on its own (scripts, other UIs). */
export interface AdminClient {
  /** The server's basePath, without a trailing slash. */
  readonly baseUrl: string;
  /** The address of an admin path (`/reports/journal.csv?...`), for links and downloads. */
  url(path: string): string;
  searchCustomers(query?: CustomerSearchQuery): Promise<CustomersPageJson>;
  /** By the host's user id or the Stripe customer id. */
  getCustomer(customerId: string): Promise<CustomerDetailJson>;
  refund(body: AdminRefundRequest): Promise<RefundRecordJson>;
  grantCredit(body: AdminCreditRequest): Promise<CreditRecordJson>;
  createInvoice(body: AdminInvoiceRequest): Promise<InvoiceRecordJson>;
  resendReceipt(invoiceId: string): Promise<AdminResendReceiptResponse>;
  retryPayment(invoiceId: string): Promise<InvoiceRecordJson>;
  cancelSubscription(customerId: string, body: AdminCancelRequest): Promise<SubscriptionRecordJson>;
  reactivateSubscription(customerId: string): Promise<SubscriptionRecordJson>;
  changePlan(customerId: string, body: AdminChangePlanRequest): Promise<SubscriptionRecordJson>;
  extendTrial(customerId: string, body: AdminExtendTrialRequest): Promise<SubscriptionRecordJson>;
  extendGrace(customerId: string, body: AdminExtendGraceRequest): Promise<SubscriptionRecordJson>;
  listDisputes(query?: DisputeListQuery): Promise<DisputesPageJson>;
  markEvidenceSubmitted(disputeId: string): Promise<DisputeRecordJson>;
  getMetrics(range: DateRangeQuery): Promise<MetricsJson>;
  getProfitability(range: DateRangeQuery): Promise<ProfitabilityJson>;
  getRecognition(range: DateRangeQuery): Promise<RecognitionReportJson>;
  getGstReport(query: GstReportQuery): Promise<GstReportJson>;
  /** The GST report as CSV, for a download link. */
  gstCsvUrl(query: GstReportQuery): string;
  /** The GST report as JSON, for a link that opens it. */
  gstJsonUrl(query: GstReportQuery): string;
  /** The general-ledger journal as CSV, for a download link. */
  journalCsvUrl(range: DateRangeQuery): string;
  /** Revenue recognition as JSON, for a link that opens it. */
  recognitionJsonUrl(range: DateRangeQuery): string;
  getForecast(months?: number): Promise<ForecastJson>;
  getAuditLog(query?: AuditListQuery): Promise<AuditPageJson>;
  /** The catalog's plans, from the portal's `GET /plans` (the admin module has no plan list). */
  getPlans(): Promise<PlansResponse>;
  /** API spend over a range: totals, by provider, this month's forecast and the budgets. */
  getUsageSummary(range: DateRangeQuery): Promise<UsageSummaryJson>;
  /** Cost per bucket (a day by default), one series per provider unless `groupBy` says otherwise. */
  getUsageTimeseries(query: UsageTimeseriesRequest): Promise<UsageTimeseriesJson>;
  /** The costliest customers of a range with their quotas, a page at a time. */
  getUsageCustomers(query: UsageCustomersRequest): Promise<UsageCustomersPageJson>;
  /** Cost rows by provider and model as CSV, for a download link. */
  usageCostsCsvUrl(range: DateRangeQuery): string;
  /** Every budget with this month's spend, forecast and alerts. */
  listBudgets(): Promise<UsageBudgetsResponse>;
  /** A new budget; 409 `budget_exists` when its id (default 'overall' or 'provider:<name>') is taken. */
  createBudget(body: CreateBudgetRequest): Promise<UsageBudgetResponse>;
  /** Creates or replaces the budget with this id. */
  updateBudget(id: string, body: UpdateBudgetRequest): Promise<UsageBudgetResponse>;
  /** Removes the budget; the alerts it sent are kept. */
  deleteBudget(id: string): Promise<UsageBudgetDeletedResponse>;
  /** Budget alerts sent, newest first. */
  listBudgetAlerts(query?: BudgetAlertsRequest): Promise<UsageAlertsResponse>;
}

/** Creates the admin client for the server mounted at `baseUrl`. */
export function createAdminClient(options: AdminClientOptions): AdminClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const prefix = `/${(options.prefix ?? DEFAULT_ADMIN_PREFIX).replace(/^\/+|\/+$/g, '')}`;
  const adminUrl = (path: string) => `${baseUrl}${prefix}${path}`;

  async function send<T>(method: string, url: string, body?: unknown): Promise<T> {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new BillingApiError({
        code: 'network_error',
        status: 0,
        message: 'The billing service could not be reached.',
        cause,
      });
    }
    if (!response.ok) throw await errorFromResponse(response);
    const text = await response.text().catch(() => '');
    if (!text.trim()) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new BillingApiError({
        code: 'http_error',
        status: response.status,
        message: 'The billing service answered with something other than JSON.',
        cause,
      });
    }
  }

  const get = <T>(path: string) => send<T>('GET', adminUrl(path));
  const post = <T>(path: string, body: unknown = {}) => send<T>('POST', adminUrl(path), body);
  const put = <T>(path: string, body: unknown) => send<T>('PUT', adminUrl(path), body);
  const remove = <T>(path: string) => send<T>('DELETE', adminUrl(path));

  return {
    baseUrl,
    url: adminUrl,
    searchCustomers: (query) => get(adminPaths.customers(query)),
    getCustomer: (customerId) => get(adminRoutes.customer(customerId)),
    refund: (body) => post(adminRoutes.refunds, body),
    grantCredit: (body) => post(adminRoutes.credits, body),
    createInvoice: (body) => post(adminRoutes.invoices, body),
    resendReceipt: (invoiceId) => post(adminRoutes.resendReceipt(invoiceId)),
    retryPayment: (invoiceId) => post(adminRoutes.retryPayment(invoiceId)),
    cancelSubscription: (customerId, body) => post(adminRoutes.cancelSubscription(customerId), body),
    reactivateSubscription: (customerId) => post(adminRoutes.reactivateSubscription(customerId)),
    changePlan: (customerId, body) => post(adminRoutes.changePlan(customerId), body),
    extendTrial: (customerId, body) => post(adminRoutes.extendTrial(customerId), body),
    extendGrace: (customerId, body) => post(adminRoutes.extendGrace(customerId), body),
    listDisputes: (query) => get(adminPaths.disputes(query)),
    markEvidenceSubmitted: (disputeId) => post(adminRoutes.evidenceSubmitted(disputeId)),
    getMetrics: (range) => get(adminPaths.metrics(range)),
    getProfitability: (range) => get(adminPaths.profitability(range)),
    getRecognition: (range) => get(adminPaths.revenueRecognition(range)),
    getGstReport: (query) => get(adminPaths.gstReport(query, 'json')),
    gstCsvUrl: (query) => adminUrl(adminPaths.gstReport(query, 'csv')),
    gstJsonUrl: (query) => adminUrl(adminPaths.gstReport(query, 'json')),
    journalCsvUrl: (range) => adminUrl(adminPaths.journalCsv(range)),
    recognitionJsonUrl: (range) => adminUrl(adminPaths.revenueRecognition(range)),
    getForecast: (months = 12) => get(adminPaths.forecast(months)),
    getAuditLog: (query) => get(adminPaths.audit(query)),
    getPlans: () => send('GET', `${baseUrl}/plans`),
    getUsageSummary: (range) => get(usagePaths.summary(range)),
    getUsageTimeseries: (query) => get(usagePaths.timeseries(query)),
    getUsageCustomers: (query) => get(usagePaths.customers(query)),
    usageCostsCsvUrl: (range) => adminUrl(usagePaths.costsCsv(range)),
    listBudgets: () => get(usageRoutes.budgets),
    createBudget: (body) => post(usageRoutes.budgets, body),
    updateBudget: (id, body) => put(usageRoutes.budget(id), body),
    deleteBudget: (id) => remove(usageRoutes.budget(id)),
    listBudgetAlerts: (query) => get(usagePaths.alerts(query)),
  };
}
