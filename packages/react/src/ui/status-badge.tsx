// A status as a word in a tinted pill: the word carries the meaning, the colour only repeats it.

import type { ReactNode } from 'react';

export type BadgeTone = 'success' | 'info' | 'warning' | 'danger' | 'neutral';

export function StatusBadge({ tone, children }: { tone: BadgeTone; children: ReactNode }): ReactNode {
  return <span className={`billkit-badge billkit-badge--${tone}`}>{children}</span>;
}
