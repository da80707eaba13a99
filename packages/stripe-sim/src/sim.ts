// createStripeSim: the simulator as one object: a fetch handler that speaks Stripe's HTTP API, a
// ready `stripe` client, simulated time, webhook endpoints, fault injection and reset.

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { completeThreeDSecure } from './billing/three-d-secure.js';
import { addDuration, type Duration } from './engine/calendar.js';
import { resolveConfig, type StripeSimOptions } from './engine/config.js';
import { SimContext } from './engine/context.js';
import { type ApiFault, FaultInjector } from './engine/faults.js';
import { Scheduler } from './engine/scheduler.js';
import { newId } from './engine/store.js';
import {
  type DeliveryRecord,
  newWebhookSecret,
  WebhookDispatcher,
  type WebhookFaults,
} from './engine/webhook-dispatcher.js';
import {
  apiError,
  authenticationError,
  idempotencyError,
  idempotencyKeyInUse,
  rateLimitError,
  StripeSimError,
  unrecognizedUrl,
} from './errors.js';
import { decodeForm, type FormObject } from './http/form-decode.js';
import { createMswHandlers } from './http/msw-handlers.js';
import { toNodeListener } from './http/node-server.js';
import { Params } from './http/params.js';
import { Router, renderResult } from './http/router.js';
import { resolveDispute } from './resources/disputes.js';
import { registerResources } from './resources/index.js';
import { automaticallyUpdateCard } from './resources/payment-methods.js';
import { ApiVersion } from './version.js';

export interface StripeSim {
  /** A `stripe` client wired to this simulator in-process (no socket). */
  readonly stripe: Stripe;
  /** The simulator as a fetch function: give it to `Stripe.createFetchHttpClient(sim.fetch)`. */
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** msw request handlers for `https://api.stripe.com`: `setupServer(...sim.handlers)`. */
  readonly handlers: ReturnType<typeof createMswHandlers>;
  readonly clock: SimClockControl;
  readonly webhooks: SimWebhooks;
  readonly faults: SimFaults;
  /** Serves the simulator over HTTP on 127.0.0.1 (port 0 picks a free one). */
  listen(port?: number, host?: string): Promise<ListeningSim>;
  /** Forgets every object, event, endpoint and fault; time goes back to the start. */
  reset(): void;
  /** The API version the simulator answers in (the one the pinned `stripe` package sends). */
  readonly apiVersion: string;
  /** What happens outside the API on Stripe's side: the customer's 3D Secure answer, card updates, bank decisions. */
  readonly testHelpers: SimTestHelpers;
}

export interface SimTestHelpers {
  /**
   * The customer answers the 3D Secure challenge of a PaymentIntent or SetupIntent in
   * `requires_action` (what Stripe.js does in the browser): the payment or setup then completes,
   * or fails with `payment_intent_authentication_failure`.
   */
  completeThreeDSecure(intentId: string, outcome?: 'succeed' | 'fail'): Promise<void>;
  /** The card network updates a saved card (Stripe's card updater): `payment_method.automatically_updated`. */
  updateCardAutomatically(
    paymentMethodId: string,
    changes: { exp_month?: number; exp_year?: number; last4?: string },
  ): Promise<void>;
  /** The bank decides a dispute: won (funds reinstated) or lost. */
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Promise<void>;
}

export interface ListeningSim {
  url: string;
  port: number;
  /** A `stripe` client that talks to the simulator over HTTP. */
  stripe: Stripe;
  close(): Promise<void>;
}

export interface SimClockControl {
  /** The simulator's global time (unix seconds); objects on a test clock follow that clock instead. */
  now(): number;
  /**
   * Moves the global clock forward, running renewals, retries, trial ends and notices that fall due
   * on the way, then waits for their webhook deliveries.
   */
  advance(duration: Duration): Promise<void>;
  advanceTo(timestamp: number): Promise<void>;
  /** Advances a Stripe test clock (same as `stripe.testHelpers.testClocks.advance`), then waits for deliveries. */
  advanceTestClock(testClockId: string, to: number): Promise<void>;
}

