// What an admin route handler gets: who is acting (the signed-in admin, never a body's say), the
// path's params, and the body and query parsed with a contract schema (a failure is 400 naming
// the field, before the admin is called).

import type { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { parseJson, parseWith } from '../http/request-body.js';
import type { ModuleContext } from '../modules/server-module.js';
import type { RouteDefinition } from '../routing/router.js';

export interface AdminRequest {
  /** The signed-in admin's user id: `@billkit/admin` audits the action as `admin:<actor>`. */
  actor: string;
  /** Decoded and checked against their patterns. */
  params: Record<string, string>;
  /** The JSON body (`{}` when empty) parsed with the schema. */
  body<S extends z.ZodType>(schema: S): z.output<S>;
  /** The query string parsed with the schema; an empty parameter (`?status=`) counts as absent. */
  query<S extends z.ZodType>(schema: S): z.output<S>;
}

export type AdminHandler = (request: AdminRequest) => Promise<Response>;
export type AdminRoute = RouteDefinition<AdminHandler>;

/** The AdminRequest of a request the server let through to an admin module (the usage routes too). */
export async function adminRequest(
  request: Request,
  context: ModuleContext,
  params: Record<string, string>,
): Promise<AdminRequest> {
  const user = context.user;
  // The server only calls the admin module for an admin; mounted anywhere else it still refuses.
  if (!user) throw new HttpError(401, 'unauthenticated', 'Sign in to manage billing.');
  if (!user.isAdmin) throw new HttpError(403, 'forbidden', 'Only administrators may do this.');
  const body = request.method === 'GET' ? {} : parseJson(new Uint8Array(await request.arrayBuffer()));
  const searchParams = new URL(request.url).searchParams;
  const query = Object.fromEntries([...searchParams].filter(([, value]) => value !== ''));
  return {
    actor: user.userId,
    params,
    body: (schema) => parseWith(schema, body),
    query: (schema) => parseWith(schema, query),
  };
}
