// The customer's invoices: the list (a page at a time), one invoice's PDF as a download, and paying
// an open invoice now (the past-due banner's "pay now"). Another customer's invoice is 404.

import { invoicesQuerySchema, payInvoiceRequestSchema, portalRoutes } from '../contract/index.js';
import { json } from '../http/responses.js';
import { actorOf, type PortalDeps, type PortalRoute } from './portal-context.js';
import { invoiceJson } from './records-to-json.js';

/** Stripe invoice ids, as the engine accepts them. */
export const INVOICE_ID_PATTERN = /^in_\w{1,250}$/;

export function invoiceRoutes({ billing, basePath }: PortalDeps): PortalRoute[] {
  return [
    {
      method: 'GET',
      path: portalRoutes.invoices,
      value: async ({ user, query }) => {
        const { limit, after } = query(invoicesQuerySchema);
        const page = await billing.invoices.list(user.userId, {
          ...(limit ? { limit } : {}),
          ...(after ? { after } : {}),
        });
        return json({
          invoices: page.items.map((invoice) => invoiceJson(invoice, basePath)),
          nextCursor: page.nextCursor,
        });
      },
    },
    {
      method: 'GET',
      path: '/invoices/:invoiceId/pdf',
      value: async ({ user, params }) => {
        const invoice = await billing.invoices.get(user.userId, params.invoiceId!);
        const pdf = await billing.invoices.pdf(user.userId, invoice.stripeInvoiceId);
        return new Response(pdf as Uint8Array<ArrayBuffer>, {
          headers: {
            'content-type': 'application/pdf',
            'content-disposition': `attachment; filename="${pdfFileName(invoice)}"`,
            'content-length': String(pdf.byteLength),
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
          },
        });
      },
    },
    {
      method: 'POST',
      path: '/invoices/:invoiceId/pay',
      value: async ({ user, params, body }) => {
        const { paymentMethodId } = body(payInvoiceRequestSchema);
        const invoice = await billing.payments.retry(params.invoiceId!, {
          userId: user.userId,
          actor: actorOf(user),
          ...(paymentMethodId ? { paymentMethodId } : {}),
        });
        return json({ invoice: invoiceJson(invoice, basePath) });
      },
    },
  ];
}

/** `invoice-<number>.pdf`, with nothing a header could trip over. */
function pdfFileName(invoice: { number: string | null; stripeInvoiceId: string }): string {
  return `invoice-${(invoice.number ?? invoice.stripeInvoiceId).replace(/[^\w.-]+/g, '-')}.pdf`;
}
