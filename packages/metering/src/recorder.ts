// The write path of `record`: accepted events wait in a buffer and go to the store in batches
// (when a batch is full, and at least every interval), up to `concurrency` writes at a time (so
// the next batch is sent while the database still works on the last). Back-pressure: while
// `maxBuffered` events wait, `record` waits too. A failed write puts its events back in front and
// is retried with back-off; `flush` and `close` lose nothing that was accepted.

import type { UsageEventRecord } from '@billkit/core';
import { MeteringClosedError, MeteringWriteError } from './errors.js';

export interface WriteResult {
  stored: string[];
  duplicates: string[];
}

export interface RecorderOptions {
  write(events: readonly UsageEventRecord[]): Promise<WriteResult>;
  batchSize: number;
  /** Writes in flight at once (each its own batch): 1 writes batches one after another. */
  concurrency: number;
  intervalMs: number;
  maxBuffered: number;
  /** First retry delay after a failed write; it doubles up to 30 s. */
  retryMs: number;
  /** Writes `close` tries before it gives up. */
  closeAttempts: number;
  /** Called synchronously when an event enters the buffer (it is accepted). */
  onAccepted(event: UsageEventRecord): void;
  /** Called after each successful write. */
  onWritten(events: readonly UsageEventRecord[], result: WriteResult): void;
  /** A write started by a timer failed (it will be retried). */
  onBackgroundError(error: unknown): void;
}

export interface Recorder {
  /** Resolves once the event is in the buffer; rejects with MeteringClosedError after `close`. */
  accept(event: UsageEventRecord): Promise<void>;
  /** Resolves when every event accepted before the call is written; rejects when a write fails. */
  flush(): Promise<void>;
  /** Refuses new events, writes every accepted one (retrying), stops the timers. */
  close(): Promise<void>;
  /** Runs `read` while no write is in flight, none starting before it ends (a consistent snapshot). */
  exclusive<T>(read: () => Promise<T>): Promise<T>;
  /** The accepted events not written yet, oldest first. */
  pending(): Iterable<UsageEventRecord>;
  stats(): { buffered: number; stored: number; duplicates: number; failedFlushes: number };
}

const MAX_RETRY_MS = 30_000;

interface Waiter {
  event: UsageEventRecord;
  resolve(): void;
  reject(error: unknown): void;
}

