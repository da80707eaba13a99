// What the operator reads: metrics, profitability, revenue recognition, the GST (BAS) report as
// JSON or CSV, the accounting journal as CSV, the forecast and the audit log. CSVs are downloads.

import type { Admin } from '@billkit/admin';
import {
  ADMIN_ROUTES,
  adminAuditQuerySchema,
  adminForecastQuerySchema,
  adminGstQuerySchema,
  adminJournalQuerySchema,
  adminProfitabilityQuerySchema,
  adminRangeQuerySchema,
} from '../contract/index.js';
import { csvAttachment, json } from '../http/responses.js';
import type { AdminRoute } from './admin-request.js';

export function reportRoutes(admin: Admin): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: ADMIN_ROUTES.metrics,
      value: async ({ query }) => json(await admin.metrics(query(adminRangeQuerySchema))),
    },
    {
      method: 'GET',
      path: ADMIN_ROUTES.profitability,
      value: async ({ query }) => json(await admin.profitability(query(adminProfitabilityQuerySchema))),
    },
    {
      method: 'GET',
      path: ADMIN_ROUTES.revenueRecognition,
      value: async ({ query }) => json(await admin.revenue.recognition(query(adminRangeQuerySchema))),
    },
    {
      method: 'GET',
      path: ADMIN_ROUTES.gstReport,
      value: async ({ query }) => {
        const { format, ...range } = query(adminGstQuerySchema);
        if (format === 'json') return json(await admin.reports.gst({ ...range, format: 'json' }));
        const csv = await admin.reports.gst({ ...range, format: 'csv' });
        return csvAttachment(csv, `gst-${range.period}-${day(range.from)}-${day(range.to)}.csv`);
      },
    },
    {
      method: 'GET',
      path: ADMIN_ROUTES.journalCsv,
      value: async ({ query }) => {
        const range = query(adminJournalQuerySchema);
        const csv = await admin.reports.journal({ ...range, format: 'csv' });
        return csvAttachment(csv, `journal-${day(range.from)}-${day(range.to)}.csv`);
      },
    },
    {
      method: 'GET',
      path: ADMIN_ROUTES.forecast,
      value: async ({ query }) => json(await admin.forecast(query(adminForecastQuerySchema))),
    },
    {
      method: 'GET',
      path: ADMIN_ROUTES.audit,
      value: async ({ query }) => json(await admin.audit.list(query(adminAuditQuerySchema))),
    },
    {
      method: 'GET',
      path: ADMIN_ROUTES.auditVerify,
      value: async () => json(await admin.audit.verify()),
    },
  ];
}

/** The date part of a contract date ('2026-03-01' of '2026-03-01T00:00:00Z'), safe in a file name. */
function day(date: string): string {
  return date.slice(0, 10);
}
