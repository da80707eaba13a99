// Metering any async call from one place: `metering.wrap(fn, describe)` returns a function that
// calls `fn` and records its duration, success or failure, and the units read from its result.
// A metering problem never changes what the wrapped call returns or throws.

import { performance } from 'node:perf_hooks';
import type { Clock } from '@billkit/core';
import { z } from 'zod';
import { parseMeteringInput } from './errors.js';
import type { Units, UsageInput, WrapDescription } from './types.js';

/**
 * Token units from an OpenAI `usage` object (or a response that holds one), Chat Completions
 * (`prompt_tokens`, `completion_tokens`, `prompt_tokens_details.cached_tokens`) or Responses API
 * (`input_tokens`, `output_tokens`, `input_tokens_details.cached_tokens`) shaped: `input_tokens`
 * is the input that was not cached, `cached_input_tokens` the cached part, priced apart.
 */
export function openAIUnits(usage: unknown): Units {
  const fields = usageFields(usage);
  const responses = 'input_tokens' in fields || 'output_tokens' in fields;
  const input = tokens(responses ? fields.input_tokens : fields.prompt_tokens);
  const details = responses ? fields.input_tokens_details : fields.prompt_tokens_details;
  const cached = Math.min(tokens(isRecord(details) ? details.cached_tokens : undefined), input);
  const output = tokens(responses ? fields.output_tokens : fields.completion_tokens);
  return { input_tokens: input - cached, cached_input_tokens: cached, output_tokens: output };
}

function usageFields(usage: unknown): Record<string, unknown> {
  if (!isRecord(usage)) return {};
  const looksLikeUsage = ['input_tokens', 'output_tokens', 'prompt_tokens', 'completion_tokens'].some(
    (key) => key in usage,
  );
  if (!looksLikeUsage && isRecord(usage.usage)) return usage.usage;
  return usage;
}

function tokens(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const text = z.string().min(1).max(200);
const callable = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
  message: 'a function',
});

const describeSchema = z.object({
  provider: text,
  operation: text,
  model: z.union([text, callable]).optional(),
  customerId: z.union([text, callable]).optional(),
  feature: z.union([text, callable]).optional(),
  region: z.union([text, callable]).optional(),
  units: callable.optional(),
  idempotencyKey: callable.optional(),
});

export interface WrapDependencies {
  record(event: UsageInput): Promise<void>;
  clock: Clock;
  /** Told when recording a call's usage failed (the call itself went on). */
  onMeteringError(error: unknown, describe: { provider: string; operation: string }): void;
}

/** See `Metering.wrap`. Throws MeteringInputError at once when `describe` is malformed. */
export function wrapCall<A extends unknown[], R>(
  dependencies: WrapDependencies,
  fn: (...args: A) => Promise<R>,
  describe: WrapDescription<A, R>,
): (...args: A) => Promise<R> {
  parseMeteringInput(describeSchema, describe, 'wrap');
  if (typeof fn !== 'function') parseMeteringInput(callable, fn, 'wrap');

  const meter = async (args: A, at: Date, started: number, outcome: { result?: R; failed: boolean }) => {
    try {
      await dependencies.record(usageOf(describe, args, at, performance.now() - started, outcome));
    } catch (error) {
      dependencies.onMeteringError(error, describe);
    }
  };

  return async (...args: A): Promise<R> => {
    const at = dependencies.clock.now();
    const started = performance.now();
    let result: R;
    try {
      result = await fn(...args);
    } catch (error) {
      await meter(args, at, started, { failed: true });
      throw error;
    }
    await meter(args, at, started, { result, failed: false });
    return result;
  };
}

function usageOf<A extends unknown[], R>(
  describe: WrapDescription<A, R>,
  args: A,
  at: Date,
  durationMs: number,
  outcome: { result?: R; failed: boolean },
): UsageInput {
  const usage: UsageInput = {
    provider: describe.provider,
    operation: describe.operation,
    units: outcome.failed ? { requests: 1 } : unitsOf(describe, outcome.result as R, args),
    at,
    durationMs: Math.max(0, Math.round(durationMs)),
    success: !outcome.failed,
  };
  const model =
    typeof describe.model === 'function'
      ? describe.model(args, outcome.result)
      : (describe.model ?? modelOf(outcome.result));
  const customerId = fieldValue(describe.customerId, args);
  const feature = fieldValue(describe.feature, args);
  const region = fieldValue(describe.region, args);
  const idempotencyKey = describe.idempotencyKey?.(args);
  if (model !== undefined) usage.model = model;
  if (customerId !== undefined) usage.customerId = customerId;
  if (feature !== undefined) usage.feature = feature;
  if (region !== undefined) usage.region = region;
  if (idempotencyKey !== undefined && !outcome.failed) usage.idempotencyKey = idempotencyKey;
  return usage;
}

function unitsOf<A extends unknown[], R>(describe: WrapDescription<A, R>, result: R, args: A): Units {
  if (describe.units) return describe.units(result, args);
  if (isRecord(result) && isRecord(result.usage)) return openAIUnits(result.usage);
  return { requests: 1 };
}

/** The model a response names (OpenAI's `model`), when the description does not say. */
function modelOf(result: unknown): string | undefined {
  return isRecord(result) && typeof result.model === 'string' && result.model !== ''
    ? result.model
    : undefined;
}

function fieldValue<A extends unknown[]>(
  field: string | ((args: A) => string | undefined) | undefined,
  args: A,
): string | undefined {
  return typeof field === 'function' ? field(args) : field;
}
