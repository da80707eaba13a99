// usageModule: @billkit/metering over HTTP. Two halves, mounted by createBillingServer({ usage }):
// the operator's dashboard under the admin prefix (`/admin/usage/...`, admins only, CSRF-checked
// like every admin route) and the ingestion route `POST /usage/events` for the host's other
// processes, authenticated with a server key instead of a session (no CSRF: no browser sends it).

import { InvalidInputError } from '@billkit/core';
import type { Metering } from '@billkit/metering';
import { z } from 'zod';
import { type AdminHandler, adminRequest } from '../admin/admin-request.js';
import { DEFAULT_USAGE_PREFIX, USAGE_BUDGET_ID_PATTERN } from '../contract/index.js';
import { HttpError } from '../http/errors.js';
import type { ModuleContext } from '../modules/server-module.js';
import { createRouter, type Router } from '../routing/router.js';
import { budgetRoutes } from './budget-routes.js';
import { eventsRoute } from './events-route.js';
import { reportRoutes, type UsageRouteContext } from './report-routes.js';
import { serverKeyCheck } from './server-key.js';

export interface UsageModuleOptions {
  /**
   * The key the host's other processes send to `POST /usage/events` as `Authorization: Bearer
   * <key>`: at least 32 characters. While rotating, `[newKey, oldKey]` accepts both.
   * @example process.env.BILLKIT_USAGE_KEY!
   */
  serverKey: string | readonly string[];
  /**
   * Where the ingestion route lives under the server's basePath: one path segment.
   * @default '/usage'
   */
  prefix?: string;
  /**
   * The largest ingestion body (413 above it), declared or streamed. The dashboard's routes keep
   * the server's `maxBodyBytes`.
   * @default 4_194_304
   */
  maxBodyBytes?: number;
  /**
   * The reporting currency of the summary, timeseries and customers when a request names none
   * (`?currency=`); costs in other currencies are converted with metering's FX table.
   * @default the currency of `metering.forecast()`: the FX table's base, else the price book's
   */
  currency?: string;
}

/** What `usageModule` gives `createBillingServer({ usage })`. */
export interface UsageModule {
  /** The ingestion route's path segment under basePath: `/usage`. */
  readonly prefix: string;
  /**
   * Answers a request under basePath + prefix (`context.path` is what follows: `/events`), or
   * null for no such route. Called with the raw request: it checks the server key, then reads the
   * body itself within its own limit. No session, no CSRF check.
   */
  handleIngestion(request: Request, context: { path: string }): Promise<Response | null>;
  /**
   * Answers a dashboard request under the admin prefix (`context.path`: `/usage/summary`), or null
   * when the path is not one of its routes (and the request is left unread for the admin module).
   * Called like the admin module: for an admin, CSRF checked, the body read within the limit.
   */
  handleAdmin(request: Request, context: ModuleContext): Promise<Response | null>;
}

const optionsSchema = z.object({
  prefix: z
    .string()
    .regex(/^\/[a-z0-9-]{1,40}$/, 'one path segment such as /usage')
    .default(DEFAULT_USAGE_PREFIX),
  maxBodyBytes: z.number().int().positive().default(4_194_304),
  currency: z
    .string()
    .regex(/^[a-zA-Z]{3}$/, 'a three-letter currency code')
    .transform((currency) => currency.toUpperCase())
    .optional(),
});

/** The patterns of the dashboard's path params: anything else in their place is 404. */
const USAGE_PARAM_PATTERNS: Readonly<Record<string, RegExp>> = {
  budgetId: USAGE_BUDGET_ID_PATTERN,
};

/**
 * The usage routes for `createBillingServer({ usage: usageModule(metering, { serverKey }) })`:
 * `/admin/usage/...` for the dashboard and `POST /usage/events` for ingestion.
 */
export function usageModule(metering: Metering, options: UsageModuleOptions): UsageModule {
  const settings = parseOptions(options);
  const hasServerKey = serverKeyCheck(options.serverKey);
  const ingest = eventsRoute(metering, { hasServerKey, maxBodyBytes: settings.maxBodyBytes });
  const context: UsageRouteContext = {
    metering,
    async reportingCurrency(asked) {
      if (asked !== undefined) return asked;
      if (settings.currency !== undefined) return settings.currency;
      return (await metering.forecast()).currency;
    },
  };
  const dashboard = createRouter<AdminHandler>(
    [...reportRoutes(context), ...budgetRoutes(metering)],
    USAGE_PARAM_PATTERNS,
  );

  async function handleIngestion(request: Request, { path }: { path: string }): Promise<Response | null> {
    if (path !== '/events' && path !== '/events/') return null;
    if (request.method !== 'POST') throw methodNotAllowed(['POST']);
    return ingest(request);
  }

  async function handleAdmin(request: Request, context: ModuleContext): Promise<Response | null> {
    return serve(dashboard, request, context);
  }

  return { prefix: settings.prefix, handleIngestion, handleAdmin };
}

async function serve(router: Router<AdminHandler>, request: Request, context: ModuleContext) {
  const match = router.match(request.method, context.path);
  if (match.kind === 'not_found') return null;
  if (match.kind === 'method_not_allowed') throw methodNotAllowed(match.allow);
  return match.value(await adminRequest(request, context, match.params));
}

function methodNotAllowed(allow: readonly string[]): HttpError {
  return new HttpError(405, 'method_not_allowed', `Use ${allow.join(' or ')} here.`, {
    headers: { allow: allow.join(', ') },
  });
}

function parseOptions(options: UsageModuleOptions) {
  const result = optionsSchema.safeParse(options);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new InvalidInputError(`Invalid input to usageModule: ${summary}`, issues);
}
