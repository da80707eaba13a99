// What a customer about to cancel is offered instead, and accepting one.

import type {
  AcceptOfferRequest,
  AcceptOfferResponse,
  RetentionOfferJson,
  RetentionOffersResponse,
} from '@billkit/server/contract';
import { useCallback } from 'react';
import { invalidatedBy } from '../client/mutation-effects.js';
import { routes } from '../client/routes.js';
import { useBillingContext } from '../provider/billing-context.js';
import { type QueryResult, useQuery } from '../provider/use-query.js';

export interface UseRetentionOffersResult extends QueryResult<RetentionOffersResponse> {
  offers: RetentionOfferJson[] | undefined;
  /** `POST /retention-offers/:id/accept`: applies it and undoes a scheduled cancellation. */
  accept(offerId: string, request?: AcceptOfferRequest): Promise<AcceptOfferResponse>;
}

/** `GET /retention-offers`: the offers that fit the subscription now. */
export function useRetentionOffers(): UseRetentionOffersResult {
  const { client, mutate } = useBillingContext();
  const query = useQuery(routes.retentionOffers, client.getRetentionOffers);
  const accept = useCallback(
    (offerId: string, request: AcceptOfferRequest = {}) =>
      mutate(() => client.acceptOffer(offerId, request), invalidatedBy.acceptOffer),
    [client, mutate],
  );
  return { ...query, offers: query.data?.offers, accept };
}
