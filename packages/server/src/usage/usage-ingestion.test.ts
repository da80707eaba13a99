// POST /usage/events: the host's other processes record usage with the server key. A batch is
// accepted whole or refused whole; what is accepted reaches metering (and the dashboard after the
// flush); the key is the only way in, and it never shows up in a log or an answer.

import { InvalidInputError } from '@billkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADDRESS_CALL_MICROS,
  addressCall,
  CHAT_CALL_MICROS,
  chatCall,
  closeMeterings,
  givenUsageServer,
  ingest,
  OTHER_KEY,
  USAGE_KEY,
  type UsageWorld,
  usageGet,
  wireEvent,
} from '../../test/support/usage-world.js';
import { expectError, expectOk, get, ORIGIN } from '../../test/support/world.js';
import {
  MAX_USAGE_EVENTS_PER_BATCH,
  usageEventsResponseSchema,
  usageSummaryResponseSchema,
} from '../contract/index.js';
import { createBillingServer, usageModule } from '../index.js';

afterEach(closeMeterings);

const JANUARY = '?from=2026-01-01&to=2026-02-01';

/** Everything metering holds for 2026 once the buffer is written: events and their total cost. */
async function recorded(world: UsageWorld): Promise<{ count: number; costMicros: number; buffered: number }> {
  const buffered = world.metering.stats().buffered;
  await world.metering.flush();
  const rows = await world.metering.costs({
    from: new Date('2025-01-01T00:00:00Z'),
    to: new Date('2027-01-01T00:00:00Z'),
  });
  return {
    count: rows.reduce((sum, row) => sum + row.count, 0),
    costMicros: rows.reduce((sum, row) => sum + row.costMicros, 0),
    buffered,
  };
}

const NOTHING = { count: 0, costMicros: 0, buffered: 0 };

