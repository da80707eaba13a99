import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { axeViolations, renderAdmin, startAdminServer } from '../../../test/admin-test-kit.js';
import { createAdminFake } from '../../testing/admin-fake.js';
import { ReportsPanel } from './reports-panel.js';

const server = startAdminServer();

describe('ReportsPanel', () => {
  it('links the CSV downloads and JSON views for the range', async () => {
    renderAdmin(server, <ReportsPanel />);
    const gstCsv = screen.getByRole('link', { name: 'GST report (CSV)' });
    expect(gstCsv.getAttribute('href')).toBe(
      '/api/billing/admin/reports/gst?from=2025-04-01&to=2026-01-31&period=quarter&format=csv',
    );
    expect(gstCsv.hasAttribute('download')).toBe(true);
    expect(screen.getByRole('link', { name: 'Journal (CSV)' }).getAttribute('href')).toBe(
      '/api/billing/admin/reports/journal.csv?from=2025-04-01&to=2026-01-31',
    );
    expect(screen.getByRole('link', { name: 'Revenue recognition (JSON)' }).getAttribute('href')).toBe(
      '/api/billing/admin/revenue/recognition?from=2025-04-01&to=2026-01-31',
    );

    const response = await fetch(new URL(gstCsv.getAttribute('href')!, window.location.href));
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect((await response.text()).split('\r\n')[0]).toBe(
      'period,from,to,G1 total sales,G2 exports,1A GST on sales,refunds,GST in refunds,net sales,net GST',
    );
  });

  it('shows GST by quarter with totals, then by month for another range', async () => {
    const { user, fake } = renderAdmin(server, <ReportsPanel />);
    const gst = await screen.findByRole('table', { name: 'GST by period, cash basis' });
    expect(
      within(gst)
        .getAllByRole('rowheader')
        .map((cell) => cell.textContent),
    ).toEqual(['2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', 'Total']);

    await user.clear(screen.getByLabelText('From'));
    await user.type(screen.getByLabelText('From'), '2025-10-01');
    await user.clear(screen.getByLabelText('To (not included)'));
    await user.type(screen.getByLabelText('To (not included)'), '2026-01-01');
    await user.click(screen.getByRole('radio', { name: 'Months' }));
    await user.click(screen.getByRole('button', { name: 'Show' }));

    await screen.findByRole('rowheader', { name: '2025-10' });
    const monthly = screen.getByRole('table', { name: 'GST by period, cash basis' });
    expect(
      within(monthly)
        .getAllByRole('rowheader')
        .map((cell) => cell.textContent),
    ).toEqual(['2025-10', '2025-11', '2025-12', 'Total']);
    expect(fake.requests.map((r) => r.path)).toContain(
      '/admin/reports/gst?from=2025-10-01&to=2026-01-01&period=month&format=json',
    );
    const recognition = screen.getByRole('table', {
      name: 'Revenue billed, earned and deferred by month (excl. GST)',
    });
    expect(
      within(recognition)
        .getAllByRole('rowheader')
        .map((cell) => cell.textContent),
    ).toEqual(['Oct 2025', 'Nov 2025', 'Dec 2025']);
  });

  it('refuses a range that ends before it starts', async () => {
    const { user, fake } = renderAdmin(server, <ReportsPanel />);
    await screen.findByRole('table', { name: 'GST by period, cash basis' });
    const asked = fake.requests.length;
    await user.clear(screen.getByLabelText('From'));
    await user.type(screen.getByLabelText('From'), '2026-06-01');
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(screen.getByText('The start must be before the end.')).toBeTruthy();
    expect(screen.getByLabelText('From').getAttribute('aria-invalid')).toBe('true');
    expect(fake.requests.length).toBe(asked);
  });

  it('shows each report’s failure on its own', async () => {
    const fake = createAdminFake();
    fake.fail('GET /revenue/recognition', { status: 500 });
    renderAdmin(server, <ReportsPanel />, { fake });
    expect(await screen.findByText(/^We couldn’t load revenue recognition\./)).toBeTruthy();
    expect(await screen.findByRole('table', { name: 'GST by period, cash basis' })).toBeTruthy();
  });

  it('has no accessibility violations axe can find', async () => {
    const { container } = renderAdmin(server, <ReportsPanel />);
    await screen.findByRole('table', { name: 'GST by period, cash basis' });
    await screen.findByRole('table', { name: 'Revenue billed, earned and deferred by month (excl. GST)' });
    expect(await axeViolations(container)).toEqual([]);
  });
});
