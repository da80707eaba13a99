// What every route does before the engine is called: the user (401), the method (405 with Allow),
// the content type (415) and origin (403) of state-changing requests, the body's size (413) and
// JSON (400), unknown routes and garbage ids (404), and a generic 500 for the unexpected. Each
// refusal leaves Stripe and the audit log as they were.

import { describe, expect, it } from 'vitest';
import { errorBodySchema, portalRoutes } from '../src/contract/index.js';
import {
  BASE_PATH,
  expectError,
  get,
  givenServer,
  givenSubscriber,
  ORIGIN,
  send,
  stateOf,
  type World,
} from './support/world.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Every authenticated portal route, with the body the portal would send. */
const AUTHENTICATED_ROUTES: Array<[Method, string, unknown?]> = [
  ['GET', portalRoutes.plans],
  ['GET', portalRoutes.subscription],
  ['POST', portalRoutes.subscription, { plan: 'pro', paymentMethodId: 'pm_card_au' }],
  ['POST', portalRoutes.preview, { plan: 'business' }],
  ['POST', portalRoutes.change, { plan: 'business' }],
  ['POST', portalRoutes.cancel, { atPeriodEnd: true }],
  ['POST', portalRoutes.resume],
  ['GET', portalRoutes.retentionOffers],
  ['POST', portalRoutes.acceptOffer('discount_25_3m'), {}],
  ['GET', portalRoutes.paymentMethods],
  ['POST', portalRoutes.setupIntent],
  ['POST', portalRoutes.setDefault('pm_card_visa')],
  ['DELETE', portalRoutes.removePaymentMethod('pm_123')],
  ['GET', portalRoutes.invoices],
  ['GET', portalRoutes.invoicePdf('in_123')],
  ['POST', portalRoutes.payInvoice('in_123'), {}],
  ['GET', portalRoutes.billingAddress],
  [
    'PUT',
    portalRoutes.billingAddress,
    { address: { line1: '1 George St', city: 'Sydney', postalCode: '2000', country: 'AU' } },
  ],
  ['GET', portalRoutes.access],
];

function requestFor(method: Method, path: string, body: unknown, user: string | null): Request {
  return method === 'GET' ? get(path, { user }) : send(method, path, body, { user });
}

describe('authentication', () => {
  it.each(AUTHENTICATED_ROUTES)(
    '%s %s answers 401 to nobody and changes nothing',
    async (method, path, body) => {
      const world = await givenServer();
      await givenSubscriber(world);
      const before = await stateOf(world);

      const { error } = await expectError(world, requestFor(method, path, body, null), {
        status: 401,
        code: 'unauthenticated',
      });

      expect(error.message).toBe('Sign in to manage billing.');
      expect(await stateOf(world)).toEqual(before);
    },
  );

  it('answers 500 without details when the host hook answers something that is not a user', async () => {
    const world = await givenServer({
      server: { authenticate: () => ({ userId: '', email: 'not an email' }) as never },
    });

    const { error } = await expectError(world, get('/plans'), { status: 500, code: 'internal_error' });

    expect(error.message).toBe('Something went wrong on our side.');
    expect(world.logged).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'billing request failed unexpectedly' }),
    );
  });
});

