// Whatever order and however often Stripe delivers a history, and whichever deliveries fail first,
// the mirror and the emails sent end as one in-order, once-only delivery leaves them. The history
// is real: a year of a subscription played on @billkit/stripe-sim.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  freshReceiver,
  type History,
  mirrorState,
  type Receiver,
  yearOfSubscription,
} from './support/history.js';
import { signatureHeader, webhookRequest } from './support/signed-events.js';

const RUNS = Number(process.env.BILLKIT_PROPERTY_RUNS ?? 200);

async function deliver(receiver: Receiver, payload: string): Promise<number> {
  const response = await receiver.handler(webhookRequest(payload, signatureHeader(payload)));
  await response.body?.cancel();
  return response.status;
}

/** Delivers in the given order; what answered non-2xx is delivered again later, as Stripe retries. */
async function deliverAll(receiver: Receiver, order: string[]): Promise<void> {
  let pending = order;
  for (let round = 0; pending.length > 0; round += 1) {
    if (round > 5) throw new Error(`still failing after ${round} rounds: ${pending.length} deliveries`);
    const retry: string[] = [];
    for (const payload of pending) {
      if ((await deliver(receiver, payload)) >= 300) retry.push(payload);
    }
    pending = retry;
  }
}

describe('delivery order', () => {
  let history: History;
  let expected: Awaited<ReturnType<typeof mirrorState>>;

  beforeAll(async () => {
    history = await yearOfSubscription();
    const inOrder = freshReceiver(history);
    await deliverAll(inOrder, history.payloads);
    expected = await mirrorState(inOrder);
  }, 60_000);

  it('plays a history worth testing', () => {
    expect(history.payloads.length).toBeGreaterThan(100);
    expect(expected.subscriptions).toEqual([
      expect.objectContaining({ status: 'canceled', planId: 'business' }),
    ]);
    expect(expected.disputes).toEqual([expect.objectContaining({ status: 'won' })]);
    expect(expected.refunds).toEqual([expect.objectContaining({ amount: 500 })]);
    expect(expected.emails.length).toBeGreaterThan(5);
  });

  it('ends in the same mirror and the same emails for any order, duplicates and first failures', async () => {
    const count = history.payloads.length;
    const deliveries = fc.record({
      order: fc.shuffledSubarray([...history.payloads.keys()], { minLength: count, maxLength: count }),
      duplicates: fc.array(fc.record({ index: fc.nat(count - 1), at: fc.nat(count) }), { maxLength: 20 }),
      failFirst: fc.uniqueArray(fc.nat(count - 1), { maxLength: 15 }),
    });

    await fc.assert(
      fc.asyncProperty(deliveries, async ({ order, duplicates, failFirst }) => {
        const sequence = order.map((i) => history.payloads[i]!);
        for (const { index, at } of duplicates) sequence.splice(at, 0, history.payloads[index]!);
        const failing = new Set(
          failFirst.map((i) => (JSON.parse(history.payloads[i]!) as { id: string }).id),
        );
        const receiver = freshReceiver(history, failing);

        await deliverAll(receiver, sequence);

        const { emails, ...mirror } = await mirrorState(receiver);
        const { emails: expectedEmails, ...expectedMirror } = expected;
        expect((await receiver.handler.listFailed()).items).toEqual([]);
        expect(mirror, 'the mirror').toEqual(expectedMirror);
        expect(emails, 'the emails (each sent once per state change, whatever the order)').toEqual(
          expectedEmails,
        );
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});
