// The fields of each mirrored object a reader of the mirror uses: what reconcile compares with
// Stripe, and what the audit log keeps before and after a webhook's write (ids, amounts, statuses
// and dates; a card's brand, last four digits and expiry, never its number).

import type {
  CustomerRecord,
  DisputeRecord,
  InvoiceRecord,
  PaymentMethodRecord,
  PaymentRecord,
  RefundRecord,
} from '../store/records.js';

export const CUSTOMER_FIELDS = [
  'email',
  'name',
  'address',
  'currency',
  'balance',
  'defaultPaymentMethodId',
  'deleted',
] as const satisfies readonly (keyof CustomerRecord)[];

export const PAYMENT_METHOD_FIELDS = [
  'type',
  'brand',
  'last4',
  'expMonth',
  'expYear',
  'wallet',
  'isDefault',
] as const satisfies readonly (keyof PaymentMethodRecord)[];

export const INVOICE_FIELDS = [
  'status',
  'number',
  'currency',
  'subtotal',
  'tax',
  'total',
  'amountDue',
  'amountPaid',
  'amountRemaining',
  'attemptCount',
  'stripeSubscriptionId',
  'finalizedAt',
  'paidAt',
  'voidedAt',
] as const satisfies readonly (keyof InvoiceRecord)[];

export const PAYMENT_FIELDS = [
  'status',
  'amount',
  'currency',
  'fee',
  'net',
  'amountRefunded',
  'refunded',
  'disputed',
  'failureCode',
] as const satisfies readonly (keyof PaymentRecord)[];

export const REFUND_FIELDS = [
  'status',
  'amount',
  'currency',
  'reason',
] as const satisfies readonly (keyof RefundRecord)[];

export const DISPUTE_FIELDS = [
  'status',
  'amount',
  'currency',
  'reason',
  'evidenceDueBy',
  'evidenceSubmissionCount',
] as const satisfies readonly (keyof DisputeRecord)[];

export function pick<R extends object, K extends keyof R>(record: R, fields: readonly K[]): Pick<R, K> {
  return Object.fromEntries(fields.map((field) => [field, record[field]])) as Pick<R, K>;
}

/** An audit entry's `before` (null for a new row) and `after`, in these fields. */
export function beforeAndAfter<R extends object>(
  before: R | null,
  after: R,
  fields: readonly (keyof R)[],
): { before: Partial<R> | null; after: Partial<R> } {
  return { before: before === null ? null : pick(before, fields), after: pick(after, fields) };
}
