// The operator's money actions: refunds, credit on a customer's balance, one-off invoices, a
// receipt mailed again, an open invoice's payment tried now, and disputes (the list, and evidence
// sent to the bank). Each is audited by @billkit/admin as `admin:<the signed-in admin>`.

import type { Admin } from '@billkit/admin';
import {
  ADMIN_ROUTES,
  type AdminResendReceiptResponse,
  adminCreditRequestSchema,
  adminDisputesQuerySchema,
  adminOneOffInvoiceRequestSchema,
  adminRefundRequestSchema,
} from '../contract/index.js';
import { json } from '../http/responses.js';
import type { AdminRoute } from './admin-request.js';

export function moneyRoutes(admin: Admin): AdminRoute[] {
  return [
    {
      method: 'POST',
      path: ADMIN_ROUTES.refunds,
      value: async ({ actor, body }) => {
        const input = body(adminRefundRequestSchema);
        // After the body: a request cannot name someone else as the actor.
        return json(await admin.refund({ ...input, actor }), 201);
      },
    },
    {
      method: 'POST',
      path: ADMIN_ROUTES.credits,
      value: async ({ actor, body }) => {
        const input = body(adminCreditRequestSchema);
        return json(await admin.grantCredit({ ...input, actor }), 201);
      },
    },
    {
      method: 'POST',
      path: ADMIN_ROUTES.invoices,
      value: async ({ actor, body }) => {
        const input = body(adminOneOffInvoiceRequestSchema);
        return json(await admin.invoices.createOneOff({ ...input, actor }), 201);
      },
    },
    {
      method: 'POST',
      path: '/invoices/:invoiceId/resend-receipt',
      value: async ({ actor, params }) => {
        const invoiceId = params.invoiceId!;
        await admin.invoices.resendReceipt({ invoiceId, actor });
        const answer: AdminResendReceiptResponse = { invoiceId, resent: true };
        return json(answer);
      },
    },
    {
      method: 'POST',
      path: '/payments/:invoiceId/retry',
      value: async ({ actor, params }) => json(await admin.payments.retry(params.invoiceId!, { actor })),
    },
    {
      method: 'GET',
      path: ADMIN_ROUTES.disputes,
      value: async ({ query }) => json(await admin.disputes.list(query(adminDisputesQuerySchema))),
    },
    {
      method: 'POST',
      path: '/disputes/:disputeId/evidence-submitted',
      value: async ({ actor, params }) =>
        json(await admin.disputes.markEvidenceSubmitted({ disputeId: params.disputeId!, actor })),
    },
  ];
}
