import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { axeViolations, renderUsage, startUsageServer } from '../../../test/usage-test-kit.js';
import { createUsageFake } from '../../testing/usage-fake.js';
import { BudgetAlerts } from './budget-alerts.js';

const server = startUsageServer();

const aud = (micros: number) =>
  new Intl.NumberFormat('en-AU', { style: 'currency', currency: 'AUD' }).format(
    Math.round(micros / 10_000) / 100,
  );

function rowsOf(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? ''));
}

describe('BudgetAlerts', () => {
  it('lists the alerts sent, newest first: kind, budget, period, percentage crossed and spend', async () => {
    const fake = createUsageFake();
    renderUsage(server, <BudgetAlerts />, { fake });
    const table = await screen.findByRole('table', { name: 'Budget alerts sent, newest first' });
    await screen.findByRole('option', { name: 'OpenAI only' });
    const rows = rowsOf(table);
    const newest = [...fake.alerts].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));

    expect(rows).toHaveLength(newest.length);
    const eighty = newest[0]!;
    expect(eighty).toMatchObject({
      budgetId: 'overall',
      kind: 'threshold',
      threshold: 80,
      period: '2026-03',
    });
    // Sydney time, as the provider is told in the tests.
    expect(rows[0]).toEqual([
      expect.stringMatching(/^1[89] Mar 2026, \d{1,2}:\d{2}\s[ap]m$/),
      'Threshold',
      'All spend',
      'Mar 2026',
      '80%',
      aud(eighty.spentMicros),
    ]);
    const spike = newest.find((alert) => alert.kind === 'anomaly')!;
    expect(rows[newest.indexOf(spike)]).toEqual([
      expect.stringContaining('14 Mar 2026'),
      'Spend spike',
      'All spend',
      '14 Mar 2026',
      'Unusual hourly spend',
      aud(spike.spentMicros),
    ]);
    const openai = rows.find((row) => row[2] === 'OpenAI only')!;
    expect(openai[5]).toMatch(/^USD\s\d+\.\d{2}$/);
  });

  it('filters by budget', async () => {
    const { user, fake } = renderUsage(server, <BudgetAlerts />);
    await screen.findByRole('option', { name: 'OpenAI only' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Budget' }), 'OpenAI only');

    await waitFor(() =>
      expect(fake.requests.at(-1)?.path).toBe('/admin/usage/alerts?budgetId=provider%3Aopenai&limit=50'),
    );
    const table = await screen.findByRole('table');
    await waitFor(() => expect(rowsOf(table).every((row) => row[2] === 'OpenAI only')).toBe(true));
    expect(rowsOf(table)).toHaveLength(
      fake.alerts.filter((alert) => alert.budgetId === 'provider:openai').length,
    );
  });

  it('names the alerts of a deleted budget by its id, with the spend’s currency unknown', async () => {
    const fake = createUsageFake();
    fake.budgets = fake.budgets.filter((budget) => budget.id !== 'provider:openai');
    renderUsage(server, <BudgetAlerts />, { fake });
    const table = await screen.findByRole('table');
    await waitFor(() =>
      expect(rowsOf(table).some((row) => row[2] === 'provider:openai (deleted)')).toBe(true),
    );
    const row = rowsOf(table).find((cells) => cells[2] === 'provider:openai (deleted)')!;
    expect(row[5]).toMatch(/^\d+\.\d{2} \(currency unknown\)$/);
  });

  it('says so when no alert has been sent', async () => {
    renderUsage(server, <BudgetAlerts />, { dataset: 'empty' });
    expect(await screen.findByText('No budget alerts have been sent.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows the failure with a way to try again', async () => {
    const fake = createUsageFake();
    fake.fail('GET /usage/alerts', { status: 502, raw: true, times: 1 });
    const { user } = renderUsage(server, <BudgetAlerts />, { fake });
    expect(
      await screen.findByText(
        'We couldn’t load the budget alerts. The billing service isn’t available right now. Please try again in a moment.',
      ),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table')).toBeTruthy();
  });

  it('has no accessibility violations axe can find', async () => {
    const { container } = renderUsage(server, <BudgetAlerts />);
    await screen.findByRole('table');
    await screen.findByRole('option', { name: 'OpenAI only' });
    expect(await axeViolations(container)).toEqual([]);
  });
});
