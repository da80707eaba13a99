// The customer's invoices, a page at a time (the server pages by cursor), and paying an open one.

import type { InvoiceJson, InvoicesResponse, PayInvoiceRequest } from '@billkit/server/contract';
import { useCallback, useState } from 'react';
import { isBillingApiError } from '../client/billing-api-error.js';
import { invoicesPath } from '../client/billing-client.js';
import { invalidatedBy } from '../client/mutation-effects.js';
import { confirmPaymentWithStripe, useBillingContext } from '../provider/billing-context.js';
import { type QueryResult, useQuery } from '../provider/use-query.js';

export interface UseInvoicesOptions {
  /**
   * Invoices per page.
   * @default 10
   */
  pageSize?: number;
}

export interface UseInvoicesResult extends QueryResult<InvoicesResponse> {
  invoices: InvoiceJson[] | undefined;
  /** 1 for the first page. */
  page: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  nextPage(): void;
  previousPage(): void;
  /** The PDF's address: `<baseUrl>/invoices/<id>/pdf`. */
  pdfUrl(invoiceId: string): string;
  /**
   * `POST /invoices/:id/pay` with the default card (or the one given). A payment that needs 3D
   * Secure is confirmed through Stripe.js.
   */
  pay(invoiceId: string, request?: PayInvoiceRequest): Promise<void>;
}

/** `GET /invoices?limit=&after=`, newest first. */
export function useInvoices(options: UseInvoicesOptions = {}): UseInvoicesResult {
  const { client, mutate, stripe } = useBillingContext();
  const limit = options.pageSize ?? 10;
  // The cursors of the pages seen so far: going back pops one, going forward pushes `nextCursor`.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const query = useQuery(invoicesPath({ limit, after }), () => client.getInvoices({ limit, after }));
  const nextCursor = query.data?.nextCursor ?? null;

  const nextPage = useCallback(() => {
    if (nextCursor) setCursors((seen) => [...seen, nextCursor]);
  }, [nextCursor]);
  const previousPage = useCallback(() => {
    setCursors((seen) => (seen.length > 1 ? seen.slice(0, -1) : seen));
  }, []);
  const pay = useCallback(
    (invoiceId: string, request?: PayInvoiceRequest) =>
      mutate(async () => {
        try {
          await client.payInvoice(invoiceId, request);
        } catch (error) {
          if (!isBillingApiError(error, 'requires_action') || !error.clientSecret) throw error;
          await confirmPaymentWithStripe(stripe, error.clientSecret);
        }
      }, invalidatedBy.payInvoice),
    [client, mutate, stripe],
  );

  return {
    ...query,
    invoices: query.data?.invoices,
    page: cursors.length,
    hasNextPage: nextCursor !== null,
    hasPreviousPage: cursors.length > 1,
    nextPage,
    previousPage,
    pdfUrl: client.invoicePdfUrl,
    pay,
  };
}
