// Every billing route (portal, admin, Stripe webhooks) through one catch-all route handler.

import { toNextRoute } from '@billkit/server/next';
import { host } from '../../../../lib/billing';

export const dynamic = 'force-dynamic';
export const { GET, POST, PUT, DELETE } = toNextRoute(async (request) =>
  (await host()).server.handler(request),
);
