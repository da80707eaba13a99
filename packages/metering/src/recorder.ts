// The write path of `record`: accepted events wait in a buffer and go to the store in batches
// (when a batch is full, and at least every interval), one write at a time. Back-pressure: while
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
  let writing: UsageEventRecord[] = [];
  let waiters: Waiter[] = [];
  let accepted = 0;
  let written = 0;
  let inflight: Promise<void> | null = null;
  /** The store call itself, once a batch is taken (`inflight` may still be waiting for a pause). */
  let activeWrite: Promise<unknown> | null = null;
  let consecutiveFailures = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let closing: Promise<void> | null = null;
  let pausers = 0;
  let resumed: Promise<void> | null = null;
  let resume: (() => void) | null = null;
  const counts = { stored: 0, duplicates: 0, failedFlushes: 0 };

  const kickAt = Math.min(options.batchSize, options.maxBuffered);
  const waiting = () => buffer.length + writing.length;

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
    if (buffer.length >= kickAt) drainInBackground();
  };

  /** Writes the next batch; the one write in flight when there is one. */
  const writeNext = (): Promise<void> => {
    inflight ??= (async () => {
      while (resumed) await resumed;
      if (buffer.length === 0) return;
      writing = buffer.splice(0, options.batchSize);
      let result: WriteResult;
      try {
        activeWrite = options.write(writing);
        result = (await activeWrite) as WriteResult;
      } catch (error) {
        buffer = [...writing, ...buffer];
        writing = [];
        consecutiveFailures++;
        counts.failedFlushes++;
        throw error;
      }
      const batch = writing;
      writing = [];
      consecutiveFailures = 0;
      written += batch.length;
      counts.stored += result.stored.length;
      counts.duplicates += result.duplicates.length;
      options.onWritten(batch, result);
    })().finally(() => {
      activeWrite = null;
      inflight = null;
    });
    return inflight;
  };

  const retryDelay = () =>
    Math.min(options.retryMs * 2 ** Math.max(0, consecutiveFailures - 1), MAX_RETRY_MS);

  /** Writes until the buffer is empty; on a failure, schedules a retry instead of throwing. */
  const drain = async () => {
    try {
      while (buffer.length > 0 || waiters.length > 0) {
        await writeNext();
        admitWaiters();
      }
    } catch (error) {
      options.onBackgroundError(error);
      if (!retryTimer && !closing) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          drainInBackground();
        }, retryDelay());
        retryTimer.unref();
      }
    }
  };

  const drainInBackground = () => {
    if (inflight || retryTimer) return;
    void drain();
  };

  const interval = setInterval(() => {
    if (buffer.length > 0) drainInBackground();
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
    while (buffer.length > 0 || writing.length > 0 || waiters.length > 0) {
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
        if (buffer.length >= kickAt) drainInBackground();
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
        if (activeWrite) await inflight?.catch(() => {});
        return await read();
      } finally {
        if (--pausers === 0) {
          resumed = null;
          resume?.();
        }
      }
    },
    *pending() {
      yield* writing;
      yield* buffer;
    },
    stats: () => ({ buffered: waiting(), ...counts }),
  };
}
