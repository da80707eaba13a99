// The admin components speak the server's contract: every request they make, run through real
// dialogs against the fake, parses with the schema @billkit/server checks it with.

import {
  adminCancelRequestSchema,
  adminChangePlanRequestSchema,
  adminCreditRequestSchema,
  adminCustomersQuerySchema,
  adminExtendGraceRequestSchema,
  adminExtendTrialRequestSchema,
  adminGstQuerySchema,
  adminJournalQuerySchema,
  adminOneOffInvoiceRequestSchema,
  adminRangeQuerySchema,
  adminRefundRequestSchema,
} from '@billkit/server/contract';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderAdmin, startAdminServer } from '../../test/admin-test-kit.js';
import { createAdminFake } from '../testing/admin-fake.js';
import { CustomerDetail } from './customer-detail/customer-detail.js';
import { CustomerTable } from './customers/customer-table.js';
import { AdminDashboard } from './dashboard/admin-dashboard.js';
import { ReportsPanel } from './reports/reports-panel.js';

const server = startAdminServer();

/** What is used of a zod schema here. */
interface Schema {
  safeParse(input: unknown): { success: true } | { success: false; error: { message: string } };
}

const bodySchemas: Array<[RegExp, Schema]> = [
  [/^\/admin\/refunds$/, adminRefundRequestSchema],
  [/^\/admin\/credits$/, adminCreditRequestSchema],
  [/^\/admin\/invoices$/, adminOneOffInvoiceRequestSchema],
  [/^\/admin\/subscriptions\/[^/]+\/cancel$/, adminCancelRequestSchema],
  [/^\/admin\/subscriptions\/[^/]+\/change-plan$/, adminChangePlanRequestSchema],
  [/^\/admin\/subscriptions\/[^/]+\/extend-trial$/, adminExtendTrialRequestSchema],
  [/^\/admin\/subscriptions\/[^/]+\/extend-grace$/, adminExtendGraceRequestSchema],
];
const querySchemas: Array<[RegExp, Schema]> = [
  [/^\/admin\/customers$/, adminCustomersQuerySchema],
  [/^\/admin\/metrics$/, adminRangeQuerySchema],
  [/^\/admin\/revenue\/recognition$/, adminRangeQuerySchema],
  [/^\/admin\/reports\/gst$/, adminGstQuerySchema],
  [/^\/admin\/reports\/journal\.csv$/, adminJournalQuerySchema],
];

/** Each request's problems with the contract, as "METHOD path: issue". */
function contractProblems(fake: ReturnType<typeof createAdminFake>): string[] {
  const problems: string[] = [];
  for (const request of fake.requests) {
    const url = new URL(request.path, 'http://host');
    const schemas = request.method === 'GET' ? querySchemas : bodySchemas;
    const schema = schemas.find(([pattern]) => pattern.test(url.pathname))?.[1];
    if (!schema) continue;
    const input = request.method === 'GET' ? Object.fromEntries(url.searchParams) : request.body;
    const parsed = schema.safeParse(input);
    if (!parsed.success) problems.push(`${request.method} ${request.path}: ${parsed.error.message}`);
  }
  return problems;
}

async function act(
  user: ReturnType<typeof renderAdmin>['user'],
  opener: string | RegExp,
  fill?: (dialog: HTMLElement) => Promise<void>,
) {
  await user.click((await screen.findAllByRole('button', { name: opener }))[0]!);
  const dialog = screen.getByRole('dialog');
  await fill?.(dialog);
  await user.click(dialog.querySelector<HTMLButtonElement>('button[type="submit"]')!);
  await screen.findByText(/\.$/, { selector: '.billkit-message--success' });
}

describe('the admin components and the server contract', () => {
  it('send customer actions the server accepts', async () => {
    const fake = createAdminFake();
    const { user } = renderAdmin(server, <CustomerDetail customerId={fake.customerIn('past_due').userId} />, {
      fake,
    });
    await screen.findByRole('heading', { name: 'Timeline' });

    await act(user, 'Grant credit', async (dialog) => {
      await user.type(within(dialog).getByRole('textbox', { name: 'Amount (AUD)' }), '12.34');
      await user.type(within(dialog).getByRole('textbox', { name: /^Description/ }), 'Goodwill');
    });
    await act(user, 'One-off invoice', async (dialog) => {
      await user.type(within(dialog).getByRole('textbox', { name: 'Line 1 description' }), 'Setup');
      await user.type(within(dialog).getByRole('textbox', { name: 'Line 1 amount (AUD)' }), '99');
      await user.click(within(dialog).getByRole('radio', { name: 'Send the invoice to be paid' }));
    });
    await act(user, /^Refund invoice /);
    await act(user, 'Extend grace');
    await act(user, 'Change plan');
    await act(user, 'Cancel subscription', async (dialog) => {
      await user.click(within(dialog).getByRole('radio', { name: 'Now, without a refund' }));
    });

    const posted = fake.requests
      .filter((r) => r.method === 'POST')
      .map((r) => r.path.replace(/\/user_\d+\//, '/:id/'));
    expect(posted).toEqual([
      '/admin/credits',
      '/admin/invoices',
      '/admin/refunds',
      '/admin/subscriptions/:id/extend-grace',
      '/admin/subscriptions/:id/change-plan',
      '/admin/subscriptions/:id/cancel',
    ]);
    expect(contractProblems(fake)).toEqual([]);
  });

  it('send a trial extension the server accepts', async () => {
    const fake = createAdminFake();
    const { user } = renderAdmin(server, <CustomerDetail customerId={fake.customerIn('trialing').userId} />, {
      fake,
    });
    await screen.findByRole('heading', { name: 'Timeline' });
    await act(user, 'Extend trial');
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(contractProblems(fake)).toEqual([]);
  });

  it('ask for lists, figures and reports with queries the server accepts', async () => {
    const fake = createAdminFake();
    const { user } = renderAdmin(
      server,
      <>
        <AdminDashboard />
        <CustomerTable />
        <ReportsPanel />
      </>,
      { fake },
    );
    await screen.findAllByRole('rowheader');
    await user.type(screen.getByRole('searchbox', { name: 'Search customers' }), 'a{Enter}');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Subscription' }), 'No subscription');
    await screen.findByRole('table', { name: 'GST by period, cash basis' });
    await fetch(
      new URL(
        screen.getByRole('link', { name: 'Journal (CSV)' }).getAttribute('href')!,
        window.location.href,
      ),
    );
    await fetch(
      new URL(
        screen.getByRole('link', { name: 'GST report (CSV)' }).getAttribute('href')!,
        window.location.href,
      ),
    );

    const asked = new Set(fake.requests.map((r) => new URL(r.path, 'http://host').pathname));
    for (const path of [
      '/admin/customers',
      '/admin/metrics',
      '/admin/reports/gst',
      '/admin/revenue/recognition',
      '/admin/reports/journal.csv',
    ])
      expect(asked).toContain(path);
    expect(contractProblems(fake)).toEqual([]);
  });
});
