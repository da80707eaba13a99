// What a portal route handler gets: the engine, the signed-in user, the path's params, and the
// body and query parsed with a contract schema (a failure is 400 naming the field).

import type { Billing } from '@billkit/core';
import type { z } from 'zod';
import type { AuthenticatedUser } from '../authentication.js';
import type { RouteDefinition } from '../routing/router.js';

export interface PortalDeps {
  billing: Billing;
  basePath: string;
}

export interface PortalRequest {
  request: Request;
  url: URL;
  user: AuthenticatedUser;
  /** Decoded and checked against their patterns. */
  params: Record<string, string>;
  /** The JSON body (`{}` when empty) parsed with the schema. */
  body<S extends z.ZodType>(schema: S): z.output<S>;
  /** The query string parsed with the schema. */
  query<S extends z.ZodType>(schema: S): z.output<S>;
}

export type PortalHandler = (request: PortalRequest) => Promise<Response>;
export type PortalRoute = RouteDefinition<PortalHandler>;

/** `user:<id>`: who did it, in the audit log. */
export const actorOf = (user: AuthenticatedUser): string => `user:${user.userId}`;
