// What the admin routes of @billkit/server send and accept, as the admin components name it: every
// type is the server's contract (`@billkit/server/contract`, types only, `Wire<T>` with Dates as ISO
// strings), given the short names used across this folder. The client-side query options allow
// `null` for "no cursor yet", which the query string leaves out.

import type {
  AdminAuditQuery,
  AdminAuditResponse,
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
  AdminForecastResponse,
  AdminGstQuery,
  AdminGstResponse,
  AdminInvoiceResponse,
  AdminMetricsResponse,
  AdminOneOffInvoiceRequest,
  AdminProfitabilityResponse,
  AdminRangeQuery,
  AdminRecognitionResponse,
  AdminRefundRequest,
  AdminRefundResponse,
  AdminResendReceiptResponse,
  AdminSubscriptionResponse,
  UsageAlertJson,
  UsageAlertsQuery,
  UsageAlertsResponse,
  UsageBudgetDeletedResponse,
  UsageBudgetJson,
  UsageBudgetResponse,
  UsageBudgetStatusJson,
  UsageBudgetsResponse,
  UsageCreateBudgetRequest,
  UsageCustomerJson,
  UsageCustomersQuery,
  UsageCustomersResponse,
  UsageForecastJson,
  UsageGranularityJson,
  UsageProviderTotalJson,
  UsagePutBudgetRequest,
  UsageQuotaJson,
  UsageSeriesJson,
  UsageSummaryResponse,
  UsageTimeseriesQuery,
  UsageTimeseriesResponse,
} from '@billkit/server/contract';

export type {
  AdminCancelRequest,
  AdminChangePlanRequest,
  AdminCreditRequest,
  AdminExtendGraceRequest,
  AdminExtendTrialRequest,
  AdminRefundRequest,
  AdminResendReceiptResponse,
};
/** `POST /invoices`: an invoice outside the subscription. */
export type AdminInvoiceRequest = AdminOneOffInvoiceRequest;

// ---------------------------------------------------------------------------------------------
// Records

export type CustomerDetailJson = AdminCustomerDetailResponse;
export type CustomerJson = CustomerDetailJson['customer'];
export type CustomerSearchResultJson = AdminCustomerJson;
export type SubscriptionRecordJson = AdminSubscriptionResponse;
export type SubscriptionStatus = SubscriptionRecordJson['status'];
export type PaymentMethodRecordJson = CustomerDetailJson['paymentMethods'][number];
export type InvoiceRecordJson = AdminInvoiceResponse;
export type InvoiceStatus = InvoiceRecordJson['status'];
export type PaymentRecordJson = CustomerDetailJson['payments'][number];
export type RefundRecordJson = AdminRefundResponse;
export type DisputeRecordJson = AdminDisputeResponse;
export type CreditRecordJson = AdminCreditResponse;
export type OutboxMessageJson = CustomerDetailJson['emails'][number];
export type AuditEntryJson = AdminAuditResponse['items'][number];
export type MrrMovementJson = CustomerDetailJson['mrrHistory'][number];
export type MrrMovementKind = MrrMovementJson['kind'];

/** One page of a list, with the cursor of the next one (null on the last page). */
export interface PageJson<T> {
  items: T[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------------------------------------
// Figures and reports

export type MetricsJson = AdminMetricsResponse;
/** One month of MRR movements (minor units; contraction and churned ≤ 0), and MRR at its end. */
export type MrrMonthJson = MetricsJson['movements'][number];
export type RecognitionReportJson = AdminRecognitionResponse;
export type RecognitionMonthJson = RecognitionReportJson['months'][number];
export type GstReportJson = AdminGstResponse;
export type GstPeriodJson = GstReportJson['periods'][number];
export type ForecastJson = AdminForecastResponse;
export type ForecastMonthJson = ForecastJson['months'][number];
export type ProfitabilityJson = AdminProfitabilityResponse;
export type CustomerProfitJson = ProfitabilityJson['customers'][number];

// Pages the contract names by route; checked to be the page shape above.
export type CustomersPageJson = AdminCustomersResponse & PageJson<CustomerSearchResultJson>;
export type DisputesPageJson = AdminDisputesResponse & PageJson<DisputeRecordJson>;
export type AuditPageJson = AdminAuditResponse & PageJson<AuditEntryJson>;

// ---------------------------------------------------------------------------------------------
// Queries

/** `GET /customers`: a search over name, email and ids, and the subscription status. */
export interface CustomerSearchQuery extends Omit<AdminCustomersQuery, 'cursor' | 'limit'> {
  cursor?: string | null;
  /** Rows per page, 1 to 100. */
  limit?: number;
}

export interface DisputeListQuery extends Omit<AdminDisputesQuery, 'cursor' | 'limit'> {
  cursor?: string | null;
  /** Rows per page, 1 to 100. */
  limit?: number;
}

export interface AuditListQuery extends Omit<AdminAuditQuery, 'cursor' | 'limit'> {
  cursor?: string | null;
  /** Rows per page, 1 to 100. */
  limit?: number;
}

/** A date range, `from` included and `to` excluded, as ISO dates ('2026-03-01') or times with a zone. */
export type DateRangeQuery = Pick<AdminRangeQuery, 'from' | 'to' | 'currency'>;

export interface GstReportQuery extends DateRangeQuery {
  /** @default 'quarter' */
  period?: NonNullable<AdminGstQuery['period']>;
}

// ---------------------------------------------------------------------------------------------
// API usage (`usageModule`, under the same admin prefix: `<basePath>/admin/usage/...`). Costs are
// integer micro-units of their currency (1_530_000 is 1.53); budget caps go in as decimal strings.

export type {
  UsageAlertsResponse,
  UsageBudgetDeletedResponse,
  UsageBudgetResponse,
  UsageBudgetsResponse,
  UsageCustomerJson,
  UsageForecastJson,
  UsageGranularityJson,
  UsageProviderTotalJson,
  UsageQuotaJson,
  UsageSeriesJson,
};
export type UsageSummaryJson = UsageSummaryResponse;
export type UsageTimeseriesJson = UsageTimeseriesResponse;
export type UsageCustomersPageJson = UsageCustomersResponse & PageJson<UsageCustomerJson>;
export type BudgetJson = UsageBudgetJson;
/** A budget with this month's spend, percent, month-end forecast and alerts. */
export type BudgetStatusJson = UsageBudgetStatusJson;
export type BudgetAlertJson = UsageAlertJson;
/** `POST /usage/budgets`: a new budget; `id` defaults to 'overall' or 'provider:<provider>'. */
export type CreateBudgetRequest = UsageCreateBudgetRequest;
/** `PUT /usage/budgets/:id`: the budget with that id, created or replaced. */
export type UpdateBudgetRequest = UsagePutBudgetRequest;

/** `GET /usage/timeseries`: one series per provider (or another dimension), a bucket a day by default. */
export interface UsageTimeseriesRequest extends DateRangeQuery {
  /** @default 'day' */
  granularity?: UsageGranularityJson;
  groupBy?: UsageTimeseriesQuery['groupBy'];
  provider?: string;
}

/** `GET /usage/customers`: the costliest customers first, a page at a time. */
export interface UsageCustomersRequest extends DateRangeQuery {
  provider?: UsageCustomersQuery['provider'];
  cursor?: string | null;
  /** Rows per page, 1 to 100. */
  limit?: number;
}

/** `GET /usage/alerts`: the alerts sent, newest first. */
export interface BudgetAlertsRequest extends Pick<UsageAlertsQuery, 'budgetId' | 'period'> {
  /** 1 to 100. @default 50 */
  limit?: number;
}
