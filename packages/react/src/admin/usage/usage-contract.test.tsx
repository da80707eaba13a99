// The usage components and the usage fake speak the server's contract: every request the components
// make parses with the schema @billkit/server checks it with, every answer the fake gives parses
// with the schema the server builds it by, and the fake refuses the budgets the contract refuses.

import {
  errorBodySchema,
  usageAlertsQuerySchema,
  usageAlertsResponseSchema,
  usageBudgetDeletedResponseSchema,
  usageBudgetResponseSchema,
  usageBudgetsResponseSchema,
  usageCostsQuerySchema,
  usageCostsResponseSchema,
  usageCreateBudgetRequestSchema,
  usageCustomersQuerySchema,
  usageCustomersResponseSchema,
  usagePutBudgetRequestSchema,
  usageSummaryQuerySchema,
  usageSummaryResponseSchema,
  usageTimeseriesQuerySchema,
  usageTimeseriesResponseSchema,
} from '@billkit/server/contract';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderUsage, startUsageServer } from '../../../test/usage-test-kit.js';
import { createUsageFake, type UsageFake } from '../../testing/usage-fake.js';
import { ApiUsageDashboard } from './api-usage-dashboard.js';
import { BudgetAlerts } from './budget-alerts.js';
import { BudgetsEditor } from './budgets-editor.js';

const server = startUsageServer();

/** What is used of a zod schema here. */
interface Schema {
  safeParse(
    input: unknown,
  ):
    | { success: true }
    | { success: false; error: { message: string; issues: Array<{ path: PropertyKey[] }> } };
}

const routes: Array<{ method: string; pattern: RegExp; input: Schema; answer: Schema }> = [
  {
    method: 'GET',
    pattern: /^\/admin\/usage\/summary$/,
    input: usageSummaryQuerySchema,
    answer: usageSummaryResponseSchema,
  },
  {
    method: 'GET',
    pattern: /^\/admin\/usage\/timeseries$/,
    input: usageTimeseriesQuerySchema,
    answer: usageTimeseriesResponseSchema,
  },
  {
    method: 'GET',
    pattern: /^\/admin\/usage\/customers$/,
    input: usageCustomersQuerySchema,
    answer: usageCustomersResponseSchema,
  },
  {
    method: 'GET',
    pattern: /^\/admin\/usage\/costs$/,
    input: usageCostsQuerySchema,
    answer: usageCostsResponseSchema,
  },
  {
    method: 'GET',
    pattern: /^\/admin\/usage\/budgets$/,
    input: { safeParse: () => ({ success: true }) },
    answer: usageBudgetsResponseSchema,
  },
  {
    method: 'GET',
    pattern: /^\/admin\/usage\/alerts$/,
    input: usageAlertsQuerySchema,
    answer: usageAlertsResponseSchema,
  },
  {
    method: 'POST',
    pattern: /^\/admin\/usage\/budgets$/,
    input: usageCreateBudgetRequestSchema,
    answer: usageBudgetResponseSchema,
  },
  {
    method: 'PUT',
    pattern: /^\/admin\/usage\/budgets\/[^/]+$/,
    input: usagePutBudgetRequestSchema,
    answer: usageBudgetResponseSchema,
  },
  {
    method: 'DELETE',
    pattern: /^\/admin\/usage\/budgets\/[^/]+$/,
    input: { safeParse: () => ({ success: true }) },
    answer: usageBudgetDeletedResponseSchema,
  },
];

/** Each request's problems with the contract, as "METHOD path: issue". */
function requestProblems(fake: UsageFake): string[] {
  const problems: string[] = [];
  for (const request of fake.requests) {
    const url = new URL(request.path, 'http://host');
    const route = routes.find((r) => r.method === request.method && r.pattern.test(url.pathname));
    if (!route) {
      problems.push(`${request.method} ${request.path}: not a usage route`);
      continue;
    }
    const input = request.method === 'GET' ? Object.fromEntries(url.searchParams) : request.body;
    const parsed = route.input.safeParse(input);
    if (!parsed.success) problems.push(`${request.method} ${request.path}: ${parsed.error.message}`);
  }
  return problems;
}

