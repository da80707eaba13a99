// adminModule: the operator's routes (`@billkit/admin`) as a BillingServerModule, mounted under
// basePath + '/admin'. The server has already checked CSRF, the body limit and that the user is an
// admin; this module routes, parses input with the contract's schemas and calls the admin as them.

import type { Admin } from '@billkit/admin';
import { DEFAULT_ADMIN_PREFIX } from '../contract/index.js';
import { HttpError } from '../http/errors.js';
import type { BillingServerModule, ModuleContext } from '../modules/server-module.js';
import { createRouter, DEFAULT_PARAM_PATTERN } from '../routing/router.js';
import { type AdminHandler, adminRequest } from './admin-request.js';
import { customerRoutes } from './customer-routes.js';
import { moneyRoutes } from './money-routes.js';
import { reportRoutes } from './report-routes.js';
import { subscriptionRoutes } from './subscription-routes.js';

export interface AdminModuleOptions {
  /**
   * Where the routes live under the server's basePath: one path segment.
   * @default '/admin'
   */
  prefix?: string;
}

/** The patterns of the admin routes' path params: anything else in their place is 404. */
const ADMIN_PARAM_PATTERNS: Readonly<Record<string, RegExp>> = {
  /** The host's user id (no spaces at either end, no control characters) or a Stripe customer id. */
  customerId: /^[^\s\p{Cc}]([^\p{Cc}]{0,253}[^\s\p{Cc}])?$/u,
  invoiceId: /^in_\w{1,250}$/,
  disputeId: DEFAULT_PARAM_PATTERN,
};

/**
 * The admin routes for `createBillingServer({ admin: adminModule(createAdmin({ billing })) })`.
 * Every action is taken as the signed-in admin (`admin:<userId>` in the audit log).
 */
export function adminModule(admin: Admin, options: AdminModuleOptions = {}): BillingServerModule {
  const router = createRouter<AdminHandler>(
    [...customerRoutes(admin), ...moneyRoutes(admin), ...subscriptionRoutes(admin), ...reportRoutes(admin)],
    ADMIN_PARAM_PATTERNS,
  );

  async function handle(request: Request, context: ModuleContext): Promise<Response | null> {
    const match = router.match(request.method, context.path);
    if (match.kind === 'not_found') return null;
    if (match.kind === 'method_not_allowed') {
      throw new HttpError(405, 'method_not_allowed', `Use ${match.allow.join(' or ')} here.`, {
        headers: { allow: match.allow.join(', ') },
      });
    }
    return match.value(await adminRequest(request, context, match.params));
  }

  return { prefix: options.prefix ?? DEFAULT_ADMIN_PREFIX, handle };
}
