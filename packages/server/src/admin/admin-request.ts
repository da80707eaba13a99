// What an admin route handler gets: who is acting (the signed-in admin, never a body's say), the
// path's params, and the body and query parsed with a contract schema (a failure is 400 naming
// the field, before the admin is called).

import type { z } from 'zod';
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
