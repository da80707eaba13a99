// msw request handlers that answer `https://api.stripe.com/*` from the simulator, for tests that
// intercept the network instead of wiring the client's httpClient.

import { http } from 'msw';

export function createMswHandlers(handle: (request: Request) => Promise<Response>) {
  return [http.all('https://api.stripe.com/*', ({ request }) => handle(request))];
}
