// /v1/webhook_endpoints: URLs that receive signed events (create, retrieve, update, delete, list).
// Each endpoint is a target of the webhook dispatcher, which alone keeps its signing secret.

import type Stripe from 'stripe';
import type { SimContext } from '../engine/context.js';
import { newId } from '../engine/store.js';
import { newWebhookSecret, type WebhookTarget } from '../engine/webhook-dispatcher.js';
import { invalidRequest, missingParam } from '../errors.js';
import type { Params } from '../http/params.js';
import { paginate, type Route } from '../http/router.js';

/** `*`, or an event type such as `invoice.paid` or `customer.subscription.updated`. */
const EVENT_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

export const webhookEndpointRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/webhook_endpoints',
    handler: ({ sim, params }) => createWebhookEndpoint(sim, params),
  },
  {
    method: 'GET',
    pattern: '/v1/webhook_endpoints/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return endpointAtPath(sim, path.id!);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/webhook_endpoints/:id',
    handler: ({ sim, path, params }) => updateWebhookEndpoint(endpointAtPath(sim, path.id!), params),
  },
  {
    method: 'DELETE',
    pattern: '/v1/webhook_endpoints/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return deleteWebhookEndpoint(sim, endpointAtPath(sim, path.id!));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/webhook_endpoints',
    handler: (ctx) => {
      const page = paginate(
        ctx,
        ctx.sim.store.all<Stripe.WebhookEndpoint>('webhook_endpoint'),
        '/v1/webhook_endpoints',
      );
      ctx.params.done();
      return page;
    },
  },
];

function endpointAtPath(sim: SimContext, id: string): Stripe.WebhookEndpoint {
  return sim.store.get<Stripe.WebhookEndpoint>('webhook_endpoint', id, 'webhook_endpoint');
}

/** Only the create response carries the signing secret, as with Stripe. */
function createWebhookEndpoint(sim: SimContext, params: Params): Stripe.WebhookEndpoint {
  const url = readUrl(params, true)!;
  const enabledEvents = readEnabledEvents(params, true)!;
  const apiVersion = params.optionalString('api_version');
  if (apiVersion !== undefined && !API_VERSION.test(apiVersion)) {
    throw invalidRequest(`Invalid API version: ${apiVersion}`, 'api_version');
  }
  // Connect endpoints would receive events of connected accounts; the simulator has none.
  params.optionalBool('connect');
  const endpoint: Stripe.WebhookEndpoint = {
    id: newId('we'),
    object: 'webhook_endpoint',
    api_version: apiVersion ?? null,
    application: null,
    created: sim.now(),
    description: params.nullableString('description') ?? null,
    enabled_events: enabledEvents,
    livemode: false,
    metadata: params.metadataPatch() ?? {},
    status: 'enabled',
    url,
  };
  params.done();
  const secret = newWebhookSecret();
  sim.store.insert(endpoint);
  sim.webhooks.addTarget(targetFor(endpoint, secret));
  return { ...endpoint, secret };
}

/** The dispatcher reads url, events and status from the stored endpoint, so updates apply at once. */
function targetFor(endpoint: Stripe.WebhookEndpoint, secret: string): WebhookTarget {
  return {
    id: endpoint.id,
    secret,
    get enabledEvents() {
      return endpoint.enabled_events;
    },
    get url() {
      return endpoint.url;
    },
    enabled: () => endpoint.status === 'enabled',
  };
}

function readUrl(params: Params, required: boolean): string | undefined {
  const url = required ? params.string('url') : params.optionalString('url');
  if (url === undefined) return undefined;
  if (!isHttpUrl(url)) {
    throw invalidRequest(
      `Invalid URL: ${url}. URLs must begin with http:// or https://.`,
      'url',
      'url_invalid',
    );
  }
  return url;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function readEnabledEvents(params: Params, required: boolean): string[] | undefined {
  const events = params.optionalStringArray('enabled_events');
  if (events === undefined) {
    if (required) throw missingParam('enabled_events');
    return undefined;
  }
  if (events.length === 0) throw missingParam('enabled_events');
  events.forEach((type, index) => {
    if (type !== '*' && !EVENT_TYPE.test(type)) {
      throw invalidRequest(
        `Invalid enabled_events[${index}]: ${type} is not an event type. Use '*' or a type such as 'invoice.paid'.`,
        `enabled_events[${index}]`,
      );
    }
  });
  return [...new Set(events)];
}

function updateWebhookEndpoint(endpoint: Stripe.WebhookEndpoint, params: Params): Stripe.WebhookEndpoint {
  const url = readUrl(params, false);
  const enabledEvents = readEnabledEvents(params, false);
  const disabled = params.optionalBool('disabled');
  const description = params.nullableString('description');
  const metadata = params.metadataPatch(endpoint.metadata);
  params.done();
  if (url !== undefined) endpoint.url = url;
  if (enabledEvents) endpoint.enabled_events = enabledEvents;
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
  if (description !== undefined) endpoint.description = description;
  if (metadata) endpoint.metadata = metadata;
  return endpoint;
}

function deleteWebhookEndpoint(sim: SimContext, endpoint: Stripe.WebhookEndpoint): unknown {
  sim.webhooks.removeTarget(endpoint.id);
  sim.store.remove(endpoint.id);
  return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
}
