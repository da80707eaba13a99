// The customer's subscription with its next charge and access, and everything that changes it.
// A first payment that needs 3D Secure is confirmed through Stripe.js before the refetch.

import type {
  AccessJson,
  CancelRequest,
  ChangePlanRequest,
  ChangePreviewJson,
  NextChargeJson,
  StartSubscriptionRequest,
  SubscriptionJson,
  SubscriptionMutationResponse,
  SubscriptionResponse,
} from '@billkit/server/contract';
import { useMemo } from 'react';
import { invalidatedBy } from '../client/mutation-effects.js';
import { routes } from '../client/routes.js';
import { confirmPaymentWithStripe, useBillingContext } from '../provider/billing-context.js';
import { type QueryResult, useQuery } from '../provider/use-query.js';

export interface SubscriptionActions {
  /** `POST /subscription`: starts a plan (with the default card, or a trial). */
  start(request: StartSubscriptionRequest): Promise<SubscriptionJson>;
  /** `POST /subscription/preview`: what a change would charge now and at renewal. Changes nothing. */
  previewChange(request: ChangePlanRequest): Promise<ChangePreviewJson>;
  /** `POST /subscription/change`. */
  change(request: ChangePlanRequest): Promise<SubscriptionJson>;
  /** `POST /subscription/cancel`: at period end unless `atPeriodEnd: false`. */
  cancel(request?: CancelRequest): Promise<SubscriptionJson>;
  /** `POST /subscription/resume`: undoes a scheduled cancellation. */
  resume(): Promise<SubscriptionJson>;
}

export interface UseSubscriptionResult extends QueryResult<SubscriptionResponse>, SubscriptionActions {
  /** undefined while loading; null when the customer never subscribed. */
  subscription: SubscriptionJson | null | undefined;
  nextCharge: NextChargeJson | null | undefined;
  access: AccessJson | undefined;
}

/** `GET /subscription` and its mutations; each mutation refetches what it changed. */
export function useSubscription(): UseSubscriptionResult {
  const { client } = useBillingContext();
  const query = useQuery(routes.subscription, client.getSubscription);
  const actions = useSubscriptionActions();
  return {
    ...query,
    ...actions,
    subscription: query.data?.subscription,
    nextCharge: query.data?.nextCharge,
    access: query.data?.access,
  };
}

function useSubscriptionActions(): SubscriptionActions {
  const { client, mutate, stripe } = useBillingContext();
  return useMemo(() => {
    async function completed(response: SubscriptionMutationResponse): Promise<SubscriptionJson> {
      if (response.requiresAction)
        await confirmPaymentWithStripe(stripe, response.requiresAction.clientSecret);
      return response.subscription;
    }
    return {
      start: (request) =>
        mutate(
          async () => completed(await client.startSubscription(request)),
          invalidatedBy.startSubscription,
        ),
      previewChange: async (request) => (await client.previewChange(request)).preview,
      change: (request) =>
        mutate(async () => completed(await client.changePlan(request)), invalidatedBy.changePlan),
      cancel: (request = {}) =>
        mutate(
          async () => (await client.cancelSubscription(request)).subscription,
          invalidatedBy.cancelSubscription,
        ),
      resume: () =>
        mutate(
          async () => (await client.resumeSubscription()).subscription,
          invalidatedBy.resumeSubscription,
        ),
    };
  }, [client, mutate, stripe]);
}