export interface WebhookListenerOptions {
  /** Signing secret. @default a new `whsec_...` */
  secret?: string;
  /** Event types to deliver. @default ['*'] */
  enabledEvents?: string[];
}

export interface SimWebhooks {
  /** Delivers every event to a fetch-style handler in-process (signed like any delivery). */
  listen(
    handler: (request: Request) => Promise<Response> | Response,
    options?: WebhookListenerOptions,
  ): { id: string; secret: string; close(): void };
  /** Registers a URL endpoint (same as `stripe.webhookEndpoints.create`); returns its signing secret. */
  addEndpoint(url: string, options?: WebhookListenerOptions): Promise<{ id: string; secret: string }>;
  /** Waits until every queued delivery has been made. */
  flush(): Promise<void>;
  /** Redelivers every failed delivery now, whatever its retry schedule. */
  retryFailed(): Promise<void>;
  /** Every delivery attempt so far, in order. */
  deliveries(): DeliveryRecord[];
  /** Every event so far, oldest first. */
  events(): Stripe.Event[];
}

export interface SimFaults {
  /** Makes the next matching API call(s) fail with 429, 500, a timeout or a connection reset. */
  inject(fault: ApiFault): void;
  /** Duplicates, delays or reorders upcoming webhook deliveries. */
  webhooks(faults: WebhookFaults): void;
  clear(): void;
}

