// Builders for signed webhook requests. Signatures are made for real with the official client's
// own test helper, so the verifier under test is never mocked.

import { type Clock, memoryStore } from '@billkit/core';
import Stripe from 'stripe';
import { vi } from 'vitest';
import type { ApplyEventResult, WebhookBilling } from '../../src/index.js';

/** 2026-01-15T00:00:00Z, in Unix seconds: "now" for the handler's clock in these tests. */
export const NOW = 1_768_435_200;
export const SECRET = 'whsec_test_current_secret';

export function fixedClock(unixSeconds = NOW): Clock & { set(seconds: number): void } {
  let seconds = unixSeconds;
  return {
    now: () => new Date(seconds * 1000),
    set: (next) => {
      seconds = next;
    },
  };
}

let counter = 0;

/** The JSON text of a Stripe event, as Stripe sends it. */
export function eventPayload(overrides: { id?: string; type?: string; created?: number } = {}): string {
  counter += 1;
  const id = overrides.id ?? `evt_test_${counter}`;
  return JSON.stringify(
    {
      id,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: overrides.created ?? NOW - 5,
      data: { object: { id: `cus_${counter}`, object: 'customer', email: 'jo@example.com.au' } },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: overrides.type ?? 'customer.updated',
    },
    null,
    2,
  );
}

export function signatureHeader(
  payload: string,
  options: { secret?: string; timestamp?: number } = {},
): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? NOW,
  });
}

/** A POST as Stripe makes it; `signature: null` leaves the header out. */
export function webhookRequest(
  payload: string,
  signature: string | null = signatureHeader(payload),
): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (signature !== null) headers['stripe-signature'] = signature;
  return new Request('https://host.example/api/billing/webhooks/stripe', {
    method: 'POST',
    headers,
    body: payload,
  });
}

/**
 * A stand-in for the engine: the memory store's real inbox, and an `applyEvent` that records its
 * calls and does what `apply` says (applied by default).
 */
export function fakeBilling(
  apply: (event: Stripe.Event) => Promise<ApplyEventResult> = async () => ({ status: 'applied' }),
) {
  const applyEvent = vi.fn(apply);
  const billing = { store: memoryStore(), sync: { applyEvent } } satisfies WebhookBilling;
  return billing;
}
