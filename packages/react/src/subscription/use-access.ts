// Whether the customer may use the product now, and why: for hosts gating features in the UI.

import type { AccessJson, AccessResponse } from '@billkit/server/contract';
import { routes } from '../client/routes.js';
import { useBillingContext } from '../provider/billing-context.js';
import { type QueryResult, useQuery } from '../provider/use-query.js';

export interface UseAccessResult extends QueryResult<AccessResponse> {
  access: AccessJson | undefined;
}

/** `GET /access`. Refetched after every change to the subscription. */
export function useAccess(): UseAccessResult {
  const { client } = useBillingContext();
  const query = useQuery(routes.access, client.getAccess);
  return { ...query, access: query.data?.access };
}
