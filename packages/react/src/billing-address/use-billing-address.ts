// The customer's billing address and ABN: they decide the tax on each invoice.

import type {
  BillingAddressJson,
  BillingAddressResponse,
  UpdateBillingAddressRequest,
} from '@billkit/server/contract';
import { useCallback } from 'react';
import { invalidatedBy } from '../client/mutation-effects.js';
import { routes } from '../client/routes.js';
import { useBillingContext } from '../provider/billing-context.js';
import { type QueryResult, useQuery } from '../provider/use-query.js';

export interface UseBillingAddressResult extends QueryResult<BillingAddressResponse> {
  billingAddress: BillingAddressJson | undefined;
  /** `PUT /billing-address`. */
  update(request: UpdateBillingAddressRequest): Promise<BillingAddressJson>;
}

/** `GET /billing-address` and saving it. */
export function useBillingAddress(): UseBillingAddressResult {
  const { client, mutate } = useBillingContext();
  const query = useQuery(routes.billingAddress, client.getBillingAddress);
  const update = useCallback(
    (request: UpdateBillingAddressRequest) =>
      mutate(
        async () => (await client.updateBillingAddress(request)).billingAddress,
        invalidatedBy.updateBillingAddress,
      ),
    [client, mutate],
  );
  return { ...query, billingAddress: query.data?.billingAddress, update };
}
