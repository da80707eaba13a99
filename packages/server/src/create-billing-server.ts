// createBillingServer: Billkit's HTTP surface as one fetch handler, `Request → Response`. It knows
// no framework: the Express and Next.js adapters only translate. Order of checks for a request:
// route (404/405) → CSRF (415/403) → user (401/403) → body (413/400) → the engine. The usage
// ingestion route is server to server: route → server key (401) → body (415/413/400) → metering.

import { randomUUID } from 'node:crypto';
import { type Billing, InvalidInputError, type Logger, silentLogger } from '@billkit/core';
import { z } from 'zod';
import { type Authenticate, type AuthenticatedUser, authenticateRequest } from './authentication.js';
import { DEFAULT_ADMIN_PREFIX } from './contract/index.js';
import { type CsrfOptions, csrfGuard } from './http/csrf.js';
import { errorResponse, HttpError, notFound } from './http/errors.js';
import { parseJson, parseWith, readBody } from './http/request-body.js';
import { type BillingServerModule, pathUnderPrefix } from './modules/server-module.js';
import type { PortalHandler, PortalRequest } from './portal/portal-context.js';
import { PORTAL_PARAM_PATTERNS, portalRouteTable } from './portal/portal-routes.js';
import { createRouter } from './routing/router.js';
import type { UsageModule } from './usage/usage-module.js';
import { type StripeWebhookOptions, stripeWebhookRoute } from './webhook-route.js';

export interface BillingServerOptions {
  /** The engine from `createBilling(...)`. */
  billing: Billing;
  /** The Stripe webhook route's signing secret: `{ secret: process.env.STRIPE_WEBHOOK_SECRET! }`. */
  webhooks: StripeWebhookOptions;
  /**
   * Who is asking: the host's session lookup. Answer null when nobody is signed in (401).
   * @example async (request) => { const s = await auth.getSession(request); return s && { userId: s.user.id, email: s.user.email, isAdmin: s.user.role === 'admin' }; }
   */
  authenticate: Authenticate;
  /** Admin routes (`@billkit/admin`), under `basePath + admin.prefix`; only for `isAdmin` users. */
  admin?: BillingServerModule;
  /** Metering routes, under `basePath + metering.prefix`; the module decides who may call them. */
  metering?: BillingServerModule;
  /**
   * API usage (`@billkit/metering`): the dashboard under `basePath + admin prefix + '/usage'`
   * (admins only, with or without `admin`), ingestion at `basePath + usage.prefix + '/events'`.
   * @example usageModule(createMetering({ store, priceBook }), { serverKey: process.env.BILLKIT_USAGE_KEY! })
   */
  usage?: UsageModule;
  /**
   * Where the handler is mounted; requests outside it answer 404.
   * @default '/api/billing'
   */
  basePath?: string;
  /**
   * The largest request body accepted (413 above it), declared or streamed.
   * @default 1_048_576
   */
  maxBodyBytes?: number;
  /** Origins allowed besides the request's own, or a check of your own. */
  csrf?: CsrfOptions;
  /** Unexpected errors (500) and Stripe failures (502) are logged here; never request bodies. @default silentLogger() */
  logger?: Logger;
}

export interface BillingServer {
  /** The whole HTTP surface: `(request: Request) => Promise<Response>`. Safe to pass around unbound. */
  handler(request: Request): Promise<Response>;
}

const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
/** First path segments the portal uses: a module prefix may not take one of them. */
const RESERVED_PREFIXES = [
  'plans',
  'access',
  'subscription',
  'retention-offers',
  'payment-methods',
  'invoices',
  'billing-address',
  'webhooks',
];

const moduleSchema = z.object({
  prefix: z
    .string()
    .regex(/^\/[a-z0-9-]{1,40}$/, 'one path segment such as /admin')
    .refine((prefix) => !RESERVED_PREFIXES.includes(prefix.slice(1)), 'a path the portal already uses'),
  handle: z.custom<BillingServerModule['handle']>((v) => typeof v === 'function', 'a function'),
});

const usageSchema = z.object({
  prefix: moduleSchema.shape.prefix,
  handleIngestion: z.custom<UsageModule['handleIngestion']>((v) => typeof v === 'function', 'a function'),
  handleAdmin: z.custom<UsageModule['handleAdmin']>((v) => typeof v === 'function', 'a function'),
});

const optionsSchema = z
  .object({
    billing: z.custom<Billing>(
      (v) => typeof v === 'object' && v !== null && 'subscriptions' in v && 'sync' in v,
      'the engine from createBilling',
    ),
    authenticate: z.custom<Authenticate>((v) => typeof v === 'function', 'a function'),
    basePath: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'a path such as /api/billing, without a trailing slash')
      .default('/api/billing'),
    maxBodyBytes: z.number().int().positive().default(1_048_576),
    admin: moduleSchema.optional(),
    metering: moduleSchema.optional(),
    usage: usageSchema.optional(),
  })
  .refine((o) => !o.admin || !o.metering || o.admin.prefix !== o.metering.prefix, {
    message: 'admin and metering need different prefixes',
    path: ['metering', 'prefix'],
  })
  .refine(
    (o) =>
      !o.usage ||
      (o.usage.prefix !== (o.admin?.prefix ?? DEFAULT_ADMIN_PREFIX) && o.usage.prefix !== o.metering?.prefix),
    { message: 'usage needs a prefix of its own (not the admin or metering one)', path: ['usage', 'prefix'] },
  );

