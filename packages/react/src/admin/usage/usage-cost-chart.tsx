// Cost by provider over time with Recharts: a stacked bar per day (or month), a part per provider,
// and the month-end forecast as a dashed line: the daily pace that reaches it across this month's
// days (future ones included), or, month by month, a line from last month's cost to this month's
// forecast. The drawing is hidden from assistive technology; a sentence sums it up, and a table
// under it holds every figure. Colours are --billkit-chart-series-1..6 and --billkit-chart-forecast.

import { type ReactNode, useId, useMemo } from 'react';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { sectionClass } from '../../ui/section-class.js';
import { useAdminContext } from '../provider/admin-context.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import type { DateRangeQuery, UsageForecastJson, UsageTimeseriesJson } from '../wire.js';
import { providerName } from './usage-names.js';
import { granularityFor, type UsageRangeMonths, usageRange } from './usage-range.js';
import { useUsageSummary, useUsageTimeseries } from './use-usage.js';

export interface UsageCostChartProps {
  /**
   * How many months back from now to show: 1 is this month so far.
   * @default 1
   */
  months?: UsageRangeMonths;
  /** A range of its own instead of `months`: ISO dates, `to` excluded. */
  range?: DateRangeQuery;
  /**
   * A bar per day or per month.
   * @default 'day' up to 3 months, else 'month'
   */
  granularity?: 'day' | 'month';
  /**
   * The level of the section's heading: 3 inside a page that already has an h2.
   * @default 2
   */
  headingLevel?: 2 | 3;
  className?: string;
}

const CHART_HEIGHT = 300;
const PALETTE_SIZE = 6;
const DAY = 86_400_000;

/** Cost by provider per day or month, with the month-end forecast and a table of the figures. */
export function UsageCostChart({
  months = 1,
  range,
  granularity,
  headingLevel = 2,
  className,
}: UsageCostChartProps): ReactNode {
  const { messages, now } = useAdminContext();
  const m = messages.usage.chart;
  const headingId = useId();
  const asked = range ?? usageRange(months, now);
  const query = useUsageTimeseries({
    ...asked,
    granularity: granularity ?? granularityFor(months),
    groupBy: 'provider',
  });
  // The forecast comes with the summary, which the dashboard reads for the same range anyway.
  const { summary } = useUsageSummary(asked);
  const timeseries = query.timeseries;
  const Heading = `h${headingLevel}` as const;
  const hasCosts = timeseries?.series.some((series) => series.totalCostMicros !== 0) ?? false;

  return (
    <section className={sectionClass('billkit-usage-chart', className)} aria-labelledby={headingId}>
      <Heading id={headingId} className="billkit-heading">
        {m.heading}
      </Heading>
      <AdminQueryStatus query={query} loading={m.loading} failed={m.loadError} />
      {timeseries && !hasCosts ? <p className="billkit-empty">{m.empty}</p> : null}
      {timeseries && hasCosts ? (
        <CostFigures
          timeseries={timeseries}
          forecast={summary?.forecast.currency === timeseries.currency ? summary.forecast : null}
          headingLevel={headingLevel}
        />
      ) : null}
    </section>
  );
}

/** One bucket of the chart: its cost per series (`s0`, `s1`, ... by position), total and forecast. */
interface ChartRow {
  bucket: string;
  label: string;
  /** The bucket has no metered costs yet (a future day drawn for the forecast line). */
  future: boolean;
  total: number | null;
  forecast: number | null;
  [series: `s${number}`]: number | null;
}

interface ChartSeries {
  dataKey: `s${number}`;
  name: string;
  colour: string;
  total: number;
}

interface CostFiguresProps {
  timeseries: UsageTimeseriesJson;
  forecast: UsageForecastJson | null;
  headingLevel: 2 | 3;
}

