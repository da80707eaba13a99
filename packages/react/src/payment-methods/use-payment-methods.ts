// The customer's saved payment methods, and the changes to them. New ones are added through a
// SetupIntent and Stripe's Payment Element (<AddPaymentMethod>), so card data never reaches the host.

import type {
  PaymentMethodJson,
  PaymentMethodsResponse,
  RemovePaymentMethodResponse,
  SetupIntentResponse,
} from '@billkit/server/contract';
import { useMemo } from 'react';
import { invalidatedBy } from '../client/mutation-effects.js';
import { routes } from '../client/routes.js';
import { useBillingContext } from '../provider/billing-context.js';
import { type QueryResult, useQuery } from '../provider/use-query.js';

export interface PaymentMethodActions {
  /** `POST /payment-methods/:id/default`; also attaches a method a SetupIntent just confirmed. */
  setDefault(paymentMethodId: string): Promise<PaymentMethodJson>;
  /** `DELETE /payment-methods/:id` (`force` removes the last one of a live subscription). */
  remove(paymentMethodId: string, options?: { force?: boolean }): Promise<RemovePaymentMethodResponse>;
  /** `POST /payment-methods/setup-intent`: the client secret for the Payment Element. */
  createSetupIntent(): Promise<SetupIntentResponse>;
}

export interface UsePaymentMethodsResult extends QueryResult<PaymentMethodsResponse>, PaymentMethodActions {
  paymentMethods: PaymentMethodJson[] | undefined;
}

/** `GET /payment-methods` and its mutations. */
export function usePaymentMethods(): UsePaymentMethodsResult {
  const { client, mutate } = useBillingContext();
  const query = useQuery(routes.paymentMethods, client.getPaymentMethods);
  const actions = useMemo<PaymentMethodActions>(
    () => ({
      setDefault: (id) =>
        mutate(
          async () => (await client.setDefaultPaymentMethod(id)).paymentMethod,
          invalidatedBy.setDefaultPaymentMethod,
        ),
      remove: (id, options) =>
        mutate(() => client.removePaymentMethod(id, options), invalidatedBy.removePaymentMethod),
      createSetupIntent: () => client.createSetupIntent(),
    }),
    [client, mutate],
  );
  return { ...query, ...actions, paymentMethods: query.data?.paymentMethods };
}
