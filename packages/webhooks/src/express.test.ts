// The Express adapter on a real node:http server (Express's req and res extend IncomingMessage and
// ServerResponse), with the body parsers Express offers emulated in front of it.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@billkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventPayload,
  fakeBilling,
  fixedClock,
  SECRET,
  signatureHeader,
} from '../test/support/signed-events.js';
import { createWebhookHandler, RAW_BODY_REQUIRED_MESSAGE, toExpress } from './index.js';

type Listener = (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => void;

const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function listen(listener: Listener): Promise<string> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/billing/webhooks/stripe`;
}

/** Stands in for express.raw / express.text / express.json: reads the stream, sets req.body. */
function bodyParser(parse: (raw: Buffer) => unknown, next: Listener): Listener {
  return async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    req.body = parse(Buffer.concat(chunks));
    next(req, res);
  };
}

function memoryLogger() {
  const errors: string[] = [];
  const nothing = () => {};
  const logger: Logger = { debug: nothing, info: nothing, warn: nothing, error: (m) => void errors.push(m) };
  return { logger, errors };
}

function setup() {
  const billing = fakeBilling();
  const handler = createWebhookHandler({ billing, secret: SECRET, clock: fixedClock() });
  const { logger, errors } = memoryLogger();
  return { billing, route: toExpress(handler, { logger }), errors };
}

async function postSigned(url: string, payload: string, signature = signatureHeader(payload)) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
    body: payload,
  });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

describe('toExpress', () => {
  it('reads the raw body from the stream when no body parser ran', async () => {
    const { billing, route } = setup();
    const url = await listen(route);
    const payload = eventPayload({ id: 'evt_stream' });

    const response = await postSigned(url, payload);

    expect(response).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { received: true, status: 'applied' },
    });
    expect(await billing.store.webhookEvents.get('evt_stream')).toMatchObject({ status: 'applied', payload });
  });

  it("accepts the Buffer that express.raw({ type: 'application/json' }) leaves in req.body", async () => {
    const { billing, route } = setup();
    const url = await listen(bodyParser((raw) => raw, route));

    const response = await postSigned(url, eventPayload({ id: 'evt_raw_parser' }));

    expect(response.status).toBe(200);
    expect(billing.sync.applyEvent).toHaveBeenCalledTimes(1);
  });

  it('accepts the string that express.text() leaves in req.body', async () => {
    const { billing, route } = setup();
    const url = await listen(bodyParser((raw) => raw.toString('utf8'), route));

    const response = await postSigned(url, eventPayload({ id: 'evt_text_parser' }));

    expect(response.status).toBe(200);
    expect(billing.sync.applyEvent).toHaveBeenCalledTimes(1);
  });

  it('reads the stream when a parser that did not match the content type left an empty object (Express 4)', async () => {
    const { billing, route } = setup();
    const url = await listen((req, res) => {
      req.body = {};
      route(req, res);
    });

    const response = await postSigned(url, eventPayload({ id: 'evt_unmatched_parser' }));

    expect(response.status).toBe(200);
    expect(billing.sync.applyEvent).toHaveBeenCalledTimes(1);
  });

  it('refuses loudly when express.json() already consumed the body, naming the mistake', async () => {
    const { billing, route, errors } = setup();
    const url = await listen(bodyParser((raw) => JSON.parse(raw.toString('utf8')), route));

    const response = await postSigned(url, eventPayload({ id: 'evt_json_parser' }));

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: { code: 'raw_body_required', message: RAW_BODY_REQUIRED_MESSAGE },
    });
    expect(RAW_BODY_REQUIRED_MESSAGE).toContain('mount it before express.json()');
    expect(RAW_BODY_REQUIRED_MESSAGE).toContain("express.raw({ type: 'application/json' })");
    expect(errors).toEqual([RAW_BODY_REQUIRED_MESSAGE]);
    expect(await billing.store.webhookEvents.get('evt_json_parser')).toBeNull();
    expect(billing.sync.applyEvent).not.toHaveBeenCalled();
  });

  it("passes the handler's refusal of a bad signature through unchanged", async () => {
    const { billing, route } = setup();
    const url = await listen(route);
    const payload = eventPayload({ id: 'evt_bad_signature' });

    const response = await postSigned(url, payload, signatureHeader(payload, { secret: 'whsec_other' }));

    expect(response.status).toBe(400);
    expect((response.body as { error: { code: string } }).error.code).toBe('signature_invalid');
    expect(await billing.store.webhookEvents.get('evt_bad_signature')).toBeNull();
  });

  it('forwards the method, path and headers, and writes every response header back', async () => {
    let seen: Request | undefined;
    const route = toExpress(async (request) => {
      seen = request;
      const headers = new Headers({ 'x-billkit': 'yes' });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response('gone', { status: 410, headers });
    });
    const url = await listen(route);

    const response = await fetch(`${url}?x=1`, { method: 'DELETE', headers: { 'x-host-header': 'kept' } });

    expect(response.status).toBe(410);
    expect(await response.text()).toBe('gone');
    expect(response.headers.get('x-billkit')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(seen?.method).toBe('DELETE');
    expect(new URL(seen?.url ?? '').pathname + new URL(seen?.url ?? '').search).toBe(
      '/api/billing/webhooks/stripe?x=1',
    );
    expect(seen?.headers.get('x-host-header')).toBe('kept');
  });

  it("hands a handler's unexpected error to Express's next()", async () => {
    let passed: unknown;
    const route = toExpress(async () => {
      throw new Error('handler broke');
    });
    const url = await listen((req, res) =>
      route(req, res, (error) => {
        passed = error;
        res.statusCode = 502;
        res.end();
      }),
    );

    const response = await fetch(url, { method: 'POST', body: '{}' });

    expect(response.status).toBe(502);
    expect((passed as Error).message).toBe('handler broke');
  });
});