interface IdempotentEntry {
  fingerprint: string;
  status: number;
  body: string;
  expiresAt: number;
}

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Creates an offline, stateful Stripe API. */
export function createStripeSim(options: StripeSimOptions = {}): StripeSim {
  const config = resolveConfig(options);
  const startTime = toUnix(options.now ?? new Date());
  let sim = new SimContext(config, startTime);
  const router = new Router();
  const scheduler = new Scheduler();
  registerResources({ router, scheduler });
  const faults = new FaultInjector();
  const idempotency = new Map<string, IdempotentEntry>();
  /** Idempotency keys of requests still being answered: a second request with one gets a 409. */
  const inFlight = new Set<string>();
  const inProcessTargets = new Set<string>();

  const makeDispatcher = (context: SimContext) => {
    const dispatcher = new WebhookDispatcher(
      () => context.now(),
      () => config.webhookDelivery,
    );
    context.webhooks = dispatcher;
    return dispatcher;
  };
  makeDispatcher(sim);

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const requestId = newId('req', 14);
    const headers = {
      'content-type': 'application/json',
      'request-id': requestId,
      'stripe-version': request.headers.get('stripe-version') ?? ApiVersion,
    };
    const respond = (status: number, body: string, extra: Record<string, string> = {}) =>
      new Response(body, { status, headers: { ...headers, ...extra } });
    const fail = (error: StripeSimError) =>
      respond(error.statusCode, JSON.stringify(error.toJSON(), null, 2));

    const authError = checkAuth(request, config.apiKeys);
    if (authError) return fail(authError);

    const fault = faults.take(method, url.pathname);
    if (fault && !fault.afterApply) return answerFault(fault.kind, request, fail);

    const bodyText = method === 'POST' ? await request.text() : '';
    const idempotencyKey = request.headers.get('idempotency-key');
    const fingerprint = createHash('sha256').update(`${method} ${url.pathname} ${bodyText}`).digest('hex');
    if (method === 'POST' && idempotencyKey) {
      const previous = idempotency.get(idempotencyKey);
      if (previous && previous.expiresAt > Date.now()) {
        if (previous.fingerprint !== fingerprint) return fail(idempotencyError(idempotencyKey));
        return respond(previous.status, previous.body, {
          'idempotency-key': idempotencyKey,
          'idempotent-replayed': 'true',
        });
      }
    }

    const claimed = method === 'POST' && idempotencyKey ? idempotencyKey : null;
    if (claimed && inFlight.has(claimed)) return fail(idempotencyKeyInUse(claimed));
    if (claimed) inFlight.add(claimed);
    try {
      return await answer();
    } finally {
      if (claimed) inFlight.delete(claimed);
    }

    async function answer(): Promise<Response> {
      const form = decodeForm(method === 'POST' ? bodyText : url.search.slice(1));
      const params = new Params(form);
      const expand = params.optionalStringArray('expand') ?? [];
      const matched = router.match(method, url.pathname);
      let status = 200;
      let body: string;
      if (!matched) {
        const error = unrecognizedUrl(method, url.pathname);
        status = error.statusCode;
        body = JSON.stringify(error.toJSON(), null, 2);
      } else {
        sim.request = { id: requestId, idempotencyKey };
        try {
          const result = await matched.route.handler({ sim, params, path: matched.path, expand });
          body = JSON.stringify(renderResult(sim, result, expand), null, 2);
        } catch (error) {
          const simError = asReferenceError(
            error instanceof StripeSimError ? error : internalError(error),
            form,
          );
          status = simError.statusCode;
          body = JSON.stringify(simError.toJSON(), null, 2);
        } finally {
          sim.request = null;
        }
      }
      // Stripe does not save the result of a request that failed validation or hit a 5xx.
      if (method === 'POST' && idempotencyKey && status !== 400 && status < 500) {
        idempotency.set(idempotencyKey, {
          fingerprint,
          status,
          body,
          expiresAt: Date.now() + IDEMPOTENCY_TTL_MS,
        });
      }
      if (fault) return answerFault(fault.kind, request, fail);
      return respond(status, body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
    }
  };

  const simFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    handle(input instanceof Request && !init ? input : new Request(input, init));

  const apiKey = config.apiKeys?.[0] ?? 'sk_test_billkit_simulator';
  const stripe = new Stripe(apiKey, { httpClient: Stripe.createFetchHttpClient(simFetch) });

  const advanceDomain = async (domain: string | null, target: number) => {
    scheduler.advance(sim, domain, target);
    if (!domain) sim.webhooks.releaseDueRetries(target);
    await sim.webhooks.flush();
  };

  /** Runs a Stripe-side action outside any API request, then delivers its events. */
  const act = async (action: (context: SimContext) => void) => {
    action(sim);
    await sim.webhooks.flush();
  };

  const control: StripeSim = {
    stripe,
    testHelpers: {
      completeThreeDSecure: (intentId, outcome = 'succeed') =>
        act((context) => completeThreeDSecure(context, intentId, outcome)),
      updateCardAutomatically: (pmId, changes) =>
        act((context) => void automaticallyUpdateCard(context, pmId, changes)),
      closeDispute: (disputeId, outcome) =>
        act((context) => void resolveDispute(context, disputeId, outcome)),
    },
    fetch: simFetch,
    handlers: createMswHandlers(simFetch),
    apiVersion: ApiVersion,
    clock: {
      now: () => sim.now(),
      advance: (duration) => advanceDomain(null, addDuration(sim.now(), duration)),
      advanceTo: (timestamp) => advanceDomain(null, Math.max(timestamp, sim.now())),
      advanceTestClock: async (testClockId, to) => {
        await stripe.testHelpers.testClocks.advance(testClockId, { frozen_time: to });
        await sim.webhooks.flush();
      },
    },
    webhooks: {
      listen(handler, listenerOptions = {}) {
        const id = newId('we');
        const secret = listenerOptions.secret ?? newWebhookSecret();
        inProcessTargets.add(id);
        sim.webhooks.addTarget({
          id,
          secret,
          enabledEvents: listenerOptions.enabledEvents ?? ['*'],
          handler,
          enabled: () => true,
        });
        return {
          id,
          secret,
          close: () => {
            inProcessTargets.delete(id);
            sim.webhooks.removeTarget(id);
          },
        };
      },
      async addEndpoint(url, listenerOptions = {}) {
        const endpoint = await stripe.webhookEndpoints.create({
          url,
          enabled_events: (listenerOptions.enabledEvents ?? [
            '*',
          ]) as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
        });
        return { id: endpoint.id, secret: endpoint.secret ?? '' };
      },
      flush: () => sim.webhooks.flush(),
      retryFailed: () => sim.webhooks.retryAll(),
      deliveries: () => sim.webhooks.deliveries(),
      events: () => sim.store.all<Stripe.Event>('event'),
    },
    faults: {
      inject: (fault) => faults.inject(fault),
      webhooks: (webhookFaults) => sim.webhooks.injectFaults(webhookFaults),
      clear: () => {
        faults.clear();
        sim.webhooks.injectFaults({ duplicate: 0, delay: 0, reorder: false });
      },
    },
    async listen(port = 0, host = '127.0.0.1') {
      const server: Server = createServer(toNodeListener(handle));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      return {
        url: `http://${host}:${address.port}`,
        port: address.port,
        stripe: new Stripe(apiKey, { host, port: address.port, protocol: 'http' }),
        close: () =>
          new Promise<void>((resolve, reject) => {
            server.closeAllConnections?.();
            server.close((error) => (error ? reject(error) : resolve()));
          }),
      };
    },
    reset() {
      sim = new SimContext(config, startTime);
      makeDispatcher(sim);
      faults.clear();
      idempotency.clear();
      inProcessTargets.clear();
    },
  };
  return control;
}

