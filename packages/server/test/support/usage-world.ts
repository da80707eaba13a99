// The usage routes' world: the server of ./world.ts with `usageModule(createMetering(...))` mounted
// (and `adminModule` when asked), metering on that world's own memory store and clock (15 Jan 2026).
// Prices: OpenAI gpt-4.1 chat at US$2 / US$8 per million input / output tokens, Geoscape address
// validation at US$0.004 a request until 1 Feb 2026 and US$0.005 from then.

import { createAdmin } from '@billkit/admin';
import { clockFromUnixSeconds } from '@billkit/core';
import {
  createMetering,
  definePriceBook,
  type Metering,
  type MeteringOptions,
  type UsageInput,
} from '@billkit/metering';
import { adminModule, type UsageModule, type UsageModuleOptions, usageModule } from '../../src/index.js';
import { ADMIN_USER, AS_ADMIN } from './admin-world.js';
import { BASE_PATH, get, givenServer, ORIGIN, type RequestOptions, send, type World } from './world.js';

export { ADMIN_USER, AS_ADMIN };

/** The server key of the test world (44 characters, as `openssl rand -base64 32` gives). */
export const USAGE_KEY = 'k3y-0f-the-test-w0rld-usage-route-1234567890';
export const OTHER_KEY = 'an0ther-key-of-the-same-length-abcdefghijkl';

export const PRICES = [
  {
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    unit: 'input_tokens',
    price: '2.00',
    per: 1_000_000,
    currency: 'USD',
    from: '2025-01-01',
  },
  {
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    unit: 'output_tokens',
    price: '8.00',
    per: 1_000_000,
    currency: 'USD',
    from: '2025-01-01',
  },
  {
    provider: 'geoscape',
    operation: 'address-validation',
    unit: 'requests',
    price: '0.004',
    currency: 'USD',
    from: '2025-01-01',
  },
  {
    provider: 'geoscape',
    operation: 'address-validation',
    unit: 'requests',
    price: '0.005',
    currency: 'USD',
    from: '2026-02-01',
  },
];

/** One gpt-4.1 chat call: 1,000 input and 500 output tokens, US$0.006 (6,000 micro-USD). */
export function chatCall(overrides: Partial<UsageInput> = {}): UsageInput {
  return {
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4.1',
    units: { input_tokens: 1000, output_tokens: 500 },
    at: new Date('2026-01-10T09:30:00Z'),
    ...overrides,
  };
}
export const CHAT_CALL_MICROS = 6000;

/** One address validated in January: US$0.004 (4,000 micro-USD). */
export function addressCall(overrides: Partial<UsageInput> = {}): UsageInput {
  return {
    provider: 'geoscape',
    operation: 'address-validation',
    region: 'AU',
    units: { requests: 1 },
    at: new Date('2026-01-12T02:00:00Z'),
    ...overrides,
  };
}
export const ADDRESS_CALL_MICROS = 4000;

export interface UsageWorld extends World {
  metering: Metering;
  module: UsageModule;
}

export interface UsageWorldOptions {
  /** Mount `adminModule` too (the usage routes then share its prefix). */
  admin?: boolean;
  /** The admin prefix (with `admin`). */
  adminPrefix?: string;
  module?: Partial<UsageModuleOptions>;
  metering?: Partial<Omit<MeteringOptions, 'store' | 'priceBook' | 'clock'>>;
}

const open: Metering[] = [];

/** Closes the meterings the tests made (their flush timers); call in afterEach. */
export async function closeMeterings(): Promise<void> {
  await Promise.all(open.splice(0).map((metering) => metering.close()));
}

export async function givenUsageServer(options: UsageWorldOptions = {}): Promise<UsageWorld> {
  // givenServer makes the store and clock metering needs, so the server gets modules that forward
  // to the ones made right after.
  let usage: UsageModule | undefined;
  let admin: ReturnType<typeof adminModule> | undefined;
  const forwardingUsage: UsageModule = {
    prefix: options.module?.prefix ?? '/usage',
    handleIngestion: (request, context) => usage!.handleIngestion(request, context),
    handleAdmin: (request, context) => usage!.handleAdmin(request, context),
  };
  const adminPrefix = options.adminPrefix ?? '/admin';
  const world = await givenServer({
    server: {
      usage: forwardingUsage,
      ...(options.admin
        ? { admin: { prefix: adminPrefix, handle: (request, context) => admin!.handle(request, context) } }
        : {}),
    },
  });
  const metering = createMetering({
    store: world.store,
    priceBook: definePriceBook(PRICES),
    clock: clockFromUnixSeconds(() => world.sim.clock.now()),
    batch: { intervalMs: 3_600_000 },
    ...options.metering,
  });
  open.push(metering);
  usage = usageModule(metering, { serverKey: USAGE_KEY, ...options.module });
  if (options.admin) admin = adminModule(createAdmin({ billing: world.billing }), { prefix: adminPrefix });
  return { ...world, metering, module: usage };
}

/** Records the calls through metering itself and writes them. */
export async function givenUsage(world: UsageWorld, calls: UsageInput[]): Promise<void> {
  for (const call of calls) await world.metering.record(call);
  await world.metering.flush();
}

/** GET a dashboard route (`/usage/...`) under the admin prefix, as the admin unless told otherwise. */
export function usageGet(path: string, options: RequestOptions = AS_ADMIN): Request {
  return get(`/admin${path}`, options);
}

/** A dashboard POST / PUT / DELETE as the admin's browser sends it (JSON, same origin). */
export function usageSend(
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  options: RequestOptions = AS_ADMIN,
): Request {
  return send(method, `/admin${path}`, body, options);
}

/** POST /usage/events as another of the host's processes sends it: the key, JSON, no cookie, no Origin. */
export function ingest(
  body: unknown,
  options: { key?: string | null; headers?: Record<string, string>; path?: string } = {},
): Request {
  const key = options.key === undefined ? USAGE_KEY : options.key;
  return new Request(`${ORIGIN}${BASE_PATH}${options.path ?? '/usage/events'}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...options.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** An event as a client sends it (`at` an ISO string). */
export function wireEvent(call: UsageInput): Record<string, unknown> {
  return { ...call, ...(call.at ? { at: call.at.toISOString() } : {}) };
}
