// The plans on offer, each with its prices per interval.

import type { PlanJson, PlansResponse } from '@billkit/server/contract';
import { routes } from '../client/routes.js';
import { useBillingContext } from '../provider/billing-context.js';
import { type QueryResult, useQuery } from '../provider/use-query.js';

export interface UsePlansResult extends QueryResult<PlansResponse> {
  plans: PlanJson[] | undefined;
}

/** `GET /plans`: the catalog the customer can choose from. */
export function usePlans(): UsePlansResult {
  const { client } = useBillingContext();
  const query = useQuery(routes.plans, client.getPlans);
  return { ...query, plans: query.data?.plans };
}
