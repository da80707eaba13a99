// @billkit/server: Billkit's HTTP surface as one fetch handler. This file is the public API and
// nothing else; the adapters are `@billkit/server/express` and `@billkit/server/next`, the
// request and response schemas `@billkit/server/contract`.

export type { AdminModuleOptions } from './admin/admin-module.js';
export { adminModule } from './admin/admin-module.js';
export type { Authenticate, AuthenticatedUser } from './authentication.js';
export type { BillingServer, BillingServerOptions } from './create-billing-server.js';
export { createBillingServer } from './create-billing-server.js';
export type { CsrfOptions } from './http/csrf.js';
export { STATUS_BY_BILLING_CODE } from './http/errors.js';
export type { BillingServerModule, ModuleContext } from './modules/server-module.js';
export type { UsageModule, UsageModuleOptions } from './usage/usage-module.js';
export { usageModule } from './usage/usage-module.js';
export type { StripeWebhookOptions } from './webhook-route.js';
