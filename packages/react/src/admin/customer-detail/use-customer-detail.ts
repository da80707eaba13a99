// One customer with everything about them (`GET /customers/:id`), and the operator's actions on
// them. Each action refetches the customer, and whatever else it changes (the list, the figures).

import { useMemo } from 'react';
import type { QueryResult } from '../../provider/use-query.js';
import { adminInvalidatedBy } from '../client/admin-mutation-effects.js';
import { adminRoutes } from '../client/admin-routes.js';
import { useAdminContext } from '../provider/admin-context.js';
import { useAdminQuery } from '../provider/use-admin-query.js';
import type {
  AdminCancelRequest,
  AdminChangePlanRequest,
  AdminCreditRequest,
  AdminExtendGraceRequest,
  AdminExtendTrialRequest,
  AdminInvoiceRequest,
  AdminRefundRequest,
  AdminResendReceiptResponse,
  CreditRecordJson,
  CustomerDetailJson,
  InvoiceRecordJson,
  RefundRecordJson,
  SubscriptionRecordJson,
} from '../wire.js';

export interface CustomerActions {
  /** `POST /refunds`: an invoice's payment back, all that is left or `amount`. */
  refund(request: AdminRefundRequest): Promise<RefundRecordJson>;
  /** `POST /credits` for this customer. */
  grantCredit(request: Omit<AdminCreditRequest, 'customerId'>): Promise<CreditRecordJson>;
  /** `POST /invoices` for this customer. */
  createInvoice(request: Omit<AdminInvoiceRequest, 'customerId'>): Promise<InvoiceRecordJson>;
  /** `POST /invoices/:id/resend-receipt`. */
  resendReceipt(invoiceId: string): Promise<AdminResendReceiptResponse>;
  /** `POST /payments/:invoiceId/retry`. */
  retryPayment(invoiceId: string): Promise<InvoiceRecordJson>;
  cancel(request: AdminCancelRequest): Promise<SubscriptionRecordJson>;
  reactivate(): Promise<SubscriptionRecordJson>;
  changePlan(request: AdminChangePlanRequest): Promise<SubscriptionRecordJson>;
  extendTrial(request: AdminExtendTrialRequest): Promise<SubscriptionRecordJson>;
  extendGrace(request: AdminExtendGraceRequest): Promise<SubscriptionRecordJson>;
}

export interface UseCustomerDetailResult extends QueryResult<CustomerDetailJson>, CustomerActions {
  detail: CustomerDetailJson | undefined;
}

/** A customer by user id or Stripe customer id, and the actions on them. */
export function useCustomerDetail(customerId: string): UseCustomerDetailResult {
  const { client, mutate } = useAdminContext();
  const query = useAdminQuery(adminRoutes.customer(customerId), () => client.getCustomer(customerId));
  // Actions address the customer by user id, as the list does; the page may have been opened by cus_ id.
  const userId = query.data?.customer.userId ?? customerId;

  const actions = useMemo<CustomerActions>(() => {
    const own = [
      adminRoutes.customer(customerId),
      ...(userId === customerId ? [] : [adminRoutes.customer(userId)]),
    ];
    const run = <T>(action: () => Promise<T>, routes: readonly string[]) =>
      mutate(action, [...routes, ...own]);
    return {
      refund: (request) => run(() => client.refund(request), adminInvalidatedBy.refund),
      grantCredit: (request) =>
        run(() => client.grantCredit({ ...request, customerId: userId }), adminInvalidatedBy.grantCredit),
      createInvoice: (request) =>
        run(() => client.createInvoice({ ...request, customerId: userId }), adminInvalidatedBy.createInvoice),
      resendReceipt: (invoiceId) =>
        run(() => client.resendReceipt(invoiceId), adminInvalidatedBy.resendReceipt),
      retryPayment: (invoiceId) => run(() => client.retryPayment(invoiceId), adminInvalidatedBy.retryPayment),
      cancel: (request) =>
        run(() => client.cancelSubscription(userId, request), adminInvalidatedBy.cancelSubscription),
      reactivate: () =>
        run(() => client.reactivateSubscription(userId), adminInvalidatedBy.reactivateSubscription),
      changePlan: (request) => run(() => client.changePlan(userId, request), adminInvalidatedBy.changePlan),
      extendTrial: (request) =>
        run(() => client.extendTrial(userId, request), adminInvalidatedBy.extendTrial),
      extendGrace: (request) =>
        run(() => client.extendGrace(userId, request), adminInvalidatedBy.extendGrace),
    };
  }, [client, mutate, customerId, userId]);

  return { ...query, ...actions, detail: query.data };
}

/** The subscription the operator acts on: the newest one still running, else the newest. */
export function currentSubscription(detail: CustomerDetailJson): SubscriptionRecordJson | null {
  const newestFirst = [...detail.subscriptions].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
  return (
    newestFirst.find((s) => s.status !== 'canceled' && s.status !== 'incomplete_expired') ??
    newestFirst[0] ??
    null
  );
}
