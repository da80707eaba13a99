import { describe, expect, it, vi } from 'vitest';
import { createQueryCache } from './query-cache.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('createQueryCache', () => {
  it('loads a route once however many readers ask for it', async () => {
    const cache = createQueryCache();
    let loads = 0;
    const load = async () => ++loads;
    cache.ensure('/plans', load);
    cache.ensure('/plans', load);
    await vi.waitFor(() => expect(cache.snapshot('/plans').data).toBe(1));
    // Fresh data: a reader mounting later reuses it.
    cache.ensure('/plans', load);
    await Promise.resolve();
    expect(loads).toBe(1);
    expect(cache.snapshot('/plans')).toMatchObject({ isLoading: false, isFetching: false });
  });

  it('refetches what is shown and marks the rest stale when a route is invalidated', async () => {
    const cache = createQueryCache();
    let version = 0;
    const load = async () => ++version;
    const unsubscribe = cache.subscribe('/invoices?limit=10', () => undefined);
    await cache.fetch('/invoices?limit=10', load);
    await cache.fetch('/invoices?limit=10&after=in_3', load);
    await cache.fetch('/plans', load);

    await cache.invalidate(['/invoices']);

    expect(cache.snapshot('/invoices?limit=10').data).toBe(4);
    expect(cache.snapshot('/invoices?limit=10&after=in_3').data).toBe(2);
    expect(cache.snapshot('/plans').data).toBe(3);
    // The stale page loads again when a reader comes back to it.
    cache.ensure('/invoices?limit=10&after=in_3', load);
    await vi.waitFor(() => expect(cache.snapshot('/invoices?limit=10&after=in_3').data).toBe(5));
    unsubscribe();
  });

  it('keeps only the latest answer when requests overlap', async () => {
    const cache = createQueryCache();
    const first = deferred<string>();
    const second = deferred<string>();
    const done = [
      cache.fetch('/subscription', () => first.promise),
      cache.fetch('/subscription', () => second.promise),
    ];
    second.resolve('new');
    first.resolve('old');
    await Promise.all(done);
    expect(cache.snapshot('/subscription').data).toBe('new');
  });

  it('keeps the last data and records the error when a refetch fails', async () => {
    const cache = createQueryCache();
    await cache.fetch('/access', async () => 'allowed');
    await cache.fetch('/access', async () => {
      throw new Error('boom');
    });
    expect(cache.snapshot('/access')).toMatchObject({ data: 'allowed', error: { message: 'boom' } });
  });
});
