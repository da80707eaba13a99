// Reads one admin route through the provider's cache (the portal's cache, one per provider): loads
// it on mount, re-renders on every change, refetches when an action invalidates it.

import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { QueryResult } from '../../provider/use-query.js';
import { useAdminContext } from './admin-context.js';

/** `enabled: false` reads the cache but never loads (a route the component does not need this time). */
export function useAdminQuery<T>(key: string, load: () => Promise<T>, enabled = true): QueryResult<T> {
  const { cache } = useAdminContext();
  const loadRef = useRef(load);
  loadRef.current = load;

  const subscribe = useCallback((listener: () => void) => cache.subscribe(key, listener), [cache, key]);
  const getSnapshot = useCallback(() => cache.snapshot<T>(key), [cache, key]);
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);

  useEffect(() => {
    if (enabled) cache.ensure(key, () => loadRef.current());
  }, [cache, key, enabled]);

  const refetch = useCallback(() => cache.fetch(key, () => loadRef.current()), [cache, key]);
  return { ...snapshot, refetch };
}
