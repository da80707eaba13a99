// The usage module's dashboard paths, relative to `<basePath>/admin` like the admin routes. A copy of
// the contract's `USAGE_ROUTES` (this package imports only types from the server); `satisfies`
// makes tsc fail if a path drifts. A GET's path with its query string is its key in the cache.

import type { USAGE_ROUTES } from '@billkit/server/contract';
import type {
  BudgetAlertsRequest,
  DateRangeQuery,
  UsageCustomersRequest,
  UsageTimeseriesRequest,
} from '../wire.js';
import { queryString } from './admin-routes.js';

export const usageRoutes = {
  summary: '/usage/summary',
  timeseries: '/usage/timeseries',
  customers: '/usage/customers',
  costs: '/usage/costs',
  costsCsv: '/usage/costs.csv',
  budgets: '/usage/budgets',
  budget: (id: string) => `/usage/budgets/${encodeURIComponent(id)}`,
  alerts: '/usage/alerts',
  priceBook: '/usage/price-book',
} as const satisfies typeof USAGE_ROUTES;

const range = (r: DateRangeQuery) => ({ from: r.from, to: r.to, currency: r.currency });

/** The paths with their query strings, for GETs and download links. */
export const usagePaths = {
  summary: (r: DateRangeQuery) => `${usageRoutes.summary}${queryString(range(r))}`,
  timeseries: (q: UsageTimeseriesRequest) =>
    `${usageRoutes.timeseries}${queryString({
      ...range(q),
      granularity: q.granularity ?? 'day',
      groupBy: q.groupBy,
      provider: q.provider,
    })}`,
  customers: (q: UsageCustomersRequest) =>
    `${usageRoutes.customers}${queryString({ ...range(q), provider: q.provider, cursor: q.cursor, limit: q.limit })}`,
  /** Cost rows by provider and model, as the CSV download. */
  costsCsv: (r: DateRangeQuery, groupBy = 'provider,model') =>
    `${usageRoutes.costsCsv}${queryString({ ...range(r), groupBy })}`,
  alerts: (q: BudgetAlertsRequest = {}) =>
    `${usageRoutes.alerts}${queryString({ budgetId: q.budgetId, period: q.period, limit: q.limit })}`,
};
