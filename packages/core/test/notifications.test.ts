// The notification outbox: written with the change that causes it, sent after commit or by
// flush(), retried with back-off when sending fails, never sent twice, never lost.

import { describe, expect, it } from 'vitest';
import { memoryNotifier, type Notification, type Notifier } from '../src/notifications/notifier.js';
import type { BillingStore, StoreSession } from '../src/store/billing-store.js';
import { givenEngine, givenSubscriber, givenUser } from './world.js';

/** A notifier that fails its first `failures` sends, then records what it sends. */
function flakyNotifier(failures: number): Notifier & { sent: Notification[]; tries: number } {
  const sent: Notification[] = [];
  const state = { sent, tries: 0 };
  return Object.assign(state, {
    async notify(notification: Notification) {
      state.tries++;
      if (state.tries <= failures) throw new Error('SMTP 421 try again later');
      sent.push(notification);
    },
  });
}

describe('the notification outbox', () => {
  it('writes the welcome email with the subscription and sends it after the commit', async () => {
    const world = await givenEngine();
    await givenSubscriber(world);

    const { items } = await world.billing.notifications.list();
    expect(items.map((m) => `${m.kind}:${m.status}`).sort()).toEqual(['receipt:sent', 'welcome:sent']);
    expect(world.sent.map((n) => n.kind).sort()).toEqual(['receipt', 'welcome']);
  });

  it('keeps messages for flush() when sending after commit is off, as after a crash between the two', async () => {
    const notifier = memoryNotifier();
    const world = await givenEngine({ billing: { notifier, notifications: { sendAfterCommit: false } } });
    await givenSubscriber(world);
    expect(notifier.sent).toHaveLength(0);
    expect((await world.billing.notifications.list({ status: 'pending' })).items).toHaveLength(2);

    // A new process on the same store sends them.
    const restarted = await givenEngine({ sim: world.sim, store: world.store, billing: { notifier } });
    expect(await restarted.billing.notifications.flush()).toEqual({ sent: 2, failed: 0 });
    expect(await restarted.billing.notifications.flush()).toEqual({ sent: 0, failed: 0 });
    expect(notifier.sent.map((n) => n.kind).sort()).toEqual(['receipt', 'welcome']);
  });

  it('retries a failed send with back-off and records the error', async () => {
    const notifier = flakyNotifier(2);
    const world = await givenEngine({ billing: { notifier } });
    await givenUser(world);
    await world.billing.subscriptions.start({ userId: 'user_1', plan: 'starter' }); // a trial: welcome only

    let [message] = (await world.billing.notifications.list()).items;
    expect(message).toMatchObject({ kind: 'welcome', status: 'failed', attempts: 1 });
    expect(message!.lastError).toContain('SMTP 421');
    expect(await world.billing.notifications.flush()).toEqual({ sent: 0, failed: 0 }); // not due yet

    await world.sim.clock.advance({ minutes: 2 });
    expect(await world.billing.notifications.flush()).toEqual({ sent: 0, failed: 1 });
    await world.sim.clock.advance({ minutes: 4 });
    expect(await world.billing.notifications.flush()).toEqual({ sent: 0, failed: 0 }); // 5 min back-off
    await world.sim.clock.advance({ minutes: 2 });
    expect(await world.billing.notifications.flush()).toEqual({ sent: 1, failed: 0 });

    [message] = (await world.billing.notifications.list()).items;
    expect(message).toMatchObject({ status: 'sent', attempts: 3 });
    expect(notifier.sent).toHaveLength(1);
  });

  it('gives a message up after maxAttempts and leaves it failed, visible', async () => {
    const notifier = flakyNotifier(100);
    const world = await givenEngine({ billing: { notifier, notifications: { maxAttempts: 2 } } });
    await givenUser(world);
    await world.billing.subscriptions.start({ userId: 'user_1', plan: 'starter' });
    await world.sim.clock.advance({ minutes: 2 });
    await world.billing.notifications.flush();
    await world.sim.clock.advance({ days: 30 });

    expect(await world.billing.notifications.flush()).toEqual({ sent: 0, failed: 0 });
    const [message] = (await world.billing.notifications.list({ status: 'failed' })).items;
    expect(message!.lastError).toMatch(/gave up after 2 attempts/);
  });

  it('sends each message once when two copies of the host flush at the same time', async () => {
    const notifier = memoryNotifier();
    const counting: Notifier & { count: number } = {
      count: 0,
      async notify(n) {
        counting.count++;
        await new Promise((resolve) => setTimeout(resolve, 2));
        await notifier.notify(n);
      },
    };
    const world = await givenEngine({
      billing: { notifier: counting, notifications: { sendAfterCommit: false } },
    });
    for (const user of ['a', 'b', 'c', 'd', 'e']) await givenSubscriber(world, user);
    const other = await givenEngine({ sim: world.sim, store: world.store, billing: { notifier: counting } });

    const results = await Promise.all([
      world.billing.notifications.flush(),
      other.billing.notifications.flush(),
    ]);

    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(10);
    expect(counting.count).toBe(10);
  });

  it('writes no email when the change it belongs to does not commit', async () => {
    const world = await givenEngine();
    await givenUser(world);
    let failCommits = false;
    const failing: BillingStore = Object.create(world.store, {
      transaction: {
        // Every write happens, then the commit fails: all of it must roll back.
        value: <T>(fn: (session: StoreSession) => Promise<T>) =>
          world.store.transaction(async (session) => {
            const result = await fn(session);
            if (failCommits) throw new Error('database went away');
            return result;
          }),
      },
    });
    const broken = await givenEngine({ sim: world.sim, store: failing });
    failCommits = true;

    await expect(
      broken.billing.subscriptions.start({ userId: 'user_1', plan: 'pro', paymentMethodId: 'pm_card_au' }),
    ).rejects.toThrow('database went away');

    expect((await world.store.outbox.list()).items).toHaveLength(0);
  });
});
