// The journey, API only, against the Next example as it runs in production (`next build` then
// `next start`, loopback, telemetry off): sign in, subscribe, upgrade after the preview, an
// invoice PDF, a failed renewal (the simulator's clock moved through the demo route), past due,
// the card fixed, cancel declining the retention offers; as admin, MRR and a refund.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const nextBin = fileURLToPath(new URL('../node_modules/next/dist/bin/next', import.meta.url));
const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  DATABASE_URL: 'sqlite::memory:',
  STRIPE_SECRET_KEY: '',
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the Next example, API only', { timeout: 240_000 }, () => {
  let next: ChildProcess;
  let base = '';
  const cookies = new Map<string, string>();
  let mrrBefore = 0;
  /** Every month up to well after the simulator's now. */
  const range = () =>
    `from=2020-01-01&to=${new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10)}`;

  /** A request as `user` (signed in through the demo's sign-in route on first use). */
  async function call(user: string, method: string, path: string, body?: unknown): Promise<Response> {
    if (!cookies.has(user)) {
      const signedIn = await fetch(`${base}/api/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: user }),
      });
      cookies.set(user, signedIn.headers.get('set-cookie')!.split(';')[0]!);
    }
    return fetch(`${base}${path}`, {
      method,
      headers: {
        cookie: cookies.get(user)!,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }
  const json = async (response: Response, status = 200) => {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    return JSON.parse(text);
  };

  beforeAll(async () => {
    // Next uses Billkit's packages as published: their dist/ (the root's `pnpm build`; `npm test` runs it).
    if (!existsSync(fileURLToPath(new URL('../../../packages/server/dist/index.js', import.meta.url)))) {
      throw new Error(
        "Billkit's packages are not built: run `pnpm build` at the root first (npm test does).",
      );
    }
    const built = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, env, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`next build failed:\n${built.stdout}\n${built.stderr}`);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    next = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const look = (chunk: Buffer) => {
        output += chunk;
        if (/Ready in|started server|Local:/.test(output)) resolve();
      };
      next.stdout!.on('data', look);
      next.stderr!.on('data', look);
      next.once('exit', (code) => reject(new Error(`next start exited (${code}):\n${output}`)));
    });
  }, 240_000);

  afterAll(() => {
    next?.kill('SIGTERM');
  });

  it('serves the sign-in page and refuses the portal routes to nobody', async () => {
    expect((await fetch(base)).status).toBe(200);
    mrrBefore = (await json(await call('admin', 'GET', `/api/billing/admin/metrics?${range()}`))).mrr;
    expect((await fetch(`${base}/api/billing/subscription`)).status).toBe(401);
  });

  it('subscribes, upgrades after the preview, serves an invoice PDF', async () => {
    const started = await json(
      await call('new_user', 'POST', '/api/billing/subscription', {
        plan: 'pro',
        paymentMethodId: 'pm_card_visa',
      }),
      201,
    );
    expect(started.subscription).toMatchObject({ status: 'active', planId: 'pro' });

    const { preview } = await json(
      await call('new_user', 'POST', '/api/billing/subscription/preview', { plan: 'business' }),
    );
    expect(preview).toMatchObject({
      direction: 'upgrade',
      next: { total: { amount: 2000, currency: 'aud' } },
    });
    expect(preview.now.total.amount).toBeGreaterThan(0);
    const changed = await json(
      await call('new_user', 'POST', '/api/billing/subscription/change', { plan: 'business' }),
    );
    expect(changed.subscription.planId).toBe('business');

    const { invoices } = await json(await call('new_user', 'GET', '/api/billing/invoices'));
    const pdf = await call('new_user', 'GET', `/api/billing/invoices/${invoices[0].id}/pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('goes past due after a failed renewal, and recovers when the card is fixed', async () => {
    await json(
      await call('new_user', 'POST', '/api/billing/payment-methods/pm_card_chargeCustomerFail/default', {}),
    );
    await json(await call('new_user', 'POST', '/api/demo/advance', { days: 31 }));
    const overdue = await json(await call('new_user', 'GET', '/api/billing/subscription'));
    expect(overdue.subscription.status).toBe('past_due');

    await json(await call('new_user', 'POST', '/api/billing/payment-methods/pm_card_visa/default', {}));
    const fixed = await json(await call('new_user', 'GET', '/api/billing/subscription'));
    expect(fixed.subscription.status).toBe('active');
  });

  it('cancels at the period end, declining the retention offers', async () => {
    const { offers } = await json(await call('new_user', 'GET', '/api/billing/retention-offers'));
    const canceled = await json(
      await call('new_user', 'POST', '/api/billing/subscription/cancel', {
        feedback: 'too_expensive',
        declinedOffers: offers.map((offer: { id: string }) => offer.id),
      }),
    );
    expect(canceled.subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
  });

  it('as admin: MRR counts the customer, and the last invoice is refunded', async () => {
    // The seeded customers' MRR and new_user's Business (A$20 incl. GST: 1818 a month; cancelled
    // at the period's end, so it still counts); the month that passed churned the past-due one.
    const metrics = await json(await call('admin', 'GET', `/api/billing/admin/metrics?${range()}`));
    expect(metrics.mrr).toBe(mrrBefore + 1818 - 909);
    const detail = await json(await call('admin', 'GET', '/api/billing/admin/customers/new_user'));
    expect(detail.subscriptions[0]).toMatchObject({
      planId: 'business',
      status: 'active',
      cancelAtPeriodEnd: true,
    });

    const { invoices } = await json(await call('new_user', 'GET', '/api/billing/invoices'));
    const paid = invoices.find((invoice: { status: string }) => invoice.status === 'paid');
    const refund = await json(
      await call('admin', 'POST', '/api/billing/admin/refunds', {
        invoiceId: paid.id,
        reason: 'requested_by_customer',
      }),
      201,
    );
    expect(refund).toMatchObject({ status: 'succeeded', stripeInvoiceId: paid.id });
    expect(
      (await call('new_user', 'GET', '/api/billing/admin/metrics?from=2020-01-01&to=2030-01-01')).status,
    ).toBe(403);
  });
});
