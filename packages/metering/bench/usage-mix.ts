// The events the ingest benchmark records: a résumé product's mix of OpenAI chat (token units per
// model), embeddings and address lookups by region, over ~200 customers and a few features, in time
// order across the hours before `now`. Seeded, so every run and every configuration gets the same.

import { randomUUID } from 'node:crypto';
import type { PriceBook, UsageInput } from '../src/index.js';

const CUSTOMERS = 200;
const SPREAD_MS = 3 * 3_600_000;
const CHAT_MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4o-mini'] as const;
const CHAT_FEATURES = ['ai_review', 'cover_letter', 'job_match'] as const;

/** A small deterministic PRNG (mulberry32): the same mix on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `count` usage inputs with `at` spread over the 3 hours before `now`, oldest first: 55% chat, 15%
 * embeddings, 30% address lookups (AU Geoscape, US SmartyStreets, else Google); 2% failed calls;
 * a third carry an idempotency key (unique, so every event is stored).
 */
export function usageMix(count: number, now: Date): UsageInput[] {
  const random = seeded(9);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const start = now.getTime() - SPREAD_MS;
  const events: UsageInput[] = [];
  for (let i = 0; i < count; i++) {
    // Evenly spaced with jitter, then clamped before `now`: roughly in time order, as calls happen.
    const at = new Date(Math.min(start + ((i + random()) * SPREAD_MS) / count, now.getTime() - 1));
    const customerId = `cus_${String(between(1, CUSTOMERS)).padStart(4, '0')}`;
    const common = {
      customerId,
      at,
      durationMs: between(40, 4_000),
      success: random() >= 0.02,
      ...(random() < 1 / 3 ? { idempotencyKey: `req_${i}_${randomUUID().slice(0, 8)}` } : {}),
    };
    const kind = random();
    if (kind < 0.55) {
      const input = between(300, 6_000);
      const cached = random() < 0.3 ? between(100, input) : 0;
      events.push({
        ...common,
        provider: 'openai',
        operation: 'chat',
        model: pick(CHAT_MODELS),
        feature: pick(CHAT_FEATURES),
        units: {
          input_tokens: input - cached,
          ...(cached > 0 ? { cached_input_tokens: cached } : {}),
          output_tokens: between(50, 1_500),
        },
      });
    } else if (kind < 0.7) {
      events.push({
        ...common,
        provider: 'openai',
        operation: 'embeddings',
        model: 'text-embedding-3-small',
        feature: 'job_match',
        units: { input_tokens: between(200, 8_000) },
      });
    } else {
      const region = random() < 0.6 ? 'AU' : random() < 0.75 ? 'US' : pick(['NZ', 'GB', 'CA']);
      const provider = region === 'AU' ? 'geoscape' : region === 'US' ? 'smartystreets' : 'google';
      events.push({
        ...common,
        provider,
        operation: 'address-validation',
        feature: 'address_lookup',
        region,
        units: { requests: 1 },
      });
    }
  }
  return events;
}

/** One row of the usage events table, as the baseline writes it (columns in table order). */
export type EventRow = [
  id: string,
  at: Date,
  provider: string,
  operation: string,
  model: string | null,
  feature: string | null,
  region: string | null,
  userId: string | null,
  units: string,
  costMicros: number,
  currency: string,
  durationMs: number | null,
  success: boolean,
];

export const EVENT_COLUMNS = [
  'id',
  'at',
  'provider',
  'operation',
  'model',
  'feature',
  'region',
  'user_id',
  'units',
  'cost_micros',
  'currency',
  'duration_ms',
  'success',
] as const;

/**
 * The rows `metering.record` stores for `events`, priced ahead of time (the baseline writes rows,
 * it does not validate or price): the key as id, else a fresh UUID.
 */
export function eventRows(events: readonly UsageInput[], priceBook: PriceBook): EventRow[] {
  return events.map((event) => {
    const { costMicros, currency } = priceBook.cost({ ...event, at: event.at! });
    return [
      event.idempotencyKey ?? randomUUID(),
      event.at!,
      event.provider,
      event.operation,
      event.model ?? null,
      event.feature ?? null,
      event.region ?? null,
      event.customerId ?? null,
      JSON.stringify(event.units),
      costMicros,
      currency,
      event.durationMs ?? null,
      event.success ?? true,
    ];
  });
}
