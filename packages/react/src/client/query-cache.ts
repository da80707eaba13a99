// A small cache of the portal's GET answers, keyed by route (`/subscription`, `/invoices?limit=10`):
// every component reading a route shares one request, and a mutation invalidates the routes it
// changes so whoever shows them refetches. No external data library; one cache per provider.

import { BillingApiError } from './billing-api-error.js';

export interface QuerySnapshot<T> {
  data: T | undefined;
  /** The last request's failure; cleared by the next success. */
  error: BillingApiError | undefined;
  /** Nothing to show yet: the first request is under way or about to start. */
  isLoading: boolean;
  /** A request is under way (the first one or a refetch). */
  isFetching: boolean;
}

export interface QueryCache {
  snapshot<T>(key: string): QuerySnapshot<T>;
  subscribe(key: string, listener: () => void): () => void;
  /** Loads `key` unless it holds fresh data or a request is already under way. */
  ensure(key: string, loader: () => Promise<unknown>): void;
  /** Loads `key` now; resolves when done (a failure lands in the snapshot, it never rejects). */
  fetch(key: string, loader?: () => Promise<unknown>): Promise<void>;
  /** Marks every key under these routes stale and refetches those someone is showing. */
  invalidate(routes: readonly string[]): Promise<void>;
}

interface Entry {
  snapshot: QuerySnapshot<unknown>;
  listeners: Set<() => void>;
  loader: (() => Promise<unknown>) | null;
  inFlight: Promise<void> | null;
  /** Bumped by each request, so only the latest answer is kept. */
  generation: number;
  stale: boolean;
}

const NOT_LOADED: QuerySnapshot<never> = {
  data: undefined,
  error: undefined,
  isLoading: true,
  isFetching: false,
};

/** Creates an empty cache. */
export function createQueryCache(): QueryCache {
  const entries = new Map<string, Entry>();

  function entryFor(key: string): Entry {
    let entry = entries.get(key);
    if (!entry) {
      entry = {
        snapshot: NOT_LOADED,
        listeners: new Set(),
        loader: null,
        inFlight: null,
        generation: 0,
        stale: true,
      };
      entries.set(key, entry);
    }
    return entry;
  }

  function publish(entry: Entry, snapshot: QuerySnapshot<unknown>): void {
    entry.snapshot = snapshot;
    for (const listener of [...entry.listeners]) listener();
  }

  function load(key: string, loader?: () => Promise<unknown>): Promise<void> {
    const entry = entryFor(key);
    if (loader) entry.loader = loader;
    const run = entry.loader;
    if (!run) return Promise.resolve();
    const generation = ++entry.generation;
    entry.stale = false;
    publish(entry, { ...entry.snapshot, isFetching: true, isLoading: entry.snapshot.data === undefined });
    const request = run().then(
      (data) => {
        if (generation !== entry.generation) return;
        publish(entry, { data, error: undefined, isLoading: false, isFetching: false });
      },
      (error: unknown) => {
        if (generation !== entry.generation) return;
        publish(entry, {
          data: entry.snapshot.data,
          error: asApiError(error),
          isLoading: false,
          isFetching: false,
        });
      },
    );
    const tracked = request.finally(() => {
      if (entry.inFlight === tracked) entry.inFlight = null;
    });
    entry.inFlight = tracked;
    return tracked;
  }

  return {
    snapshot: <T>(key: string) => (entries.get(key)?.snapshot ?? NOT_LOADED) as QuerySnapshot<T>,
    subscribe(key, listener) {
      const entry = entryFor(key);
      entry.listeners.add(listener);
      return () => {
        entry.listeners.delete(listener);
      };
    },
    ensure(key, loader) {
      const entry = entryFor(key);
      entry.loader = loader;
      if (entry.inFlight || !entry.stale) return;
      void load(key);
    },
    fetch: load,
    async invalidate(routes) {
      const refetches: Promise<void>[] = [];
      for (const [key, entry] of entries) {
        if (!routes.some((route) => isUnder(key, route))) continue;
        entry.stale = true;
        if (entry.listeners.size > 0) refetches.push(load(key));
      }
      await Promise.all(refetches);
    },
  };
}

function isUnder(key: string, route: string): boolean {
  return key === route || key.startsWith(`${route}?`);
}

function asApiError(error: unknown): BillingApiError {
  if (error instanceof BillingApiError) return error;
  return new BillingApiError({
    code: 'http_error',
    status: 0,
    message: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}
