// @billkit/react/admin: the operator's dashboard over the admin routes of @billkit/server (mounted
// under `<basePath>/admin`), API usage and budgets included (`usageModule`, under the same prefix).
// This file is the public API and nothing else; the portal's entry never imports it. Styles: the
// same `@billkit/react/styles.css`.

export type { RevenueChartsProps } from './charts/revenue-charts.js';
export { RevenueCharts } from './charts/revenue-charts.js';
export type { AdminClient, AdminClientOptions } from './client/admin-client.js';
export { createAdminClient } from './client/admin-client.js';
export type { CustomerDetailProps } from './customer-detail/customer-detail.js';
export { CustomerDetail } from './customer-detail/customer-detail.js';
export type { TimelineEntry, TimelineKind } from './customer-detail/customer-timeline.js';
export { buildTimeline } from './customer-detail/customer-timeline.js';
export type { CustomerActions, UseCustomerDetailResult } from './customer-detail/use-customer-detail.js';
export { useCustomerDetail } from './customer-detail/use-customer-detail.js';
export type { CustomerTableProps } from './customers/customer-table.js';
export { CustomerTable } from './customers/customer-table.js';
export type { UseCustomerSearchOptions, UseCustomerSearchResult } from './customers/use-customer-search.js';
export { useCustomerSearch } from './customers/use-customer-search.js';
export type { AdminDashboardProps } from './dashboard/admin-dashboard.js';
export { AdminDashboard } from './dashboard/admin-dashboard.js';
export type { KpiCardsProps } from './dashboard/kpi-cards.js';
export { KpiCards } from './dashboard/kpi-cards.js';
export type { RangeMonths } from './dashboard/metrics-range.js';
export { lastMonthsRange } from './dashboard/metrics-range.js';
export type { UseMetricsResult } from './dashboard/use-metrics.js';
export { useMetrics } from './dashboard/use-metrics.js';
export type { DisputesTableProps } from './disputes/disputes-table.js';
export { DisputesTable } from './disputes/disputes-table.js';
export type { UseDisputesOptions, UseDisputesResult } from './disputes/use-disputes.js';
export { useDisputes } from './disputes/use-disputes.js';
export type { AdminFormatters } from './format/admin-format.js';
export { createAdminFormatters } from './format/admin-format.js';
export type { AdminMessages, AdminMessagesOverride } from './messages/admin-messages.js';
export { defaultAdminMessages } from './messages/admin-messages.js';
export { describeAdminError } from './messages/describe-admin-error.js';
export type { AdminContextValue } from './provider/admin-context.js';
export { useAdminContext } from './provider/admin-context.js';
export type { AdminProviderProps } from './provider/admin-provider.js';
export { AdminProvider } from './provider/admin-provider.js';
export type { ReportsPanelProps } from './reports/reports-panel.js';
export { ReportsPanel } from './reports/reports-panel.js';
export { useForecast, useGstReport, useProfitability, useRevenueRecognition } from './reports/use-reports.js';
export type { ApiUsageDashboardProps } from './usage/api-usage-dashboard.js';
export { ApiUsageDashboard } from './usage/api-usage-dashboard.js';
export type { BudgetAlertsProps } from './usage/budget-alerts.js';
export { BudgetAlerts } from './usage/budget-alerts.js';
export type { BudgetsEditorProps } from './usage/budgets-editor.js';
export { BudgetsEditor } from './usage/budgets-editor.js';
export type { UsageCostChartProps } from './usage/usage-cost-chart.js';
export { UsageCostChart } from './usage/usage-cost-chart.js';
export type { UsageCustomersTableProps } from './usage/usage-customers-table.js';
export { UsageCustomersTable } from './usage/usage-customers-table.js';
export type { UsageKpiCardsProps } from './usage/usage-kpi-cards.js';
export { UsageKpiCards } from './usage/usage-kpi-cards.js';
export type { UsageRangeMonths } from './usage/usage-range.js';
export type { UseBudgetAlertsResult } from './usage/use-budget-alerts.js';
export { useBudgetAlerts } from './usage/use-budget-alerts.js';
export type { BudgetActions, UseBudgetsResult } from './usage/use-budgets.js';
export { useBudgets } from './usage/use-budgets.js';
export type {
  UseUsageCustomersOptions,
  UseUsageCustomersResult,
  UseUsageSummaryResult,
  UseUsageTimeseriesResult,
} from './usage/use-usage.js';
export { useUsageCustomers, useUsageSummary, useUsageTimeseries } from './usage/use-usage.js';
export type * from './wire.js';
