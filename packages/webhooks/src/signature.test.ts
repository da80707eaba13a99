// The cases the official client's own webhook tests cover, through the handler: every payload is
// signed for real with Stripe.webhooks.generateTestHeaderString, and a refused request records nothing.

import { describe, expect, it } from 'vitest';
import {
  eventPayload,
  fakeBilling,
  fixedClock,
  NOW,
  SECRET,
  signatureHeader,
  webhookRequest,
} from '../test/support/signed-events.js';
import { createWebhookHandler } from './index.js';

function setup(options: { secrets?: string[]; toleranceSeconds?: number } = {}) {
  const billing = fakeBilling();
  const common = { billing, clock: fixedClock(), toleranceSeconds: options.toleranceSeconds };
  const handler = options.secrets
    ? createWebhookHandler({ ...common, secrets: options.secrets })
    : createWebhookHandler({ ...common, secret: SECRET });
  return { billing, handler };
}

async function expectRefused(
  { billing, handler }: ReturnType<typeof setup>,
  request: Request,
  eventId: string,
  code: string,
  reason: RegExp,
) {
  const response = await handler(request);
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(reason);
  expect(await billing.store.webhookEvents.get(eventId)).toBeNull();
  expect(billing.sync.applyEvent).not.toHaveBeenCalled();
}

