// Disputes for operators: the customer, reason, amount, status and the evidence deadline (marked
// when it is close or past), filtered by status, and "Mark evidence submitted" behind a confirmation.

import { type ReactNode, useId, useState } from 'react';
import { LiveStatus } from '../../ui/live-status.js';
import { sectionClass } from '../../ui/section-class.js';
import { StatusBadge } from '../../ui/status-badge.js';
import { useAdminContext } from '../provider/admin-context.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { Pagination } from '../ui/cursor-pages.js';
import { disputeTone } from '../ui/status-tones.js';
import { useAdminAction } from '../ui/use-admin-action.js';
import type { DisputeRecordJson } from '../wire.js';
import { useDisputes } from './use-disputes.js';

const STATUS_FILTERS = [
  'needs_response',
  'warning_needs_response',
  'under_review',
  'warning_under_review',
  'won',
  'lost',
  'warning_closed',
] as const;

/** Statuses in which the bank still waits for evidence. */
const AWAITING_EVIDENCE = new Set(['needs_response', 'warning_needs_response']);
const DAY = 86_400_000;

export interface DisputesTableProps {
  /** The address of a customer's page: customer ids become links to it. */
  customerHref?(customerId: string): string;
  /** The status the table starts filtered by ('' for all). */
  initialStatus?: string;
  /**
   * Disputes per page.
   * @default 20
   */
  pageSize?: number;
  className?: string;
}

/** Disputes with their deadlines, and marking evidence as submitted. */
export function DisputesTable(props: DisputesTableProps): ReactNode {
  const { messages, format, now } = useAdminContext();
  const m = messages.disputes;
  const headingId = useId();
  const statusId = useId();
  const [status, setStatus] = useState(props.initialStatus ?? '');
  const query = useDisputes({ status, ...(props.pageSize ? { pageSize: props.pageSize } : {}) });
  const action = useAdminAction();
  const [confirming, setConfirming] = useState<DisputeRecordJson | null>(null);
  const disputes = query.disputes;
  const statusText = (value: string) =>
    messages.status.dispute[value] ?? messages.status.disputeFallback(value);

  const submit = async (dispute: DisputeRecordJson) => {
    const done = await action.run(`evidence:${dispute.stripeDisputeId}`, async () => {
      await query.markEvidenceSubmitted(dispute);
      return m.done;
    });
    if (done) setConfirming(null);
  };

  return (
    <section className={sectionClass('billkit-disputes-table', props.className)} aria-labelledby={headingId}>
      <h2 id={headingId} className="billkit-heading">
        {m.heading}
      </h2>
      <div className="billkit-admin-filters">
        <div className="billkit-field">
          <label htmlFor={statusId} className="billkit-label">
            {m.statusLabel}
          </label>
          <select
            id={statusId}
            className="billkit-input"
            value={status}
            onChange={(event) => setStatus(event.target.value)}
          >
            <option value="">{m.anyStatus}</option>
            {STATUS_FILTERS.map((value) => (
              <option key={value} value={value}>
                {statusText(value)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <AdminQueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {disputes?.length === 0 && query.page === 1 ? (
        <p className="billkit-empty">{status ? m.noMatches : m.empty}</p>
      ) : null}
      {disputes && disputes.length > 0 ? (
        <div className="billkit-table-scroll">
          <table className="billkit-table billkit-admin-table">
            <caption className="billkit-visually-hidden">{m.tableCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.customer}</th>
                <th scope="col">{m.opened}</th>
                <th scope="col">{m.reason}</th>
                <th scope="col" className="billkit-numeric">
                  {m.amount}
                </th>
                <th scope="col">{m.status}</th>
                <th scope="col">{m.dueBy}</th>
                <th scope="col" className="billkit-numeric">
                  {m.submissions}
                </th>
                <th scope="col">{m.actions}</th>
              </tr>
            </thead>
            <tbody>
              {disputes.map((dispute) => {
                const amount = format.money(dispute.amount, dispute.currency);
                const customer = dispute.userId ?? m.unknownCustomer;
                const awaiting = AWAITING_EVIDENCE.has(dispute.status);
                const due = dispute.evidenceDueBy ? Date.parse(dispute.evidenceDueBy) : null;
                const overdue = awaiting && due !== null && due < now.getTime();
                const soon = awaiting && due !== null && !overdue && due - now.getTime() < 3 * DAY;
                return (
                  <tr key={dispute.stripeDisputeId}>
                    <th scope="row">
                      {dispute.userId && props.customerHref ? (
                        <a className="billkit-link" href={props.customerHref(dispute.userId)}>
                          {customer}
                        </a>
                      ) : (
                        customer
                      )}
                    </th>
                    <td>{format.shortDate(dispute.createdAt)}</td>
                    <td>{m.reasonText(dispute.reason)}</td>
                    <td className="billkit-numeric">{amount}</td>
                    <td>
                      <StatusBadge tone={disputeTone(dispute.status)}>
                        {statusText(dispute.status)}
                      </StatusBadge>
                    </td>
                    <td className={overdue || soon ? 'billkit-due billkit-due--urgent' : 'billkit-due'}>
                      {dispute.evidenceDueBy ? format.shortDate(dispute.evidenceDueBy) : messages.common.none}
                      {overdue ? <span className="billkit-due-note"> ({m.overdue})</span> : null}
                    </td>
                    <td className="billkit-numeric">{format.count(dispute.evidenceSubmissionCount)}</td>
                    <td>
                      {awaiting ? (
                        <button
                          type="button"
                          className="billkit-button billkit-button--small"
                          aria-label={m.markSubmittedFor(amount, customer)}
                          aria-haspopup="dialog"
                          disabled={action.pending !== null}
                          onClick={() => {
                            action.clearError();
                            setConfirming(dispute);
                          }}
                        >
                          {m.markSubmitted}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <LiveStatus outcome={action.outcome} />
      <Pagination
        label={m.pagination}
        pageText={messages.common.page(query.page)}
        previousText={messages.common.previous}
        nextText={messages.common.next}
        hasPrevious={query.hasPreviousPage}
        hasNext={query.hasNextPage}
        onPrevious={query.previousPage}
        onNext={query.nextPage}
      />
      {confirming ? (
        <ConfirmDialog
          title={m.confirmTitle}
          description={<p>{m.confirmDescription(format.money(confirming.amount, confirming.currency))}</p>}
          confirmLabel={m.confirm}
          busy={action.pending !== null}
          error={action.error}
          onConfirm={() => void submit(confirming)}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
    </section>
  );
}
