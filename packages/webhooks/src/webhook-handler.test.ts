// The inbox through the handler: each event recorded once, applied once, failures kept and retried,
// replays from the stored payload, and two copies of the handler racing on one store.

import { InvalidInputError, type Logger, memoryStore } from '@billkit/core';
import type Stripe from 'stripe';
import { describe, expect, it, vi } from 'vitest';
import {
  eventPayload,
  fakeBilling,
  fixedClock,
  NOW,
  SECRET,
  signatureHeader,
  webhookRequest,
} from '../test/support/signed-events.js';
import { type ApplyEventResult, createWebhookHandler, type WebhookBilling } from './index.js';

type Body = {
  received?: boolean;
  duplicate?: boolean;
  status?: string;
  error?: { code: string; message: string };
};

function setup(billing = fakeBilling(), clock = fixedClock()) {
  return { billing, clock, handler: createWebhookHandler({ billing, secret: SECRET, clock }) };
}

/** An applyEvent that throws the first `times` times it sees an event, then applies it. */
function failingFirst(times: number) {
  const seen = new Map<string, number>();
  return async (event: Stripe.Event) => {
    const count = (seen.get(event.id) ?? 0) + 1;
    seen.set(event.id, count);
    if (count <= times) throw new Error(`mirror write failed for ${event.id} (try ${count})`);
    return { status: 'applied' as const };
  };
}

async function post(handler: (request: Request) => Promise<Response>, payload: string) {
  return answer(handler(webhookRequest(payload)));
}

async function answer(pending: Promise<Response>) {
  const response = await pending;
  return { status: response.status, body: (await response.json()) as Body };
}

type ApplyEventResultFn = (event: Stripe.Event) => Promise<ApplyEventResult>;

/** A promise to wait on, and the function that opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * An applyEvent that signals when it starts, then waits for `release` before doing what `finish`
 * says: an application slower than its lease.
 */
function slowApply(finish: () => Promise<ApplyEventResult>) {
  const started = gate();
  const release = gate();
  const apply = async () => {
    started.open();
    await release.opened;
    return finish();
  };
  return { apply, started: started.opened, release: release.open };
}

function spyLogger() {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() } satisfies Logger;
}