describe('Stripe-Signature verification', () => {
  it('accepts a correctly signed event, records it and applies it', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_valid' });

    const response = await ctx.handler(webhookRequest(payload));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, status: 'applied' });
    expect(ctx.billing.sync.applyEvent).toHaveBeenCalledTimes(1);
    expect(ctx.billing.sync.applyEvent.mock.calls[0]?.[0]).toMatchObject({
      id: 'evt_valid',
      type: 'customer.updated',
    });
    expect(await ctx.billing.store.webhookEvents.get('evt_valid')).toMatchObject({
      status: 'applied',
      attempts: 1,
      payload,
    });
  });

  it('refuses an event signed with another secret', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_wrong_secret' });
    const request = webhookRequest(payload, signatureHeader(payload, { secret: 'whsec_someone_else' }));

    await expectRefused(
      ctx,
      request,
      'evt_wrong_secret',
      'signature_invalid',
      /No signature .* matches the body/,
    );
  });

  it('refuses a request without a Stripe-Signature header', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_unsigned' });

    await expectRefused(
      ctx,
      webhookRequest(payload, null),
      'evt_unsigned',
      'signature_missing',
      /no Stripe-Signature header/,
    );
  });

  it('refuses an empty Stripe-Signature header as missing', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_empty_header' });

    await expectRefused(
      ctx,
      webhookRequest(payload, ''),
      'evt_empty_header',
      'signature_missing',
      /no Stripe-Signature/,
    );
  });

  it('refuses a malformed header', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_malformed' });

    await expectRefused(
      ctx,
      webhookRequest(payload, 'i am not a signature'),
      'evt_malformed',
      'signature_invalid',
      /malformed/,
    );
  });

  it('refuses a header with a timestamp but no v1 signature', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_no_v1' });
    const v0Only = signatureHeader(payload).replace('v1=', 'v0=');

    await expectRefused(ctx, webhookRequest(payload, v0Only), 'evt_no_v1', 'signature_invalid', /malformed/);
  });

  it('refuses a tampered body, even by one character', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_tampered' });
    const header = signatureHeader(payload);
    const tampered = payload.replace('jo@example.com.au', 'jo@example.com.av');

    await expectRefused(
      ctx,
      webhookRequest(tampered, header),
      'evt_tampered',
      'signature_invalid',
      /matches the body/,
    );
  });

  it('refuses a body re-serialized by a JSON parser (same data, other bytes)', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_reserialized' });
    const header = signatureHeader(payload);

    await expectRefused(
      ctx,
      webhookRequest(JSON.stringify(JSON.parse(payload)), header),
      'evt_reserialized',
      'signature_invalid',
      /raw body/,
    );
  });

  it('refuses a timestamp older than the tolerance, and accepts one exactly at it', async () => {
    const ctx = setup();
    const stale = eventPayload({ id: 'evt_stale' });
    const request = webhookRequest(stale, signatureHeader(stale, { timestamp: NOW - 301 }));

    await expectRefused(
      ctx,
      request,
      'evt_stale',
      'timestamp_outside_tolerance',
      /301 s ago, more than the 300 s/,
    );

    const edge = eventPayload({ id: 'evt_edge_past' });
    const accepted = await ctx.handler(webhookRequest(edge, signatureHeader(edge, { timestamp: NOW - 300 })));
    expect(accepted.status).toBe(200);
  });

  it('refuses a timestamp further in the future than the tolerance, and accepts one exactly at it', async () => {
    const ctx = setup();
    const future = eventPayload({ id: 'evt_future' });
    const request = webhookRequest(future, signatureHeader(future, { timestamp: NOW + 301 }));

    await expectRefused(ctx, request, 'evt_future', 'timestamp_outside_tolerance', /301 s in the future/);

    const edge = eventPayload({ id: 'evt_edge_future' });
    const accepted = await ctx.handler(webhookRequest(edge, signatureHeader(edge, { timestamp: NOW + 300 })));
    expect(accepted.status).toBe(200);
  });

  it('uses the tolerance it is given', async () => {
    const ctx = setup({ toleranceSeconds: 10 });
    const payload = eventPayload({ id: 'evt_short_tolerance' });
    const request = webhookRequest(payload, signatureHeader(payload, { timestamp: NOW - 11 }));

    await expectRefused(ctx, request, 'evt_short_tolerance', 'timestamp_outside_tolerance', /10 s tolerance/);
  });

  it('reports a bad signature rather than the timestamp when both are wrong', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_both_wrong' });
    const header = signatureHeader(payload, { secret: 'whsec_other', timestamp: NOW - 3600 });

    await expectRefused(
      ctx,
      webhookRequest(payload, header),
      'evt_both_wrong',
      'signature_invalid',
      /matches the body/,
    );
  });

  it('accepts a header with several v1 signatures of which one is valid', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_many_signatures' });
    const valid = signatureHeader(payload);
    const other = signatureHeader(payload, { secret: 'whsec_other' }).split(',')[1];
    const header = `${valid.split(',')[0]},v1=potato,${other},${valid.split(',')[1]}`;

    const response = await ctx.handler(webhookRequest(payload, header));

    expect(response.status).toBe(200);
    expect(await ctx.billing.store.webhookEvents.get('evt_many_signatures')).toMatchObject({
      status: 'applied',
    });
  });

  it('refuses a header with several v1 signatures when none is valid', async () => {
    const ctx = setup();
    const payload = eventPayload({ id: 'evt_no_valid_signature' });
    const header = `t=${NOW},v1=potato,${signatureHeader(payload, { secret: 'whsec_other' }).split(',')[1]}`;

    await expectRefused(
      ctx,
      webhookRequest(payload, header),
      'evt_no_valid_signature',
      'signature_invalid',
      /matches the body/,
    );
  });

  it('accepts events signed with the old or the new secret while both are listed', async () => {
    const ctx = setup({ secrets: ['whsec_new', 'whsec_old'] });
    const byOld = eventPayload({ id: 'evt_old_secret' });
    const byNew = eventPayload({ id: 'evt_new_secret' });

    const oldResponse = await ctx.handler(
      webhookRequest(byOld, signatureHeader(byOld, { secret: 'whsec_old' })),
    );
    const newResponse = await ctx.handler(
      webhookRequest(byNew, signatureHeader(byNew, { secret: 'whsec_new' })),
    );

    expect([oldResponse.status, newResponse.status]).toEqual([200, 200]);
    expect(ctx.billing.sync.applyEvent).toHaveBeenCalledTimes(2);
  });

  it('refuses the old secret once the rotation is over and it is no longer listed', async () => {
    const ctx = setup({ secrets: ['whsec_new'] });
    const payload = eventPayload({ id: 'evt_retired_secret' });
    const request = webhookRequest(payload, signatureHeader(payload, { secret: 'whsec_old' }));

    await expectRefused(ctx, request, 'evt_retired_secret', 'signature_invalid', /matches the body/);
  });

  it('refuses a correctly signed body that is not a Stripe event', async () => {
    const ctx = setup();
    const payload = JSON.stringify({ hello: 'world' });

    const response = await ctx.handler(webhookRequest(payload));

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_invalid');
    expect(ctx.billing.sync.applyEvent).not.toHaveBeenCalled();
  });

  it('refuses a correctly signed body that is not JSON', async () => {
    const ctx = setup();

    const response = await ctx.handler(webhookRequest('not json'));

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_invalid');
    expect(ctx.billing.sync.applyEvent).not.toHaveBeenCalled();
  });
});
