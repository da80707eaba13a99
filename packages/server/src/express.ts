// Express 5 (and plain node:http) adapter: the request becomes a fetch Request whose body streams
// from the socket (the handler counts the bytes and stops at its limit), and the Response streams
// back, PDFs included. A body a JSON parser already consumed is refused loudly: the Stripe webhook
// route needs the exact bytes Stripe signed, and the portal routes parse and limit bodies themselves.

import { consoleLogger, type Logger } from '@billkit/core';

/** The few parts of Express's `req` (a node:http IncomingMessage) the adapter uses. */
export interface NodeLikeRequest {
  method?: string | undefined;
  url?: string | undefined;
  /** Express's URL before mounting stripped the prefix. */
  originalUrl?: string | undefined;
  /** Express's `req.protocol` (honours `trust proxy`). @default 'http' */
  protocol?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Set by body parsers: a Buffer (express.raw), a string (express.text), an object (express.json). */
  body?: unknown;
  /** True once the body stream has been read to its end. */
  readableEnded?: boolean | undefined;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** The few parts of Express's `res` (a node:http ServerResponse) the adapter uses. */
export interface NodeLikeResponse {
  statusCode: number;
  headersSent?: boolean;
  destroyed?: boolean;
  setHeader(name: string, value: string | string[]): unknown;
  write(chunk: Uint8Array): boolean;
  end(chunk?: Uint8Array | string): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

export type FetchHandler = (request: Request) => Promise<Response>;

/** Express middleware (or a node:http listener) for a fetch handler. */
export type NodeHandler = (
  req: NodeLikeRequest,
  res: NodeLikeResponse,
  next?: (error?: unknown) => void,
) => void;

export interface ToExpressOptions {
  /** Where the "raw body needed" mistake is reported. @default consoleLogger() */
  logger?: Logger;
}

export const RAW_BODY_REQUIRED_MESSAGE =
  "Billkit's server needs the raw request body: mount toExpress(server.handler) before express.json() " +
  "(or any other body parser), e.g. app.use('/api/billing', toExpress(server.handler)) first. A JSON " +
  'parser already consumed this body; the Stripe webhook route checks the signature of the exact bytes ' +
  'Stripe sent, and the portal routes parse and size-limit bodies themselves.';

/**
 * Mounts the billing server on Express: `app.use('/api/billing', toExpress(server.handler))`,
 * before `app.use(express.json())`.
 */
export function toExpress(handler: FetchHandler, options: ToExpressOptions = {}): NodeHandler {
  const logger = options.logger ?? consoleLogger();
  return (req, res, next) => {
    serve(handler, req, res, logger).catch((error: unknown) => {
      if (next && !res.headersSent) return next(error);
      logger.error('billing request failed before the handler answered', { error: String(error) });
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}

async function serve(handler: FetchHandler, req: NodeLikeRequest, res: NodeLikeResponse, logger: Logger) {
  const body = bodyOf(req);
  if (body === 'consumed') {
    logger.error(RAW_BODY_REQUIRED_MESSAGE);
    await writeResponse(
      res,
      Response.json(
        { error: { code: 'raw_body_required', message: RAW_BODY_REQUIRED_MESSAGE } },
        { status: 500, headers: { 'cache-control': 'no-store' } },
      ),
    );
    return;
  }
  await writeResponse(res, await handler(toRequest(req, body)));
}

/** What to send as the Request body: bytes a raw/text parser left, the socket's stream, or 'consumed'. */
function bodyOf(req: NodeLikeRequest): Uint8Array | ReadableStream<Uint8Array> | 'consumed' {
  const parsed = req.body;
  if (parsed instanceof Uint8Array) return parsed;
  if (typeof parsed === 'string') return new TextEncoder().encode(parsed);
  // Express 4's parsers set `req.body = {}` even when the content type did not match and they left
  // the stream unread; only a body whose stream is gone is lost.
  if (parsed !== undefined && parsed !== null && req.readableEnded !== false) return 'consumed';
  return streamOf(req);
}

/** The request's body as a web stream, read only as fast as the handler asks. */
function streamOf(req: NodeLikeRequest): ReadableStream<Uint8Array> {
  let stop = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const onData = (chunk: Uint8Array | string) => {
        controller.enqueue(
          typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk),
        );
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      };
      const onEnd = () => {
        stop();
        controller.close();
      };
      const onError = (error: unknown) => {
        stop();
        controller.error(error);
      };
      stop = () => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      // The handler has read enough (a body over the limit): drop the rest without buffering it.
      stop();
      req.resume();
    },
  });
}

function toRequest(req: NodeLikeRequest, body: Uint8Array | ReadableStream<Uint8Array>): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const host = headers.get('host') ?? 'localhost';
  const protocol = req.protocol === 'https' ? 'https' : 'http';
  const url = new URL(req.originalUrl ?? req.url ?? '/', `${protocol}://${host}`);
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });
  return new Request(url, {
    method,
    headers,
    body: body as Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>,
    // Node's fetch needs this for a streamed body.
    duplex: 'half',
  } as RequestInit);
}

/** Writes status, headers and the body as it streams, waiting for the socket when it is full. */
async function writeResponse(res: NodeLikeResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (res.destroyed) {
      await reader.cancel();
      return;
    }
    if (!res.write(value)) await drained(res);
  }
  res.end();
}

function drained(res: NodeLikeResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
