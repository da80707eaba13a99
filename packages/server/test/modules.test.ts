// The admin and metering modules (issues 8 and 9) plug in under basePath + prefix: the server
// checks the user (admins only for `admin`), CSRF and the body limit, then hands the request over.

import { describe, expect, it } from 'vitest';
import type { BillingServerModule, ModuleContext } from '../src/index.js';
import { BASE_PATH, expectError, get, givenServer, ORIGIN, send } from './support/world.js';

/** A module that echoes what it was given on /echo and knows no other path. */
function fakeModule(prefix: string) {
  const calls: Array<{ method: string; body: string; context: ModuleContext }> = [];
  const module: BillingServerModule = {
    prefix,
    async handle(request, context) {
      if (context.path !== '/echo' && !context.path.startsWith('/echo/')) return null;
      const body = request.method === 'GET' ? '' : await request.text();
      calls.push({ method: request.method, body, context });
      return Response.json({ path: context.path, user: context.user?.userId ?? null, body });
    },
  };
  return { module, calls };
}

async function withModules() {
  const admin = fakeModule('/admin');
  const metering = fakeModule('/metering');
  const world = await givenServer({ server: { admin: admin.module, metering: metering.module } });
  return { world, admin, metering };
}

describe('admin module', () => {
  it('hands an admin the request, with the path under its prefix and the user', async () => {
    const { world, admin } = await withModules();

    const response = await world.handler(
      send('POST', '/admin/echo/refunds', { amount: 500 }, { user: 'ops', admin: true }),
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: '/echo/refunds', user: 'ops', body: '{"amount":500}' });
    expect(admin.calls[0]?.context).toEqual({
      path: '/echo/refunds',
      basePath: BASE_PATH,
      user: { userId: 'ops', email: 'ops@example.com.au', isAdmin: true },
    });
  });

  it('answers 401 to nobody and 403 to a customer, never calling the module', async () => {
    const { world, admin } = await withModules();

    await expectError(world, get('/admin/echo', { user: null }), { status: 401, code: 'unauthenticated' });
    await expectError(world, get('/admin/echo', { user: 'user_1' }), { status: 403, code: 'forbidden' });
    await expectError(world, send('POST', '/admin/echo', {}, { user: 'user_1' }), {
      status: 403,
      code: 'forbidden',
    });

    expect(admin.calls).toEqual([]);
  });

  it('applies the CSRF checks and body limit to its state-changing requests', async () => {
    const { world, admin } = await withModules();
    const asAdmin = { 'x-test-user': 'ops', 'x-test-admin': 'yes' };

    await expectError(
      world,
      new Request(`${ORIGIN}${BASE_PATH}/admin/echo`, {
        method: 'POST',
        headers: asAdmin,
        body: 'amount=500',
      }),
      { status: 415, code: 'unsupported_media_type' },
    );
    await expectError(
      world,
      new Request(`${ORIGIN}${BASE_PATH}/admin/echo`, {
        method: 'POST',
        headers: { ...asAdmin, 'content-type': 'application/json', origin: 'https://evil.example' },
        body: '{}',
      }),
      { status: 403, code: 'forbidden' },
    );
    await expectError(
      world,
      send('POST', '/admin/echo', { x: 'y'.repeat(1_048_576) }, { user: 'ops', admin: true }),
      {
        status: 413,
        code: 'payload_too_large',
      },
    );

    expect(admin.calls).toEqual([]);
  });

  it('answers 404 when the module has no such route, and maps what it throws like the portal', async () => {
    const { world } = await withModules();
    await expectError(world, get('/admin/nothing-here', { user: 'ops', admin: true }), {
      status: 404,
      code: 'not_found',
    });

    const { BillingError } = await import('@billkit/core');
    const throwing = await givenServer({
      server: {
        admin: {
          prefix: '/admin',
          handle: async () => {
            throw new BillingError('refund_exceeds_refundable', 'Only A$6.00 is left to refund.');
          },
        },
      },
    });
    const { error } = await expectError(throwing, get('/admin/refunds', { user: 'ops', admin: true }), {
      status: 422,
      code: 'refund_exceeds_refundable',
    });
    expect(error.message).toBe('Only A$6.00 is left to refund.');
  });
});

describe('metering module', () => {
  it('is called for anyone, with the user or null, and decides itself', async () => {
    const { world, metering } = await withModules();

    const signedIn = await world.handler(get('/metering/echo', { user: 'user_1' }));
    const nobody = await world.handler(get('/metering/echo', { user: null }));

    expect(await signedIn.json()).toMatchObject({ user: 'user_1' });
    expect(await nobody.json()).toMatchObject({ user: null });
    expect(metering.calls.map((c) => c.context.user?.userId ?? null)).toEqual(['user_1', null]);
  });
});

describe('module prefixes', () => {
  it.each([['/plans'], ['/webhooks'], ['admin'], ['/a/b'], ['/']])(
    'refuses the prefix %s when the server is created',
    async (prefix) => {
      await expect(givenServer({ server: { admin: fakeModule(prefix).module } })).rejects.toThrow(
        /admin\.prefix/,
      );
    },
  );

  it('refuses admin and metering on one prefix', async () => {
    await expect(
      givenServer({ server: { admin: fakeModule('/ops').module, metering: fakeModule('/ops').module } }),
    ).rejects.toThrow(/different prefixes/);
  });
});