describe('the inbox', () => {
  it('applies a duplicate delivery only once and answers it 200', async () => {
    const { billing, handler } = setup();
    const payload = eventPayload({ id: 'evt_dup' });

    const first = await post(handler, payload);
    const second = await post(handler, payload);

    expect(first).toEqual({ status: 200, body: { received: true, status: 'applied' } });
    expect(second).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(billing.sync.applyEvent).toHaveBeenCalledTimes(1);
    expect(await billing.store.webhookEvents.get('evt_dup')).toMatchObject({
      status: 'applied',
      attempts: 1,
    });
  });

  it('records and acknowledges an event the engine skips, with the reason, and does not apply it again', async () => {
    const billing = fakeBilling(async () => ({ status: 'skipped', note: 'older than the mirrored state' }));
    const { handler } = setup(billing);
    const payload = eventPayload({ id: 'evt_old' });

    const first = await post(handler, payload);
    const again = await post(handler, payload);

    expect(first).toEqual({ status: 200, body: { received: true, status: 'skipped' } });
    expect(again.body).toEqual({ received: true, duplicate: true });
    expect(billing.sync.applyEvent).toHaveBeenCalledTimes(1);
    expect(await billing.store.webhookEvents.get('evt_old')).toMatchObject({
      status: 'skipped',
      note: 'older than the mirrored state',
    });
  });

  it('answers 500 when the application throws, keeps the error and attempts, and applies the redelivery', async () => {
    const billing = fakeBilling(failingFirst(1));
    const { handler } = setup(billing);
    const payload = eventPayload({ id: 'evt_flaky' });

    const first = await post(handler, payload);

    expect(first.status).toBe(500);
    expect(first.body.error?.code).toBe('event_failed');
    expect(first.body.error?.message).not.toContain('mirror write failed');
    expect(await billing.store.webhookEvents.get('evt_flaky')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'mirror write failed for evt_flaky (try 1)',
    });
    expect((await handler.listFailed()).items.map((e) => e.eventId)).toEqual(['evt_flaky']);

    const redelivery = await post(handler, payload);

    expect(redelivery).toEqual({ status: 200, body: { received: true, status: 'applied' } });
    expect(await billing.store.webhookEvents.get('evt_flaky')).toMatchObject({
      status: 'applied',
      attempts: 2,
    });
    expect((await handler.listFailed()).items).toEqual([]);
    expect(billing.sync.applyEvent).toHaveBeenCalledTimes(2);
  });

  it('counts every failed attempt and keeps the latest error', async () => {
    const billing = fakeBilling(failingFirst(3));
    const { handler } = setup(billing);
    const payload = eventPayload({ id: 'evt_stubborn' });

    for (let i = 0; i < 3; i += 1) expect((await post(handler, payload)).status).toBe(500);

    expect(await billing.store.webhookEvents.get('evt_stubborn')).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'mirror write failed for evt_stubborn (try 3)',
    });
  });

  it('answers 500 without throwing when the store itself is down, so Stripe retries', async () => {
    const billing = fakeBilling();
    billing.store.webhookEvents.record = async () => {
      throw new Error('connection refused');
    };
    const { handler } = setup(billing);

    const response = await post(handler, eventPayload({ id: 'evt_store_down' }));

    expect(response.status).toBe(500);
    expect(response.body.error?.code).toBe('internal_error');
    expect(billing.sync.applyEvent).not.toHaveBeenCalled();
  });

  it('lets another delivery take over an event whose lease ran out (a copy that crashed mid-way)', async () => {
    const clock = fixedClock();
    const { billing, handler } = setup(fakeBilling(), clock);
    const payload = eventPayload({ id: 'evt_orphan' });
    const event = JSON.parse(payload) as Stripe.Event;
    // A copy recorded and claimed it, then died before completing.
    await billing.store.webhookEvents.record({
      eventId: event.id,
      type: event.type,
      stripeCreated: new Date(event.created * 1000),
      payload,
      status: 'received',
      attempts: 0,
      lastError: null,
      note: null,
      receivedAt: clock.now(),
      updatedAt: clock.now(),
      leaseUntil: null,
    });
    await billing.store.webhookEvents.claim(event.id, {
      now: clock.now(),
      leaseUntil: new Date((NOW + 60) * 1000),
    });

    const whileHeld = await post(handler, payload);
    clock.set(NOW + 61);
    const afterLease = await handler(
      webhookRequest(payload, signatureHeader(payload, { timestamp: NOW + 61 })),
    );

    expect(whileHeld.body).toEqual({ received: true, duplicate: true });
    expect(afterLease.status).toBe(200);
    expect(billing.sync.applyEvent).toHaveBeenCalledTimes(1);
    expect(await billing.store.webhookEvents.get('evt_orphan')).toMatchObject({
      status: 'applied',
      attempts: 2,
    });
  });

  it('answers 405 to anything but POST, recording nothing', async () => {
    const { billing, handler } = setup();

    const response = await handler(new Request('https://host.example/webhooks/stripe', { method: 'GET' }));

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(billing.sync.applyEvent).not.toHaveBeenCalled();
  });
});

