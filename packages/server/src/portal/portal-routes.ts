// The portal's route table, in matching order, and the patterns its path params must match.

import { DEFAULT_PARAM_PATTERN } from '../routing/router.js';
import { billingAddressRoutes } from './billing-address-routes.js';
import { INVOICE_ID_PATTERN, invoiceRoutes } from './invoice-routes.js';
import { paymentMethodRoutes } from './payment-method-routes.js';
import type { PortalDeps, PortalRoute } from './portal-context.js';
import { subscriptionRoutes } from './subscription-routes.js';

export function portalRouteTable(deps: PortalDeps): PortalRoute[] {
  return [
    ...subscriptionRoutes(deps),
    ...paymentMethodRoutes(deps),
    ...invoiceRoutes(deps),
    ...billingAddressRoutes(deps),
  ];
}

export const PORTAL_PARAM_PATTERNS: Readonly<Record<string, RegExp>> = {
  invoiceId: INVOICE_ID_PATTERN,
  paymentMethodId: DEFAULT_PARAM_PATTERN,
  /** As the retention policy allows offer ids. */
  offerId: /^[a-z0-9_-]{1,40}$/,
};
