// Delivers events to webhook endpoints with a real `Stripe-Signature`, retries deliveries that get a
// non-2xx answer, and can be told to duplicate, delay or reorder deliveries to test a receiver.

import { createHmac } from 'node:crypto';
import type Stripe from 'stripe';
import { addDuration, type Duration } from './calendar.js';
import { newId } from './store.js';

/** A place events go: a URL (webhook_endpoints API) or an in-process fetch-style handler. */
export interface WebhookTarget {
  id: string;
  secret: string;
  enabledEvents: string[];
  url?: string;
  handler?: (request: Request) => Promise<Response> | Response;
  enabled: () => boolean;
}

export interface DeliveryRecord {
  eventId: string;
  eventType: string;
  endpointId: string;
  attempt: number;
  status: number | 'error';
  error?: string;
  deliveredAt: number;
}

interface Delivery {
  event: Stripe.Event;
  target: WebhookTarget;
  attempt: number;
  /** Simulated time at which a retry becomes due. */
  dueAt?: number;
}

export interface WebhookFaults {
  /** Deliver each of the next N deliveries twice. */
  duplicate?: number;
  /** Hold back the next N deliveries until everything queued after them has been delivered. */
  delay?: number;
  /** Deliver the next flushed batch in reverse order. */
  reorder?: boolean;
}

/** Retry delays after a failed delivery (Stripe retries with exponential back-off for up to 3 days). */
const RETRY_BACKOFF: Duration[] = [
  { minutes: 1 },
  { minutes: 5 },
  { minutes: 30 },
  { hours: 2 },
  { hours: 5 },
  { hours: 10 },
  { hours: 10 },
  { hours: 24 },
];

export class WebhookDispatcher {
  private readonly targets = new Map<string, WebhookTarget>();
  private queue: Delivery[] = [];
  private held: Delivery[] = [];
  private retries: Delivery[] = [];
  private readonly records: DeliveryRecord[] = [];
  private faults: Required<WebhookFaults> = { duplicate: 0, delay: 0, reorder: false };
  private running: Promise<void> | null = null;

  constructor(
    private readonly now: () => number,
    private readonly mode: () => 'auto' | 'manual',
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {}

  addTarget(target: WebhookTarget): void {
    this.targets.set(target.id, target);
  }

  removeTarget(id: string): void {
    this.targets.delete(id);
  }

  injectFaults(faults: WebhookFaults): void {
    this.faults = {
      duplicate: faults.duplicate ?? this.faults.duplicate,
      delay: faults.delay ?? this.faults.delay,
      reorder: faults.reorder ?? this.faults.reorder,
    };
  }

  enqueue(event: Stripe.Event): void {
    let pending = 0;
    for (const target of this.targets.values()) {
      if (!target.enabled()) continue;
      if (!target.enabledEvents.includes('*') && !target.enabledEvents.includes(event.type)) continue;
      pending += 1;
      this.queue.push({ event, target, attempt: 1 });
    }
    event.pending_webhooks = pending;
    if (this.mode() === 'auto') this.kick();
  }

  /** Starts delivering in the background (auto mode). */
  kick(): void {
    if (!this.running) {
      this.running = Promise.resolve()
        .then(() => this.drain())
        .finally(() => {
          this.running = null;
        });
    }
  }

  /** Delivers everything queued (and anything held back by a delay fault), then resolves. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    await this.drain();
    if (this.held.length > 0) {
      this.queue.push(...this.held);
      this.held = [];
      await this.drain();
    }
  }

  /** Moves failed deliveries whose retry time has come back into the queue. */
  releaseDueRetries(now: number): void {
    const due = this.retries.filter((d) => (d.dueAt ?? 0) <= now);
    this.retries = this.retries.filter((d) => (d.dueAt ?? 0) > now);
    this.queue.push(...due);
  }

  /** Retries every failed delivery now, whatever its schedule. */
  async retryAll(): Promise<void> {
    this.queue.push(...this.retries);
    this.retries = [];
    await this.flush();
  }

  pendingRetries(): number {
    return this.retries.length;
  }

  deliveries(): DeliveryRecord[] {
    return [...this.records];
  }

  reset(): void {
    this.queue = [];
    this.held = [];
    this.retries = [];
    this.records.length = 0;
    this.faults = { duplicate: 0, delay: 0, reorder: false };
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      let batch = this.queue;
      this.queue = [];
      if (this.faults.reorder) {
        batch = [...batch].reverse();
        this.faults.reorder = false;
      }
      for (const delivery of batch) {
        if (this.faults.delay > 0) {
          this.faults.delay -= 1;
          this.held.push(delivery);
          continue;
        }
        await this.deliver(delivery);
        if (this.faults.duplicate > 0) {
          this.faults.duplicate -= 1;
          await this.deliver({ ...delivery, attempt: delivery.attempt });
        }
      }
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { event, target } = delivery;
    const payload = JSON.stringify(event, null, 2);
    const timestamp = Math.floor(Date.now() / 1000);
    const request = new Request(target.url ?? `http://in-process.billkit/${target.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': signPayload(payload, target.secret, timestamp),
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
      body: payload,
    });
    let status: number | 'error';
    let error: string | undefined;
    try {
      const response = target.handler ? await target.handler(request) : await this.fetchImpl(request);
      status = response.status;
      await response.text().catch(() => '');
    } catch (cause) {
      status = 'error';
      error = cause instanceof Error ? cause.message : String(cause);
    }
    this.records.push({
      eventId: event.id,
      eventType: event.type,
      endpointId: target.id,
      attempt: delivery.attempt,
      status,
      ...(error ? { error } : {}),
      deliveredAt: this.now(),
    });
    const ok = typeof status === 'number' && status >= 200 && status < 300;
    if (ok) {
      event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
      return;
    }
    const backoff = RETRY_BACKOFF[delivery.attempt - 1];
    if (backoff) {
      this.retries.push({
        ...delivery,
        attempt: delivery.attempt + 1,
        dueAt: addDuration(this.now(), backoff),
      });
    }
  }
}

/** The `Stripe-Signature` header value for a payload: `t=<unix>,v1=<hex HMAC-SHA256>`. */
export function signPayload(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export function newWebhookSecret(): string {
  return newId('whsec', 32).replace('whsec_', 'whsec_');
}
