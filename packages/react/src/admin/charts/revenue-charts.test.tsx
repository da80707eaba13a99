import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { axeViolations, renderAdmin, startAdminServer } from '../../../test/admin-test-kit.js';
import { createAdminFake } from '../../testing/admin-fake.js';
import type { MetricsJson } from '../wire.js';
import { RevenueCharts } from './revenue-charts.js';

const server = startAdminServer();

const aud = (minor: number) =>
  new Intl.NumberFormat('en-AU', { style: 'currency', currency: 'AUD' }).format(minor / 100);

describe('RevenueCharts', () => {
  it('gives every figure of the charts in a table, month by month', async () => {
    const fake = createAdminFake();
    const metrics = (await (
      await fake.fetch('/api/billing/admin/metrics?from=2025-08-01&to=2026-01-31')
    ).json()) as MetricsJson;
    const { user } = renderAdmin(server, <RevenueCharts months={6} />, { fake });

    const table = await screen.findByRole('table', { name: 'MRR movements by month' });
    await user.click(screen.getByText('Show the figures as a table'));
    const columns = within(table)
      .getAllByRole('columnheader')
      .map((cell) => cell.textContent);
    expect(columns).toEqual([
      'Month',
      'New',
      'Expansion',
      'Reactivated',
      'Contraction',
      'Churned',
      'Net new',
      'MRR',
      'Customers',
      'Churn rate',
    ]);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual([
      'Aug 2025',
      'Sept 2025',
      'Oct 2025',
      'Nov 2025',
      'Dec 2025',
      'Jan 2026',
    ]);
    metrics.movements.forEach((month, index) => {
      const cells = within(rows[index]!)
        .getAllByRole('cell')
        .map((cell) => cell.textContent);
      expect(cells.slice(0, 7)).toEqual(
        [
          month.new,
          month.expansion,
          month.reactivated,
          month.contraction,
          month.churned,
          month.netNew,
          month.mrr,
        ].map(aud),
      );
      expect(cells[7]).toBe(String(month.customers));
    });
  });

  it('sums each chart up in words and hides the drawing from assistive technology', async () => {
    const fake = createAdminFake();
    const metrics = (await (
      await fake.fetch('/api/billing/admin/metrics?from=2025-02-01&to=2026-01-31')
    ).json()) as MetricsJson;
    const { container } = renderAdmin(server, <RevenueCharts />, { fake });
    const movements = await screen.findByRole('figure', { name: 'MRR movements' });
    const net = metrics.movements.reduce((sum, month) => sum + month.netNew, 0);
    expect(movements.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(movements.getAttribute('aria-describedby')!)?.textContent).toContain(
      `from Feb 2025 to Jan 2026: ${aud(net)} net new MRR in all`,
    );
    const trend = screen.getByRole('figure', { name: 'MRR and churn rate' });
    expect(trend.textContent).toContain(`to ${aud(metrics.mrr)} at the end of Jan 2026`);
    for (const drawing of container.querySelectorAll('.billkit-chart-drawing')) {
      expect(drawing.getAttribute('aria-hidden')).toBe('true');
    }
  });

  it('says so when there are no movements yet', async () => {
    renderAdmin(server, <RevenueCharts />, { dataset: 'empty' });
    expect(await screen.findByText('No MRR movements in this period yet.')).toBeTruthy();
    expect(screen.queryByRole('figure')).toBeNull();
  });

  it('says what is loading, and what failed', async () => {
    const fake = createAdminFake();
    fake.fail('GET /metrics', { network: true });
    renderAdmin(server, <RevenueCharts />, { fake });
    expect(
      await screen.findByText(/^We couldn’t load the revenue charts\. We couldn’t reach the billing service/),
    ).toBeTruthy();
  });

  it('has no accessibility violations axe can find', async () => {
    const { container } = renderAdmin(server, <RevenueCharts />);
    await screen.findByRole('table', { name: 'MRR movements by month' });
    expect(await axeViolations(container)).toEqual([]);
  });
});
