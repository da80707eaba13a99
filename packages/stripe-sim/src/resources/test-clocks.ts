// /v1/test_helpers/test_clocks: Stripe test clocks. Customers created on a clock (and their
// subscriptions and invoices) follow its time; advancing it runs what falls due on the way.

import type Stripe from 'stripe';
import type { Scheduler } from '../engine/scheduler.js';
import { newId } from '../engine/store.js';
import { invalidRequest } from '../errors.js';
import { paginate, type Route } from '../http/router.js';

/** Stripe deletes a test clock 30 days after it was created. */
const CLOCK_LIFETIME = 30 * 86_400;

export function testClockRoutes(scheduler: Scheduler): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/v1/test_helpers/test_clocks',
      handler: ({ sim, params }) => {
        const frozenTime = params.int('frozen_time');
        const name = params.optionalString('name') ?? null;
        params.done();
        const clock: Stripe.TestHelpers.TestClock = {
          id: newId('clock'),
          object: 'test_helpers.test_clock',
          created: sim.now(),
          deletes_after: sim.now() + CLOCK_LIFETIME,
          frozen_time: frozenTime,
          livemode: false,
          name,
          status: 'ready',
          status_details: {},
        };
        sim.store.insert(clock);
        sim.emit('test_helpers.test_clock.created', clock);
        return clock;
      },
    },
    {
      method: 'GET',
      pattern: '/v1/test_helpers/test_clocks/:id',
      handler: ({ sim, path, params }) => {
        params.done();
        return sim.store.get('test_helpers.test_clock', path.id!, 'test_clock');
      },
    },
    {
      method: 'GET',
      pattern: '/v1/test_helpers/test_clocks',
      handler: (ctx) => {
        const page = paginate(
          ctx,
          ctx.sim.store.all<Stripe.TestHelpers.TestClock>('test_helpers.test_clock'),
          '/v1/test_helpers/test_clocks',
        );
        ctx.params.done();
        return page;
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/test_helpers/test_clocks/:id',
      handler: ({ sim, path }) => {
        const clock = sim.store.get<Stripe.TestHelpers.TestClock>(
          'test_helpers.test_clock',
          path.id!,
          'test_clock',
        );
        sim.store.remove(clock.id);
        sim.emit('test_helpers.test_clock.deleted', clock);
        return { id: clock.id, object: 'test_helpers.test_clock', deleted: true };
      },
    },
    {
      method: 'POST',
      pattern: '/v1/test_helpers/test_clocks/:id/advance',
      handler: ({ sim, path, params }) => {
        const clock = sim.store.get<Stripe.TestHelpers.TestClock>(
          'test_helpers.test_clock',
          path.id!,
          'test_clock',
        );
        const target = params.int('frozen_time');
        params.done();
        if (target <= clock.frozen_time) {
          throw invalidRequest(
            'The frozen_time must be after the current frozen_time of the test clock.',
            'frozen_time',
          );
        }
        // Stripe advances a clock in the background and reports `advancing`; the simulator does the
        // work before answering, so the next retrieve already says `ready`.
        clock.status = 'advancing';
        sim.emit('test_helpers.test_clock.advancing', clock);
        const answer = structuredClone(clock);
        answer.frozen_time = target;
        scheduler.advance(sim, clock.id, target);
        clock.status = 'ready';
        sim.emit('test_helpers.test_clock.ready', clock);
        return answer;
      },
    },
  ];
}
