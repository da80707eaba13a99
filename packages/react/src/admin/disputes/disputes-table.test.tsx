import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { axeViolations, renderAdmin, startAdminServer } from '../../../test/admin-test-kit.js';
import { createAdminFake } from '../../testing/admin-fake.js';
import { DisputesTable } from './disputes-table.js';

const server = startAdminServer();

function rows(): HTMLElement[] {
  return within(screen.getByRole('table', { name: 'Disputes' }))
    .getAllByRole('row')
    .slice(1);
}

describe('DisputesTable', () => {
  it('lists disputes with their status, amount and evidence deadline', async () => {
    const { fake } = renderAdmin(server, <DisputesTable />);
    await screen.findByRole('table', { name: 'Disputes' });
    expect(rows()).toHaveLength(fake.disputes.length);
    const needsResponse = fake.disputes.find((d) => d.status === 'needs_response')!;
    const row = rows().find((r) => within(r).queryByText('Needs response'))!;
    expect(within(row).getByRole('rowheader').textContent).toBe(needsResponse.userId);
    expect(within(row).getByText(`$${(needsResponse.amount / 100).toFixed(2)}`)).toBeTruthy();
    expect(within(row).getByText('5 Feb 2026')).toBeTruthy();
    expect(within(row).getByText('Fraudulent')).toBeTruthy();
    // Only disputes still waiting for evidence offer the action.
    expect(screen.getAllByRole('button', { name: /^Mark evidence submitted for/ })).toHaveLength(2);
  });

  it('filters by status', async () => {
    const { user } = renderAdmin(server, <DisputesTable />);
    await screen.findByRole('table', { name: 'Disputes' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'Won');
    expect(await screen.findByText('Won', { selector: '.billkit-badge' })).toBeTruthy();
    expect(rows()).toHaveLength(1);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'Inquiry closed');
    expect(await screen.findByText('No disputes with this status.')).toBeTruthy();
  });

  it('marks evidence submitted after a confirmation, and the row moves to under review', async () => {
    const { user, fake } = renderAdmin(server, <DisputesTable />);
    const dispute = fake.disputes.find((d) => d.status === 'needs_response')!;
    const amount = `$${(dispute.amount / 100).toFixed(2)}`;
    await user.click(
      await screen.findByRole('button', {
        name: `Mark evidence submitted for the ${amount} dispute of ${dispute.userId}`,
      }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Submit the evidence' });
    expect(fake.requests.some((r) => r.method === 'POST')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Submit evidence' }));

    expect(await screen.findByText('Evidence submitted.')).toBeTruthy();
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      `/admin/disputes/${dispute.stripeDisputeId}/evidence-submitted`,
    ]);
    expect(screen.getAllByRole('button', { name: /^Mark evidence submitted for/ })).toHaveLength(1);
    expect(screen.getAllByText('Under review', { selector: '.billkit-badge' })).toHaveLength(2);
  });

  it('shows a failure inside the dialog', async () => {
    const fake = createAdminFake();
    fake.fail('POST /disputes/:disputeId/evidence-submitted', {
      status: 409,
      code: 'invalid_state',
      message: 'x',
    });
    const { user } = renderAdmin(server, <DisputesTable />, { fake });
    await user.click((await screen.findAllByRole('button', { name: /^Mark evidence submitted for/ }))[0]!);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Submit evidence' }));
    expect(await within(screen.getByRole('dialog')).findByRole('alert')).toHaveProperty(
      'textContent',
      'That isn’t possible in the current state.',
    );
  });

  it('says so when there are no disputes', async () => {
    renderAdmin(server, <DisputesTable />, { dataset: 'empty' });
    expect(await screen.findByText('No disputes. Good.')).toBeTruthy();
  });

  it('has no accessibility violations axe can find', async () => {
    const { container } = renderAdmin(server, <DisputesTable customerHref={(id) => `/customers/${id}`} />);
    await screen.findByRole('table', { name: 'Disputes' });
    expect(await axeViolations(container)).toEqual([]);
  });
});
