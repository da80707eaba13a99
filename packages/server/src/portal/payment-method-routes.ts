// The saved cards: list, a SetupIntent for the Payment Element, make one the default, remove one
// (`?force=true` to remove the last card of a live subscription). Another customer's card is 404.

import { portalRoutes, removePaymentMethodQuerySchema } from '../contract/index.js';
import { json } from '../http/responses.js';
import type { PortalDeps, PortalRoute } from './portal-context.js';
import { paymentMethodJson } from './records-to-json.js';

export function paymentMethodRoutes({ billing }: PortalDeps): PortalRoute[] {
  return [
    {
      method: 'GET',
      path: portalRoutes.paymentMethods,
      value: async ({ user }) => {
        // Someone who never saved a card (or subscribed) has no billing customer yet: nothing to list.
        if (!(await billing.customers.get(user.userId))) return json({ paymentMethods: [] });
        const methods = await billing.paymentMethods.list(user.userId);
        return json({ paymentMethods: methods.map(paymentMethodJson) });
      },
    },
    {
      method: 'POST',
      path: portalRoutes.setupIntent,
      value: async ({ user }) => {
        await billing.customers.ensure({ userId: user.userId, email: user.email });
        return json(await billing.paymentMethods.createSetupIntent(user.userId));
      },
    },
    {
      method: 'POST',
      path: '/payment-methods/:paymentMethodId/default',
      value: async ({ user, params }) => {
        const method = await billing.paymentMethods.setDefault(user.userId, params.paymentMethodId!);
        return json({ paymentMethod: paymentMethodJson(method) });
      },
    },
    {
      method: 'DELETE',
      path: '/payment-methods/:paymentMethodId',
      value: async ({ user, params, query }) => {
        const { force } = query(removePaymentMethodQuerySchema);
        const removed = await billing.paymentMethods.remove(user.userId, params.paymentMethodId!, { force });
        return json(removed);
      },
    },
  ];
}
