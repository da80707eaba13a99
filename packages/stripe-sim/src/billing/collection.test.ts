import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE } from '../engine/config.js';
import { nextScheduledAttempt } from './collection.js';

const DAY = 86_400;
const FIRST_FAILURE = Date.parse('2026-02-15T01:00:00Z') / 1000;

describe('the next retry after a hard decline, once the payment method changes', () => {
  it('is the next slot of the schedule, not now', () => {
    const state = { firstFailureAt: FIRST_FAILURE, retriesDone: 0 };

    const at = nextScheduledAttempt(DEFAULT_RETRY_SCHEDULE, state, FIRST_FAILURE + 2 * 3600);

    expect(at).toBe(FIRST_FAILURE + DAY);
    expect(state.retriesDone).toBe(0);
  });

  it('skips slots already in the past, which then count as used', () => {
    const state = { firstFailureAt: FIRST_FAILURE, retriesDone: 0 };

    const at = nextScheduledAttempt(DEFAULT_RETRY_SCHEDULE, state, FIRST_FAILURE + 4 * DAY);

    expect(at).toBe(FIRST_FAILURE + 5 * DAY);
    expect(state.retriesDone).toBe(2);
  });

  it('is none once the schedule is used up', () => {
    const state = { firstFailureAt: FIRST_FAILURE, retriesDone: 3 };

    expect(nextScheduledAttempt(DEFAULT_RETRY_SCHEDULE, state, FIRST_FAILURE + 15 * DAY)).toBeNull();
  });
});
