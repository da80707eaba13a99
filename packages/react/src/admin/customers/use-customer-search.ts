// The customer list: `GET /customers?query=&status=&cursor=&limit=`, a page at a time. A new search
// or status starts again at page 1.

import type { QueryResult } from '../../provider/use-query.js';
import { adminPaths } from '../client/admin-routes.js';
import { useAdminContext } from '../provider/admin-context.js';
import { useAdminQuery } from '../provider/use-admin-query.js';
import { useCursorPages } from '../ui/cursor-pages.js';
import type { CustomerSearchQuery, CustomerSearchResultJson, PageJson } from '../wire.js';

export interface UseCustomerSearchOptions {
  /** Matched against name, email, user id and Stripe customer id. */
  query?: string;
  status?: CustomerSearchQuery['status'];
  /**
   * Customers per page.
   * @default 20
   */
  pageSize?: number;
}

export interface UseCustomerSearchResult extends QueryResult<PageJson<CustomerSearchResultJson>> {
  customers: CustomerSearchResultJson[] | undefined;
  /** 1 for the first page. */
  page: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  nextPage(): void;
  previousPage(): void;
}

/** Customers matching a search and a subscription status, paged by the server's cursor. */
export function useCustomerSearch(options: UseCustomerSearchOptions = {}): UseCustomerSearchResult {
  const { client } = useAdminContext();
  const filter = {
    query: options.query?.trim() || undefined,
    status: options.status,
    limit: options.pageSize ?? 20,
  };
  const pages = useCursorPages(adminPaths.customers(filter));
  const request = { ...filter, cursor: pages.cursor };
  const query = useAdminQuery(adminPaths.customers(request), () => client.searchCustomers(request));
  const nextCursor = query.data?.nextCursor ?? null;
  return {
    ...query,
    customers: query.data?.items,
    page: pages.page,
    hasNextPage: nextCursor !== null,
    hasPreviousPage: pages.hasPrevious,
    nextPage: () => {
      if (nextCursor) pages.next(nextCursor);
    },
    previousPage: pages.previous,
  };
}