/** Creates Billkit's HTTP surface: the customer portal, the Stripe webhook route, admin and metering modules. */
export function createBillingServer(options: BillingServerOptions): BillingServer {
  const settings = parseOptions(options);
  const { billing, basePath, maxBodyBytes } = settings;
  const logger = options.logger ?? silentLogger();
  const guard = csrfGuard(options.csrf);
  const router = createRouter(portalRouteTable({ billing, basePath }), PORTAL_PARAM_PATTERNS);
  const stripeWebhooks = stripeWebhookRoute(billing, options.webhooks, logger, maxBodyBytes);
  const usage = options.usage;
  const admin = withUsageDashboard(options.admin, usage);
  const modules = [
    ...(admin ? [{ kind: 'admin' as const, module: admin }] : []),
    ...(options.metering ? [{ kind: 'metering' as const, module: options.metering }] : []),
  ];

  async function route(request: Request, url: URL, path: string): Promise<Response> {
    if (path === STRIPE_WEBHOOK_PATH) return stripeWebhooks(request);
    const ingestionPath = usage ? pathUnderPrefix(path, usage.prefix) : null;
    if (usage && ingestionPath !== null) {
      const response = await usage.handleIngestion(request, { path: ingestionPath });
      if (!response) throw notFound();
      return response;
    }
    for (const { kind, module } of modules) {
      const rest = pathUnderPrefix(path, module.prefix);
      if (rest !== null) return serveModule(kind, module, request, url, rest);
    }
    const match = router.match(request.method, path);
    if (match.kind === 'not_found') throw notFound();
    if (match.kind === 'method_not_allowed') {
      throw new HttpError(405, 'method_not_allowed', `Use ${match.allow.join(' or ')} here.`, {
        headers: { allow: match.allow.join(', ') },
      });
    }
    const changesState = isStateChanging(request.method);
    if (changesState) await guard(request, url);
    const user = await requireUser(request);
    const body = changesState ? parseJson(await readBody(request, maxBodyBytes)) : {};
    return (match.value as PortalHandler)(portalRequest(request, url, user, match.params, body));
  }

  async function serveModule(
    kind: 'admin' | 'metering',
    module: BillingServerModule,
    request: Request,
    url: URL,
    rest: string,
  ): Promise<Response> {
    const changesState = isStateChanging(request.method);
    if (changesState) await guard(request, url);
    const user =
      kind === 'admin'
        ? await requireAdmin(request)
        : await authenticateRequest(options.authenticate, request);
    const forwarded = changesState ? await withBodyRead(request) : request;
    const response = await module.handle(forwarded, { user, path: rest, basePath });
    if (!response) throw notFound();
    return response;
  }

  async function requireUser(request: Request): Promise<AuthenticatedUser> {
    const user = await authenticateRequest(options.authenticate, request);
    if (!user) throw new HttpError(401, 'unauthenticated', 'Sign in to manage billing.');
    return user;
  }

  async function requireAdmin(request: Request): Promise<AuthenticatedUser> {
    const user = await requireUser(request);
    if (!user.isAdmin) throw new HttpError(403, 'forbidden', 'Only administrators may do this.');
    return user;
  }

  /** The same request with its body read within the limit, for a module to read at leisure. */
  async function withBodyRead(request: Request): Promise<Request> {
    const body = await readBody(request, maxBodyBytes);
    return new Request(request.url, {
      method: request.method,
      headers: request.headers,
      body: body as Uint8Array<ArrayBuffer>,
      signal: request.signal,
    });
  }

  async function handler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const requestId = requestIdOf(request);
    const response = await options.billing.withRequest({ requestId }, async () => {
      try {
        const path = pathUnderBase(url.pathname, basePath);
        if (path === null) throw notFound();
        return await route(request, url, path);
      } catch (error) {
        return errorResponse(error, { logger, method: request.method, path: url.pathname, requestId });
      }
    });
    return withHeader(response, 'x-request-id', requestId);
  }

  return { handler };
}

/**
 * The admin module with the usage dashboard in front of it, under the admin prefix: a path the
 * usage routes do not know goes on to the admin module (404 without one).
 */
function withUsageDashboard(
  admin: BillingServerModule | undefined,
  usage: UsageModule | undefined,
): BillingServerModule | undefined {
  if (!usage) return admin;
  return {
    prefix: admin?.prefix ?? DEFAULT_ADMIN_PREFIX,
    async handle(request, context) {
      const answer = await usage.handleAdmin(request, context);
      if (answer) return answer;
      return admin ? admin.handle(request, context) : null;
    },
  };
}

function portalRequest(
  request: Request,
  url: URL,
  user: AuthenticatedUser,
  params: Record<string, string>,
  body: unknown,
): PortalRequest {
  return {
    request,
    url,
    user,
    params,
    body: (schema) => parseWith(schema, body),
    query: (schema) => parseWith(schema, Object.fromEntries(url.searchParams)),
  };
}

function isStateChanging(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/** The path after basePath (`/plans`), or null when the request is not under it. */
function pathUnderBase(pathname: string, basePath: string): string | null {
  if (pathname === basePath) return '/';
  if (!pathname.startsWith(`${basePath}/`)) return null;
  return pathname.slice(basePath.length);
}

function parseOptions(options: BillingServerOptions) {
  const result = optionsSchema.safeParse(options);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new InvalidInputError(`Invalid input to createBillingServer: ${summary}`, issues);
}

/** What an incoming `x-request-id` may be (a proxy's or a client's): else the server makes one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,100}$/;

/** The request's id: the caller's `x-request-id` when it is a plausible id, else a new `req_…`. */
function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id');
  return given !== null && REQUEST_ID.test(given) ? given : `req_${randomUUID().replaceAll('-', '')}`;
}

/** The response with one more header (a copy when its headers are immutable, as fetch's are). */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}
