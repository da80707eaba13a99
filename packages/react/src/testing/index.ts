// @billkit/react/testing: what tests and Storybook need to run the portal offline. A Stripe.js
// stand-in (the real script cannot be fetched), and in-memory fakes of the server's portal, admin
// and API usage routes with msw handlers for them. Never imported by the main entry.

export type { AdminFake, AdminFakeFailure, AdminFakeOptions, AdminFakeRequest } from './admin-fake.js';
export { createAdminFake } from './admin-fake.js';
export { adminHandlers } from './admin-handlers.js';
export type {
  PortalFake,
  PortalFakeFailure,
  PortalFakeOptions,
  PortalFakeRequest,
  PortalFakeState,
} from './portal-fake.js';
export { createPortalFake } from './portal-fake.js';
export { portalHandlers } from './portal-handlers.js';
export type { StripeStandIn, StripeStandInCall, StripeStandInOptions } from './stripe-stand-in.js';
export { createStripeStandIn } from './stripe-stand-in.js';
export type { UsageFake, UsageFakeOptions, UsageFakeRecord } from './usage-fake.js';
export { createUsageFake } from './usage-fake.js';
export { usageHandlers } from './usage-handlers.js';