/** Asks the fake and parses its answer with the route's response schema. */
async function answerProblems(
  fake: UsageFake,
  method: string,
  path: string,
  body?: unknown,
): Promise<string[]> {
  const url = new URL(path, 'http://host');
  const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname))!;
  const response = await fake.fetch(`${fake.basePath}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.ok).toBe(true);
  const parsed = route.answer.safeParse(await response.json());
  return parsed.success ? [] : [`${method} ${path}: ${parsed.error.message}`];
}

describe('the usage components and the server contract', () => {
  it('ask for what the server accepts, in every range', async () => {
    const { user, fake } = renderUsage(server, <ApiUsageDashboard />);
    const asked = (path: string) =>
      waitFor(() => expect(fake.requests.map((request) => request.path)).toContain(path));
    await screen.findByText('Cost by provider and day');
    await user.click(screen.getByRole('radio', { name: 'Last 3 months' }));
    await asked('/admin/usage/customers?from=2026-01-01&to=2026-03-21&limit=10');
    await user.click(screen.getByRole('radio', { name: 'Last 12 months' }));
    await asked('/admin/usage/timeseries?from=2025-04-01&to=2026-03-21&granularity=month&groupBy=provider');
    await asked('/admin/usage/customers?from=2025-04-01&to=2026-03-21&limit=10');

    expect(new Set(fake.requests.map((request) => request.path.split('?')[0]))).toEqual(
      new Set([
        '/admin/usage/summary',
        '/admin/usage/timeseries',
        '/admin/usage/customers',
        '/admin/usage/budgets',
      ]),
    );
    expect(requestProblems(fake)).toEqual([]);
  });

  it('manage budgets with bodies the server accepts, and filter alerts as it expects', async () => {
    const { user, fake } = renderUsage(
      server,
      <>
        <BudgetsEditor />
        <BudgetAlerts />
      </>,
    );
    await screen.findByRole('heading', { name: 'All spend' });
    await user.click(screen.getByRole('button', { name: 'New budget' }));
    let dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('radio', { name: 'One provider' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Provider' }), 'geoscape');
    await user.type(within(dialog).getByRole('textbox', { name: 'Monthly cap' }), '7.5');
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));
    await screen.findByText('Budget for Geoscape only created.');
    await user.click(screen.getByRole('button', { name: 'Edit the budget for All spend' }));
    dialog = screen.getByRole('dialog');
    await user.clear(within(dialog).getByRole('textbox', { name: 'Alert at (%)' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Alert at (%)' }), '25 50 75 100');
    await user.click(within(dialog).getByRole('button', { name: 'Save budget' }));
    await screen.findByText('Budget for All spend saved.');
    await user.click(screen.getByRole('button', { name: 'Delete the budget for Geoscape only' }));
    await user.click(screen.getByRole('button', { name: 'Delete budget' }));
    await screen.findByText('Budget for Geoscape only deleted.');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Budget' }), 'OpenAI only');

    const methods = new Set(fake.requests.map((request) => request.method));
    expect([...methods].sort()).toEqual(['DELETE', 'GET', 'POST', 'PUT']);
    expect(requestProblems(fake)).toEqual([]);
  });

  it('are answered by a fake that builds every answer as the server does', async () => {
    const fake = createUsageFake();
    const problems = [
      ...(await answerProblems(fake, 'GET', '/admin/usage/summary?from=2026-03-01&to=2026-03-21')),
      ...(await answerProblems(
        fake,
        'GET',
        '/admin/usage/summary?from=2025-04-01&to=2026-03-21&currency=usd',
      )),
      ...(await answerProblems(
        fake,
        'GET',
        '/admin/usage/timeseries?from=2025-04-01&to=2026-03-21&granularity=month&groupBy=provider',
      )),
      ...(await answerProblems(
        fake,
        'GET',
        '/admin/usage/timeseries?from=2026-03-19&to=2026-03-21&granularity=hour',
      )),
      ...(await answerProblems(
        fake,
        'GET',
        '/admin/usage/customers?from=2026-03-01&to=2026-03-21&limit=3&cursor=3',
      )),
      ...(await answerProblems(
        fake,
        'GET',
        '/admin/usage/costs?from=2026-03-01&to=2026-03-21&groupBy=provider,model',
      )),
      ...(await answerProblems(fake, 'GET', '/admin/usage/budgets')),
      ...(await answerProblems(fake, 'GET', '/admin/usage/alerts?period=2026-03-14')),
      ...(await answerProblems(fake, 'POST', '/admin/usage/budgets', {
        provider: 'openai',
        id: 'ai',
        monthly: '1',
        currency: 'usd',
      })),
      ...(await answerProblems(fake, 'PUT', '/admin/usage/budgets/ai', {
        monthly: '2.5',
        currency: 'AUD',
        thresholds: [90],
      })),
      ...(await answerProblems(fake, 'DELETE', '/admin/usage/budgets/ai')),
    ];
    expect(problems).toEqual([]);
  });

  it('are refused by the fake where the contract refuses them, naming the same field', async () => {
    const fake = createUsageFake({ dataset: 'empty' });
    const bodies: unknown[] = [
      { monthly: '500.00', currency: 'AUD' },
      { monthly: '0', currency: 'AUD' },
      { monthly: '12.3456789', currency: 'AUD' },
      { monthly: 500, currency: 'AUD' },
      { monthly: '5', currency: 'AU' },
      { monthly: '5', currency: 'AUD', thresholds: [50, 50] },
      { monthly: '5', currency: 'AUD', thresholds: [50, 2000] },
      { monthly: '5', currency: 'AUD', thresholds: [] },
      { monthly: '5', currency: 'AUD', provider: '  ' },
      { monthly: '5', currency: 'AUD', id: 'no spaces' },
    ];
    for (const body of bodies) {
      const parsed = usageCreateBudgetRequestSchema.safeParse(body);
      const response = await fake.fetch(`${fake.basePath}/admin/usage/budgets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = errorBodySchema.safeParse(await response.json());
      if (parsed.success) {
        expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 201]);
        await fake.fetch(`${fake.basePath}/admin/usage/budgets/overall`, { method: 'DELETE' });
        continue;
      }
      const paths = parsed.error.issues.map((issue) => issue.path.map(String).join('.'));
      const error = answer.success ? answer.data.error : null;
      expect([
        JSON.stringify(body),
        response.status,
        error?.param,
        error?.issues?.map((i) => i.path),
      ]).toEqual([JSON.stringify(body), 400, paths[0], paths]);
    }
  });

  it('are answered by the fake as the server answers a taken id and a provider its id contradicts', async () => {
    const fake = createUsageFake({ dataset: 'empty' });
    const send = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
      const response = await fake.fetch(`${fake.basePath}/admin/usage${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      const error = errorBodySchema.safeParse(answer);
      return [response.status, error.success ? (error.data.error.param ?? null) : 'no error'];
    };
    const cap = { monthly: '5', currency: 'AUD' };

    expect(await send('POST', '/budgets', cap)).toEqual([201, 'no error']);
    expect(await send('POST', '/budgets', { ...cap, provider: 'openai' })).toEqual([201, 'no error']);
    expect(await send('POST', '/budgets', { ...cap, id: 'team-ai' })).toEqual([201, 'no error']);
    expect(await send('POST', '/budgets', cap)).toEqual([409, null]);
    expect(await send('POST', '/budgets', { ...cap, provider: 'openai' })).toEqual([409, 'provider']);
    expect(await send('POST', '/budgets', { ...cap, id: 'team-ai' })).toEqual([409, 'id']);
    expect(await send('PUT', '/budgets/provider:openai', { ...cap, provider: 'geoscape' })).toEqual([
      400,
      'provider',
    ]);
    expect(await send('PUT', '/budgets/provider:openai', cap)).toEqual([400, 'provider']);
    expect(await send('PUT', '/budgets/team-ai', { ...cap, provider: 'geoscape' })).toEqual([
      200,
      'no error',
    ]);
    expect(fake.budgets.map((budget) => [budget.id, budget.scope])).toEqual([
      ['overall', { kind: 'overall' }],
      ['provider:openai', { kind: 'provider', provider: 'openai' }],
      ['team-ai', { kind: 'provider', provider: 'geoscape' }],
    ]);
  });
});
