// Loading and failure of a route an admin component shows: a polite status while loading, and on
// failure the component's own sentence, the reason, and a "Try again" button.

import type { ReactNode } from 'react';
import type { QueryResult } from '../../provider/use-query.js';
import { describeAdminError } from '../messages/describe-admin-error.js';
import { useAdminContext } from '../provider/admin-context.js';

export interface AdminQueryStatusProps {
  query: Pick<QueryResult<unknown>, 'isLoading' | 'error' | 'refetch' | 'isFetching'>;
  loading: string;
  failed: string;
}

export function AdminQueryStatus({ query, loading, failed }: AdminQueryStatusProps): ReactNode {
  const { messages } = useAdminContext();
  const showError = query.error !== undefined && !query.isFetching;
  return (
    <>
      <div className="billkit-live" role="status" aria-live="polite">
        {query.isLoading ? <p className="billkit-loading">{loading}</p> : null}
        {showError ? (
          <p className="billkit-message billkit-message--error">
            {failed} {describeAdminError(query.error, messages)}
          </p>
        ) : null}
      </div>
      {showError ? (
        <button type="button" className="billkit-button" onClick={() => void query.refetch()}>
          {messages.common.retry}
        </button>
      ) : null}
    </>
  );
}
