// @billkit/webhooks: Stripe events verified, recorded and applied exactly once. This file is the
// public API and nothing else.

export type { NodeHandler, NodeLikeRequest, NodeLikeResponse, ToExpressOptions } from './express.js';
export { RAW_BODY_REQUIRED_MESSAGE, toExpress } from './express.js';
export type { ApplyEventResult, WebhookBilling, WebhookEventRecord } from './inbox.js';
export { toNextRoute } from './next.js';
export type { WebhookRejectionCode } from './signature.js';
export type { ReplayResult, WebhookHandler, WebhookHandlerOptions } from './webhook-handler.js';
export { createWebhookHandler } from './webhook-handler.js';
