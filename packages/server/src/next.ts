// Next.js App Router adapter: the route handlers of a catch-all route module. The App Router hands
// over a standard Request with its body untouched, so this only names the methods.

export type FetchHandler = (request: Request) => Promise<Response>;
export type NextRouteHandler = (request: Request) => Promise<Response>;

/**
 * In `app/api/billing/[...billkit]/route.ts`:
 * `export const { GET, POST, PUT, DELETE } = toNextRoute(server.handler);`
 */
export function toNextRoute(handler: FetchHandler): {
  GET: NextRouteHandler;
  POST: NextRouteHandler;
  PUT: NextRouteHandler;
  DELETE: NextRouteHandler;
} {
  const route: NextRouteHandler = (request) => handler(request);
  return { GET: route, POST: route, PUT: route, DELETE: route };
}
