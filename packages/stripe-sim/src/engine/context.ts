// The simulator's shared state: objects, time (the global clock and each test clock), events and
// the webhook dispatcher. Resource handlers and the billing engine all work through one context.

import type Stripe from 'stripe';
import type { CardProfile } from '../billing/cards.js';
import { ApiVersion } from '../version.js';
import type { ResolvedConfig } from './config.js';
import { newId, ObjectStore, render } from './store.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';

/** The API request that is being handled, so events can name it (`event.request`). */
export interface RequestInfo {
  id: string;
  idempotencyKey: string | null;
}

export class SimContext {
  readonly store = new ObjectStore();
  /** Sent notices (`invoice.upcoming`, `trial_will_end`), so each is sent once per period. */
  readonly notices = new Set<string>();
  request: RequestInfo | null = null;
  /** The test-card behaviour behind each payment method id (`pm_card_visa` and friends). */
  readonly cardProfiles = new Map<string, CardProfile>();
  /** Payment methods whose one-time 3D Secure setup was completed (cards that ask only on setup). */
  readonly authenticatedForSetup = new Set<string>();
  /** Payment intents whose 3D Secure challenge the customer completed. */
  readonly authenticatedIntents = new Set<string>();
  /** Payment methods detached from a customer: Stripe refuses to use them again. */
  readonly detachedPaymentMethods = new Set<string>();
  /** Failed-payment state of each invoice being retried (Smart Retries). */
  readonly dunning = new Map<string, { firstFailureAt: number; retriesDone: number; hardDecline: boolean }>();
  /** The tax rates each invoice line is taxed at (the API shows only the computed `taxes`). */
  readonly lineTaxRates = new WeakMap<object, Stripe.TaxRate[]>();
  /** Which invoice a payment intent pays, when it pays one. */
  readonly invoiceOfPaymentIntent = new Map<string, string>();
  webhooks!: WebhookDispatcher;
  private globalTime: number;

  constructor(
    readonly config: ResolvedConfig,
    startTime: number,
  ) {
    this.globalTime = startTime;
  }

  /** Current time of a time domain: a test clock id, or null for the simulator's global clock. */
  now(domain: string | null = null): number {
    if (!domain) return this.globalTime;
    const clock = this.store.find<Stripe.TestHelpers.TestClock>(domain);
    return clock ? clock.frozen_time : this.globalTime;
  }

  setTime(domain: string | null, time: number): void {
    if (!domain) {
      this.globalTime = time;
      return;
    }
    const clock = this.store.find<Stripe.TestHelpers.TestClock>(domain);
    if (clock) clock.frozen_time = time;
  }

  /** The test clock a customer (and so everything it owns) lives on. */
  domainOfCustomer(customerId: string | null | undefined): string | null {
    if (!customerId) return null;
    const customer = this.store.find<Stripe.Customer>(customerId);
    const clock = customer?.test_clock;
    return typeof clock === 'string' ? clock : (clock?.id ?? null);
  }

  nowFor(customerId: string | null | undefined): number {
    return this.now(this.domainOfCustomer(customerId));
  }

  /** Records an event the way Stripe does and queues its webhook deliveries. */
  emit(
    type: string,
    object: { object: string },
    previousAttributes?: Record<string, unknown>,
    domain: string | null = null,
  ): Stripe.Event {
    const event = {
      id: newId('evt'),
      object: 'event',
      api_version: ApiVersion,
      created: this.now(domain),
      data: {
        object: render(object),
        ...(previousAttributes && Object.keys(previousAttributes).length > 0
          ? { previous_attributes: structuredClone(previousAttributes) }
          : {}),
      },
      livemode: false,
      pending_webhooks: 0,
      request: {
        id: this.request?.id ?? null,
        idempotency_key: this.request?.idempotencyKey ?? null,
      },
      type,
    } as unknown as Stripe.Event;
    this.store.insert(event);
    this.webhooks?.enqueue(event);
    return event;
  }
}

/** A snapshot to diff against after a change, for `previous_attributes`. */
export function snapshot<T>(object: T): T {
  return structuredClone(object);
}

/**
 * What changed, with the old values, as Stripe's previous_attributes shows it: top-level fields,
 * and inside a plain hash (metadata, invoice_settings, ...) only the keys that changed (a key that
 * was absent shows as null). Lists and arrays are given whole.
 */
export function changedAttributes(before: object, after: object): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const old = a[key];
    const now = b[key];
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    changes[key] = isPlainHash(old) && isPlainHash(now) ? changedAttributes(old, now) : (old ?? null);
  }
  return changes;
}

function isPlainHash(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !('object' in value) &&
    !('id' in value)
  );
}