describe('replay', () => {
  it('applies a failed event again from its stored payload', async () => {
    const billing = fakeBilling(failingFirst(1));
    const { handler } = setup(billing);
    const payload = eventPayload({ id: 'evt_replay_me' });
    await post(handler, payload);

    const result = await handler.replay('evt_replay_me');

    expect(result).toEqual({ eventId: 'evt_replay_me', status: 'applied', replayed: true, note: null });
    expect(billing.sync.applyEvent).toHaveBeenLastCalledWith(JSON.parse(payload));
    expect(await billing.store.webhookEvents.get('evt_replay_me')).toMatchObject({
      status: 'applied',
      attempts: 2,
    });
  });

  it('does not apply an event that is already applied again', async () => {
    const { billing, handler } = setup();
    await post(handler, eventPayload({ id: 'evt_done' }));

    const result = await handler.replay('evt_done');

    expect(result).toEqual({ eventId: 'evt_done', status: 'applied', replayed: false });
    expect(billing.sync.applyEvent).toHaveBeenCalledTimes(1);
  });

  it('says when there is no such event', async () => {
    const { handler } = setup();

    expect(await handler.replay('evt_never_seen')).toEqual({
      eventId: 'evt_never_seen',
      status: 'not_found',
      replayed: false,
    });
  });

  it('keeps the new error when a replay fails again', async () => {
    const billing = fakeBilling(failingFirst(2));
    const { handler } = setup(billing);
    await post(handler, eventPayload({ id: 'evt_again' }));

    const result = await handler.replay('evt_again');

    expect(result).toEqual({
      eventId: 'evt_again',
      status: 'failed',
      replayed: true,
      error: 'mirror write failed for evt_again (try 2)',
    });
    expect(await billing.store.webhookEvents.get('evt_again')).toMatchObject({
      status: 'failed',
      attempts: 2,
    });
  });

  it('replayFailed replays every failed event and returns what happened to each, without stopping half-way', async () => {
    const stillBroken = 'evt_f2';
    const seen = new Set<string>();
    const billing = fakeBilling(async (event) => {
      if (event.id === stillBroken || !seen.has(event.id)) {
        seen.add(event.id);
        throw new Error(`cannot apply ${event.id}`);
      }
      return { status: 'applied' };
    });
    const { handler } = setup(billing);
    for (const id of ['evt_f1', 'evt_f2', 'evt_f3', 'evt_f4']) await post(handler, eventPayload({ id }));
    await post(handler, eventPayload({ id: 'evt_fine' })); // fails once too; replayed as well
    const claim = billing.store.webhookEvents.claim;
    billing.store.webhookEvents.claim = async (eventId, at) => {
      if (eventId === 'evt_f3') throw new Error('lost the connection');
      return claim(eventId, at);
    };

    const results = await handler.replayFailed();

    expect(results).toEqual([
      { eventId: 'evt_f1', status: 'applied', replayed: true, note: null },
      { eventId: 'evt_f2', status: 'failed', replayed: true, error: 'cannot apply evt_f2' },
      { eventId: 'evt_f3', status: 'failed', replayed: false, error: 'lost the connection' },
      { eventId: 'evt_f4', status: 'applied', replayed: true, note: null },
      { eventId: 'evt_fine', status: 'applied', replayed: true, note: null },
    ]);
    expect((await handler.listFailed()).items.map((e) => e.eventId)).toEqual(['evt_f2', 'evt_f3']);
  });

  it('replayFailed goes through every page of failed events', async () => {
    const billing = fakeBilling(failingFirst(1));
    const { handler } = setup(billing);
    const ids = Array.from({ length: 130 }, (_, i) => `evt_many_${String(i).padStart(3, '0')}`);
    for (const id of ids) await post(handler, eventPayload({ id }));

    const results = await handler.replayFailed();

    expect(results.map((r) => r.eventId).sort()).toEqual(ids);
    expect(results.every((r) => r.status === 'applied' && r.replayed)).toBe(true);
  });
});

