// Finance reports for a date range: download links for the GST report and the journal as CSV (and
// the JSON views), the GST figures per quarter or month as the BAS asks for them, and the revenue
// recognition table. Nothing is requested until the operator presses "Show" on a valid range.

import { type ReactNode, useId, useState } from 'react';
import { sectionClass } from '../../ui/section-class.js';
import { isoDate } from '../dashboard/metrics-range.js';
import { useAdminContext } from '../provider/admin-context.js';
import { AdminQueryStatus } from '../ui/admin-query-status.js';
import { RadioGroup, TextField } from '../ui/form-fields.js';
import type { GstReportJson, GstReportQuery, RecognitionReportJson } from '../wire.js';
import { useGstReport, useRevenueRecognition } from './use-reports.js';

export interface ReportsPanelProps {
  /** The range shown first. @default the current quarter and the three before it, to today */
  initialRange?: { from: string; to: string };
  /** @default 'quarter' */
  initialPeriod?: 'quarter' | 'month';
  className?: string;
}

/** The last four quarters (the current one included), up to the end of today, UTC. */
function defaultRange(now: Date): { from: string; to: string } {
  const quarterStart = Math.floor(now.getUTCMonth() / 3) * 3;
  return {
    from: isoDate(new Date(Date.UTC(now.getUTCFullYear(), quarterStart - 9, 1))),
    to: isoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))),
  };
}

/** Date range and GST period, downloads, the GST table and the recognition table. */
export function ReportsPanel(props: ReportsPanelProps): ReactNode {
  const { messages, client, now } = useAdminContext();
  const m = messages.reports;
  const headingId = useId();
  const [initial] = useState(() => props.initialRange ?? defaultRange(now));
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [period, setPeriod] = useState<'quarter' | 'month'>(props.initialPeriod ?? 'quarter');
  const [applied, setApplied] = useState<GstReportQuery>({
    ...initial,
    period: props.initialPeriod ?? 'quarter',
  });
  const [rangeError, setRangeError] = useState<string | null>(null);

  const apply = () => {
    if (!from || !to || from >= to) return setRangeError(m.invalidRange);
    setRangeError(null);
    setApplied({ from, to, period });
  };
  const range = { from: applied.from, to: applied.to };

  return (
    <section className={sectionClass('billkit-reports-panel', props.className)} aria-labelledby={headingId}>
      <h2 id={headingId} className="billkit-heading">
        {m.heading}
      </h2>
      <form
        className="billkit-report-range"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          apply();
        }}
      >
        <fieldset className="billkit-fieldset">
          <legend>{m.rangeLegend}</legend>
          <div className="billkit-field-row">
            <TextField label={m.from} type="date" value={from} onChange={setFrom} error={rangeError} />
            <TextField label={m.to} type="date" value={to} onChange={setTo} />
          </div>
        </fieldset>
        <RadioGroup
          legend={m.period}
          value={period}
          onChange={setPeriod}
          options={[
            { value: 'quarter', label: m.quarter },
            { value: 'month', label: m.month },
          ]}
        />
        <div className="billkit-actions">
          <button type="submit" className="billkit-button billkit-button--primary">
            {m.apply}
          </button>
        </div>
      </form>
      <div className="billkit-report-downloads">
        <h3 className="billkit-heading">{m.downloadsHeading}</h3>
        <ul className="billkit-download-list">
          <li>
            <a className="billkit-link" href={client.gstCsvUrl(applied)} download>
              {m.gstCsv}
            </a>
          </li>
          <li>
            <a className="billkit-link" href={client.journalCsvUrl(range)} download>
              {m.journalCsv}
            </a>
          </li>
          <li>
            <a className="billkit-link" href={client.gstJsonUrl(applied)}>
              {m.gstJson}
            </a>
          </li>
          <li>
            <a className="billkit-link" href={client.recognitionJsonUrl(range)}>
              {m.recognitionJson}
            </a>
          </li>
        </ul>
      </div>
      <GstSection query={applied} />
      <RecognitionSection range={range} />
    </section>
  );
}

