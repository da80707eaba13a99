// PLACEHOLDER: replaced by the real module in this session.
import type { Scheduler } from '../engine/scheduler.js';
import type { Route } from '../http/router.js';

export function testClockRoutes(_scheduler: Scheduler): Route[] {
  return [];
}
