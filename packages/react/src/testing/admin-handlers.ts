// The admin fake behind msw: one handler answers every admin route under the fake's base path, and
// one the portal's `GET /plans` (the dashboard reads plan names from it), for
// `setupServer(...adminHandlers(fake))` in tests and `parameters.msw.handlers` in Storybook.

import { type HttpHandler, http } from 'msw';
import { type AdminFake, type AdminFakeOptions, createAdminFake } from './admin-fake.js';

/** msw handlers answering the admin contract from `fake` (or from a new fake made from options). */
export function adminHandlers(
  fake: Pick<AdminFake, 'basePath' | 'respond'> | AdminFakeOptions = {},
): HttpHandler[] {
  const admin = 'respond' in fake ? fake : createAdminFake(fake);
  return [
    http.all(`${admin.basePath}/admin/*`, ({ request }) => admin.respond(request)),
    http.get(`${admin.basePath}/plans`, ({ request }) => admin.respond(request)),
  ];
}
