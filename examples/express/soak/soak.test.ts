// The soak, small: a few users and a few hundred deliveries for a few seconds, so that
// `pnpm soak` keeps working. The full run (50 users, 10,000 deliveries, 60 s) is `pnpm soak`.

import { describe, expect, it } from 'vitest';
import { runSoak } from './run-soak.js';

describe('the soak of the Express example, small', () => {
  it('answers every portal request and delivery without a 5xx, and reconcile finds no difference', {
    timeout: 120_000,
  }, async () => {
    const report = await runSoak({ seconds: 2, users: 4, events: 300 });

    expect(report.differences).toBe(0);
    expect(report.checked.subscription).toBe(4);
    expect(report.webhooks.deliveries).toBeGreaterThanOrEqual(300);
    expect(report.webhooks.duplicates).toBe(Math.round(report.webhooks.unique / 9));
    expect(Object.keys(report.webhooks.byStatus)).toEqual(['200']);
    expect(report.portal.requests).toBeGreaterThan(0);
    expect(Object.keys(report.portal.byStatus).filter((status) => !status.startsWith('2'))).toEqual([]);
  });
});
