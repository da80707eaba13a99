// A component's async action: which one is running (to disable its button) and the outcome to
// announce, a success text or the error described from the messages.

import { useCallback, useState } from 'react';
import { describeError } from '../messages/describe-error.js';
import { useBillingContext } from '../provider/billing-context.js';

export interface ActionOutcome {
  tone: 'success' | 'error';
  text: string;
}

export interface ActionState {
  /** The key of the action running now, or null. */
  pending: string | null;
  outcome: ActionOutcome | null;
  /** Runs `action`; its returned text (if any) is announced. Resolves true when it succeeded. */
  run(key: string, action: () => Promise<string | undefined>): Promise<boolean>;
  announce(outcome: ActionOutcome | null): void;
}

export function useAction(): ActionState {
  const { messages } = useBillingContext();
  const [pending, setPending] = useState<string | null>(null);
  const [outcome, announce] = useState<ActionOutcome | null>(null);

  const run = useCallback(
    async (key: string, action: () => Promise<string | undefined>) => {
      setPending(key);
      announce(null);
      try {
        const text = await action();
        if (text) announce({ tone: 'success', text });
        return true;
      } catch (error) {
        announce({ tone: 'error', text: describeError(error, messages) });
        return false;
      } finally {
        setPending(null);
      }
    },
    [messages],
  );

  return { pending, outcome, run, announce };
}
