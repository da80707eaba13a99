// The customer's invoices as a table, newest first, a page at a time, each with its PDF.

import type { InvoiceJson } from '@billkit/server/contract';
import { type ReactNode, useId } from 'react';
import { useBillingContext } from '../provider/billing-context.js';
import { QueryStatus } from '../ui/query-status.js';
import { sectionClass } from '../ui/section-class.js';
import { type BadgeTone, StatusBadge } from '../ui/status-badge.js';
import { useInvoices } from './use-invoices.js';

export interface InvoiceHistoryProps {
  /**
   * Invoices per page.
   * @default 10
   */
  pageSize?: number;
  className?: string;
}

const invoiceTone: Record<InvoiceJson['status'], BadgeTone> = {
  draft: 'neutral',
  open: 'warning',
  paid: 'success',
  uncollectible: 'danger',
  void: 'neutral',
};

/** A table of invoices with status badges, PDF links and previous / next pages. */
export function InvoiceHistory({ pageSize, className }: InvoiceHistoryProps): ReactNode {
  const { messages, format } = useBillingContext();
  const m = messages.invoices;
  const headingId = useId();
  const query = useInvoices(pageSize === undefined ? {} : { pageSize });
  const { invoices } = query;

  return (
    <section className={sectionClass('billkit-invoices', className)} aria-labelledby={headingId}>
      <h2 id={headingId} className="billkit-heading">
        {m.heading}
      </h2>
      <QueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {invoices?.length === 0 && query.page === 1 ? <p className="billkit-empty">{m.empty}</p> : null}
      {invoices && invoices.length > 0 ? (
        <div className="billkit-table-scroll">
          <table className="billkit-table" aria-labelledby={headingId}>
            <thead>
              <tr>
                <th scope="col">{m.date}</th>
                <th scope="col">{m.number}</th>
                <th scope="col" className="billkit-numeric">
                  {m.amount}
                </th>
                <th scope="col">{m.status}</th>
                <th scope="col">{m.download}</th>
              </tr>
            </thead>
            <tbody>
              {invoices.map((invoice) => (
                <tr key={invoice.id}>
                  <td>{format.date(invoice.createdAt)}</td>
                  <td>{invoice.number ?? m.draftNumber}</td>
                  <td className="billkit-numeric">{format.money(invoice.total)}</td>
                  <td>
                    <StatusBadge tone={invoiceTone[invoice.status]}>
                      {messages.status.invoice[invoice.status]}
                    </StatusBadge>
                  </td>
                  <td>
                    {invoice.pdfUrl === null ? null : (
                      <a
                        className="billkit-link"
                        href={query.pdfUrl(invoice.id)}
                        download
                        aria-label={m.downloadPdfFor(invoice.number ?? invoice.id)}
                      >
                        {m.downloadPdf}
                      </a>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {query.hasPreviousPage || query.hasNextPage ? (
        <nav className="billkit-pagination" aria-label={m.pagination}>
          <button
            type="button"
            className="billkit-button"
            aria-disabled={!query.hasPreviousPage}
            onClick={() => query.hasPreviousPage && query.previousPage()}
          >
            {m.previous}
          </button>
          <span className="billkit-page" aria-live="polite">
            {m.page(query.page)}
          </span>
          <button
            type="button"
            className="billkit-button"
            aria-disabled={!query.hasNextPage}
            onClick={() => query.hasNextPage && query.nextPage()}
          >
            {m.next}
          </button>
        </nav>
      ) : null}
    </section>
  );
}
