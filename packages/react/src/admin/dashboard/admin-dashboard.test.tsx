import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { axeViolations, renderAdmin, startAdminServer } from '../../../test/admin-test-kit.js';
import { createAdminFake } from '../../testing/admin-fake.js';
import { AdminDashboard } from './admin-dashboard.js';

const server = startAdminServer();

/** The value on the KPI card labelled `label`: the <dd> after its <dt>. */
function kpiValue(label: string): string {
  const term = screen.getByText(label, { selector: 'dt' });
  return term.nextElementSibling!.textContent!;
}

describe('AdminDashboard', () => {
  it('shows the key figures of the last 12 months, formatted', async () => {
    const fake = createAdminFake();
    const metrics = (await (
      await fake.fetch('/api/billing/admin/metrics?from=2025-02-01&to=2026-01-31')
    ).json()) as {
      mrr: number;
      payingCustomers: number;
      net: number;
      refunds: { amount: number };
    };
    const asked = fake.requests.length;
    renderAdmin(server, <AdminDashboard />, { fake });
    await screen.findByText('MRR', { selector: 'dt' });
    const money = (minor: number) =>
      new Intl.NumberFormat('en-AU', { style: 'currency', currency: 'AUD' }).format(minor / 100);

    expect(kpiValue('MRR')).toBe(money(metrics.mrr));
    expect(kpiValue('MRR')).toMatch(/^\$\d{1,3}(,\d{3})*\.\d{2}$/);
    expect(kpiValue('ARR')).toBe(money(metrics.mrr * 12));
    expect(kpiValue('Paying customers')).toBe(String(metrics.payingCustomers));
    expect(kpiValue('Refunds')).toBe(money(metrics.refunds.amount));
    expect(kpiValue('Net revenue')).toBe(money(metrics.net));
    expect(kpiValue('Churn')).toMatch(/^\d+(\.\d)?%$/);
    expect(kpiValue('Payment success')).toMatch(/^\d+(\.\d)?%$/);
    for (const label of ['ARPU', 'LTV', 'Recovery', 'Disputes']) expect(kpiValue(label)).not.toBe('');
    // The cards and the charts share one request.
    expect(fake.requests.slice(asked).filter((r) => r.path.startsWith('/admin/metrics'))).toEqual([
      expect.objectContaining({ path: '/admin/metrics?from=2025-02-01&to=2026-01-31' }),
    ]);
  });

  it('changes the range with the picker, and the cards and charts follow', async () => {
    const { user, fake } = renderAdmin(server, <AdminDashboard />);
    await screen.findByText('MRR', { selector: 'dt' });
    await user.click(screen.getByRole('radio', { name: 'Last 3 months' }));
    await screen.findByText('MRR', { selector: 'dt' });
    expect(fake.requests.at(-1)?.path).toBe('/admin/metrics?from=2025-11-01&to=2026-01-31');
    const table = await screen.findByRole('table', { name: 'MRR movements by month' });
    expect(
      within(table)
        .getAllByRole('rowheader')
        .map((cell) => cell.textContent),
    ).toEqual(['Nov 2025', 'Dec 2025', 'Jan 2026']);
  });

  it('says so when there is nothing to show yet', async () => {
    renderAdmin(server, <AdminDashboard />, { dataset: 'empty' });
    expect(await screen.findByText('No billing activity in this period yet.')).toBeTruthy();
    expect(screen.queryByText('MRR', { selector: 'dt' })).toBeNull();
  });

  it('shows the failure with a way to try again', async () => {
    const fake = createAdminFake();
    fake.fail('GET /metrics', { status: 503, code: 'stripe_unavailable', times: 1 });
    const { user } = renderAdmin(server, <AdminDashboard />, { fake });
    expect(
      await screen.findByText(
        'We couldn’t load the figures. Stripe isn’t available right now. Please try again in a moment.',
      ),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('MRR', { selector: 'dt' })).toBeTruthy();
  });

  it('has no accessibility violations axe can find', async () => {
    const { container } = renderAdmin(server, <AdminDashboard />);
    await screen.findByText('MRR', { selector: 'dt' });
    expect(await axeViolations(container)).toEqual([]);
  });
});