describe('POST /usage/events', () => {
  it('accepts 1,000 events with the server key, and the summary counts every one after the flush', async () => {
    const world = await givenUsageServer();
    const events = Array.from({ length: MAX_USAGE_EVENTS_PER_BATCH }, (_, i) =>
      wireEvent(
        i % 5 < 3
          ? chatCall({ customerId: `user_${i % 10}`, feature: 'ai_review' })
          : addressCall({ customerId: `user_${i % 10}` }),
      ),
    );

    const answer = await expectOk(world, ingest({ events }), usageEventsResponseSchema, 202);
    await world.metering.flush();
    const summary = await expectOk(world, usageGet(`/usage/summary${JANUARY}`), usageSummaryResponseSchema);

    expect(answer).toEqual({ accepted: 1000 });
    expect(summary).toMatchObject({
      currency: 'USD',
      costMicros: 600 * CHAT_CALL_MICROS + 400 * ADDRESS_CALL_MICROS,
      count: 1000,
      failures: 0,
      customers: 10,
      byProvider: [
        { provider: 'openai', costMicros: 600 * CHAT_CALL_MICROS, count: 600, failures: 0 },
        { provider: 'geoscape', costMicros: 400 * ADDRESS_CALL_MICROS, count: 400, failures: 0 },
      ],
    });
  });

  it('takes every field metering.record takes, with `at` as an ISO time in any zone', async () => {
    const world = await givenUsageServer();
    const event = {
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4.1',
      units: { input_tokens: 1000, output_tokens: 500 },
      customerId: 'user_42',
      feature: 'ai_review',
      region: 'au',
      at: '2026-01-10T20:30:00+11:00',
      idempotencyKey: 'job-981',
      durationMs: 1234,
      success: false,
    };

    await expectOk(world, ingest({ events: [event] }), usageEventsResponseSchema, 202);
    await world.metering.flush();

    const [row] = await world.metering.costs({
      from: new Date('2026-01-10T09:30:00Z'),
      to: new Date('2026-01-10T09:31:00Z'),
      groupBy: ['provider', 'model', 'customerId', 'feature', 'region'],
    });
    expect(row).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1',
      customerId: 'user_42',
      feature: 'ai_review',
      region: 'AU',
      count: 1,
      failures: 1,
      costMicros: CHAT_CALL_MICROS,
    });
  });

  it('answers a missing, malformed or wrong key with the same 401, and records nothing', async () => {
    const world = await givenUsageServer();
    const events = [wireEvent(chatCall())];

    const answers = [];
    for (const request of [
      ingest({ events }, { key: null }),
      ingest({ events }, { key: OTHER_KEY }),
      ingest({ events }, { key: `${USAGE_KEY}x` }),
      ingest({ events }, { key: USAGE_KEY.slice(0, -1) }),
      ingest({ events }, { key: null, headers: { authorization: `Basic ${btoa(`x:${USAGE_KEY}`)}` } }),
      ingest({ events }, { key: null, headers: { authorization: USAGE_KEY } }),
      ingest({ events }, { key: null, headers: { authorization: `Bearer ${USAGE_KEY} ${USAGE_KEY}` } }),
    ]) {
      const { response, error } = await expectError(world, request, { status: 401, code: 'unauthenticated' });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      answers.push(error);
    }

    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await recorded(world)).toEqual(NOTHING);
  });

  it('refuses a bad key before reading the body: a huge or broken body still answers 401', async () => {
    const world = await givenUsageServer();

    await expectError(world, ingest('{"events": [', { key: OTHER_KEY }), {
      status: 401,
      code: 'unauthenticated',
    });
    await expectError(world, ingest('x'.repeat(5_000_000), { key: OTHER_KEY }), {
      status: 401,
      code: 'unauthenticated',
    });
  });

  it('accepts the previous key while rotating', async () => {
    const world = await givenUsageServer({ module: { serverKey: [OTHER_KEY, USAGE_KEY] } });

    await expectOk(
      world,
      ingest({ events: [wireEvent(chatCall())] }, { key: OTHER_KEY }),
      usageEventsResponseSchema,
      202,
    );
    await expectOk(
      world,
      ingest({ events: [wireEvent(chatCall())] }, { key: USAGE_KEY }),
      usageEventsResponseSchema,
      202,
    );

    expect((await recorded(world)).count).toBe(2);
  });

  it('needs no session and no same-origin check, and a session is no substitute for the key', async () => {
    const world = await givenUsageServer();
    const events = [wireEvent(chatCall())];

    // Server to server: any Origin, nobody signed in.
    await expectOk(
      world,
      ingest({ events }, { headers: { origin: 'https://worker.internal.example' } }),
      usageEventsResponseSchema,
      202,
    );
    // An admin's browser without the key.
    await expectError(
      world,
      ingest(
        { events },
        { key: null, headers: { 'x-test-user': 'ops_1', 'x-test-admin': 'yes', origin: ORIGIN } },
      ),
      { status: 401, code: 'unauthenticated' },
    );

    expect((await recorded(world)).count).toBe(1);
  });

  it(`refuses ${MAX_USAGE_EVENTS_PER_BATCH + 1} events with 413 naming events, and records none`, async () => {
    const world = await givenUsageServer();
    const events = Array.from({ length: MAX_USAGE_EVENTS_PER_BATCH + 1 }, () => wireEvent(chatCall()));

    const { error } = await expectError(world, ingest({ events }), {
      status: 413,
      code: 'payload_too_large',
      param: 'events',
    });

    expect(error.message).toContain('at most 1000 events');
    expect(await recorded(world)).toEqual(NOTHING);
  });

  it("refuses the whole batch when one event is invalid, listing each bad event's index and field", async () => {
    const world = await givenUsageServer();
    const events = [
      wireEvent(chatCall()),
      wireEvent(chatCall()),
      { ...wireEvent(chatCall()), units: { input_tokens: -5, output_tokens: 1.5 } },
      wireEvent(addressCall()),
      { ...wireEvent(addressCall()), at: 'yesterday' },
      { operation: 'chat', units: { requests: 1 } },
    ];

    const { error } = await expectError(world, ingest({ events }), {
      status: 400,
      code: 'invalid_input',
      param: 'events.2.units.input_tokens',
    });

    expect(error.issues?.map(({ index, path }) => [index, path])).toEqual([
      [2, 'units.input_tokens'],
      [2, 'units.output_tokens'],
      [4, 'at'],
      [5, 'provider'],
    ]);
    expect(error.message).toContain('3 event(s) are invalid, so none was recorded');
    expect(await recorded(world)).toEqual(NOTHING);
  });

  it('counts an idempotency key once, within a batch and across batches', async () => {
    const world = await givenUsageServer();
    const once = wireEvent(chatCall({ idempotencyKey: 'job-1' }));

    const first = await expectOk(
      world,
      ingest({ events: [once, once, once, wireEvent(addressCall({ idempotencyKey: 'job-2' }))] }),
      usageEventsResponseSchema,
      202,
    );
    await world.metering.flush();
    const again = await expectOk(world, ingest({ events: [once] }), usageEventsResponseSchema, 202);

    expect([first.accepted, again.accepted]).toEqual([4, 1]);
    expect(await recorded(world)).toEqual({
      count: 2,
      costMicros: CHAT_CALL_MICROS + ADDRESS_CALL_MICROS,
      buffered: 1,
    });
  });

  it('answers 415 to a body not declared JSON, 400 to malformed JSON or no events list, 413 over its limit', async () => {
    const world = await givenUsageServer({ module: { maxBodyBytes: 10_000 } });
    const events = [wireEvent(chatCall())];

    await expectError(world, ingest({ events }, { headers: { 'content-type': 'text/plain' } }), {
      status: 415,
      code: 'unsupported_media_type',
    });
    await expectError(world, ingest('{"events": ['), { status: 400, code: 'invalid_json' });
    await expectError(world, ingest({ event: events[0] }), {
      status: 400,
      code: 'invalid_input',
      param: 'events',
    });
    await expectError(world, ingest({ events: events[0] }), {
      status: 400,
      code: 'invalid_input',
      param: 'events',
    });
    await expectError(world, ingest({ events: Array.from({ length: 100 }, () => events[0]) }), {
      status: 413,
      code: 'payload_too_large',
    });

    expect(await recorded(world)).toEqual(NOTHING);
  });

  it('accepts an empty batch as nothing to do', async () => {
    const world = await givenUsageServer();

    expect(await expectOk(world, ingest({ events: [] }), usageEventsResponseSchema, 202)).toEqual({
      accepted: 0,
    });
  });

  it('answers 405 with Allow to another method, and 404 to other paths under the prefix', async () => {
    const world = await givenUsageServer();

    const { response } = await expectError(world, get('/usage/events', { user: null }), {
      status: 405,
      code: 'method_not_allowed',
    });
    expect(response.headers.get('allow')).toBe('POST');
    await expectError(world, ingest({ events: [] }, { path: '/usage/event' }), {
      status: 404,
      code: 'not_found',
    });
    await expectError(world, ingest({ events: [] }, { path: '/usage/events/1' }), {
      status: 404,
      code: 'not_found',
    });
  });

  it('lives under its own prefix when told', async () => {
    const world = await givenUsageServer({ module: { prefix: '/meter' } });

    await expectOk(
      world,
      ingest({ events: [wireEvent(chatCall())] }, { path: '/meter/events' }),
      usageEventsResponseSchema,
      202,
    );
    await expectError(world, ingest({ events: [] }, { path: '/usage/events' }), {
      status: 404,
      code: 'not_found',
    });
  });

  it('never writes the key to the log or to an answer, even when metering fails', async () => {
    const world = await givenUsageServer();
    await world.metering.close();

    const refused = await world.handler(ingest({ events: [wireEvent(chatCall())] }, { key: OTHER_KEY }));
    const failed = await world.handler(ingest({ events: [wireEvent(chatCall())] }));

    expect(refused.status).toBe(401);
    expect(failed.status).toBe(409);
    const everything = JSON.stringify([world.logged, await refused.text(), await failed.text()]);
    expect(everything).not.toContain(USAGE_KEY);
    expect(everything).not.toContain(OTHER_KEY);
  });
});

describe('usageModule', () => {
  it.each([
    ['a short key', 'short-key'],
    ['no key', []],
    ['a key with a space', `${USAGE_KEY} and more`],
  ])('refuses %s when it is made, without echoing it', (_, serverKey) => {
    const world = { metering: {} as never };
    const make = () => usageModule(world.metering, { serverKey });
    expect(make).toThrow(InvalidInputError);
    expect(make).toThrow(/serverKey/);
    try {
      make();
    } catch (error) {
      if (typeof serverKey === 'string') expect(String((error as Error).message)).not.toContain(serverKey);
    }
  });

  it('refuses a prefix that is not one path segment', () => {
    expect(() => usageModule({} as never, { serverKey: USAGE_KEY, prefix: 'usage/events' })).toThrow(
      /prefix/,
    );
  });

  it("refuses the server a usage prefix that is the admin's", async () => {
    const world = await givenUsageServer();
    const usage = usageModule(world.metering, { serverKey: USAGE_KEY, prefix: '/admin' });

    expect(() =>
      createBillingServer({
        billing: world.billing,
        webhooks: { secret: 'whsec_x' },
        authenticate: () => null,
        usage,
      }),
    ).toThrow(/usage\.prefix/);
  });
});
