// The admin routes' world: the server of ./world.ts with `adminModule(createAdmin(...))` mounted,
// the admin made from that world's own engine on the simulator. The admin signs in as `ops_1`
// (`x-test-admin: yes`); customers sign in as themselves.

import { type Admin, createAdmin } from '@billkit/admin';
import type { PoliciesInput } from '@billkit/core';
import { expect } from 'vitest';
import { adminModule, type BillingServerModule } from '../../src/index.js';
import { get, givenServer, type RequestOptions, send, stateOf, type World } from './world.js';

export const ADMIN_USER = 'ops_1';
export const AS_ADMIN: RequestOptions = { user: ADMIN_USER, admin: true };

export interface AdminWorld extends World {
  admin: Admin;
}

export async function givenAdminServer(
  options: { policies?: PoliciesInput; prefix?: string } = {},
): Promise<AdminWorld> {
  const prefix = options.prefix ?? '/admin';
  // givenServer creates the engine the admin needs, so the server gets a module that forwards to
  // the admin module made right after.
  let module: BillingServerModule | undefined;
  const forwarding: BillingServerModule = {
    prefix,
    handle: (request, context) => module!.handle(request, context),
  };
  const world = await givenServer({
    ...(options.policies ? { policies: options.policies } : {}),
    server: { admin: forwarding },
  });
  const admin = createAdmin({ billing: world.billing });
  module = adminModule(admin, options.prefix ? { prefix: options.prefix } : {});
  expect(module.prefix).toBe(prefix);
  return { ...world, admin };
}

/** GET under the admin prefix, as the admin unless told otherwise. */
export function adminGet(path: string, options: RequestOptions = AS_ADMIN): Request {
  return get(`/admin${path}`, options);
}

/** POST under the admin prefix, as the admin's browser sends it (JSON, same origin). */
export function adminPost(path: string, body?: unknown, options: RequestOptions = AS_ADMIN): Request {
  return send('POST', `/admin${path}`, body, options);
}

/** Calls the handler and checks the answer is JSON with this status; its body typed as the contract says. */
export async function expectJson<T>(world: World, request: Request, status = 200): Promise<T> {
  const response = await world.handler(request);
  const text = await response.text();
  expect({ status: response.status, body: text }).toMatchObject({ status });
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  return JSON.parse(text) as T;
}

/** ./world.ts's `stateOf` plus what the admin's actions write: balances, invoices, refunds, disputes. */
export async function adminStateOf(world: World): Promise<unknown> {
  const base = await stateOf(world);
  const [customers, invoices, refunds, disputes] = await Promise.all([
    world.stripe.customers.list({ limit: 100 }),
    world.stripe.invoices.list({ limit: 100 }),
    world.stripe.refunds.list({ limit: 100 }),
    world.stripe.disputes.list({ limit: 100 }),
  ]);
  return {
    ...base,
    balances: customers.data.map((c) => [c.id, c.balance]),
    invoices: invoices.data.map((i) => [i.id, i.status, i.attempt_count]),
    refunds: refunds.data.map((r) => [r.id, r.amount]),
    disputes: disputes.data.map((d) => [d.id, d.status, d.evidence_details?.submission_count]),
  };
}
