import { memoryStore } from '@billkit/core';
import { describe, expect, it } from 'vitest';
import { aClock, givenMetering } from '../test/given-metering.js';
import { MeteringInputError, MissingExchangeRateError } from './errors.js';
import type { BudgetAlert, Metering } from './types.js';

/** `dollars` of Smarty requests (0.01 USD each) for `customerId`. */
async function spendUsd(metering: Metering, dollars: number, at?: Date) {
  await metering.record({
    provider: 'smartystreets',
    operation: 'address-validation',
    units: { requests: dollars * 100 },
    ...(at ? { at } : {}),
  });
}

const thresholdsSent = (alerts: readonly BudgetAlert[]) =>
  alerts.map((alert) => `${alert.kind}:${alert.threshold}`);

describe('budget alerts', () => {
  it('sends 50, 80 and 100 % once each when spend jumps past all three at once', async () => {
    const onAlert: BudgetAlert[] = [];
    const { metering, notifier } = givenMetering({
      budgets: [{ monthly: '100.00', currency: 'USD' }],
      alertEmails: ['ops@resume.example', 'cfo@resume.example'],
      onAlert: (alert) => {
        onAlert.push(alert);
      },
    });
    await spendUsd(metering, 120);
    await metering.flush();
    expect(thresholdsSent(onAlert)).toEqual(['threshold:50', 'threshold:80', 'threshold:100']);
    expect(notifier.sent).toHaveLength(6);
    expect(notifier.sent[0]).toMatchObject({
      kind: 'usage.budget_alert',
      audience: 'admin',
      email: 'ops@resume.example',
      key: 'usage.budget_alert:overall:2026-03:threshold:50:ops@resume.example',
      data: {
        budgetId: 'overall',
        period: '2026-03',
        threshold: 50,
        currency: 'USD',
        spent: '120.000000',
        amount: '100.000000',
      },
    });

    await spendUsd(metering, 5);
    await metering.flush();
    expect(await metering.budgets.evaluate()).toEqual([]);
    expect(onAlert).toHaveLength(3);
    expect(notifier.sent).toHaveLength(6);
    await metering.close();
  });

  it('sends each threshold as spend crosses it, step by step', async () => {
    const { metering } = givenMetering({ budgets: [{ monthly: '100.00', currency: 'USD' }] });
    await spendUsd(metering, 49);
    await metering.flush();
    expect(await metering.alerts.list()).toEqual([]);
    await spendUsd(metering, 1);
    await metering.flush();
    await spendUsd(metering, 29);
    await metering.flush();
    await spendUsd(metering, 1);
    await metering.flush();
    await spendUsd(metering, 20);
    await metering.flush();
    const alerts = await metering.alerts.list();
    expect(alerts.map((alert) => alert.threshold).sort((a, b) => a - b)).toEqual([50, 80, 100]);
    expect(alerts.find((alert) => alert.threshold === 80)?.spentMicros).toBe(80_000_000);
    await metering.close();
  });

  it('arms the thresholds again in a new month', async () => {
    const { metering, clock } = givenMetering({
      budgets: [{ monthly: '10.00', currency: 'USD', thresholds: [100] }],
    });
    await spendUsd(metering, 10);
    await metering.flush();
    clock.set('2026-04-02T00:00:00Z');
    await spendUsd(metering, 9);
    await metering.flush();
    expect(await metering.budgets.evaluate()).toEqual([]);
    await spendUsd(metering, 1);
    await metering.flush();
    const alerts = await metering.alerts.list();
    expect(alerts.map((alert) => `${alert.period}:${alert.threshold}`)).toEqual([
      '2026-04:100',
      '2026-03:100',
    ]);
    await metering.close();
  });

  it('sends once when two processes evaluate at the same moment', async () => {
    const store = memoryStore();
    const clock = aClock();
    const budgets = [{ monthly: '100.00', currency: 'USD' }];
    const a = givenMetering({ store, clock, budgets });
    const b = givenMetering({ store, clock, budgets });
    await spendUsd(a.metering, 100);
    await a.metering.flush();
    const [fromA, fromB] = await Promise.all([a.metering.budgets.evaluate(), b.metering.budgets.evaluate()]);
    // a's flush already evaluated; whatever is left is claimed by exactly one of them.
    expect([...fromA, ...fromB]).toEqual([]);
    expect(a.notifier.sent.length + b.notifier.sent.length).toBe(3);
    expect(await a.metering.alerts.list()).toHaveLength(3);

    await store.metering.budgets.put({
      ...(await store.metering.budgets.get('overall'))!,
      id: 'second',
      thresholds: [50, 100],
    });
    const both = await Promise.all([a.metering.budgets.evaluate(), b.metering.budgets.evaluate()]);
    expect(
      both
        .flat()
        .map((alert) => `${alert.budget.id}:${alert.threshold}`)
        .sort(),
    ).toEqual(['second:100', 'second:50']);
    await Promise.all([a.metering.close(), b.metering.close()]);
  });

  it('caps one provider’s spend apart, and converts spend into the budget’s currency', async () => {
    const { metering } = givenMetering({
      budgets: [{ provider: 'smartystreets', monthly: '153.00', currency: 'AUD', thresholds: [50] }],
    });
    await metering.record({
      provider: 'geoscape',
      operation: 'address-validation',
      units: { requests: 100_000 },
    }); // 350 AUD
    await spendUsd(metering, 49); // 74.97 AUD: under half of 153
    await metering.flush();
    expect(await metering.alerts.list()).toEqual([]);
    await spendUsd(metering, 1); // 76.50 AUD
    await metering.flush();
    expect(await metering.alerts.list()).toMatchObject([
      { budgetId: 'provider:smartystreets', threshold: 50, spentMicros: 76_500_000 },
    ]);
    await metering.close();
  });

  it('alerts on a spend-rate anomaly once a day', async () => {
    const clock = aClock('2026-03-10T12:30:00Z');
    const { metering } = givenMetering({
      clock,
      budgets: [{ monthly: '100000.00', currency: 'USD' }],
      anomaly: { factor: 3, minMicros: 1_000_000 },
    });
    // A steady week: 1 USD an hour.
    for (let hour = 1; hour <= 168; hour++) {
      await spendUsd(metering, 1, new Date(Date.parse('2026-03-10T11:00:00Z') - hour * 3_600_000));
    }
    await spendUsd(metering, 3, new Date('2026-03-10T11:10:00Z')); // 3 × the average: not above it
    await metering.flush();
    expect(await metering.alerts.list()).toEqual([]);
    await spendUsd(metering, 1, new Date('2026-03-10T11:20:00Z')); // 4 × the average
    await metering.flush();
    const [alert] = await metering.alerts.list();
    expect(alert).toMatchObject({ kind: 'anomaly', period: '2026-03-10', threshold: 0 });
    await spendUsd(metering, 10, new Date('2026-03-10T11:30:00Z'));
    await metering.flush();
    expect(await metering.alerts.list()).toHaveLength(1);
    await metering.close();
  });

  it('reports each budget’s month so far, percent, forecast and alerts', async () => {
    const clock = aClock('2026-03-11T00:00:00Z');
    const { metering } = givenMetering({ clock, budgets: [{ monthly: '100.00', currency: 'USD' }] });
    await spendUsd(metering, 30, new Date('2026-03-05T00:00:00Z'));
    await metering.flush();
    const [status] = await metering.budgets.list();
    expect(status).toMatchObject({
      budget: { id: 'overall', amountMicros: 100_000_000, currency: 'USD', thresholds: [50, 80, 100] },
      period: '2026-03',
      spentMicros: 30_000_000,
      percent: 30,
      forecastMicros: 93_000_000, // 30 over 10 of 31 days
      alerts: [],
    });
    expect(await metering.forecast({ currency: 'AUD' })).toEqual({
      period: '2026-03',
      spentMicros: 45_900_000,
      forecastMicros: 142_290_000,
      currency: 'AUD',
    });
    await metering.close();
  });
});

