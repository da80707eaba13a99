// Express (and plain node:http) adapter: turns the request into a fetch Request with the body
// exactly as it arrived, and writes the Response back. Stripe signs raw bytes, so a body that a
// JSON parser already turned into an object is refused loudly.

import { consoleLogger, type Logger } from '@billkit/core';

/** The few parts of Express's `req` (a node:http IncomingMessage) the adapter uses. */
export interface NodeLikeRequest extends AsyncIterable<unknown> {
  method?: string | undefined;
  url?: string | undefined;
  /** Express's mount-independent URL. */
  originalUrl?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Set by body parsers: a Buffer (express.raw), a string (express.text), an object (express.json). */
  body?: unknown;
  /** True once the body stream has been read to its end. */
  readableEnded?: boolean | undefined;
}

/** The few parts of Express's `res` (a node:http ServerResponse) the adapter uses. */
export interface NodeLikeResponse {
  statusCode: number;
  headersSent?: boolean;
  setHeader(name: string, value: string | string[]): unknown;
  end(chunk?: Uint8Array | string): unknown;
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
  "Billkit's Stripe webhook route needs the raw body: mount it before express.json() or use " +
  "express.raw({ type: 'application/json' }) on this route. A JSON parser already consumed the body, " +
  'and Stripe signs the exact bytes it sent, so the signature cannot be checked.';

/**
 * Mounts a fetch handler on Express: `app.post('/webhooks/stripe', toExpress(handler))`, before
 * `app.use(express.json())`, or with `express.raw({ type: 'application/json' })` on the route.
 */
export function toExpress(handler: FetchHandler, options: ToExpressOptions = {}): NodeHandler {
  const logger = options.logger ?? consoleLogger();
  return (req, res, next) => {
    serve(handler, req, res, logger).catch((error: unknown) => {
      if (next) return next(error);
      logger.error('request failed before the handler answered', { error: String(error) });
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      }
    });
  };
}

async function serve(handler: FetchHandler, req: NodeLikeRequest, res: NodeLikeResponse, logger: Logger) {
  const body = await rawBody(req);
  if (body === 'parsed') {
    logger.error(RAW_BODY_REQUIRED_MESSAGE);
    await writeResponse(
      res,
      Response.json(
        { error: { code: 'raw_body_required', message: RAW_BODY_REQUIRED_MESSAGE } },
        { status: 400 },
      ),
    );
    return;
  }
  const response = await handler(toRequest(req, body));
  await writeResponse(res, response);
}

/** The body bytes as sent, or 'parsed' when a body parser already turned them into an object. */
async function rawBody(req: NodeLikeRequest): Promise<Uint8Array | 'parsed'> {
  const parsedBody = req.body;
  if (parsedBody instanceof Uint8Array) return parsedBody;
  if (typeof parsedBody === 'string') return new TextEncoder().encode(parsedBody);
  // Express 4's parsers set `req.body = {}` even when the content type did not match and they left
  // the stream unread; only a body whose stream is gone is lost.
  if (parsedBody !== undefined && parsedBody !== null && req.readableEnded !== false) return 'parsed';
  const chunks: Uint8Array[] = [];
  for await (const chunk of req) {
    chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array));
  }
  return concat(chunks);
}

function toRequest(req: NodeLikeRequest, body: Uint8Array): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const host = headers.get('host') ?? 'localhost';
  const url = new URL(req.originalUrl ?? req.url ?? '/', `http://${host}`);
  const method = (req.method ?? 'GET').toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, { method, headers, ...(hasBody ? { body: body as Uint8Array<ArrayBuffer> } : {}) });
}

async function writeResponse(res: NodeLikeResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.end(new Uint8Array(await response.arrayBuffer()));
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