function toUnix(value: Date | number): number {
  return value instanceof Date ? Math.floor(value.getTime() / 1000) : Math.floor(value);
}

function checkAuth(request: Request, keys: string[] | undefined): StripeSimError | null {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer (.+)$/i.exec(header);
  const basic = /^Basic (.+)$/i.exec(header);
  const key = match?.[1] ?? (basic ? Buffer.from(basic[1]!, 'base64').toString().split(':')[0] : undefined);
  if (!key) {
    return authenticationError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  const accepted = keys ? keys.includes(key) : /^(sk|rk)_test_/.test(key);
  if (!accepted) {
    return authenticationError(
      `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`,
    );
  }
  return null;
}

async function answerFault(
  kind: ApiFault['kind'],
  request: Request,
  fail: (error: StripeSimError) => Response,
): Promise<Response> {
  if (kind === 429) return fail(rateLimitError());
  if (kind === 500) return fail(apiError());
  // A reset: the connection drops, as fetch reports it (undici's "fetch failed" with ECONNRESET).
  if (kind === 'reset') {
    const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });
    throw new TypeError('fetch failed', { cause });
  }
  // A timeout: the call never answers; the caller's own timeout (AbortSignal) ends it.
  return new Promise<Response>((_, reject) => {
    const abort = () => reject(request.signal.reason ?? new Error('The request was aborted'));
    if (request.signal.aborted) abort();
    request.signal.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Stripe answers 404 for a missing object named in the URL, but 400 for a missing object named by
 * a request parameter (`customer`, `items[0][price]`): same error, other status.
 */
function asReferenceError(error: StripeSimError, form: FormObject): StripeSimError {
  const param = error.body.param;
  if (error.statusCode !== 404 || error.body.code !== 'resource_missing' || !param) return error;
  return formHasPath(form, param) ? new StripeSimError(400, error.body) : error;
}

function formHasPath(form: FormObject, param: string): boolean {
  const parts = param.replace(/\]/g, '').split('[');
  let node: unknown = form;
  for (const part of parts) {
    if (!node || typeof node !== 'object') return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string';
}

function internalError(error: unknown): StripeSimError {
  const message = error instanceof Error ? error.message : String(error);
  return new StripeSimError(500, { type: 'api_error', message: `Simulator error: ${message}` });
}
