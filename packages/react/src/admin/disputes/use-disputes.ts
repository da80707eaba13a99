// Disputes (chargebacks), a page at a time: `GET /disputes?status=&cursor=&limit=`; and telling the
// bank the evidence saved in Stripe's dashboard is complete.

import type { QueryResult } from '../../provider/use-query.js';
import { adminInvalidatedBy } from '../client/admin-mutation-effects.js';
import { adminPaths, adminRoutes } from '../client/admin-routes.js';
import { useAdminContext } from '../provider/admin-context.js';
import { useAdminQuery } from '../provider/use-admin-query.js';
import { useCursorPages } from '../ui/cursor-pages.js';
import type { DisputeRecordJson, PageJson } from '../wire.js';

export interface UseDisputesOptions {
  /** Stripe's dispute status: `needs_response`, `under_review`, `won`, `lost`, ... */
  status?: string;
  /**
   * Disputes per page.
   * @default 20
   */
  pageSize?: number;
}

export interface UseDisputesResult extends QueryResult<PageJson<DisputeRecordJson>> {
  disputes: DisputeRecordJson[] | undefined;
  page: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  nextPage(): void;
  previousPage(): void;
  /** `POST /disputes/:id/evidence-submitted`: Stripe submits the evidence to the bank. */
  markEvidenceSubmitted(dispute: DisputeRecordJson): Promise<DisputeRecordJson>;
}

export function useDisputes(options: UseDisputesOptions = {}): UseDisputesResult {
  const { client, mutate } = useAdminContext();
  const filter = { status: options.status || undefined, limit: options.pageSize ?? 20 };
  const pages = useCursorPages(adminPaths.disputes(filter));
  const request = { ...filter, cursor: pages.cursor };
  const query = useAdminQuery(adminPaths.disputes(request), () => client.listDisputes(request));
  const nextCursor = query.data?.nextCursor ?? null;
  return {
    ...query,
    disputes: query.data?.items,
    page: pages.page,
    hasNextPage: nextCursor !== null,
    hasPreviousPage: pages.hasPrevious,
    nextPage: () => {
      if (nextCursor) pages.next(nextCursor);
    },
    previousPage: pages.previous,
    markEvidenceSubmitted: (dispute) =>
      mutate(
        () => client.markEvidenceSubmitted(dispute.stripeDisputeId),
        [
          ...adminInvalidatedBy.markEvidenceSubmitted,
          ...(dispute.userId ? [adminRoutes.customer(dispute.userId)] : []),
        ],
      ),
  };
}
