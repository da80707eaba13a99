// GST for the Business Activity Statement, on the cash basis: per quarter (or month) the sales
// received (G1), the GST-free exports among them (G2), the GST on sales (1A) and the refunds that
// adjust them. Amounts include GST where the BAS label does (G1, G2).

import type { AnalyticsQueries } from '@billkit/core';
import { decimal, toCsv } from './csv.js';
import { monthsOf, quartersOf, type Range } from './periods.js';
import type { GstPeriod, GstReport } from './types.js';

export async function gstReport(
  analytics: AnalyticsQueries,
  range: Range & { currency: string; period: 'quarter' | 'month' },
): Promise<GstReport> {
  const periods =
    range.period === 'quarter' ? quartersOf(range.from, range.to) : monthsOf(range.from, range.to);
  const rows = await Promise.all(
    periods.map(async (period): Promise<GstPeriod> => {
      const window = { from: period.from, to: period.to, currency: range.currency };
      const [sales, refunds] = await Promise.all([analytics.sales(window), analytics.refunds(window)]);
      return {
        period: period.label,
        from: period.from,
        to: period.to,
        g1TotalSales: sales.amountPaid,
        g2Exports: sales.gstFree,
        gstOnSales1A: sales.tax,
        refunds: { amount: refunds.amount, gst: refunds.tax },
        netSales: sales.amountPaid - refunds.amount,
        netGst: sales.tax - refunds.tax,
      };
    }),
  );
  const sum = (pick: (p: GstPeriod) => number) => rows.reduce((total, p) => total + pick(p), 0);
  return {
    currency: range.currency,
    basis: 'cash',
    period: range.period,
    periods: rows,
    totals: {
      g1TotalSales: sum((p) => p.g1TotalSales),
      g2Exports: sum((p) => p.g2Exports),
      gstOnSales1A: sum((p) => p.gstOnSales1A),
      refunds: { amount: sum((p) => p.refunds.amount), gst: sum((p) => p.refunds.gst) },
      netSales: sum((p) => p.netSales),
      netGst: sum((p) => p.netGst),
    },
  };
}

export function gstReportCsv(report: GstReport): string {
  const row = (label: string, p: Omit<GstPeriod, 'period' | 'from' | 'to'>) => [
    label,
    decimal(p.g1TotalSales),
    decimal(p.g2Exports),
    decimal(p.gstOnSales1A),
    decimal(p.refunds.amount),
    decimal(p.refunds.gst),
    decimal(p.netSales),
    decimal(p.netGst),
  ];
  return toCsv(
    [
      'Period',
      'G1 total sales',
      'G2 export sales',
      '1A GST on sales',
      'Refunds',
      'GST on refunds',
      'Net sales',
      'Net GST',
    ],
    [...report.periods.map((p) => row(p.period, p)), row('Total', report.totals)],
  );
}
