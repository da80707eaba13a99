// MRR over time with Recharts: the month's movements as stacked bars (new, expansion and reactivated
// above zero; contraction and churned below), then MRR and the churn rate as lines. The drawings are
// hidden from assistive technology; each has a sentence that sums it up, and a table under them
// holds every figure, so nothing is only in the picture. Colours are --billkit-chart-* properties.

import { type ReactNode, useId } from 'react';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { sectionClass } from '../../ui/section-class.js';
import { lastMonthsRange } from '../dashboard/metrics-range.js';
import { useMetrics } from '../dashboard/use-metrics.js';
import type { AdminFormatters } from '../format/admin-format.js';
import type { AdminMessages } from '../messages/admin-messages.js';
import { useAdminContext } from '../provider/admin-context.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import type { DateRangeQuery, MrrMonthJson } from '../wire.js';

export interface RevenueChartsProps {
  /**
   * How many months back from now to show (the current month included).
   * @default 12
   */
  months?: number;
  /** A range of its own instead of `months`: ISO dates, `to` excluded. */
  range?: DateRangeQuery;
  /**
   * The level of the section's heading: 3 inside a page that already has an h2.
   * @default 2
   */
  headingLevel?: 2 | 3;
  className?: string;
}

const GAINS = ['new', 'expansion', 'reactivated'] as const;
const LOSSES = ['contraction', 'churned'] as const;
const CHART_HEIGHT = 280;

/** MRR movements, MRR and churn rate by month, with a table of the figures. */
export function RevenueCharts({
  months = 12,
  range,
  headingLevel = 2,
  className,
}: RevenueChartsProps): ReactNode {
  const { messages, now } = useAdminContext();
  const m = messages.charts;
  const headingId = useId();
  const query = useMetrics(range ?? lastMonthsRange(months, now));
  const metrics = query.metrics;
  const Heading = `h${headingLevel}` as const;

  return (
    <section className={sectionClass('billkit-revenue-charts', className)} aria-labelledby={headingId}>
      <Heading id={headingId} className="billkit-heading">
        {m.heading}
      </Heading>
      <AdminQueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {metrics && !hasMovements(metrics.movements) ? <p className="billkit-empty">{m.empty}</p> : null}
      {metrics && hasMovements(metrics.movements) ? (
        <MrrFigures movements={metrics.movements} currency={metrics.currency} headingLevel={headingLevel} />
      ) : null}
    </section>
  );
}

function hasMovements(movements: MrrMonthJson[]): boolean {
  return movements.some((month) => month.mrr !== 0 || month.netNew !== 0 || month.churned !== 0);
}

interface MrrFiguresProps {
  movements: MrrMonthJson[];
  currency: string;
  headingLevel: 2 | 3;
}

