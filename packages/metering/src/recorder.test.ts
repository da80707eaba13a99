import type { UsageEventRecord } from '@billkit/core';
import { aUsageEvent } from '@billkit/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeteringClosedError, MeteringWriteError } from './errors.js';
import { createRecorder, type RecorderOptions } from './recorder.js';

/** A repository that keeps ids once, and fails its next `failures` writes. */
function aFakeStore() {
  const ids = new Set<string>();
  const batches: number[] = [];
  const fake = {
    ids,
    batches,
    failures: 0,
    async write(events: readonly UsageEventRecord[]) {
      if (fake.failures > 0) {
        fake.failures--;
        throw new Error('store unavailable');
      }
      batches.push(events.length);
      const stored: string[] = [];
      const duplicates: string[] = [];
      for (const event of events) {
        if (ids.has(event.id)) duplicates.push(event.id);
        else {
          ids.add(event.id);
          stored.push(event.id);
        }
      }
      return { stored, duplicates };
    },
  };
  return fake;
}

function aRecorder(store: ReturnType<typeof aFakeStore>, options: Partial<RecorderOptions> = {}) {
  const accepted: string[] = [];
  const backgroundErrors: unknown[] = [];
  const recorder = createRecorder({
    write: store.write,
    batchSize: 10,
    concurrency: 2,
    intervalMs: 60_000,
    maxBuffered: 1000,
    retryMs: 0,
    closeAttempts: 3,
    onAccepted: (event) => accepted.push(event.id),
    onWritten: () => {},
    onBackgroundError: (error) => backgroundErrors.push(error),
    ...options,
  });
  return { recorder, accepted, backgroundErrors };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the recorder', () => {
  it('writes a full batch without waiting for the interval', async () => {
    const store = aFakeStore();
    const { recorder } = aRecorder(store, { batchSize: 5 });
    await Promise.all(Array.from({ length: 5 }, () => recorder.accept(aUsageEvent())));
    await vi.waitFor(() => expect(store.ids.size).toBe(5));
    expect(store.batches).toEqual([5]);
    await recorder.close();
  });

  it('writes what waits at every interval', async () => {
    vi.useFakeTimers();
    const store = aFakeStore();
    const { recorder } = aRecorder(store, { intervalMs: 1000 });
    await recorder.accept(aUsageEvent());
    await vi.advanceTimersByTimeAsync(999);
    expect(store.ids.size).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.ids.size).toBe(1);
    await recorder.close();
  });

  it('leaves what is left after full batches for the interval, not a write of its own', async () => {
    vi.useFakeTimers();
    const store = aFakeStore();
    const { recorder } = aRecorder(store, { batchSize: 5, intervalMs: 1000 });
    for (let i = 0; i < 12; i++) await recorder.accept(aUsageEvent());
    await vi.advanceTimersByTimeAsync(10);
    expect(store.batches).toEqual([5, 5]);
    await vi.advanceTimersByTimeAsync(990);
    expect(store.batches).toEqual([5, 5, 2]);
    await recorder.close();
  });

  it('flush resolves once everything accepted before it is written, in batches of the set size', async () => {
    const store = aFakeStore();
    const { recorder } = aRecorder(store, { batchSize: 4 });
    for (let i = 0; i < 10; i++) await recorder.accept(aUsageEvent());
    await recorder.flush();
    expect(store.ids.size).toBe(10);
    expect(store.batches.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...store.batches)).toBeLessThanOrEqual(4);
    expect(recorder.stats()).toMatchObject({ buffered: 0, stored: 10, duplicates: 0 });
  });

  it('makes record wait while maxBuffered events wait, and lets it in when a write makes room', async () => {
    const store = aFakeStore();
    store.failures = 1_000_000; // nothing gets written for now
    const { recorder, accepted } = aRecorder(store, { batchSize: 2, maxBuffered: 3 });
    const first = [
      recorder.accept(aUsageEvent()),
      recorder.accept(aUsageEvent()),
      recorder.accept(aUsageEvent()),
    ];
    await Promise.all(first);
    let fourthAccepted = false;
    const fourth = recorder.accept(aUsageEvent({ id: 'fourth' })).then(() => {
      fourthAccepted = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fourthAccepted).toBe(false);
    expect(accepted).toHaveLength(3);
    store.failures = 0;
    await recorder.flush();
    await fourth;
    expect(accepted).toContain('fourth');
    await recorder.close();
    expect(store.ids.size).toBe(4);
  });

  it('keeps the events of a failed write and writes them on the retry', async () => {
    const store = aFakeStore();
    store.failures = 2;
    const { recorder, backgroundErrors } = aRecorder(store, { batchSize: 3 });
    for (let i = 0; i < 3; i++) await recorder.accept(aUsageEvent());
    await vi.waitFor(() => expect(store.ids.size).toBe(3));
    expect(backgroundErrors).toHaveLength(2);
    expect(recorder.stats()).toMatchObject({ stored: 3, failedFlushes: 2, buffered: 0 });
    await recorder.close();
  });

  it('rejects flush when the write fails, keeping the events for the next one', async () => {
    const store = aFakeStore();
    const { recorder } = aRecorder(store);
    await recorder.accept(aUsageEvent());
    store.failures = 1;
    await expect(recorder.flush()).rejects.toThrow('store unavailable');
    expect(recorder.stats().buffered).toBe(1);
    await recorder.flush();
    expect(store.ids.size).toBe(1);
  });

  it('counts an id once however often it comes', async () => {
    const store = aFakeStore();
    const { recorder } = aRecorder(store);
    const event = aUsageEvent({ id: 'same-key' });
    await recorder.accept(event);
    await recorder.accept({ ...event });
    await recorder.flush();
    await recorder.accept({ ...event });
    await recorder.flush();
    expect(recorder.stats()).toMatchObject({ stored: 1, duplicates: 2 });
  });

  it('refuses events after close, and close rejects with the count it could not write', async () => {
    const store = aFakeStore();
    const { recorder } = aRecorder(store);
    await recorder.accept(aUsageEvent());
    await recorder.accept(aUsageEvent());
    store.failures = 1_000_000;
    const closing = recorder.close();
    await expect(recorder.accept(aUsageEvent())).rejects.toThrow(MeteringClosedError);
    await expect(closing).rejects.toThrow(MeteringWriteError);
    await expect(closing).rejects.toMatchObject({ notWritten: 2 });
  });

  it('lets no write run while an exclusive read runs', async () => {
    const store = aFakeStore();
    const { recorder } = aRecorder(store, { batchSize: 1 });
    let release!: () => void;
    const reading = recorder.exclusive(
      () =>
        new Promise<number>((resolve) => {
          release = () => resolve(store.ids.size);
        }),
    );
    await recorder.accept(aUsageEvent());
    const flushing = recorder.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.ids.size).toBe(0);
    expect([...recorder.pending()]).toHaveLength(1);
    release();
    expect(await reading).toBe(0);
    await flushing;
    expect(store.ids.size).toBe(1);
  });

  it('keeps at most `concurrency` batches at the store at once, and flush waits for all of them', async () => {
    const gates: Array<() => void> = [];
    let atStore = 0;
    let mostAtStore = 0;
    const written: string[] = [];
    const { recorder } = aRecorder(aFakeStore(), {
      batchSize: 2,
      concurrency: 2,
      write: async (events) => {
        atStore++;
        mostAtStore = Math.max(mostAtStore, atStore);
        await new Promise<void>((open) => gates.push(open));
        atStore--;
        written.push(...events.map((event) => event.id));
        return { stored: events.map((event) => event.id), duplicates: [] };
      },
    });
    const events = Array.from({ length: 7 }, () => aUsageEvent());
    for (const event of events) await recorder.accept(event);

    let flushed = false;
    const flushing = recorder.flush().then(() => {
      flushed = true;
    });
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    expect([...recorder.pending()]).toHaveLength(7);
    while (written.length < events.length) {
      await vi.waitFor(() => expect(gates.length).toBeGreaterThan(0));
      expect(flushed).toBe(false);
      gates.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flushing;

    expect(mostAtStore).toBe(2);
    expect(written.sort()).toEqual(events.map((event) => event.id).sort());
    expect(recorder.stats()).toMatchObject({ buffered: 0, stored: 7 });
    await recorder.close();
  });

  it('writes the events of one failed write of two in flight on the retry, each counted once', async () => {
    const store = aFakeStore();
    const { recorder, backgroundErrors } = aRecorder(store, { batchSize: 3, concurrency: 2 });
    store.failures = 1;
    const events = Array.from({ length: 6 }, () => aUsageEvent());
    for (const event of events) await recorder.accept(event);

    await vi.waitFor(() => {
      expect(store.ids.size).toBe(6);
      expect(backgroundErrors).toHaveLength(1);
    });

    expect(store.batches.reduce((sum, size) => sum + size, 0)).toBe(6);
    expect(recorder.stats()).toMatchObject({ buffered: 0, stored: 6, duplicates: 0, failedFlushes: 1 });
    await recorder.close();
  });

  it('lets an exclusive read start only after every write at the store has ended', async () => {
    const gates: Array<() => void> = [];
    const store = aFakeStore();
    const { recorder } = aRecorder(store, {
      batchSize: 1,
      concurrency: 2,
      write: async (events) => {
        await new Promise<void>((open) => gates.push(open));
        return store.write(events);
      },
    });
    await recorder.accept(aUsageEvent());
    await recorder.accept(aUsageEvent());
    const flushing = recorder.flush();
    await vi.waitFor(() => expect(gates).toHaveLength(2));

    let seen = -1;
    const reading = recorder.exclusive(async () => {
      seen = store.ids.size;
    });
    gates.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toBe(-1);
    gates.shift()!();
    await reading;
    expect(seen).toBe(2);
    await flushing;
    await recorder.close();
  });
});
