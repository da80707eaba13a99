// The usage dashboard's reads: the range's summary (`GET /usage/summary`), the cost per bucket by
// provider (`GET /usage/timeseries`) and the costliest customers with their quotas, a page at a
// time (`GET /usage/customers`). Each goes through the admin provider's cache.

import type { QueryResult } from '../../provider/use-query.js';
import { usagePaths } from '../client/usage-routes.js';
import { useAdminContext } from '../provider/admin-context.js';
import { useAdminQuery } from '../provider/use-admin-query.js';
import { useCursorPages } from '../ui/cursor-pages.js';
import type {
  DateRangeQuery,
  UsageCustomerJson,
  UsageCustomersPageJson,
  UsageSummaryJson,
  UsageTimeseriesJson,
  UsageTimeseriesRequest,
} from '../wire.js';

export interface UseUsageSummaryResult extends QueryResult<UsageSummaryJson> {
  summary: UsageSummaryJson | undefined;
}

/** Spend, calls, customers and the split by provider over `[from, to)`, with this month's forecast. */
export function useUsageSummary(range: DateRangeQuery): UseUsageSummaryResult {
  const { client } = useAdminContext();
  const query = useAdminQuery(usagePaths.summary(range), () => client.getUsageSummary(range));
  return { ...query, summary: query.data };
}

export interface UseUsageTimeseriesResult extends QueryResult<UsageTimeseriesJson> {
  timeseries: UsageTimeseriesJson | undefined;
}

/** Cost per bucket, one series per provider unless `groupBy` names another dimension. */
export function useUsageTimeseries(request: UsageTimeseriesRequest): UseUsageTimeseriesResult {
  const { client } = useAdminContext();
  const asked: UsageTimeseriesRequest = { groupBy: 'provider', ...request };
  const query = useAdminQuery(usagePaths.timeseries(asked), () => client.getUsageTimeseries(asked));
  return { ...query, timeseries: query.data };
}

export interface UseUsageCustomersOptions {
  /** Only this provider's usage. */
  provider?: string;
  /**
   * Customers per page.
   * @default 10
   */
  pageSize?: number;
}

export interface UseUsageCustomersResult extends QueryResult<UsageCustomersPageJson> {
  customers: UsageCustomerJson[] | undefined;
  page: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  nextPage(): void;
  previousPage(): void;
}

/** The range's customers, costliest first, with the quotas of the features they used. */
export function useUsageCustomers(
  range: DateRangeQuery,
  options: UseUsageCustomersOptions = {},
): UseUsageCustomersResult {
  const { client } = useAdminContext();
  const filter = { ...range, provider: options.provider, limit: options.pageSize ?? 10 };
  const pages = useCursorPages(usagePaths.customers(filter));
  const request = { ...filter, cursor: pages.cursor };
  const query = useAdminQuery(usagePaths.customers(request), () => client.getUsageCustomers(request));
  const nextCursor = query.data?.nextCursor ?? null;
  return {
    ...query,
    customers: query.data?.items,
    page: pages.page,
    hasNextPage: nextCursor !== null,
    hasPreviousPage: pages.hasPrevious,
    nextPage: () => {
      if (nextCursor) pages.next(nextCursor);
    },
    previousPage: pages.previous,
  };
}
