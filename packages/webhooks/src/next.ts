// Next.js App Router adapter: a route module's `POST` export. The App Router hands over a standard
// Request whose body is untouched, so the handler reads the raw body itself.

export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * In `app/api/webhooks/stripe/route.ts`: `export const { POST } = toNextRoute(handler);`
 */
export function toNextRoute(handler: FetchHandler): { POST: (request: Request) => Promise<Response> } {
  return { POST: (request) => handler(request) };
}
