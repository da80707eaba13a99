// Reads one route through the provider's cache: loads it on mount (once, however many components
// read it), re-renders on every change, and refetches when a mutation invalidates it.

import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { QuerySnapshot } from '../client/query-cache.js';
import { useBillingContext } from './billing-context.js';

export interface QueryResult<T> extends QuerySnapshot<T> {
  /** Loads the route again; resolves when done (a failure shows in `error`). */
  refetch(): Promise<void>;
}

export function useQuery<T>(key: string, load: () => Promise<T>): QueryResult<T> {
  const { cache } = useBillingContext();
  const loadRef = useRef(load);
  loadRef.current = load;

  const subscribe = useCallback((listener: () => void) => cache.subscribe(key, listener), [cache, key]);
  const getSnapshot = useCallback(() => cache.snapshot<T>(key), [cache, key]);
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);

  useEffect(() => {
    cache.ensure(key, () => loadRef.current());
  }, [cache, key]);

  const refetch = useCallback(() => cache.fetch(key, () => loadRef.current()), [cache, key]);
  return { ...snapshot, refetch };
}
