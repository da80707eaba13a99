// Paging through a cursor-paged route: the cursors of the pages seen so far (back pops one, next
// pushes the page's `nextCursor`), started over whenever the filter changes; and the nav under a table.

import { type ReactNode, useCallback, useState } from 'react';

export interface CursorPages {
  /** The cursor of the page shown: null for the first. */
  cursor: string | null;
  /** 1 for the first page. */
  page: number;
  hasPrevious: boolean;
  next(nextCursor: string): void;
  previous(): void;
}

/** Cursor paging that restarts at page 1 whenever `filterKey` changes. */
export function useCursorPages(filterKey: string): CursorPages {
  const [state, setState] = useState<{ key: string; cursors: Array<string | null> }>({
    key: filterKey,
    cursors: [null],
  });
  const cursors = state.key === filterKey ? state.cursors : [null];
  const next = useCallback(
    (nextCursor: string) => setState({ key: filterKey, cursors: [...cursors, nextCursor] }),
    [filterKey, cursors],
  );
  const previous = useCallback(
    () => setState({ key: filterKey, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }),
    [filterKey, cursors],
  );
  return {
    cursor: cursors[cursors.length - 1] ?? null,
    page: cursors.length,
    hasPrevious: cursors.length > 1,
    next,
    previous,
  };
}

export interface PaginationProps {
  label: string;
  pageText: string;
  previousText: string;
  nextText: string;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious(): void;
  onNext(): void;
}

/** Previous / next buttons that stay in the tab order when there is nowhere to go (aria-disabled). */
export function Pagination(props: PaginationProps): ReactNode {
  if (!props.hasPrevious && !props.hasNext) return null;
  return (
    <nav className="billkit-pagination" aria-label={props.label}>
      <button
        type="button"
        className="billkit-button"
        aria-disabled={!props.hasPrevious}
        onClick={() => props.hasPrevious && props.onPrevious()}
      >
        {props.previousText}
      </button>
      <span className="billkit-page" aria-live="polite">
        {props.pageText}
      </span>
      <button
        type="button"
        className="billkit-button"
        aria-disabled={!props.hasNext}
        onClick={() => props.hasNext && props.onNext()}
      >
        {props.nextText}
      </button>
    </nav>
  );
}
