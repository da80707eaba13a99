import { describe, expect, it } from 'vitest';
import { givenMetering } from '../test/given-metering.js';
import { MeteringInputError } from './errors.js';
import { openAIUnits } from './wrap.js';

const MARCH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

/** A Chat Completions response as the official client returns it. */
const chatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4.1-2025-04-14',
  choices: [],
  usage: {
    prompt_tokens: 1200,
    completion_tokens: 300,
    total_tokens: 1500,
    prompt_tokens_details: { cached_tokens: 200, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  },
};

/** A Responses API response. */
const response = {
  id: 'resp_1',
  object: 'response',
  model: 'gpt-4.1',
  output: [],
  usage: {
    input_tokens: 2000,
    input_tokens_details: { cached_tokens: 1000 },
    output_tokens: 100,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 2100,
  },
};

describe('openAIUnits', () => {
  it('reads a Chat Completions usage object, splitting cached input out', () => {
    expect(openAIUnits(chatCompletion.usage)).toEqual({
      input_tokens: 1000,
      cached_input_tokens: 200,
      output_tokens: 300,
    });
  });

  it('reads a Responses API usage object', () => {
    expect(openAIUnits(response.usage)).toEqual({
      input_tokens: 1000,
      cached_input_tokens: 1000,
      output_tokens: 100,
    });
  });

  it('reads the usage of a whole response, and an embeddings usage without output', () => {
    expect(openAIUnits(response)).toEqual(openAIUnits(response.usage));
    expect(openAIUnits({ prompt_tokens: 8, total_tokens: 8 })).toEqual({
      input_tokens: 8,
      cached_input_tokens: 0,
      output_tokens: 0,
    });
  });

  it('reads nothing from what is not a usage object', () => {
    expect(openAIUnits(null)).toEqual({ input_tokens: 0, cached_input_tokens: 0, output_tokens: 0 });
    expect(openAIUnits({ prompt_tokens: -3, completion_tokens: 'many' })).toEqual({
      input_tokens: 0,
      cached_input_tokens: 0,
      output_tokens: 0,
    });
  });
});

describe('metering.wrap', () => {
  it('meters a Chat Completions call: model and tokens from the response, customer from the arguments', async () => {
    const { metering, store } = givenMetering();
    const create = metering.wrap(async (_body: { userId: string; prompt: string }) => chatCompletion, {
      provider: 'openai',
      operation: 'chat',
      customerId: ([body]) => body.userId,
      feature: 'ai_review',
    });
    expect(await create({ userId: 'ann', prompt: 'Review my résumé' })).toBe(chatCompletion);
    await metering.flush();
    const { items } = await store.metering.events(MARCH);
    expect(items).toEqual([
      expect.objectContaining({
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4.1-2025-04-14',
        userId: 'ann',
        feature: 'ai_review',
        units: { input_tokens: 1000, cached_input_tokens: 200, output_tokens: 300 },
        // 1000 × 2.00 + 200 × 0.50 + 300 × 8.00 per million
        costMicros: 2000 + 100 + 2400,
        success: true,
        durationMs: expect.any(Number),
      }),
    ]);
    await metering.close();
  });

  it('meters a Responses API call', async () => {
    const { metering } = givenMetering();
    const create = metering.wrap(async () => response, { provider: 'openai', operation: 'chat' });
    await create();
    await metering.flush();
    const [row] = await metering.costs({ ...MARCH, groupBy: ['model'] });
    expect(row).toMatchObject({ model: 'gpt-4.1', costMicros: 2000 + 500 + 800 });
    await metering.close();
  });

  it('records a failed call as one failed request and throws the call’s own error', async () => {
    const { metering, store } = givenMetering();
    const failure = new Error('429 Too Many Requests');
    const create = metering.wrap(
      async () => {
        throw failure;
      },
      { provider: 'openai', operation: 'chat', model: 'gpt-4.1', idempotencyKey: () => 'call-1' },
    );
    await expect(create()).rejects.toBe(failure);
    await metering.flush();
    const { items } = await store.metering.events(MARCH);
    expect(items).toEqual([
      expect.objectContaining({ model: 'gpt-4.1', success: false, units: { requests: 1 }, costMicros: 0 }),
    ]);
    expect(items[0]?.id).not.toBe('call-1'); // a retry that succeeds under the key still counts
    await metering.close();
  });

  it('reads units with the description’s function, and counts a request when the result has no usage', async () => {
    const { metering } = givenMetering();
    const validate = metering.wrap(async (address: string) => ({ address, valid: true }), {
      provider: 'geoscape',
      operation: 'address-validation',
      region: 'AU',
    });
    const batch = metering.wrap(async (addresses: string[]) => addresses.map((address) => ({ address })), {
      provider: 'geoscape',
      operation: 'address-validation',
      units: (_result, [addresses]) => ({ requests: addresses.length }),
    });
    await validate('1 George St');
    await batch(['a', 'b', 'c']);
    await metering.flush();
    const [row] = await metering.costs({ ...MARCH, groupBy: ['provider'] });
    expect(row).toMatchObject({ count: 2, units: { requests: 4 }, costMicros: 14_000 });
    await metering.close();
  });

  it('returns the call’s result even when its usage cannot be recorded', async () => {
    const { metering } = givenMetering();
    await metering.close();
    const create = metering.wrap(async () => 'answer', { provider: 'openai', operation: 'chat' });
    expect(await create()).toBe('answer');
  });

  it('refuses a malformed description when wrapping, not on the first call', () => {
    const { metering } = givenMetering();
    expect(() => metering.wrap(async () => 1, { provider: '', operation: 'chat' })).toThrow(
      MeteringInputError,
    );
    expect(() =>
      metering.wrap(async () => 1, { provider: 'openai', operation: 'chat', units: 3 as never }),
    ).toThrow(/units/);
  });
});
