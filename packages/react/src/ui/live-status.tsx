// The polite live region each component keeps in the page from its first render, so screen readers
// announce what an action did ("saved", "changed", an error) without moving focus.

import type { ReactNode } from 'react';
import type { ActionOutcome } from './use-action.js';

export function LiveStatus({ outcome }: { outcome: ActionOutcome | null }): ReactNode {
  return (
    <div className="billkit-live" role="status" aria-live="polite">
      {outcome ? <p className={`billkit-message billkit-message--${outcome.tone}`}>{outcome.text}</p> : null}
    </div>
  );
}