function CostFigures({ timeseries, forecast, headingLevel }: CostFiguresProps): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.usage.chart;
  const ids = useId();
  const granularity = timeseries.granularity === 'month' ? 'month' : 'day';
  const axisDay = useMemo(
    () => new Intl.DateTimeFormat(format.locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
    [format.locale],
  );
  const series: ChartSeries[] = timeseries.series.map((line, index) => ({
    dataKey: `s${index}`,
    name: providerName(line.key, messages),
    colour: `var(--billkit-chart-series-${(index % PALETTE_SIZE) + 1})`,
    total: line.totalCostMicros,
  }));
  const rows = chartRows(timeseries, forecast, {
    axis: (bucket) =>
      granularity === 'month' ? format.month(bucket.slice(0, 7)) : axisDay.format(new Date(bucket)),
  });
  const money = (micros: number) => format.micros(micros, timeseries.currency);
  const measured = rows.filter((row) => !row.future);
  const first = measured[0]!;
  const last = measured[measured.length - 1]!;
  const bucketName = (row: ChartRow) =>
    granularity === 'month' ? format.month(row.bucket.slice(0, 7)) : format.day(row.bucket);
  const total = series.reduce((sum, line) => sum + line.total, 0);
  const top = series[0] ? `${series[0].name} (${money(series[0].total)})` : null;
  const hasForecast = rows.some((row) => row.forecast !== null);
  const SubHeading = `h${headingLevel + 1}` as 'h3' | 'h4';

  return (
    <>
      <figure className="billkit-chart" aria-labelledby={`${ids}-title`} aria-describedby={`${ids}-summary`}>
        <figcaption className="billkit-chart-caption">
          <SubHeading id={`${ids}-title`} className="billkit-chart-title">
            {m.title(granularity)}
          </SubHeading>
          <p id={`${ids}-summary`}>
            {m.summary(bucketName(first), bucketName(last), money(total), top)}
            {hasForecast && forecast
              ? ` ${m.forecastSummary(format.month(forecast.period), format.micros(forecast.forecastMicros, forecast.currency))}`
              : ''}{' '}
            {m.tableNote}
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
              minTickGap={12}
            />
            <YAxis
              tickFormatter={(micros: number) => format.compactMicros(micros, timeseries.currency)}
              tick={{ fill: 'var(--billkit-chart-axis)' }}
              stroke="var(--billkit-chart-grid)"
              width={72}
            />
            <Tooltip
              formatter={(value: unknown) =>
                typeof value === 'number' ? money(value) : messages.common.none
              }
              contentStyle={tooltipStyle}
            />
            <Legend formatter={legendText} itemSorter={null} />
            {series.map((line) => (
              <Bar
                key={line.dataKey}
                dataKey={line.dataKey}
                name={line.name}
                stackId="cost"
                fill={line.colour}
                isAnimationActive={false}
              />
            ))}
            {hasForecast ? (
              <Line
                type="linear"
                dataKey="forecast"
                name={granularity === 'day' ? m.forecastDaily : m.forecast}
                stroke="var(--billkit-chart-forecast)"
                strokeWidth={2}
                strokeDasharray="6 4"
                dot={granularity === 'month'}
                connectNulls={false}
                isAnimationActive={false}
              />
            ) : null}
          </ComposedChart>
        </div>
      </figure>
      <CostTable
        rows={rows}
        series={series}
        granularity={granularity}
        hasForecast={hasForecast}
        bucketName={bucketName}
        money={money}
      />
    </>
  );
}

/**
 * The chart's rows: every bucket of the answer, then (by day) the rest of the forecast's month. The
 * forecast is the month's daily pace on each of its days, or (by month) last month's cost and this
 * month's forecast, so the line runs from what was spent to what is expected.
 */
