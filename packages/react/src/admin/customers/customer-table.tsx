// The customer list for operators: a search box (name, email, ids), a subscription status filter,
// and a table a page at a time. Each customer's name is a link (or a button) to their page, so the
// table works from the keyboard with Tab and Enter.

import { type ReactNode, useId, useState } from 'react';
import { sectionClass } from '../../ui/section-class.js';
import { StatusBadge } from '../../ui/status-badge.js';
import { useAdminContext } from '../provider/admin-context.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import { Pagination } from '../ui/cursor-pages.js';
import { subscriptionTone } from '../ui/status-tones.js';
import type { CustomerSearchQuery, CustomerSearchResultJson, SubscriptionStatus } from '../wire.js';
import { useCustomerSearch } from './use-customer-search.js';

type StatusFilter = NonNullable<CustomerSearchQuery['status']>;

const STATUS_FILTERS: StatusFilter[] = [
  'active',
  'trialing',
  'past_due',
  'unpaid',
  'canceled',
  'paused',
  'incomplete',
  'none',
];

export interface CustomerTableProps {
  /** The address of a customer's page: names become links to it. */
  customerHref?(customerId: string): string;
  /** Called with the user id when an operator opens a customer (with a link: on a plain click). */
  onSelectCustomer?(customerId: string): void;
  /**
   * Customers per page.
   * @default 20
   */
  pageSize?: number;
  /** The search the table starts with. */
  initialQuery?: string;
  /** The status the table starts filtered by. */
  initialStatus?: StatusFilter;
  className?: string;
}

/** Search, filter by subscription status, and page through customers. */
export function CustomerTable(props: CustomerTableProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.customers;
  const headingId = useId();
  const searchId = useId();
  const hintId = useId();
  const statusId = useId();
  const [draft, setDraft] = useState(props.initialQuery ?? '');
  const [search, setSearch] = useState(props.initialQuery ?? '');
  const [status, setStatus] = useState<StatusFilter | ''>(props.initialStatus ?? '');
  const query = useCustomerSearch({
    query: search,
    ...(status ? { status } : {}),
    ...(props.pageSize ? { pageSize: props.pageSize } : {}),
  });
  const customers = query.customers;
  const filtered = search.trim() !== '' || status !== '';

  return (
    <section className={sectionClass('billkit-customer-table', props.className)} aria-labelledby={headingId}>
      <h2 id={headingId} className="billkit-heading">
        {m.heading}
      </h2>
      <div className="billkit-admin-filters">
        {/* biome-ignore lint/a11y/useSemanticElements: <search> is too new for jsdom and older browsers */}
        <form
          role="search"
          className="billkit-admin-search"
          onSubmit={(event) => {
            event.preventDefault();
            setSearch(draft);
          }}
        >
          <div className="billkit-field">
            <label htmlFor={searchId} className="billkit-label">
              {m.searchLabel}
            </label>
            <p id={hintId} className="billkit-hint">
              {m.searchHint}
            </p>
            <div className="billkit-admin-search-row">
              <input
                id={searchId}
                type="search"
                className="billkit-input"
                aria-describedby={hintId}
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
              />
              <button type="submit" className="billkit-button">
                {m.search}
              </button>
            </div>
          </div>
        </form>
        <div className="billkit-field">
          <label htmlFor={statusId} className="billkit-label">
            {m.statusLabel}
          </label>
          <select
            id={statusId}
            className="billkit-input"
            value={status}
            onChange={(event) => setStatus(event.target.value as StatusFilter | '')}
          >
            <option value="">{m.anyStatus}</option>
            {STATUS_FILTERS.map((value) => (
              <option key={value} value={value}>
                {value === 'none' ? messages.status.noSubscription : messages.status.subscription[value]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <AdminQueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {customers?.length === 0 && query.page === 1 ? (
        <p className="billkit-empty">{filtered ? m.noMatches : m.empty}</p>
      ) : null}
      {customers && customers.length > 0 ? (
        <div className="billkit-table-scroll">
          <table className="billkit-table billkit-admin-table">
            <caption className="billkit-visually-hidden">{m.tableCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.name}</th>
                <th scope="col">{m.email}</th>
                <th scope="col">{m.status}</th>
                <th scope="col" className="billkit-numeric">
                  {m.balance}
                </th>
                <th scope="col">{m.since}</th>
              </tr>
            </thead>
            <tbody>
              {customers.map((customer) => (
                <tr key={customer.userId}>
                  <th scope="row">
                    <CustomerName customer={customer} {...props} />
                  </th>
                  <td>{customer.email ?? messages.common.none}</td>
                  <td>
                    <SubscriptionBadge status={customer.subscriptionStatus} />
                  </td>
                  <td className="billkit-numeric">{balanceText(customer)}</td>
                  <td>{format.shortDate(customer.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
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
    </section>
  );

  function balanceText(customer: CustomerSearchResultJson): string {
    const currency = customer.currency ?? 'aud';
    if (customer.balance < 0) return m.credit(format.money(-customer.balance, currency));
    if (customer.balance > 0) return m.owing(format.money(customer.balance, currency));
    return messages.common.none;
  }
}

function CustomerName({
  customer,
  customerHref,
  onSelectCustomer,
}: { customer: CustomerSearchResultJson } & CustomerTableProps): ReactNode {
  const { messages } = useAdminContext();
  const name = customer.name ?? customer.email ?? messages.customers.unnamed;
  if (customerHref) {
    return (
      <a
        className="billkit-link"
        href={customerHref(customer.userId)}
        onClick={(event) => {
          if (!onSelectCustomer || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0)
            return;
          event.preventDefault();
          onSelectCustomer(customer.userId);
        }}
      >
        {name}
      </a>
    );
  }
  if (onSelectCustomer) {
    return (
      <button
        type="button"
        className="billkit-button billkit-button--quiet billkit-button--inline"
        onClick={() => onSelectCustomer(customer.userId)}
      >
        {name}
      </button>
    );
  }
  return name;
}

/** A subscription status as a badge; "No subscription" for a customer who never subscribed. */
export function SubscriptionBadge({
  status,
  cancelScheduled = false,
}: {
  status: SubscriptionStatus | null;
  cancelScheduled?: boolean;
}): ReactNode {
  const { messages } = useAdminContext();
  if (status === null) return <StatusBadge tone="neutral">{messages.status.noSubscription}</StatusBadge>;
  if (cancelScheduled && status !== 'canceled')
    return <StatusBadge tone="warning">{messages.status.cancelScheduled}</StatusBadge>;
  return <StatusBadge tone={subscriptionTone[status]}>{messages.status.subscription[status]}</StatusBadge>;
}