describe('routing', () => {
  it('answers 404 to unknown routes under the base path and to everything outside it', async () => {
    const world = await givenServer();

    await expectError(world, get('/nope'), { status: 404, code: 'not_found' });
    await expectError(world, get(''), { status: 404, code: 'not_found' });
    await expectError(world, get('/plans/extra'), { status: 404, code: 'not_found' });
    const outside = await world.handler(
      new Request(`${ORIGIN}/api/other/plans`, { headers: { 'x-test-user': 'u' } }),
    );
    expect(outside.status).toBe(404);
    expect(errorBodySchema.parse(await outside.json()).error.code).toBe('not_found');
    const prefixOnly = await world.handler(new Request(`${ORIGIN}${BASE_PATH}x/plans`));
    expect(prefixOnly.status).toBe(404);
  });

  it('forgives one trailing slash', async () => {
    const world = await givenServer();
    expect((await world.handler(get('/plans/'))).status).toBe(200);
  });

  it.each([
    ['/invoices/%E0%A4%A/pdf', 'an undecodable escape'],
    ['/invoices/not-an-invoice/pdf', 'an id of the wrong kind'],
    [`/invoices/in_${'x'.repeat(300)}/pdf`, 'an id too long'],
    ['/invoices/in_1%2F..%2Fsecret/pdf', 'a slash smuggled in'],
    ['/invoices/in_%00/pdf', 'a NUL'],
  ])('answers 404 to garbage in an id: %s (%s)', async (path) => {
    const world = await givenServer();
    await expectError(world, get(path), { status: 404, code: 'not_found' });
  });

  it('answers 404, not 500, to a payment method id with characters no id has, and changes nothing', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const before = await stateOf(world);

    await expectError(world, send('DELETE', '/payment-methods/pm_%3Cscript%3E'), {
      status: 404,
      code: 'not_found',
    });
    await expectError(world, send('POST', '/payment-methods/%20/default'), {
      status: 404,
      code: 'not_found',
    });

    expect(await stateOf(world)).toEqual(before);
  });

  it('answers 405 with an Allow header to a method the route does not take', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    const before = await stateOf(world);

    const { response } = await expectError(world, send('DELETE', '/subscription'), {
      status: 405,
      code: 'method_not_allowed',
    });
    expect(response.headers.get('allow')).toBe('GET, POST');

    const plans = await expectError(world, send('POST', '/plans', {}), {
      status: 405,
      code: 'method_not_allowed',
    });
    expect(plans.response.headers.get('allow')).toBe('GET');
    const address = await expectError(world, send('PATCH', '/billing-address', {}), {
      status: 405,
      code: 'method_not_allowed',
    });
    expect(address.response.headers.get('allow')).toBe('GET, PUT');
    const webhook = await expectError(world, get('/webhooks/stripe'), {
      status: 405,
      code: 'method_not_allowed',
    });
    expect(webhook.response.headers.get('allow')).toBe('POST');
    expect(await stateOf(world)).toEqual(before);
  });
});