function chartRows(
  timeseries: UsageTimeseriesJson,
  forecast: UsageForecastJson | null,
  labels: { axis(bucket: string): string },
): ChartRow[] {
  const rows: ChartRow[] = timeseries.buckets.map((bucket, index) => {
    const row: ChartRow = { bucket, label: labels.axis(bucket), future: false, total: 0, forecast: null };
    timeseries.series.forEach((line, position) => {
      const cost = line.costMicros[index] ?? 0;
      row[`s${position}`] = cost;
      row.total = (row.total ?? 0) + cost;
    });
    return row;
  });
  if (!forecast || rows.length === 0) return rows;
  const monthStart = Date.parse(`${forecast.period}-01T00:00:00Z`);
  if (Number.isNaN(monthStart)) return rows;
  const start = new Date(monthStart);
  const monthEnd = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);

  if (timeseries.granularity === 'month') {
    const current = rows.findIndex((row) => Date.parse(row.bucket) === monthStart);
    if (current === -1) return rows;
    rows[current]!.forecast = forecast.forecastMicros;
    const previous = rows[current - 1];
    if (previous) previous.forecast = previous.total;
    return rows;
  }
  if (timeseries.granularity !== 'day') return rows;
  const lastBucket = Date.parse(rows[rows.length - 1]!.bucket);
  // Only when the range reaches into the forecast's month.
  if (lastBucket < monthStart || lastBucket >= monthEnd) return rows;
  for (let day = lastBucket + DAY; day < monthEnd; day += DAY) {
    const bucket = new Date(day).toISOString();
    rows.push({ bucket, label: labels.axis(bucket), future: true, total: null, forecast: null });
  }
  const daysInMonth = Math.round((monthEnd - monthStart) / DAY);
  const pace = Math.round(forecast.forecastMicros / daysInMonth);
  for (const row of rows) {
    const time = Date.parse(row.bucket);
    if (time >= monthStart && time < monthEnd) row.forecast = pace;
  }
  return rows;
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

interface CostTableProps {
  rows: ChartRow[];
  series: ChartSeries[];
  granularity: 'day' | 'month';
  hasForecast: boolean;
  bucketName(row: ChartRow): string;
  money(micros: number): string;
}

/** Every figure of the chart, bucket by bucket, with the range's total per provider: its text alternative. */
function CostTable(props: CostTableProps): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.usage.chart;
  const { rows, series, money } = props;
  const cost = (value: number | null | undefined) =>
    value === null || value === undefined ? messages.common.none : money(value);
  const grandTotal = series.reduce((sum, line) => sum + line.total, 0);
  return (
    <details className="billkit-chart-table">
      <summary className="billkit-link">{m.tableToggle}</summary>
      <div className="billkit-table-scroll">
        <table className="billkit-table billkit-admin-table">
          <caption className="billkit-visually-hidden">{m.tableCaption(props.granularity)}</caption>
          <thead>
            <tr>
              <th scope="col">{props.granularity === 'month' ? m.month : m.day}</th>
              {series.map((line) => (
                <th key={line.dataKey} scope="col" className="billkit-numeric">
                  {line.name}
                </th>
              ))}
              <th scope="col" className="billkit-numeric">
                {m.total}
              </th>
              {props.hasForecast ? (
                <th scope="col" className="billkit-numeric">
                  {props.granularity === 'day' ? m.forecastDaily : m.forecast}
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.bucket}>
                <th scope="row">{props.bucketName(row)}</th>
                {series.map((line) => (
                  <td key={line.dataKey} className="billkit-numeric">
                    {cost(row[line.dataKey])}
                  </td>
                ))}
                <td className="billkit-numeric">{cost(row.total)}</td>
                {props.hasForecast ? <td className="billkit-numeric">{cost(row.forecast)}</td> : null}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{m.inAll}</th>
              {series.map((line) => (
                <td key={line.dataKey} className="billkit-numeric">
                  {money(line.total)}
                </td>
              ))}
              <td className="billkit-numeric">{money(grandTotal)}</td>
              {props.hasForecast ? <td className="billkit-numeric">{messages.common.none}</td> : null}
            </tr>
          </tfoot>
        </table>
      </div>
    </details>
  );
}
