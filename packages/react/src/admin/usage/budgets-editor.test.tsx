import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { axeViolations, renderUsage, startUsageServer } from '../../../test/usage-test-kit.js';
import { createUsageFake } from '../../testing/usage-fake.js';
import { BudgetsEditor } from './budgets-editor.js';

const server = startUsageServer();

/** The budget whose heading is `name`, once the list has loaded. */
async function budgetItem(name: string): Promise<HTMLElement> {
  return (await screen.findByRole('heading', { name })).closest('li')!;
}

function budgetNames(): string[] {
  return screen
    .getAllByRole('heading', { level: 3 })
    .map((heading) => heading.textContent ?? '')
    .filter((name) => name !== 'Budgets');
}

describe('BudgetsEditor', () => {
  it('creates a budget with POST /usage/budgets, and the list shows it', async () => {
    const { user, fake } = renderUsage(server, <BudgetsEditor headingLevel={2} />);
    await budgetItem('All spend');
    const opener = screen.getByRole('button', { name: 'New budget' });
    await user.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'New budget' });
    await user.click(within(dialog).getByRole('radio', { name: 'One provider' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Provider' }), 'geoscape');
    await user.type(within(dialog).getByRole('textbox', { name: 'Monthly cap' }), '5');
    expect(within(dialog).getByRole('textbox', { name: 'Currency' })).toHaveProperty('value', 'AUD');
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));

    expect(await screen.findByText('Budget for Geoscape only created.')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(fake.requests.filter((request) => request.method === 'POST')).toEqual([
      expect.objectContaining({
        path: '/admin/usage/budgets',
        body: { provider: 'geoscape', monthly: '5', currency: 'AUD', thresholds: [50, 80, 100] },
      }),
    ]);
    const geoscape = await budgetItem('Geoscape only');
    expect(geoscape.querySelector('.billkit-budget-figures')!.textContent).toMatch(
      /^Spend in Mar 2026: \$\d+\.\d{2} of \$5\.00 \(\d+(\.\d)?%\)$/,
    );
    expect(budgetNames()).toEqual(['All spend', 'OpenAI only', 'Geoscape only']);
  });

  it('shows each field the server refuses under that field, and creates nothing', async () => {
    const { user, fake } = renderUsage(server, <BudgetsEditor />);
    await budgetItem('All spend');
    await user.click(screen.getByRole('button', { name: 'New budget' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('radio', { name: 'One provider' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Provider' }), 'smartystreets');
    await user.type(within(dialog).getByRole('textbox', { name: 'Monthly cap' }), '0.00');
    const thresholds = within(dialog).getByRole('textbox', { name: 'Alert at (%)' });
    await user.clear(thresholds);
    await user.type(thresholds, '50, 80, 80');
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));

    expect(await within(dialog).findByRole('alert')).toHaveProperty(
      'textContent',
      'Some details aren’t valid. Check them and try again.',
    );
    const monthly = within(dialog).getByRole('textbox', { name: 'Monthly cap' });
    expect(monthly.getAttribute('aria-invalid')).toBe('true');
    expect(monthly.getAttribute('aria-describedby')).toBeTruthy();
    const describedBy = monthly.getAttribute('aria-describedby')!.split(' ');
    expect(describedBy.map((id) => document.getElementById(id)?.textContent)).toContain('More than zero.');
    expect(thresholds.getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).getByText('Each threshold once.')).toBeTruthy();
    expect(within(dialog).getByRole('textbox', { name: 'Provider' }).getAttribute('aria-invalid')).toBeNull();
    expect(fake.requests.filter((request) => request.method === 'POST')).toEqual([
      expect.objectContaining({
        path: '/admin/usage/budgets',
        body: { provider: 'smartystreets', monthly: '0.00', currency: 'AUD', thresholds: [50, 80, 80] },
      }),
    ]);
    expect(fake.budgets.map((budget) => budget.id)).toEqual(['overall', 'provider:openai']);

    // Fixing the fields and sending again works, and the old errors go.
    await user.clear(monthly);
    await user.type(monthly, '12.50');
    await user.clear(thresholds);
    await user.type(thresholds, '50, 80, 100');
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));
    expect(await screen.findByText('Budget for SmartyStreets only created.')).toBeTruthy();
  });

  it('says so at the provider when its scope already has a budget', async () => {
    const { user } = renderUsage(server, <BudgetsEditor />);
    await budgetItem('OpenAI only');
    await user.click(screen.getByRole('button', { name: 'New budget' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('radio', { name: 'One provider' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Provider' }), 'openai');
    await user.type(within(dialog).getByRole('textbox', { name: 'Monthly cap' }), '100');
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));

    const provider = within(dialog).getByRole('textbox', { name: 'Provider' });
    await waitFor(() => expect(provider.getAttribute('aria-invalid')).toBe('true'));
    expect(
      within(dialog).getAllByText('There is a budget for this already. Edit that one instead.'),
    ).toHaveLength(2);
  });

  it('says so in the dialog when the overall budget exists, and creates nothing', async () => {
    const { user, fake } = renderUsage(server, <BudgetsEditor />);
    await budgetItem('All spend');
    await user.click(screen.getByRole('button', { name: 'New budget' }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByRole('textbox', { name: 'Monthly cap' }), '100');
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));

    expect(await within(dialog).findByRole('alert')).toHaveProperty(
      'textContent',
      'There is a budget for this already. Edit that one instead.',
    );
    expect(fake.budgets.map((budget) => budget.id)).toEqual(['overall', 'provider:openai']);
  });

  it('checks what the server cannot guess before sending anything', async () => {
    const { user, fake } = renderUsage(server, <BudgetsEditor />);
    await budgetItem('All spend');
    await user.click(screen.getByRole('button', { name: 'New budget' }));
    const dialog = screen.getByRole('dialog');
    const thresholds = within(dialog).getByRole('textbox', { name: 'Alert at (%)' });
    await user.clear(thresholds);
    await user.type(thresholds, 'half, all');
    await user.click(within(dialog).getByRole('button', { name: 'Create budget' }));

    expect(within(dialog).getByText('Fill this in.')).toBeTruthy();
    expect(within(dialog).getByText('Whole percentages separated by commas, like 50, 80, 100.')).toBeTruthy();
    expect(fake.requests.some((request) => request.method === 'POST')).toBe(false);
  });

  it('changes a budget’s cap with PUT, reading the cap typed in the reader’s locale', async () => {
    const { user, fake } = renderUsage(server, <BudgetsEditor />, { locale: 'de-DE' });
    const openai = await budgetItem('OpenAI only');
    const before = fake.budgets.find((budget) => budget.id === 'provider:openai')!;
    await user.click(within(openai).getByRole('button', { name: 'Edit the budget for OpenAI only' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit the budget for OpenAI only' });
    const monthly = within(dialog).getByRole('textbox', { name: 'Monthly cap' });
    expect(monthly).toHaveProperty('value', `${before.amountMicros / 1_000_000},00`);
    await user.clear(monthly);
    await user.type(monthly, '1.250,5');
    await user.click(within(dialog).getByRole('button', { name: 'Save budget' }));

    expect(await screen.findByText('Budget for OpenAI only saved.')).toBeTruthy();
    expect(fake.requests.filter((request) => request.method === 'PUT')).toEqual([
      expect.objectContaining({
        path: '/admin/usage/budgets/provider%3Aopenai',
        body: { provider: 'openai', monthly: '1250.5', currency: 'USD', thresholds: [50, 80, 100] },
      }),
    ]);
    await waitFor(() =>
      expect(openai.querySelector('.billkit-budget-figures')!.textContent).toMatch(/ of 1\.250,50\s\$ /),
    );
  });

  it('deletes a budget after a confirmation, keeping the alerts it sent', async () => {
    const { user, fake } = renderUsage(server, <BudgetsEditor />);
    const openai = await budgetItem('OpenAI only');
    const alertsBefore = fake.alerts.filter((alert) => alert.budgetId === 'provider:openai').length;
    await user.click(within(openai).getByRole('button', { name: 'Delete the budget for OpenAI only' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete the budget for OpenAI only?' });
    expect(dialog.textContent).toContain('The alerts it already sent stay in the list.');
    await user.click(within(dialog).getByRole('button', { name: 'Delete budget' }));

    expect(await screen.findByText('Budget for OpenAI only deleted.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'OpenAI only' })).toBeNull());
    expect(fake.requests.filter((request) => request.method === 'DELETE')).toEqual([
      expect.objectContaining({ path: '/admin/usage/budgets/provider%3Aopenai' }),
    ]);
    expect(budgetNames()).toEqual(['All spend']);
    expect(alertsBefore).toBeGreaterThan(0);
    expect(fake.alerts.filter((alert) => alert.budgetId === 'provider:openai')).toHaveLength(alertsBefore);
  });

  it('keeps the budget when the delete is called off', async () => {
    const { user, fake } = renderUsage(server, <BudgetsEditor />);
    const overall = await budgetItem('All spend');
    await user.click(within(overall).getByRole('button', { name: 'Delete the budget for All spend' }));
    await user.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.requests.some((request) => request.method === 'DELETE')).toBe(false);
  });

  it('shows the bars only when read-only', async () => {
    renderUsage(server, <BudgetsEditor readOnly />);
    await budgetItem('All spend');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says so when there are no budgets yet', async () => {
    renderUsage(server, <BudgetsEditor />, { dataset: 'empty' });
    expect(await screen.findByText(/^No budgets yet\./)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'New budget' })).toBeTruthy();
  });

  it('shows a failure to load with a way to try again', async () => {
    const fake = createUsageFake();
    fake.fail('GET /usage/budgets', { network: true, times: 1 });
    const { user } = renderUsage(server, <BudgetsEditor />, { fake });
    expect(
      await screen.findByText(
        'We couldn’t load the budgets. We couldn’t reach the billing service. Check your connection and try again.',
      ),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await budgetItem('All spend')).toBeTruthy();
  });

  it('has no accessibility violations axe can find, with its dialog open too', async () => {
    const { container, user } = renderUsage(server, <BudgetsEditor />);
    await budgetItem('All spend');
    expect(await axeViolations(container)).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'New budget' }));
    await user.click(screen.getByRole('radio', { name: 'One provider' }));
    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    await screen.findAllByText('Fill this in.');
    expect(await axeViolations(container)).toEqual([]);
  });
});
