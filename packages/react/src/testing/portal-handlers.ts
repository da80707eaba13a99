// The portal fake behind msw: one handler answers every route under the fake's base path, for
// `setupServer(...portalHandlers(fake))` in tests and `parameters.msw.handlers` in Storybook.

import { type HttpHandler, http } from 'msw';
import { createPortalFake, type PortalFake, type PortalFakeOptions } from './portal-fake.js';

/** msw handlers answering the whole portal contract from `fake` (or from a new fake made from options). */
export function portalHandlers(
  fake: Pick<PortalFake, 'basePath' | 'respond'> | PortalFakeOptions = {},
): HttpHandler[] {
  const portal = 'respond' in fake ? fake : createPortalFake(fake);
  return [http.all(`${portal.basePath}/*`, ({ request }) => portal.respond(request))];
}
