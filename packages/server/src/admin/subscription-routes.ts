// A customer's subscription, changed by an operator: cancel (now or at period end), reactivate,
// another plan without proration, a longer trial, more grace while past due.

import type { Admin } from '@billkit/admin';
import {
  adminCancelRequestSchema,
  adminChangePlanRequestSchema,
  adminExtendGraceRequestSchema,
  adminExtendTrialRequestSchema,
} from '../contract/index.js';
import { json } from '../http/responses.js';
import type { AdminRoute } from './admin-request.js';

export function subscriptionRoutes(admin: Admin): AdminRoute[] {
  return [
    {
      method: 'POST',
      path: '/subscriptions/:customerId/cancel',
      value: async ({ actor, params, body }) => {
        const input = body(adminCancelRequestSchema);
        return json(await admin.subscriptions.cancel({ ...input, customerId: params.customerId!, actor }));
      },
    },
    {
      method: 'POST',
      path: '/subscriptions/:customerId/reactivate',
      value: async ({ actor, params }) =>
        json(await admin.subscriptions.reactivate({ customerId: params.customerId!, actor })),
    },
    {
      method: 'POST',
      path: '/subscriptions/:customerId/change-plan',
      value: async ({ actor, params, body }) => {
        const input = body(adminChangePlanRequestSchema);
        return json(
          await admin.subscriptions.changePlan({ ...input, customerId: params.customerId!, actor }),
        );
      },
    },
    {
      method: 'POST',
      path: '/subscriptions/:customerId/extend-trial',
      value: async ({ actor, params, body }) => {
        const { until } = body(adminExtendTrialRequestSchema);
        return json(await admin.subscriptions.extendTrial({ customerId: params.customerId!, until, actor }));
      },
    },
    {
      method: 'POST',
      path: '/subscriptions/:customerId/extend-grace',
      value: async ({ actor, params, body }) => {
        const { days } = body(adminExtendGraceRequestSchema);
        return json(await admin.subscriptions.extendGrace({ customerId: params.customerId!, days, actor }));
      },
    },
  ];
}
