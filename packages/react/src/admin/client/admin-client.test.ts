import { describe, expect, it } from 'vitest';
import { BillingApiError } from '../../client/billing-api-error.js';
import { createAdminFake } from '../../testing/admin-fake.js';
import { createAdminClient } from './admin-client.js';

function recordingFetch(answer: () => Promise<Response>) {
  const seen: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    seen.push({ url: String(input), init });
    return answer();
  };
  return { fetch, seen };
}

describe('createAdminClient', () => {
  it('sends JSON with the same-origin credentials under <baseUrl>/admin', async () => {
    const { fetch, seen } = recordingFetch(() => Promise.resolve(Response.json({})));
    const client = createAdminClient({ baseUrl: '/api/billing/', fetch });
    await client.grantCredit({ customerId: 'user_1', amount: 500, description: 'Sorry' });
    await client.cancelSubscription('user/1', { when: 'period_end' });

    expect(seen.map((call) => call.url)).toEqual([
      '/api/billing/admin/credits',
      '/api/billing/admin/subscriptions/user%2F1/cancel',
    ]);
    expect(seen[0]?.init).toMatchObject({
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: '{"customerId":"user_1","amount":500,"description":"Sorry"}',
    });
  });

  it('puts filters and cursors in the query string, leaving out what is empty', async () => {
    const { fetch, seen } = recordingFetch(() =>
      Promise.resolve(Response.json({ items: [], nextCursor: null })),
    );
    const client = createAdminClient({ baseUrl: '/api/billing', fetch });
    await client.searchCustomers({ query: '  jo ', status: 'past_due', cursor: null, limit: 20 });
    await client.listDisputes({ status: '' });
    await client.getMetrics({ from: '2025-11-01', to: '2026-01-31' });

    expect(seen.map((call) => call.url)).toEqual([
      '/api/billing/admin/customers?query=jo&status=past_due&limit=20',
      '/api/billing/admin/disputes',
      '/api/billing/admin/metrics?from=2025-11-01&to=2026-01-31',
    ]);
    expect(client.gstCsvUrl({ from: '2026-01-01', to: '2026-04-01' })).toBe(
      '/api/billing/admin/reports/gst?from=2026-01-01&to=2026-04-01&period=quarter&format=csv',
    );
    expect(client.journalCsvUrl({ from: '2026-01-01', to: '2026-04-01' })).toBe(
      '/api/billing/admin/reports/journal.csv?from=2026-01-01&to=2026-04-01',
    );
  });

  it('mails a receipt again, and accepts an answer with no body (204) too', async () => {
    const fake = createAdminFake();
    const client = createAdminClient({ baseUrl: fake.basePath, fetch: fake.fetch });
    const paid = fake.invoices.find((invoice) => invoice.status === 'paid')!;
    await expect(client.resendReceipt(paid.stripeInvoiceId)).resolves.toEqual({
      invoiceId: paid.stripeInvoiceId,
      resent: true,
    });
    expect(fake.emails.at(-1)).toMatchObject({
      kind: 'receipt',
      data: { invoiceId: paid.stripeInvoiceId, resent: true },
    });

    const empty = recordingFetch(() => Promise.resolve(new Response(null, { status: 204 })));
    await expect(
      createAdminClient({ baseUrl: '', fetch: empty.fetch }).resendReceipt('in_1'),
    ).resolves.toBeUndefined();
  });

  it('follows the admin module to another prefix', async () => {
    const { fetch, seen } = recordingFetch(() =>
      Promise.resolve(Response.json({ items: [], nextCursor: null })),
    );
    await createAdminClient({ baseUrl: '/api/billing', prefix: 'ops/', fetch }).listDisputes();
    expect(seen[0]?.url).toBe('/api/billing/ops/disputes');
  });

  it('turns the server’s error body into a BillingApiError with code and param', async () => {
    const fake = createAdminFake();
    const client = createAdminClient({ baseUrl: fake.basePath, fetch: fake.fetch });
    const paid = fake.invoices.find((invoice) => invoice.status === 'paid' && invoice.total > 0)!;
    const error = await client
      .refund({ invoiceId: paid.stripeInvoiceId, amount: paid.total + 1, reason: 'requested_by_customer' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BillingApiError);
    expect(error).toMatchObject({ code: 'refund_exceeds_refundable', param: 'amount', status: 400 });
    expect(
      fake.refunds.some(
        (refund) => refund.stripeInvoiceId === paid.stripeInvoiceId && refund.amount > paid.total,
      ),
    ).toBe(false);
  });

  it('reports a proxy’s error page and a failed network apart', async () => {
    const proxy = recordingFetch(() =>
      Promise.resolve(new Response('<h1>Bad gateway</h1>', { status: 502 })),
    );
    const offline = recordingFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const fromProxy = await createAdminClient({ baseUrl: '', fetch: proxy.fetch })
      .getForecast()
      .catch((e: unknown) => e);
    const fromOffline = await createAdminClient({ baseUrl: '', fetch: offline.fetch })
      .getForecast()
      .catch((e: unknown) => e);
    expect(fromProxy).toMatchObject({ code: 'http_error', status: 502 });
    expect(fromOffline).toMatchObject({ code: 'network_error', status: 0 });
  });
});
