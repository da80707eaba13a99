// The dashboard's figures over a range: `GET /metrics?from=&to=`. The KPI cards and the revenue
// charts read the same range through the cache, so they share one request.

import type { QueryResult } from '../../provider/use-query.js';
import { adminPaths } from '../client/admin-routes.js';
import { useAdminContext } from '../provider/admin-context.js';
import { useAdminQuery } from '../provider/use-admin-query.js';
import type { DateRangeQuery, MetricsJson } from '../wire.js';

export interface UseMetricsResult extends QueryResult<MetricsJson> {
  metrics: MetricsJson | undefined;
}

/** MRR, churn, payments, refunds, disputes and revenue over `[from, to)`. */
export function useMetrics(range: DateRangeQuery): UseMetricsResult {
  const { client } = useAdminContext();
  const query = useAdminQuery(adminPaths.metrics(range), () => client.getMetrics(range));
  return { ...query, metrics: query.data };
}
