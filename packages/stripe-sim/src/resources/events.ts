// /v1/events: the events `sim.emit` recorded, retrieved by id or listed newest first, filtered by
// type (`customer.*` wildcards included) and by creation time.

import type Stripe from 'stripe';
import { invalidRequest } from '../errors.js';
import { paginate, type Route, type RouteContext } from '../http/router.js';

const MAX_TYPES = 20;

export const eventRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/events/:id',
    handler: ({ sim, path, params }) => {
      params.done();
      return sim.store.get<Stripe.Event>('event', path.id!, 'id');
    },
  },
  { method: 'GET', pattern: '/v1/events', handler: (ctx) => listEvents(ctx) },
];

function listEvents(ctx: RouteContext): unknown {
  const { params } = ctx;
  const type = params.optionalString('type');
  const types = params.optionalStringArray('types');
  if (type !== undefined && types !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: type, types.',
      'type',
      'parameters_exclusive',
    );
  }
  if (types && types.length > MAX_TYPES) {
    throw invalidRequest(`You may pass at most ${MAX_TYPES} event types in \`types\`.`, 'types');
  }
  // Every simulated delivery is recorded, but Stripe's filter is about its own retry bookkeeping.
  params.optionalBool('delivery_success');
  const patterns = (types ?? (type ? [type] : [])).map(typePattern);
  const rows = ctx.sim.store
    .all<Stripe.Event>('event')
    .filter((event) => patterns.length === 0 || patterns.some((pattern) => pattern.test(event.type)));
  const page = paginate(ctx, rows, '/v1/events');
  params.done();
  return page;
}

/** `customer.*` matches `customer.created` and `customer.subscription.updated` alike. */
function typePattern(type: string): RegExp {
  const source = type
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`);
}
