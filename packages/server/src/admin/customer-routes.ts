// Finding a customer and everything about them: the search (a page at a time) and the detail page's
// data. A customer is named by the host's user id or the Stripe customer id.

import type { Admin } from '@billkit/admin';
import { ADMIN_ROUTES, adminCustomersQuerySchema } from '../contract/index.js';
import { json } from '../http/responses.js';
import type { AdminRoute } from './admin-request.js';

export function customerRoutes(admin: Admin): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: ADMIN_ROUTES.customers,
      value: async ({ query }) => json(await admin.customers.search(query(adminCustomersQuerySchema))),
    },
    {
      method: 'GET',
      path: '/customers/:customerId',
      value: async ({ params }) => json(await admin.customers.detail(params.customerId!)),
    },
  ];
}