describe('budgets', () => {
  it('puts, lists and deletes a budget, keeping when it was created', async () => {
    const { metering, clock } = givenMetering();
    const created = await metering.budgets.put({
      provider: 'openai',
      monthly: '250.5',
      currency: 'usd',
      thresholds: [100, 90],
    });
    expect(created).toMatchObject({
      id: 'provider:openai',
      scope: { kind: 'provider', provider: 'openai' },
      amountMicros: 250_500_000,
      currency: 'USD',
      thresholds: [90, 100],
    });
    clock.advance(60_000);
    const updated = await metering.budgets.put({ provider: 'openai', monthly: '300', currency: 'USD' });
    expect(updated.createdAt).toEqual(created.createdAt);
    expect(updated.updatedAt).toEqual(clock.now());
    expect((await metering.budgets.list()).map((status) => status.budget.amountMicros)).toEqual([
      300_000_000,
    ]);
    expect(await metering.budgets.delete('provider:openai')).toBe(true);
    expect(await metering.budgets.delete('provider:openai')).toBe(false);
    await metering.close();
  });

  it('creates a budget only where its id is free: one of two racing creates wins, the other gets null', async () => {
    const { metering } = givenMetering();
    const [first, second] = await Promise.all([
      metering.budgets.create({ monthly: '100', currency: 'USD' }),
      metering.budgets.create({ monthly: '200', currency: 'USD' }),
    ]);

    const winner = first ?? second;
    expect([first, second].filter((budget) => budget === null)).toHaveLength(1);
    expect(winner).toMatchObject({ id: 'overall', scope: { kind: 'overall' } });
    expect((await metering.budgets.list()).map((status) => status.budget)).toEqual([winner]);
    await expect(metering.budgets.create({ monthly: '10', currency: 'GBP', id: 'gbp' })).rejects.toThrow(
      MissingExchangeRateError,
    );
    await metering.close();
  });

  it('refuses a malformed budget, or one it cannot convert spend into', async () => {
    const { metering } = givenMetering();
    await expect(metering.budgets.put({ monthly: 100 as never, currency: 'USD' })).rejects.toThrow(
      MeteringInputError,
    );
    await expect(metering.budgets.put({ monthly: '0.00', currency: 'USD' })).rejects.toThrow(/more than 0/);
    await expect(metering.budgets.put({ monthly: '1.0000001', currency: 'USD' })).rejects.toThrow(
      /6 decimals/,
    );
    await expect(metering.budgets.put({ monthly: '10', currency: 'GBP' })).rejects.toThrow(
      MissingExchangeRateError,
    );
    expect(await metering.budgets.list()).toEqual([]);
    await metering.close();
  });
});
