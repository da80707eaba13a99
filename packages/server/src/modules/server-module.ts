// Extension point for the admin (issue 8) and metering (issue 9) routes: a module owns every path
// under `basePath + prefix` and answers them, or answers null for "no such route".

import type { AuthenticatedUser } from '../authentication.js';

export interface ModuleContext {
  /** The signed-in user, or null (the admin module is only called with an admin). */
  user: AuthenticatedUser | null;
  /** The path after `basePath + prefix`, always starting with `/`: `/customers/u_42`. */
  path: string;
  /** The server's basePath, to build links: `/api/billing`. */
  basePath: string;
}

/** Routes mounted under `basePath + prefix`. Errors it throws are answered like the portal's. */
export interface BillingServerModule {
  /** One path segment starting with `/`: `/admin`, `/metering`. */
  prefix: string;
  /**
   * Answers a request under the prefix, or null when it has no such route (the server answers 404).
   * State-changing requests arrive already checked (JSON content type, same origin) with their
   * body read within the size limit.
   */
  handle(request: Request, context: ModuleContext): Promise<Response | null>;
}

/** Whether `path` (relative to basePath) is under a module's prefix, and the rest of it. */
export function pathUnderPrefix(path: string, prefix: string): string | null {
  if (path === prefix) return '/';
  if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length);
  return null;
}
