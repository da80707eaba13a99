// The range's costliest customers: cost, calls and failures, and the quota of each feature they used
// that has a limit (used of limit, when it resets, marked when it is reached or nearly so); paged by
// the server's cursor, with what served no customer underneath.

import { type ReactNode, useId } from 'react';
import { sectionClass } from '../../ui/section-class.js';
import { StatusBadge } from '../../ui/status-badge.js';
import { useAdminContext } from '../provider/admin-context.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import { Pagination } from '../ui/cursor-pages.js';
import type { DateRangeQuery, UsageQuotaJson } from '../wire.js';
import { type UsageRangeMonths, usageRange } from './usage-range.js';
import { useUsageCustomers } from './use-usage.js';

export interface UsageCustomersTableProps {
  /**
   * How many months back from now to count: 1 is this month so far.
   * @default 1
   */
  months?: UsageRangeMonths;
  /** A range of its own instead of `months`: ISO dates, `to` excluded. */
  range?: DateRangeQuery;
  /** Only this provider's usage ('openai'). */
  provider?: string;
  /** The address of a customer's page: customer ids become links to it. */
  customerHref?(customerId: string): string;
  /**
   * Customers per page.
   * @default 10
   */
  pageSize?: number;
  /**
   * The level of the section's heading: 3 inside a page that already has an h2.
   * @default 2
   */
  headingLevel?: 2 | 3;
  className?: string;
}

/** A quota is "nearly used" from this share of its limit. */
const NEARLY_USED = 0.8;

/** Customers by API cost with their quota status per feature. */
export function UsageCustomersTable(props: UsageCustomersTableProps): ReactNode {
  const { messages, format, now } = useAdminContext();
  const m = messages.usage.customersTable;
  const headingId = useId();
  const range = props.range ?? usageRange(props.months ?? 1, now);
  const query = useUsageCustomers(range, {
    ...(props.provider ? { provider: props.provider } : {}),
    ...(props.pageSize ? { pageSize: props.pageSize } : {}),
  });
  const page = query.data;
  const Heading = `h${props.headingLevel ?? 2}` as const;
  const money = (micros: number) => format.micros(micros, page?.currency ?? 'AUD');

  return (
    <section className={sectionClass('billkit-usage-customers', props.className)} aria-labelledby={headingId}>
      <Heading id={headingId} className="billkit-heading">
        {m.heading}
      </Heading>
      <AdminQueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {page && page.items.length === 0 && query.page === 1 ? (
        <p className="billkit-empty">{m.empty}</p>
      ) : null}
      {page && page.items.length > 0 ? (
        <div className="billkit-table-scroll">
          <table className="billkit-table billkit-admin-table">
            <caption className="billkit-visually-hidden">{m.caption(page.totalCustomers)}</caption>
            <thead>
              <tr>
                <th scope="col">{m.customer}</th>
                <th scope="col" className="billkit-numeric">
                  {m.cost}
                </th>
                <th scope="col" className="billkit-numeric">
                  {m.calls}
                </th>
                <th scope="col" className="billkit-numeric">
                  {m.failures}
                </th>
                <th scope="col">{m.quotas}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((customer) => (
                <tr key={customer.customerId}>
                  <th scope="row">
                    {props.customerHref ? (
                      <a className="billkit-link" href={props.customerHref(customer.customerId)}>
                        {customer.customerId}
                      </a>
                    ) : (
                      customer.customerId
                    )}
                  </th>
                  <td className="billkit-numeric">{money(customer.costMicros)}</td>
                  <td className="billkit-numeric">{format.count(customer.count)}</td>
                  <td className="billkit-numeric">{format.count(customer.failures)}</td>
                  <td>
                    <QuotaList quotas={customer.quotas} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page && page.unattributed.count > 0 ? (
        <p className="billkit-note">
          {m.unattributed(
            money(page.unattributed.costMicros),
            messages.usage.callCount(format.count(page.unattributed.count), page.unattributed.count),
          )}
        </p>
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
}

/** Each limited feature: "AI review: 48 of 50, resets 1 Apr 2026", with a badge when it is (nearly) used up. */
function QuotaList({ quotas }: { quotas: UsageQuotaJson[] }): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.usage.customersTable;
  if (quotas.length === 0) return <span className="billkit-note">{m.noQuotas}</span>;
  return (
    <ul className="billkit-quota-list">
      {quotas.map((quota) => {
        const nearly = quota.allowed && quota.limit > 0 && quota.used >= quota.limit * NEARLY_USED;
        return (
          <li key={quota.feature} className="billkit-quota">
            <span>
              {m.quota(
                messages.usage.featureNames[quota.feature] ?? messages.usage.featureFallback(quota.feature),
                format.count(quota.used),
                format.count(quota.limit),
              )}
              <span className="billkit-quota-reset">, {m.resets(format.shortDate(quota.resetsAt))}</span>
            </span>
            {!quota.allowed ? <StatusBadge tone="danger">{m.limitReached}</StatusBadge> : null}
            {nearly ? <StatusBadge tone="warning">{m.nearLimit}</StatusBadge> : null}
          </li>
        );
      })}
    </ul>
  );
}
