// An admin action in flight: which one is running (to disable its buttons), the error to show inside
// its dialog, and the outcome to announce in the component's live region.

import { useCallback, useState } from 'react';
import type { ActionOutcome } from '../../ui/use-action.js';
import { describeAdminError } from '../messages/describe-admin-error.js';
import { useAdminContext } from '../provider/admin-context.js';

export interface AdminActionState {
  /** The key of the action running now, or null. */
  pending: string | null;
  /** The last failure, described; shown inline where the action was asked for. */
  error: string | null;
  /** The last success or failure, for the live region. */
  outcome: ActionOutcome | null;
  /** Runs `action`; its returned text is announced. Resolves true when it succeeded. */
  run(key: string, action: () => Promise<string | undefined>): Promise<boolean>;
  /** Forgets the last error (a dialog closed or reopened). */
  clearError(): void;
}

export function useAdminAction(): AdminActionState {
  const { messages } = useAdminContext();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);

  const run = useCallback(
    async (key: string, action: () => Promise<string | undefined>) => {
      setPending(key);
      setError(null);
      setOutcome(null);
      try {
        const text = await action();
        if (text) setOutcome({ tone: 'success', text });
        return true;
      } catch (failure) {
        setError(describeAdminError(failure, messages));
        return false;
      } finally {
        setPending(null);
      }
    },
    [messages],
  );
  const clearError = useCallback(() => setError(null), []);

  return { pending, error, outcome, run, clearError };
}