function GstSection({ query }: { query: GstReportQuery }): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.reports;
  const headingId = useId();
  const report = useGstReport(query);
  return (
    <div className="billkit-report">
      <h3 id={headingId} className="billkit-heading">
        {m.gstHeading}
      </h3>
      <AdminQueryStatus query={report} loading={m.gstLoading} failed={m.gstError} />
      {report.data && report.data.periods.length === 0 ? <p className="billkit-empty">{m.empty}</p> : null}
      {report.data && report.data.periods.length > 0 ? <GstTable report={report.data} /> : null}
    </div>
  );
}

function GstTable({ report }: { report: GstReportJson }): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.reports;
  const money = (amount: number) => format.money(amount, report.currency);
  const columns = [m.g1, m.g2, m.gst1A, m.gstRefunds, m.gstRefundsGst, m.netSales, m.netGst];
  const figures = (row: Omit<GstReportJson['totals'], never>) => [
    row.g1TotalSales,
    row.g2Exports,
    row.gstOnSales1A,
    row.refunds.amount,
    row.refunds.gst,
    row.netSales,
    row.netGst,
  ];
  return (
    <div className="billkit-table-scroll">
      <table className="billkit-table billkit-admin-table">
        <caption className="billkit-table-caption">{m.gstCaption(report.basis)}</caption>
        <thead>
          <tr>
            <th scope="col">{m.gstPeriod}</th>
            {columns.map((column) => (
              <th key={column} scope="col" className="billkit-numeric">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.periods.map((row) => (
            <tr key={row.period}>
              <th scope="row">{row.period}</th>
              {figures(row).map((value, index) => (
                <td key={columns[index]} className="billkit-numeric">
                  {money(value)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{m.total}</th>
            {figures(report.totals).map((value, index) => (
              <td key={columns[index]} className="billkit-numeric">
                {money(value)}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function RecognitionSection({ range }: { range: { from: string; to: string } }): ReactNode {
  const { messages } = useAdminContext();
  const m = messages.reports;
  const headingId = useId();
  const report = useRevenueRecognition(range);
  return (
    <div className="billkit-report">
      <h3 id={headingId} className="billkit-heading">
        {m.recognitionHeading}
      </h3>
      <AdminQueryStatus query={report} loading={m.recognitionLoading} failed={m.recognitionError} />
      {report.data && report.data.months.length === 0 ? <p className="billkit-empty">{m.empty}</p> : null}
      {report.data && report.data.months.length > 0 ? <RecognitionTable report={report.data} /> : null}
    </div>
  );
}

function RecognitionTable({ report }: { report: RecognitionReportJson }): ReactNode {
  const { messages, format } = useAdminContext();
  const m = messages.reports;
  const money = (amount: number) => format.money(amount, report.currency);
  return (
    <div className="billkit-table-scroll">
      <table className="billkit-table billkit-admin-table">
        <caption className="billkit-table-caption">{m.recognitionCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{m.recognitionMonth}</th>
            <th scope="col" className="billkit-numeric">
              {m.billed}
            </th>
            <th scope="col" className="billkit-numeric">
              {m.refunded}
            </th>
            <th scope="col" className="billkit-numeric">
              {m.recognized}
            </th>
            <th scope="col" className="billkit-numeric">
              {m.deferred}
            </th>
          </tr>
        </thead>
        <tbody>
          {report.months.map((row) => (
            <tr key={row.month}>
              <th scope="row">{format.month(row.month)}</th>
              <td className="billkit-numeric">{money(row.billed)}</td>
              <td className="billkit-numeric">{money(row.refunded)}</td>
              <td className="billkit-numeric">{money(row.recognized)}</td>
              <td className="billkit-numeric">{money(row.deferredBalance)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
