import { describe, expect, it } from 'vitest';
import { createUsageFake } from '../../testing/usage-fake.js';
import { createAdminClient } from './admin-client.js';

function recordingFetch(answer: () => Promise<Response>) {
  const seen: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    seen.push({ url: String(input), init });
    return answer();
  };
  return { fetch, seen };
}

describe('the admin client’s usage routes', () => {
  it('asks under <baseUrl>/<admin prefix>/usage, the ranges and filters in the query string', async () => {
    const { fetch, seen } = recordingFetch(() => Promise.resolve(Response.json({})));
    const client = createAdminClient({ baseUrl: '/api/billing/', prefix: 'ops', fetch });
    const range = { from: '2026-03-01', to: '2026-03-21' };
    await client.getUsageSummary(range);
    await client.getUsageTimeseries({ ...range, groupBy: 'provider' });
    await client.getUsageCustomers({ ...range, cursor: null, limit: 10 });
    await client.listBudgetAlerts({ budgetId: 'provider:openai' });
    await client.listBudgets();

    expect(seen.map((call) => call.url)).toEqual([
      '/api/billing/ops/usage/summary?from=2026-03-01&to=2026-03-21',
      '/api/billing/ops/usage/timeseries?from=2026-03-01&to=2026-03-21&granularity=day&groupBy=provider',
      '/api/billing/ops/usage/customers?from=2026-03-01&to=2026-03-21&limit=10',
      '/api/billing/ops/usage/alerts?budgetId=provider%3Aopenai',
      '/api/billing/ops/usage/budgets',
    ]);
    expect(client.usageCostsCsvUrl(range)).toBe(
      '/api/billing/ops/usage/costs.csv?from=2026-03-01&to=2026-03-21&groupBy=provider%2Cmodel',
    );
  });

  it('creates with POST, replaces with PUT and deletes with DELETE, the budget id in the path', async () => {
    const { fetch, seen } = recordingFetch(() => Promise.resolve(Response.json({})));
    const client = createAdminClient({ baseUrl: '/api/billing', fetch });
    await client.createBudget({ monthly: '500.00', currency: 'AUD' });
    await client.updateBudget('provider:openai', { provider: 'openai', monthly: '80', currency: 'USD' });
    await client.deleteBudget('provider:openai');

    expect(seen.map((call) => [call.init?.method, call.url, call.init?.body])).toEqual([
      ['POST', '/api/billing/admin/usage/budgets', '{"monthly":"500.00","currency":"AUD"}'],
      [
        'PUT',
        '/api/billing/admin/usage/budgets/provider%3Aopenai',
        '{"provider":"openai","monthly":"80","currency":"USD"}',
      ],
      ['DELETE', '/api/billing/admin/usage/budgets/provider%3Aopenai', undefined],
    ]);
    expect(seen[1]?.init).toMatchObject({
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
    });
  });

  it('turns a refused budget into a BillingApiError naming the field', async () => {
    const fake = createUsageFake();
    const client = createAdminClient({ baseUrl: fake.basePath, fetch: fake.fetch });
    const error = await client.createBudget({ monthly: '0', currency: 'AUD' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_input', status: 400, param: 'monthly' });
    const missing = await client.deleteBudget('provider:nobody').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'budget_not_found', status: 404 });
  });
});