describe('CSRF', () => {
  async function subscribed(): Promise<{ world: World; before: Awaited<ReturnType<typeof stateOf>> }> {
    const world = await givenServer();
    await givenSubscriber(world);
    return { world, before: await stateOf(world) };
  }

  const cancelWith = (headers: Record<string, string>, body: string | undefined = '{}') =>
    new Request(`${ORIGIN}${BASE_PATH}/subscription/cancel`, {
      method: 'POST',
      headers: { 'x-test-user': 'user_1', ...headers },
      ...(body === undefined ? {} : { body }),
    });

  it.each([
    ['no content type', {}],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['plain text', { 'content-type': 'text/plain' }],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
  ])('answers 415 to a state-changing request with %s, and changes nothing', async (_, headers) => {
    const { world, before } = await subscribed();

    await expectError(world, cancelWith(headers as Record<string, string>), {
      status: 415,
      code: 'unsupported_media_type',
    });

    expect(await stateOf(world)).toEqual(before);
  });

  it('wants the JSON content type on DELETE and body-less POSTs too', async () => {
    const { world, before } = await subscribed();
    const [card] = (await world.billing.paymentMethods.list('user_1')).map((pm) => pm.stripePaymentMethodId);

    const del = new Request(`${ORIGIN}${BASE_PATH}/payment-methods/${card}?force=true`, {
      method: 'DELETE',
      headers: { 'x-test-user': 'user_1' },
    });
    await expectError(world, del, { status: 415, code: 'unsupported_media_type' });
    await expectError(world, cancelWith({}, undefined), { status: 415, code: 'unsupported_media_type' });

    expect(await stateOf(world)).toEqual(before);
  });

  it('accepts application/json with a charset', async () => {
    const { world } = await subscribed();
    const response = await world.handler(cancelWith({ 'content-type': 'Application/JSON; charset=utf-8' }));
    expect(response.status).toBe(200);
  });

  it('answers 403 to another site (Origin) and changes nothing', async () => {
    const { world, before } = await subscribed();

    for (const origin of [
      'https://evil.example',
      'http://app.example.com.au',
      'https://app.example.com.au:8443',
      'null',
    ]) {
      await expectError(world, cancelWith({ 'content-type': 'application/json', origin }), {
        status: 403,
        code: 'forbidden',
      });
    }

    expect(await stateOf(world)).toEqual(before);
  });

  it("falls back to the Referer's origin when there is no Origin", async () => {
    const { world, before } = await subscribed();

    await expectError(
      world,
      cancelWith({ 'content-type': 'application/json', referer: 'https://evil.example/billing?x=1' }),
      { status: 403, code: 'forbidden' },
    );
    await expectError(world, cancelWith({ 'content-type': 'application/json', referer: 'not a url' }), {
      status: 403,
      code: 'forbidden',
    });
    expect(await stateOf(world)).toEqual(before);

    const sameSite = await world.handler(
      cancelWith({ 'content-type': 'application/json', referer: `${ORIGIN}/account/billing` }),
    );
    expect(sameSite.status).toBe(200);
  });

  it('lets through a request with neither Origin nor Referer (not a browser acting for a page)', async () => {
    const { world } = await subscribed();
    const response = await world.handler(cancelWith({ 'content-type': 'application/json' }));
    expect(response.status).toBe(200);
  });

  it('accepts the origins the host allows, and refuses them without the option', async () => {
    const world = await givenServer({
      server: { csrf: { allowedOrigins: ['https://www.example.com.au/'] } },
    });
    await givenSubscriber(world);

    const allowed = await world.handler(
      cancelWith({ 'content-type': 'application/json', origin: 'https://www.example.com.au' }),
    );
    expect(allowed.status).toBe(200);
    await expectError(
      world,
      cancelWith({ 'content-type': 'application/json', origin: 'https://example.com.au' }),
      {
        status: 403,
        code: 'forbidden',
      },
    );
  });

  it("uses the host's own check instead of the origin comparison when given", async () => {
    const seen: string[] = [];
    const world = await givenServer({
      server: {
        csrf: {
          check: async (request) => {
            seen.push(request.headers.get('x-csrf-token') ?? '');
            return request.headers.get('x-csrf-token') === 'good';
          },
        },
      },
    });
    await givenSubscriberWithoutLimit(world);
    const before = await stateOf(world);

    await expectError(world, cancelWith({ 'content-type': 'application/json', 'x-csrf-token': 'bad' }), {
      status: 403,
      code: 'forbidden',
    });
    expect(await stateOf(world)).toEqual(before);
    const response = await world.handler(
      cancelWith({
        'content-type': 'application/json',
        origin: 'https://elsewhere.example',
        'x-csrf-token': 'good',
      }),
    );
    expect(response.status).toBe(200);
    expect(seen).toEqual(['bad', 'good']);
  });

  it('refuses an allowed origin that is not an origin when the server is created', async () => {
    await expect(
      givenServer({ server: { csrf: { allowedOrigins: ['app.example.com.au'] } } }),
    ).rejects.toThrow(/csrf.allowedOrigins/);
  });

  it('needs neither a JSON content type nor an origin on GET', async () => {
    const world = await givenServer();
    const response = await world.handler(
      new Request(`${ORIGIN}${BASE_PATH}/plans`, {
        headers: { 'x-test-user': 'user_1', origin: 'https://evil.example' },
      }),
    );
    expect(response.status).toBe(200);
  });
});