export function createRecorder(options: RecorderOptions): Recorder {
  let buffer: UsageEventRecord[] = [];
  /** The batches at the store, oldest first. */
  const writing = new Set<UsageEventRecord[]>();
  let waiters: Waiter[] = [];
  let accepted = 0;
  let written = 0;
  /** The writes started and not ended (some may still wait for a pause to end). */
  const inflight = new Set<Promise<void>>();
  /** The store calls themselves, once their batches are taken. */
  const activeWrites = new Set<Promise<unknown>>();
  let consecutiveFailures = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let closing: Promise<void> | null = null;
  let pausers = 0;
  let resumed: Promise<void> | null = null;
  let resume: (() => void) | null = null;
  const counts = { stored: 0, duplicates: 0, failedFlushes: 0 };

  const kickAt = Math.min(options.batchSize, options.maxBuffered);
  const waiting = () => {
    let count = buffer.length;
    for (const batch of writing) count += batch.length;
    return count;
  };

  const admit = (event: UsageEventRecord) => {
    buffer.push(event);
    accepted++;
    options.onAccepted(event);
  };

  const admitWaiters = () => {
    while (waiters.length > 0 && waiting() < options.maxBuffered) {
      const waiter = waiters.shift()!;
      admit(waiter.event);
      waiter.resolve();
    }
    if (buffer.length >= kickAt) kick();
  };

  /** Writes the next batch (after a pause, if one is on). */
  const startWrite = () => {
    const write: Promise<void> = (async () => {
      while (resumed) await resumed;
      if (buffer.length === 0) return;
      const batch = buffer.splice(0, options.batchSize);
      writing.add(batch);
      const call = options.write(batch);
      activeWrites.add(call);
      let result: WriteResult;
      try {
        result = await call;
      } catch (error) {
        buffer = [...batch, ...buffer];
        consecutiveFailures++;
        counts.failedFlushes++;
        throw error;
      } finally {
        writing.delete(batch);
        activeWrites.delete(call);
      }
      consecutiveFailures = 0;
      written += batch.length;
      counts.stored += result.stored.length;
      counts.duplicates += result.duplicates.length;
      options.onWritten(batch, result);
    })().finally(() => inflight.delete(write));
    // A failure reaches whoever awaits the write; this copy only keeps it from going unhandled.
    write.catch(() => {});
    inflight.add(write);
  };

  /**
   * Starts writes while fewer than `concurrency` are in flight and the buffer holds a full batch
   * (or, with `partial`, any event).
   */
  const startWrites = (partial: boolean) => {
    const least = partial ? 1 : kickAt;
    while (inflight.size < options.concurrency && buffer.length >= least) {
      const before = buffer.length;
      startWrite();
      // A write that waits for a pause has not taken its batch yet: start no second one for it.
      if (buffer.length === before) break;
    }
  };

  /**
   * Starts writes (of partial batches too, unless `fullOnly`), then waits for one of the writes in
   * flight to end, rejecting when it failed; resolves at once when none is in flight.
   */
  const writeNext = async (fullOnly = false): Promise<void> => {
    startWrites(!fullOnly);
    if (inflight.size > 0) await Promise.race(inflight);
  };

  const retryDelay = () =>
    Math.min(options.retryMs * 2 ** Math.max(0, consecutiveFailures - 1), MAX_RETRY_MS);

  /**
   * Writes full batches while there are any, and waits for every write in flight (what is left of a
   * batch waits for the interval, `flush` or `close`); on a failure, schedules a retry instead of
   * throwing.
   */
  const drain = async () => {
    try {
      while (buffer.length >= kickAt || waiters.length > 0 || inflight.size > 0) {
        await writeNext(true);
        admitWaiters();
      }
    } catch (error) {
      options.onBackgroundError(error);
      if (!retryTimer && !closing) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          startWrites(true);
          drainInBackground();
        }, retryDelay());
        retryTimer.unref();
      }
    }
  };

  let draining = false;
  const drainInBackground = () => {
    if (draining || retryTimer) return;
    draining = true;
    void drain().finally(() => {
      draining = false;
    });
  };

  /** A full batch waits: sends it now if a write may start, and keeps a drain watching. */
  const kick = () => {
    if (!retryTimer) startWrites(false);
    drainInBackground();
  };

  const interval = setInterval(() => {
    if (buffer.length > 0 && !retryTimer) {
      startWrites(true);
      drainInBackground();
    }
  }, options.intervalMs);
  interval.unref();

  const flush = async () => {
    const target = accepted;
    while (written < target) {
      await writeNext();
      admitWaiters();
    }
  };

  const closeAndWrite = async () => {
    clearInterval(interval);
    let attempts = 0;
    while (buffer.length > 0 || inflight.size > 0 || waiters.length > 0) {
      try {
        if (retryTimer) {
          clearTimeout(retryTimer);
          retryTimer = null;
        }
        await writeNext();
        admitWaiters();
      } catch (error) {
        attempts++;
        if (attempts >= options.closeAttempts) {
          const failure = new MeteringWriteError(buffer.length, error);
          for (const waiter of waiters) waiter.reject(failure);
          waiters = [];
          throw failure;
        }
        await new Promise((resolve) => setTimeout(resolve, retryDelay()));
      }
    }
  };

  return {
    accept(event) {
      if (closing) return Promise.reject(new MeteringClosedError());
      if (waiters.length === 0 && waiting() < options.maxBuffered) {
        admit(event);
        if (buffer.length >= kickAt) kick();
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        waiters.push({ event, resolve, reject });
        drainInBackground();
      });
    },
    flush,
    close() {
      closing ??= closeAndWrite();
      return closing;
    },
    async exclusive(read) {
      if (pausers++ === 0) resumed = new Promise<void>((done) => (resume = done));
      try {
        // A write already at the store finishes first (its events leave `pending`); one still
        // waiting to start stays paused until the read ends.
        await Promise.allSettled([...activeWrites]);
        return await read();
      } finally {
        if (--pausers === 0) {
          resumed = null;
          resume?.();
        }
      }
    },
    *pending() {
      for (const batch of writing) yield* batch;
      yield* buffer;
    },
    stats: () => ({ buffered: waiting(), ...counts }),
  };
}
