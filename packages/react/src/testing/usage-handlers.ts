// The usage fake behind msw: one handler answers the usage dashboard's routes under
// `<basePath>/admin/usage/`, for `setupServer(...usageHandlers(fake))` in tests and
// `parameters.msw.handlers` in Storybook. Beside the admin fake, list these first: the admin
// handler answers everything under `/admin/*`, usage routes included, with a 404.

import { type HttpHandler, http } from 'msw';
import { createUsageFake, type UsageFake, type UsageFakeOptions } from './usage-fake.js';

/** msw handlers answering the usage contract from `fake` (or from a new fake made from options). */
export function usageHandlers(
  fake: Pick<UsageFake, 'basePath' | 'respond'> | UsageFakeOptions = {},
): HttpHandler[] {
  const usage = 'respond' in fake ? fake : createUsageFake(fake);
  return [http.all(`${usage.basePath}/admin/usage/*`, ({ request }) => usage.respond(request))];
}