describe('request bodies', () => {
  it('answers 413 to a declared Content-Length over the limit, and changes nothing', async () => {
    const world = await givenServer();
    const before = await stateOf(world);
    const big = JSON.stringify({
      plan: 'pro',
      paymentMethodId: 'pm_card_au',
      padding: 'x'.repeat(1_048_576),
    });

    const { response } = await expectError(world, send('POST', '/subscription', big), {
      status: 413,
      code: 'payload_too_large',
    });

    expect(response.headers.get('connection')).toBe('close');
    expect(await stateOf(world)).toEqual(before);
  });

  it('counts streamed bytes when no length is declared, and stops reading at the limit', async () => {
    const world = await givenServer({ server: { maxBodyBytes: 1000 } });
    const before = await stateOf(world);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 100) return controller.close();
        controller.enqueue(new TextEncoder().encode(pulled === 1 ? '{"plan":"pro","x":"' : 'x'.repeat(100)));
      },
    });
    const request = new Request(`${ORIGIN}${BASE_PATH}/subscription`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-user': 'user_1' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();

    await expectError(world, request, { status: 413, code: 'payload_too_large' });

    expect(pulled).toBeLessThan(20);
    expect(await stateOf(world)).toEqual(before);
  });

  it('accepts a body right at the limit', async () => {
    const body = JSON.stringify({ atPeriodEnd: true });
    const world = await givenServer({ server: { maxBodyBytes: body.length } });
    await givenSubscriberWithoutLimit(world);
    const response = await world.handler(send('POST', '/subscription/cancel', body));
    expect(response.status).toBe(200);
  });

  it.each([
    ['{"plan": "pro"', 'cut short'],
    ["{'plan': 'pro'}", 'single quotes'],
    [new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'not UTF-8'],
  ])('answers 400 invalid_json to a malformed body (%s, %s), and changes nothing', async (body, _why) => {
    const world = await givenServer();
    const before = await stateOf(world);
    const request = new Request(`${ORIGIN}${BASE_PATH}/subscription`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-user': 'user_1' },
      body: body as BodyInit,
    });

    await expectError(world, request, { status: 400, code: 'invalid_json' });

    expect(await stateOf(world)).toEqual(before);
  });
});

describe('unexpected failures', () => {
  it('answers 500 with a generic message, logs the error, and never shows its message or stack', async () => {
    const world = await givenServer();
    world.billing.catalog.plans = () => {
      throw new Error('db password is hunter2 at /srv/app/secret.ts:12');
    };

    const response = await world.handler(get('/plans'));
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong on our side.' },
    });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('secret.ts');
    const [line] = world.logged.filter((l) => l.level === 'error');
    expect(line?.fields).toMatchObject({ method: 'GET', path: '/api/billing/plans' });
    expect(String(line?.fields?.error)).toContain('hunter2');
  });

  it('answers 502 when Stripe is down, without Stripe’s own wording', async () => {
    const world = await givenServer();
    await givenSubscriber(world);
    world.sim.faults.inject({ path: '/v1/invoices/create_preview', kind: 500, times: 10 });

    const { error } = await expectError(world, send('POST', '/subscription/preview', { plan: 'business' }), {
      status: 502,
      code: 'stripe_unavailable',
    });

    expect(error.message).toBe('The payment provider could not be reached; please try again in a moment.');
    expect(world.logged).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'billing request failed at Stripe' }),
    );
  });

  it('never logs request bodies', async () => {
    const world = await givenServer();
    world.billing.subscriptions.start = async () => {
      throw new Error('boom');
    };

    await world.handler(
      send('POST', '/subscription', { plan: 'pro', paymentMethodId: 'pm_card_secret_4242' }),
    );

    expect(JSON.stringify(world.logged)).not.toContain('pm_card_secret_4242');
    expect(world.logged.length).toBeGreaterThan(0);
  });
});

/** A subscriber made through the engine, for servers that would refuse the portal's own start request. */
async function givenSubscriberWithoutLimit(world: World) {
  await world.billing.customers.ensure({ userId: 'user_1', email: 'user_1@example.com.au' });
  await world.billing.subscriptions.start({ userId: 'user_1', plan: 'pro', paymentMethodId: 'pm_card_au' });
}
