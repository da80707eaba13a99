// @billkit/stripe-sim: an offline, stateful Stripe API for tests, examples, Storybook and benchmarks.

export type { Duration } from './engine/calendar.js';
export type { AfterRetriesExhausted, StripeSimOptions } from './engine/config.js';
export { DEFAULT_RETRY_SCHEDULE } from './engine/config.js';
export type { ApiFault, FaultKind } from './engine/faults.js';
export type { DeliveryRecord, WebhookFaults } from './engine/webhook-dispatcher.js';
export { signPayload } from './engine/webhook-dispatcher.js';
export type { StripeErrorBody, StripeErrorType } from './errors.js';
export { StripeSimError } from './errors.js';
export type {
  ListeningSim,
  SimClockControl,
  SimFaults,
  SimWebhooks,
  StripeSim,
  WebhookListenerOptions,
} from './sim.js';
export { createStripeSim } from './sim.js';
export { ApiVersion } from './version.js';
