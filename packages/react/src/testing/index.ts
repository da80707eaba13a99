// @billkit/react/testing: what tests and Storybook need to run the portal offline. A Stripe.js
// stand-in (the real script cannot be fetched), and an in-memory fake of the server's portal
// routes with msw handlers for it. Never imported by the main entry.

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
