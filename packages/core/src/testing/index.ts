// `@billkit/core/testing`: what adapter authors and hosts use in their tests. Imports vitest, so
// it is a subpath of its own and never reached from the main entry.

export { anMrrMovement } from './analytics-conformance.js';
export {
  aCredit,
  aCustomer,
  aDispute,
  anAuditEntry,
  anInvoice,
  anOutboxMessage,
  aPayment,
  aPaymentMethod,
  aRefund,
  aSubscription,
  aWebhookEvent,
} from './builders.js';
export { aBudget, aBudgetAlert, aUsageEvent } from './metering-conformance.js';
export { runStoreConformance, type StoreConformanceOptions } from './store-conformance.js';
