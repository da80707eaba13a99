// @billkit/core: the billing engine and its ports. This file is the public API and nothing else.

export type { AccessDecision, AccessReason } from './access/access.js';
export { decideAccess, graceEnd } from './access/access.js';
export { movementKind, subscriptionMrr } from './analytics/mrr.js';
export {
  type AuditListQuery,
  type AuditProblem,
  type AuditVerification,
  auditLinkHash,
  canonicalJson,
  verifyAuditChain,
} from './audit/audit-chain.js';
export { currentRequestId, type RequestContext, withRequestContext } from './audit/request-context.js';
export type { Brand, BrandInput } from './brand.js';
export { formatAbn } from './brand.js';
export type { CatalogSyncItem, CatalogSyncResult, PlanPriceView, PlanView } from './catalog/catalog-sync.js';
export type {
  Catalog,
  CatalogDefinition,
  Interval,
  PlanDefinition,
  PlanPriceDefinition,
} from './catalog/define-catalog.js';
export { defineCatalog } from './catalog/define-catalog.js';
export type { Clock } from './clock.js';
export { clockFromUnixSeconds, systemClock } from './clock.js';
export { USER_ID_KEY } from './context.js';
export type { Billing, BillingOptions } from './create-billing.js';
export { createBilling } from './create-billing.js';
export type { AddressInput, EnsureCustomerInput } from './customers/customers.js';
export type { BillingErrorCode } from './errors/billing-error.js';
export {
  BillingError,
  CardDeclinedError,
  InvalidInputError,
  isBillingError,
  RequiresActionError,
} from './errors/billing-error.js';
export { parseInput } from './errors/parse-input.js';
export { renderInvoicePdf } from './invoices/invoice-pdf.js';
export type { InvoiceDetail } from './invoices/invoices.js';
export { invoiceFileName } from './invoices/invoices.js';
export type { CreateOneOffInvoiceInput } from './invoices/one-off.js';
export type {
  InvoiceDocument,
  InvoiceDocumentLine,
  InvoiceParty,
  InvoiceSeller,
} from './invoices/tax-invoice.js';
export { buildInvoiceDocument } from './invoices/tax-invoice.js';
export type { Logger } from './logger.js';
export { consoleLogger, silentLogger } from './logger.js';
export type { ApplyResult } from './mirror/apply-event.js';
export { CLOCK_SKEW_SECONDS } from './mirror/apply-event.js';
export type {
  BackfillOptions,
  BackfillReport,
  ReconcileDifference,
  ReconcileKind,
  ReconcileOptions,
  ReconcileProgress,
  ReconcileReport,
} from './mirror/reconcile.js';
export type { Money } from './money.js';
export { formatMoney, money } from './money.js';
export type {
  AdminNotificationData,
  CustomerNotificationData,
  NotificationDataByKind,
  NotificationKind,
} from './notifications/kinds.js';
export type { Attachment, Notification, Notifier } from './notifications/notifier.js';
export { memoryNotifier, nullNotifier } from './notifications/notifier.js';
export type { FlushResult, ResendReceiptInput } from './notifications/outbox.js';
export type { RemovePaymentMethodResult, SetupIntentResult } from './payment-methods/payment-methods.js';
export type { CreditBalance } from './payments/credits.js';
export type { PaymentStats } from './payments/payments.js';
export { gstShare, refundTax } from './payments/refund-tax.js';
export type { RefundInput } from './payments/refunds.js';
export type { Policies, PoliciesInput } from './policies/policies.js';
export {
  type AnalyticsQueries,
  type DateRange,
  type MovementTotals,
  MRR_MOVEMENT_KINDS,
  type MrrLedger,
  type MrrMovementKind,
  type MrrMovementRecord,
  type RecognitionPoint,
} from './store/analytics.js';
export type {
  AuditChain,
  AuditLink,
  AuditLog,
  AuditQuery,
  BillingStore,
  Checkpoints,
  CreditRepository,
  CustomerRepository,
  CustomerSearchResult,
  DisputeRepository,
  InvoiceRepository,
  NotificationOutbox,
  PaymentMethodRepository,
  PaymentRepository,
  RefundRepository,
  StoreCapabilities,
  StoreSession,
  SubscriptionRepository,
  UpsertResult,
  WebhookEventRepository,
} from './store/billing-store.js';
export { GENESIS_HASH, UniqueViolationError } from './store/billing-store.js';
export { memoryStore } from './store/memory-store.js';
export {
  type BudgetAlertRecord,
  type BudgetRecord,
  bucketStart,
  GRANULARITIES,
  type Granularity,
  type MeteringRepository,
  USAGE_DIMENSIONS,
  type UsageDimension,
  type UsageEventRecord,
  type UsageQuery,
  type UsageRow,
} from './store/metering.js';
export {
  checkExpiryMonth,
  DEFAULT_PAGE_LIMIT,
  decodeAuditCursor,
  decodeKeyCursor,
  encodeCursor,
  expiryMonthStart,
  pageLimit,
} from './store/page-cursor.js';
export type {
  Address,
  AuditEntry,
  CreditRecord,
  CustomerRecord,
  DisputeRecord,
  InvoiceLineRecord,
  InvoiceRecord,
  InvoiceStatus,
  OutboxMessageRecord,
  OutboxMessageStatus,
  Page,
  PageRequest,
  PaymentMethodRecord,
  PaymentRecord,
  RefundRecord,
  SubscriptionRecord,
  SubscriptionStatus,
  WebhookEventRecord,
  WebhookEventStatus,
} from './store/records.js';
export type { AcceptedOffer, RetentionOffer } from './subscriptions/retention.js';
export { ABANDONED_AT_SIGNUP } from './subscriptions/subscription-writes.js';
export type {
  ChangeInput,
  ChangePreview,
  ExtendGraceInput,
  ExtendTrialInput,
  NextCharge,
  PreviewLine,
  StartResult,
} from './subscriptions/subscriptions.js';
export { gstFromExclusive, gstFromInclusive } from './tax/gst.js';
export type { TaxStrategy } from './tax/tax-strategy.js';
export { australianGst, noTax, stripeTax } from './tax/tax-strategy.js';