describe('two copies of the handler on one store', () => {
  it('apply an event both receive at the same moment exactly once', async () => {
    const store = memoryStore();
    const slowApply = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return { status: 'applied' as const };
    };
    const first = fakeBilling(slowApply);
    const second = fakeBilling(slowApply);
    const copies = [first, second].map((billing) =>
      createWebhookHandler({
        billing: { store, sync: billing.sync } satisfies WebhookBilling,
        secret: SECRET,
        clock: fixedClock(),
      }),
    );
    const payloads = Array.from({ length: 25 }, (_, i) => eventPayload({ id: `evt_race_${i}` }));

    const responses = await Promise.all(
      payloads.flatMap((payload) => copies.map((handler) => handler(webhookRequest(payload)))),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Body[];

    const calls = [...first.sync.applyEvent.mock.calls, ...second.sync.applyEvent.mock.calls];
    expect(calls.map(([event]) => event.id).sort()).toEqual(payloads.map((p) => JSON.parse(p).id).sort());
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(bodies.filter((b) => b.status === 'applied')).toHaveLength(25);
    expect(bodies.filter((b) => b.duplicate)).toHaveLength(25);
  });

  /** Two copies over one store and one clock, each with its own applyEvent; leases of 60 s. */
  function twoCopies(firstApply: ApplyEventResultFn, secondApply: ApplyEventResultFn) {
    const store = memoryStore();
    const clock = fixedClock();
    const logger = spyLogger();
    const [first, second] = [firstApply, secondApply].map((apply) => {
      const billing = fakeBilling(apply);
      return {
        applyEvent: billing.sync.applyEvent,
        handler: createWebhookHandler({
          billing: { store, sync: billing.sync } satisfies WebhookBilling,
          secret: SECRET,
          clock,
          logger,
          leaseSeconds: 60,
        }),
      };
    });
    return { store, clock, logger, first: first!, second: second! };
  }

  it("keep the second copy's outcome when the first copy's apply outlives its lease and completes late", async () => {
    const slow = slowApply(async () => ({ status: 'skipped', note: 'from the first copy, too late' }));
    const { store, clock, logger, first, second } = twoCopies(slow.apply, async () => ({
      status: 'applied',
    }));
    const payload = eventPayload({ id: 'evt_slow' });

    const firstAnswer = answer(first.handler(webhookRequest(payload)));
    await slow.started;
    clock.set(NOW + 61); // the first copy's lease ended at NOW + 60
    const secondAnswer = await post(second.handler, payload);
    const keptBySecond = await store.webhookEvents.get('evt_slow');
    slow.release();

    expect(secondAnswer).toEqual({ status: 200, body: { received: true, status: 'applied' } });
    expect(await firstAnswer).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(keptBySecond).toMatchObject({ status: 'applied', attempts: 2, note: null, leaseUntil: null });
    expect(await store.webhookEvents.get('evt_slow')).toEqual(keptBySecond);
    expect(first.applyEvent).toHaveBeenCalledTimes(1);
    expect(second.applyEvent).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('taken over by another copy'),
      expect.objectContaining({
        eventId: 'evt_slow',
        attempt: 1,
        dropped: 'skipped',
        currentAttempts: 2,
        currentStatus: 'applied',
      }),
    );
  });

  it("do not let the first copy's late failure overwrite the event the second copy is still applying", async () => {
    const late = slowApply(async () => {
      throw new Error('the first copy gave up');
    });
    const current = slowApply(async () => ({ status: 'applied' }));
    const { store, clock, logger, first, second } = twoCopies(late.apply, current.apply);
    const payload = eventPayload({ id: 'evt_overlap' });

    const firstAnswer = answer(first.handler(webhookRequest(payload)));
    await late.started;
    clock.set(NOW + 61);
    const secondAnswer = answer(second.handler(webhookRequest(payload)));
    await current.started;
    const claimedBySecond = await store.webhookEvents.get('evt_overlap');
    late.release();

    expect(await firstAnswer).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(await store.webhookEvents.get('evt_overlap')).toEqual(claimedBySecond);
    expect(claimedBySecond).toMatchObject({ status: 'processing', attempts: 2, lastError: null });
    expect((await first.handler.listFailed()).items).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('taken over by another copy'),
      expect.objectContaining({ eventId: 'evt_overlap', dropped: 'failed', currentStatus: 'processing' }),
    );

    current.release();

    expect(await secondAnswer).toEqual({ status: 200, body: { received: true, status: 'applied' } });
    expect(await store.webhookEvents.get('evt_overlap')).toMatchObject({
      status: 'applied',
      attempts: 2,
      lastError: null,
    });
  });

  it("report a replay that was taken over as replayed, with the other copy's outcome", async () => {
    let calls = 0;
    const slow = slowApply(async () => ({ status: 'skipped', note: 'from the replay, too late' }));
    const { store, clock, first, second } = twoCopies(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('mirror write failed');
        return slow.apply();
      },
      async () => ({ status: 'applied' }),
    );
    const payload = eventPayload({ id: 'evt_replayed_late' });
    expect((await post(first.handler, payload)).status).toBe(500);

    const replay = first.handler.replay('evt_replayed_late');
    await slow.started;
    clock.set(NOW + 61);
    const redelivery = await post(second.handler, payload);
    slow.release();

    expect(redelivery).toEqual({ status: 200, body: { received: true, status: 'applied' } });
    expect(await replay).toEqual({
      eventId: 'evt_replayed_late',
      status: 'applied',
      replayed: true,
      note: null,
    });
    expect(await store.webhookEvents.get('evt_replayed_late')).toMatchObject({
      status: 'applied',
      attempts: 3,
      note: null,
    });
  });
});

describe('options', () => {
  it('refuses both `secret` and `secrets`, or neither', () => {
    const billing = fakeBilling();
    expect(() => createWebhookHandler({ billing, secret: SECRET, secrets: [SECRET] } as never)).toThrow(
      InvalidInputError,
    );
    expect(() => createWebhookHandler({ billing } as never)).toThrow(/either `secret` or `secrets`/);
  });

  it('refuses a secret with a stray line break (a common .env mistake)', () => {
    expect(() => createWebhookHandler({ billing: fakeBilling(), secret: `${SECRET}\n` })).toThrow(
      /no spaces or line breaks/,
    );
  });

  it('refuses something that is not the billing engine', () => {
    expect(() => createWebhookHandler({ billing: {} as WebhookBilling, secret: SECRET })).toThrow(
      /sync\.applyEvent/,
    );
  });
});
