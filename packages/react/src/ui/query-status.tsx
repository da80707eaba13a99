// Loading and failure of a route a component shows: a polite status while loading, and on failure
// the component's own sentence, the reason, and a "Try again" button.

import type { ReactNode } from 'react';
import { describeError } from '../messages/describe-error.js';
import { useBillingContext } from '../provider/billing-context.js';
import type { QueryResult } from '../provider/use-query.js';

export interface QueryStatusProps {
  query: Pick<QueryResult<unknown>, 'isLoading' | 'error' | 'refetch' | 'isFetching'>;
  loading: string;
  failed: string;
}

export function QueryStatus({ query, loading, failed }: QueryStatusProps): ReactNode {
  const { messages } = useBillingContext();
  const showError = query.error !== undefined && !query.isFetching;
  return (
    <>
      <div className="billkit-live" role="status" aria-live="polite">
        {query.isLoading ? <p className="billkit-loading">{loading}</p> : null}
        {showError ? (
          <p className="billkit-message billkit-message--error">
            {failed} {describeError(query.error, messages)}
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
