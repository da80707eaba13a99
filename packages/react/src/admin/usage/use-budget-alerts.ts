// The budget alerts sent: `GET /usage/alerts?budgetId=&period=&limit=`, newest first (thresholds
// crossed and spend-rate anomalies). A budget change refetches them (admin-mutation-effects.ts).

import type { QueryResult } from '../../provider/use-query.js';
import { usagePaths } from '../client/usage-routes.js';
import { useAdminContext } from '../provider/admin-context.js';
import { useAdminQuery } from '../provider/use-admin-query.js';
import type { BudgetAlertJson, BudgetAlertsRequest, UsageAlertsResponse } from '../wire.js';

export interface UseBudgetAlertsResult extends QueryResult<UsageAlertsResponse> {
  /** Newest first. */
  alerts: BudgetAlertJson[] | undefined;
}

/** The budget alerts sent (thresholds crossed, spend-rate anomalies), newest first. */
export function useBudgetAlerts(request: BudgetAlertsRequest = {}): UseBudgetAlertsResult {
  const { client } = useAdminContext();
  const query = useAdminQuery(usagePaths.alerts(request), () => client.listBudgetAlerts(request));
  const alerts = query.data?.alerts;
  return { ...query, alerts: alerts ? newestFirst(alerts) : undefined };
}

function newestFirst(alerts: BudgetAlertJson[]): BudgetAlertJson[] {
  return [...alerts].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}