function MrrFigures({ movements, currency, headingLevel }: MrrFiguresProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.charts;
  const ids = useId();
  const rows = movements.map((month) => ({ ...month, label: format.month(month.month) }));
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const money = (amount: number) => format.money(amount, currency);
  const axisMoney = (amount: number) => format.compactMoney(amount, currency);
  const netNew = rows.reduce((sum, month) => sum + month.netNew, 0);
  const tooltip = tooltipFormatter(messages, format, currency);
  const SubHeading = `h${headingLevel + 1}` as 'h3' | 'h4';

  return (
    <>
      <figure
        className="billkit-chart"
        aria-labelledby={`${ids}-movements-title`}
        aria-describedby={`${ids}-movements-summary`}
      >
        <figcaption className="billkit-chart-caption">
          <SubHeading id={`${ids}-movements-title`} className="billkit-chart-title">
            {m.movementsTitle}
          </SubHeading>
          <p id={`${ids}-movements-summary`}>{m.movementsSummary(first.label, last.label, money(netNew))}</p>
        </figcaption>
        <div className="billkit-chart-drawing" aria-hidden="true">
          <ComposedChart
            responsive
            accessibilityLayer={false}
            style={{ width: '100%', height: CHART_HEIGHT }}
            data={rows}
            stackOffset="sign"
            margin={{ top: 8, right: 8, bottom: 0, left: 8 }}
          >
            <CartesianGrid stroke="var(--billkit-chart-grid)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="label"
              tick={{ fill: 'var(--billkit-chart-axis)' }}
              stroke="var(--billkit-chart-grid)"
            />
            <YAxis
              tickFormatter={axisMoney}
              tick={{ fill: 'var(--billkit-chart-axis)' }}
              stroke="var(--billkit-chart-grid)"
              width={72}
            />
            <ReferenceLine y={0} stroke="var(--billkit-chart-axis)" />
            <Tooltip formatter={tooltip} contentStyle={tooltipStyle} />
            <Legend formatter={legendText} itemSorter={null} />
            {[...GAINS, ...LOSSES].map((series) => (
              <Bar
                key={series}
                dataKey={series}
                name={m.series[series]}
                stackId="movements"
                fill={`var(--billkit-chart-${series})`}
                isAnimationActive={false}
              />
            ))}
          </ComposedChart>
        </div>
      </figure>
      <figure
        className="billkit-chart"
        aria-labelledby={`${ids}-trend-title`}
        aria-describedby={`${ids}-trend-summary`}
      >
        <figcaption className="billkit-chart-caption">
          <SubHeading id={`${ids}-trend-title`} className="billkit-chart-title">
            {m.trendTitle}
          </SubHeading>
          <p id={`${ids}-trend-summary`}>
            {m.trendSummary(first.label, last.label, money(first.mrr), money(last.mrr))}
          </p>
        </figcaption>
        <div className="billkit-chart-drawing" aria-hidden="true">
          <ComposedChart
            responsive
            accessibilityLayer={false}
            style={{ width: '100%', height: CHART_HEIGHT }}
            data={rows}
            margin={{ top: 8, right: 8, bottom: 0, left: 8 }}
          >
            <CartesianGrid stroke="var(--billkit-chart-grid)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="label"
              tick={{ fill: 'var(--billkit-chart-axis)' }}
              stroke="var(--billkit-chart-grid)"
            />
            <YAxis
              yAxisId="money"
              tickFormatter={axisMoney}
              tick={{ fill: 'var(--billkit-chart-axis)' }}
              stroke="var(--billkit-chart-grid)"
              width={72}
            />
            <YAxis
              yAxisId="rate"
              orientation="right"
              tickFormatter={(rate: number) => format.percent(rate)}
              tick={{ fill: 'var(--billkit-chart-axis)' }}
              stroke="var(--billkit-chart-grid)"
              width={56}
            />
            <Tooltip formatter={tooltip} contentStyle={tooltipStyle} />
            <Legend formatter={legendText} itemSorter={null} />
            <Line
              yAxisId="money"
              type="monotone"
              dataKey="mrr"
              name={m.series.mrr}
              stroke="var(--billkit-chart-mrr)"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              yAxisId="rate"
              type="linear"
              dataKey="churnRate"
              name={m.series.churnRate}
              stroke="var(--billkit-chart-churn-rate)"
              strokeWidth={2}
              strokeDasharray="6 3"
              dot={false}
              isAnimationActive={false}
            />
          </ComposedChart>
        </div>
      </figure>
      <MovementsTable rows={rows} currency={currency} />
    </>
  );
}

/** Legend labels in the text colour (Recharts colours them like their series, too faint to read). */
function legendText(value: unknown): ReactNode {
  return <span className="billkit-chart-legend-text">{String(value)}</span>;
}

const tooltipStyle = {
  background: 'var(--billkit-color-background)',
  border: '1px solid var(--billkit-color-border)',
  color: 'var(--billkit-color-text)',
  borderRadius: 'var(--billkit-radius)',
};

function tooltipFormatter(messages: AdminMessages, format: AdminFormatters, currency: string) {
  const rateName = messages.charts.series.churnRate;
  return (value: unknown, name: unknown): string => {
    if (typeof value !== 'number') return messages.common.notAvailable;
    return name === rateName ? format.percent(value) : format.money(value, currency);
  };
}

interface MovementsTableProps {
  rows: Array<MrrMonthJson & { label: string }>;
  currency: string;
}

/** Every figure of both charts, month by month: the charts' text alternative. */
function MovementsTable({ rows, currency }: MovementsTableProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.charts;
  const money = (amount: number) => format.money(amount, currency);
  const columns = [...GAINS, ...LOSSES, 'netNew', 'mrr'] as const;
  return (
    <details className="billkit-chart-table">
      <summary className="billkit-link">{m.tableToggle}</summary>
      <div className="billkit-table-scroll">
        <table className="billkit-table">
          <caption className="billkit-visually-hidden">{m.tableCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.month}</th>
              {columns.map((column) => (
                <th key={column} scope="col" className="billkit-numeric">
                  {m.series[column]}
                </th>
              ))}
              <th scope="col" className="billkit-numeric">
                {m.series.customers}
              </th>
              <th scope="col" className="billkit-numeric">
                {m.series.churnRate}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.month}>
                <th scope="row">{row.label}</th>
                {columns.map((column) => (
                  <td key={column} className="billkit-numeric">
                    {money(row[column])}
                  </td>
                ))}
                <td className="billkit-numeric">{format.count(row.customers)}</td>
                <td className="billkit-numeric">
                  {row.churnRate === null ? messages.common.notAvailable : format.percent(row.churnRate)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
