import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { answerOf, axeViolations, renderUsage, startUsageServer } from '../../../test/usage-test-kit.js';
import { createUsageFake } from '../../testing/usage-fake.js';
import type {
  BudgetStatusJson,
  UsageCustomersPageJson,
  UsageSummaryJson,
  UsageTimeseriesJson,
} from '../wire.js';
import { ApiUsageDashboard } from './api-usage-dashboard.js';

const server = startUsageServer();

/** The fake's clock is 20 March 2026, 06:00 UTC: "this month" is 1 to 20 March. */
const THIS_MONTH = 'from=2026-03-01&to=2026-03-21';

/** Micro-AUD as the dashboard shows amounts of a cent or more: rounded to the cent. */
const aud = (micros: number) =>
  new Intl.NumberFormat('en-AU', { style: 'currency', currency: 'AUD' }).format(
    Math.round(micros / 10_000) / 100,
  );

/** A percentage as the dashboard shows it: 85.38 → "85.4%". */
const percent = (value: number) =>
  new Intl.NumberFormat('en-AU', { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);

/** The value on the KPI card labelled `label`: the <dd> after its <dt>. */
function kpiValue(label: string): string {
  const term = screen.getByText(label, { selector: 'dt' });
  return term.nextElementSibling!.textContent!;
}

describe('ApiUsageDashboard', () => {
  it('shows this month’s spend, calls, cost per call, customers and forecast, from micro-units', async () => {
    const fake = createUsageFake();
    const summary = await answerOf<UsageSummaryJson>(fake, `/usage/summary?${THIS_MONTH}`);
    renderUsage(server, <ApiUsageDashboard />, { fake });
    await screen.findByText('Spend', { selector: 'dt' });

    expect(summary.currency).toBe('AUD');
    expect(kpiValue('Spend')).toBe(aud(summary.costMicros));
    expect(kpiValue('Spend')).toMatch(/^\$\d+\.\d{2}$/);
    expect(kpiValue('Calls')).toBe(summary.count.toLocaleString('en-AU'));
    expect(kpiValue('Customers')).toBe('8');
    expect(kpiValue('Month-end forecast')).toBe(aud(summary.forecast.forecastMicros));
    // A call costs a fraction of a cent: the card keeps two significant digits instead of "$0.00".
    const perCall = kpiValue('Cost per call');
    expect(perCall).toMatch(/^\$0\.000?[1-9]\d?$/);
    const exact = summary.costMicros / summary.count / 1_000_000;
    expect(Math.abs(Number(perCall.slice(1)) - exact) / exact).toBeLessThan(0.1);
    expect(screen.getByText(/^\d+ failed \(\d+(\.\d)?%\)$/)).toBeTruthy();
    expect(
      screen.getByText(`Mar 2026 at its pace so far; ${aud(summary.forecast.spentMicros)} spent`),
    ).toBeTruthy();
  });

  it('shows each budget’s month against its cap, with the alert marks and the forecast marker', async () => {
    const fake = createUsageFake();
    const { budgets } = await answerOf<{ budgets: BudgetStatusJson[] }>(fake, '/usage/budgets');
    renderUsage(server, <ApiUsageDashboard />, { fake });
    const overall = (await screen.findByRole('heading', { name: 'All spend' })).closest('li')!;
    const status = budgets.find((budget) => budget.budget.id === 'overall')!;

    expect(status.percent).toBeGreaterThan(84.5);
    expect(status.percent).toBeLessThan(85.5);
    expect(overall.querySelector('.billkit-budget-figures')!.textContent).toBe(
      `Spend in Mar 2026: ${aud(status.spentMicros)} of ${aud(status.budget.amountMicros)} (${percent(status.percent)})`,
    );
    expect(within(overall).getByText('Nearly spent')).toBeTruthy();
    // The month runs at a pace that ends past the cap: the bar's scale reaches the forecast.
    const forecastPercent = (status.forecastMicros / status.budget.amountMicros) * 100;
    expect(forecastPercent).toBeGreaterThan(100);
    const scale = Math.min(150, forecastPercent);
    expect(
      within(overall).getByText(
        `Forecast by month end: ${aud(status.forecastMicros)} (${percent(forecastPercent)})`,
      ),
    ).toBeTruthy();
    const left = (percent: number) => `${(percent / scale) * 100}%`;
    const bar = overall.querySelector('.billkit-budget-bar')!;
    expect(bar.getAttribute('aria-hidden')).toBe('true');
    expect((bar.querySelector('.billkit-budget-fill') as HTMLElement).style.width).toBe(left(status.percent));
    expect(
      [...bar.querySelectorAll<HTMLElement>('.billkit-budget-mark')].map((mark) => mark.style.left),
    ).toEqual([50, 80, 100].map(left));
    expect((bar.querySelector('.billkit-budget-forecast-marker') as HTMLElement).style.left).toBe('100%');
    expect(
      within(overall).getByText(`Alerts at 50%, 80%, 100% · ${status.alerts.length} alerts this month`),
    ).toBeTruthy();
    expect(status.alerts.map((alert) => alert.kind).sort()).toEqual(['anomaly', 'threshold', 'threshold']);

    // The OpenAI budget is kept in US dollars.
    const openai = screen.getByRole('heading', { name: 'OpenAI only' }).closest('li')!;
    expect(openai.querySelector('.billkit-budget-figures')!.textContent).toMatch(
      /^Spend in Mar 2026: USD\s\d+\.\d{2} of USD\s\d+\.00 \(6\d(\.\d)?%\)$/,
    );
  });

  it('marks a budget that is spent with the bar past 100 %', async () => {
    renderUsage(server, <ApiUsageDashboard />, { dataset: 'over_budget' });
    const overall = (await screen.findByRole('heading', { name: 'All spend' })).closest('li')!;
    expect(within(overall).getByText('Over budget')).toBeTruthy();
    expect(overall.querySelector('.billkit-budget-figures')!.textContent).toMatch(/ \(11[12](\.\d)?%\)$/);
    const fill = overall.querySelector<HTMLElement>('.billkit-budget-fill')!;
    const hundred = overall.querySelectorAll<HTMLElement>('.billkit-budget-mark')[2]!;
    expect(Number.parseFloat(fill.style.width)).toBeGreaterThan(Number.parseFloat(hundred.style.left));
  });

  it('changes the range with the picker, and the figures, chart and customers follow', async () => {
    const { user, fake } = renderUsage(server, <ApiUsageDashboard />);
    await screen.findByText('Spend', { selector: 'dt' });
    expect(fake.requests.map((request) => request.path)).toEqual(
      expect.arrayContaining([
        `/admin/usage/summary?${THIS_MONTH}`,
        `/admin/usage/timeseries?${THIS_MONTH}&granularity=day&groupBy=provider`,
        `/admin/usage/customers?${THIS_MONTH}&limit=10`,
        '/admin/usage/budgets',
      ]),
    );

    await user.click(screen.getByRole('radio', { name: 'Last 12 months' }));
    const table = await screen.findByRole('table', { name: 'Cost by provider and month' });
    const range = 'from=2025-04-01&to=2026-03-21';
    expect(fake.requests.map((request) => request.path)).toEqual(
      expect.arrayContaining([
        `/admin/usage/summary?${range}`,
        `/admin/usage/timeseries?${range}&granularity=month&groupBy=provider`,
        `/admin/usage/customers?${range}&limit=10`,
      ]),
    );
    const months = within(table)
      .getAllByRole('rowheader')
      .map((cell) => cell.textContent);
    expect(months.slice(0, 2)).toEqual(['Apr 2025', 'May 2025']);
    expect(months.slice(-2)).toEqual(['Mar 2026', 'In all']);
  });

  it('gives the chart’s figures in a table, day by day, with the forecast’s pace to the month’s end', async () => {
    const fake = createUsageFake();
    const series = await answerOf<UsageTimeseriesJson>(
      fake,
      `/usage/timeseries?${THIS_MONTH}&granularity=day&groupBy=provider`,
    );
    const summary = await answerOf<UsageSummaryJson>(fake, `/usage/summary?${THIS_MONTH}`);
    const { user } = renderUsage(server, <ApiUsageDashboard />, { fake });
    const table = await screen.findByRole('table', { name: 'Cost by provider and day' });
    await user.click(screen.getByText('Show the figures as a table'));

    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent),
    ).toEqual(['Day', 'OpenAI', 'Geoscape', 'SmartyStreets', 'Total', 'Forecast (daily pace)']);
    const rows = within(table).getAllByRole('row').slice(1);
    const days = rows.map((row) => within(row).getByRole('rowheader').textContent);
    expect(days[0]).toBe('1 Mar 2026');
    expect(days[19]).toBe('20 Mar 2026');
    expect(days[30]).toBe('31 Mar 2026');
    expect(days[31]).toBe('In all');

    const pace = aud(Math.round(summary.forecast.forecastMicros / 31));
    const cells = (index: number) =>
      within(rows[index]!)
        .getAllByRole('cell')
        .map((cell) => cell.textContent);
    const day = 4;
    const total = series.series.reduce((sum, line) => sum + line.costMicros[day]!, 0);
    expect(cells(day)).toEqual([
      ...series.series.map((line) => aud(line.costMicros[day]!)),
      aud(total),
      pace,
    ]);
    // Days still to come have no costs, only the forecast's pace.
    expect(cells(25)).toEqual(['—', '—', '—', '—', pace]);
    expect(cells(31).slice(0, 3)).toEqual(series.series.map((line) => aud(line.totalCostMicros)));

    const figure = screen.getByRole('figure', { name: 'Daily cost by provider' });
    const sentence = document.getElementById(figure.getAttribute('aria-describedby')!)!.textContent;
    expect(sentence).toContain(`From 1 Mar 2026 to 20 Mar 2026: ${aud(summary.costMicros)} in all`);
    expect(sentence).toContain(`most of it OpenAI (${aud(series.series[0]!.totalCostMicros)})`);
    expect(sentence).toContain(`Mar 2026 ends at ${aud(summary.forecast.forecastMicros)}`);
    expect(figure.querySelector('.billkit-chart-drawing')!.getAttribute('aria-hidden')).toBe('true');
  });

  it('lists the costliest customers with the quota of each feature they used', async () => {
    const fake = createUsageFake();
    const page = await answerOf<UsageCustomersPageJson>(fake, `/usage/customers?${THIS_MONTH}&limit=10`);
    renderUsage(server, <ApiUsageDashboard customerHref={(id) => `/admin/customers/${id}`} />, {
      fake,
      messages: { usage: { featureNames: { ai_review: 'AI review' } } },
    });
    const table = await screen.findByRole('table', { name: 'Customers by API cost (8 customers)' });
    const rows = within(table).getAllByRole('row').slice(1);

    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual(
      page.items.map((customer) => customer.customerId),
    );
    expect(within(rows[0]!).getByRole('link', { name: 'user_ava' }).getAttribute('href')).toBe(
      '/admin/customers/user_ava',
    );
    expect(within(rows[0]!).getAllByRole('cell')[0]!.textContent).toBe(aud(page.items[0]!.costMicros));

    const mia = rows.find((row) => row.textContent?.startsWith('user_mia'))!;
    expect(within(mia).getByText('AI review: 10 of 10')).toBeTruthy();
    expect(within(mia).getByText(', resets 1 Apr 2026')).toBeTruthy();
    expect(within(mia).getByText('Limit reached')).toBeTruthy();
    const noah = rows.find((row) => row.textContent?.startsWith('user_noah'))!;
    expect(within(noah).getByText(/^AI review: 4\d of 50$/)).toBeTruthy();
    expect(within(noah).getByText('Nearly used')).toBeTruthy();
    expect(
      screen.getByText(
        `Calls that served no customer: ${aud(page.unattributed.costMicros)} over ${page.unattributed.count.toLocaleString('en-AU')} calls.`,
      ),
    ).toBeTruthy();
  });

  it('says so when there is no usage yet, and still offers a first budget', async () => {
    renderUsage(server, <ApiUsageDashboard />, { dataset: 'empty' });
    expect(await screen.findByText('No API usage in this period yet.')).toBeTruthy();
    expect(await screen.findByText(/^No budgets yet\./)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'New budget' })).toBeTruthy();
    expect(screen.queryByText('Spend', { selector: 'dt' })).toBeNull();
    expect(screen.queryByRole('figure')).toBeNull();
  });

  it('shows the failure with a way to try again', async () => {
    const fake = createUsageFake();
    fake.fail('GET /usage/summary', { status: 503, code: 'internal_error', times: 1 });
    const { user } = renderUsage(server, <ApiUsageDashboard />, { fake });
    expect(
      await screen.findByText(
        'We couldn’t load API usage. The billing service isn’t available right now. Please try again in a moment.',
      ),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Spend', { selector: 'dt' })).toBeTruthy();
  });

  it('says what is loading', async () => {
    const fake = createUsageFake();
    fake.latency = 'infinite';
    renderUsage(server, <ApiUsageDashboard />, { fake });
    expect(await screen.findByText('Loading API usage…')).toBeTruthy();
    expect(screen.getByText('Loading budgets…')).toBeTruthy();
  });

  it('has no accessibility violations axe can find', async () => {
    const { container, user } = renderUsage(server, <ApiUsageDashboard />);
    await screen.findByRole('table', { name: 'Cost by provider and day' });
    await screen.findByRole('table', { name: /^Customers by API cost/ });
    await user.click(screen.getByText('Show the figures as a table'));
    expect(await axeViolations(container)).toEqual([]);
  });
});
