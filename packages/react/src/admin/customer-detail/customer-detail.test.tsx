import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { axeViolations, renderAdmin, startAdminServer } from '../../../test/admin-test-kit.js';
import { createAdminFake } from '../../testing/admin-fake.js';
import { CustomerDetail } from './customer-detail.js';

const server = startAdminServer();

function posts(fake: ReturnType<typeof createAdminFake>) {
  return fake.requests.filter((request) => request.method === 'POST');
}

async function openDetail(state: Parameters<ReturnType<typeof createAdminFake>['customerIn']>[0]) {
  const fake = createAdminFake();
  const customer = fake.customerIn(state);
  const view = renderAdmin(server, <CustomerDetail customerId={customer.userId} />, { fake });
  await screen.findByRole('heading', { level: 2, name: customer.name! });
  await screen.findByRole('heading', { name: 'Timeline' });
  return { ...view, customer };
}

describe('CustomerDetail', () => {
  it('shows who the customer is, with a link to them in Stripe’s dashboard', async () => {
    const { customer } = await openDetail('active');
    expect(screen.getByText(customer.userId)).toBeTruthy();
    expect(screen.getByText(customer.stripeCustomerId)).toBeTruthy();
    const stripe = screen.getByRole('link', { name: 'Open in Stripe (opens in a new tab)' });
    expect(stripe.getAttribute('href')).toBe(
      `https://dashboard.stripe.com/test/customers/${customer.stripeCustomerId}`,
    );
    expect(stripe.getAttribute('target')).toBe('_blank');
    expect(stripe.getAttribute('rel')).toContain('noopener');
  });

  it('merges everything that happened to the customer into one timeline, newest first', async () => {
    const { user, customer } = await openDetail('past_due');
    const timeline = screen.getByRole('list', { name: 'Timeline' });
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(25);
    while (screen.queryByRole('button', { name: /^Show \d+ more$/ })) {
      await user.click(screen.getByRole('button', { name: /^Show \d+ more$/ }));
    }
    const items = within(timeline).getAllByRole('listitem');
    const times = items.map((item) => Date.parse(item.querySelector('time')!.getAttribute('dateTime')!));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const kinds = new Set(items.map((item) => item.className.split('--')[1]));
    for (const kind of ['subscription', 'invoice', 'payment', 'email', 'audit'])
      expect(kinds).toContain(kind);
    expect(
      within(timeline).getAllByText(/^Payment of \$\d+\.\d\d failed: Your card has insufficient funds\.$/),
    ).not.toHaveLength(0);
    expect(within(timeline).getByText(/^New MRR \$\d+\.\d\d on /)).toBeTruthy();
    // The oldest entries are the customer's creation and first subscription.
    expect(times.at(-1)).toBe(Date.parse(customer.createdAt));
    const oldest = items.filter(
      (item) => item.querySelector('time')?.getAttribute('dateTime') === customer.createdAt,
    );
    expect(oldest.map((item) => item.textContent)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Customer created by system$/),
        expect.stringMatching(/Subscribed to (Starter|Pro|Business)$/),
      ]),
    );
  });

  it('grants credit after a confirmation, sends the request and refreshes the customer', async () => {
    const { user, fake, customer } = await openDetail('active');
    const creditBefore = -customer.balance;
    await user.click(screen.getByRole('button', { name: 'Grant credit' }));
    const dialog = screen.getByRole('dialog', { name: 'Grant credit' });
    expect(posts(fake)).toHaveLength(0);

    // Nothing is sent until the fields make sense.
    await user.click(within(dialog).getByRole('button', { name: 'Grant credit' }));
    expect(within(dialog).getByText('Enter an amount greater than zero, like 10.00.')).toBeTruthy();
    expect(within(dialog).getByText('Fill this in.')).toBeTruthy();
    expect(posts(fake)).toHaveLength(0);

    await user.type(within(dialog).getByRole('textbox', { name: 'Amount (AUD)' }), '15');
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Description (the customer sees it)' }),
      'Sorry about the outage',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Grant $15.00' }));

    expect(await screen.findByText('Granted $15.00 of credit.')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(posts(fake)).toEqual([
      expect.objectContaining({
        path: '/admin/credits',
        body: { customerId: customer.userId, amount: 1500, description: 'Sorry about the outage' },
        contentType: 'application/json',
      }),
    ]);
    const timeline = screen.getByRole('list', { name: 'Timeline' });
    expect(await within(timeline).findByText('Credit of $15.00: Sorry about the outage')).toBeTruthy();
    expect(screen.getByText(`$${((creditBefore + 1500) / 100).toFixed(2)} credit`)).toBeTruthy();
  });

  it('refunds part of an invoice, refusing more than is left to refund', async () => {
    const { user, fake, customer } = await openDetail('active');
    const invoice = fake.invoices
      .filter((i) => i.userId === customer.userId && i.status === 'paid')
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0]!;
    const total = `$${(invoice.total / 100).toFixed(2)}`;
    await user.click(screen.getByRole('button', { name: `Refund invoice ${invoice.number}` }));
    const dialog = screen.getByRole('dialog', { name: `Refund invoice ${invoice.number}` });
    expect(within(dialog).getByRole('radio', { name: `Everything left (${total})` })).toHaveProperty(
      'checked',
      true,
    );

    await user.click(within(dialog).getByRole('radio', { name: 'Part of it' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Amount (AUD)' }), '999');
    await user.click(within(dialog).getByRole('button', { name: 'Refund $999.00' }));
    expect(within(dialog).getByText(`No more than ${total}.`)).toBeTruthy();
    expect(posts(fake)).toHaveLength(0);

    await user.clear(within(dialog).getByRole('textbox', { name: 'Amount (AUD)' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Amount (AUD)' }), '2.50');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Reason' }), 'Duplicate payment');
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Note for the audit log (optional)' }),
      'Charged twice',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Refund $2.50' }));

    expect(await screen.findByText('Refunded $2.50.')).toBeTruthy();
    expect(posts(fake).map((r) => [r.path, r.body])).toEqual([
      [
        '/admin/refunds',
        { invoiceId: invoice.stripeInvoiceId, amount: 250, reason: 'duplicate', note: 'Charged twice' },
      ],
    ]);
    const row = screen.getByRole('rowheader', { name: invoice.number! }).closest('tr')!;
    expect(await within(row).findByText('$2.50')).toBeTruthy();
    expect(await screen.findByText('Refunded $2.50 (duplicate): Charged twice')).toBeTruthy();
  });

  it('keeps the dialog open with the reason when the action fails', async () => {
    const fake = createAdminFake({ declineRetriesWith: 'insufficient_funds' });
    const customer = fake.customerIn('past_due');
    const { user } = renderAdmin(server, <CustomerDetail customerId={customer.userId} />, { fake });
    const open = fake.invoices.find((i) => i.userId === customer.userId && i.status === 'open')!;
    await user.click(await screen.findByRole('button', { name: `Retry payment of invoice ${open.number}` }));
    const dialog = screen.getByRole('dialog', { name: `Retry payment of invoice ${open.number}` });
    await user.click(within(dialog).getByRole('button', { name: /^Charge \$/ }));

    expect(await within(dialog).findByRole('alert')).toHaveProperty('textContent', 'The card was declined.');
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(
      fake.requests.filter((r) => r.path === `/admin/payments/${open.stripeInvoiceId}/retry`),
    ).toHaveLength(1);
  });

  it('retries a failed payment and shows the customer active again', async () => {
    const { user, fake, customer } = await openDetail('past_due');
    const open = fake.invoices.find((i) => i.userId === customer.userId && i.status === 'open')!;
    await user.click(screen.getByRole('button', { name: `Retry payment of invoice ${open.number}` }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: /^Charge \$/ }));
    expect(await screen.findByText('The payment went through.')).toBeTruthy();
    const header = screen.getByRole('heading', { level: 2 }).parentElement!;
    expect(await within(header).findByText('Active')).toBeTruthy();
  });

  it('closes a dialog with Escape without sending anything, and gives focus back', async () => {
    const { user, fake } = await openDetail('active');
    const cancel = screen.getByRole('button', { name: 'Cancel subscription' });
    await user.click(cancel);
    const dialog = screen.getByRole('dialog', { name: 'Cancel subscription' });
    expect(dialog.contains(document.activeElement)).toBe(true);

    // Tab stays inside the dialog.
    for (let i = 0; i < 6; i += 1) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(cancel);
    expect(posts(fake)).toHaveLength(0);
  });

  it('schedules the end at period end, then reactivates', async () => {
    const { user, fake, customer } = await openDetail('active');
    await user.click(screen.getByRole('button', { name: 'Cancel subscription' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel subscription' });
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Reason for the audit log (optional)' }),
      'Asked by email',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Cancel subscription' }));
    expect(await screen.findByText(/^Subscription ends on /)).toBeTruthy();
    expect(posts(fake).at(-1)).toMatchObject({
      path: `/admin/subscriptions/${customer.userId}/cancel`,
      body: { when: 'period_end', reason: 'Asked by email' },
    });
    const header = screen.getByRole('heading', { level: 2 }).parentElement!;
    expect(await within(header).findByText('Ending')).toBeTruthy();

    await user.click(await screen.findByRole('button', { name: 'Reactivate' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Reactivate subscription' })).getByRole('button', {
        name: 'Reactivate',
      }),
    );
    expect(await screen.findByText('Subscription reactivated.')).toBeTruthy();
    expect(posts(fake).at(-1)?.path).toBe(`/admin/subscriptions/${customer.userId}/reactivate`);
    expect(await within(header).findByText('Active')).toBeTruthy();
  });

  it('changes the plan, choosing from the catalog', async () => {
    const { user, fake, customer } = await openDetail('active');
    await user.click(screen.getByRole('button', { name: 'Change plan' }));
    const dialog = screen.getByRole('dialog', { name: 'Change plan' });
    const current = fake.subscriptions.find((s) => s.userId === customer.userId && s.status === 'active')!;
    const other = fake.plans.find((p) => p.id !== current.planId)!;
    await user.selectOptions(await within(dialog).findByRole('combobox', { name: 'Plan' }), other.name);
    await user.click(within(dialog).getByRole('radio', { name: 'Yearly' }));
    await user.click(within(dialog).getByRole('button', { name: 'Change plan' }));
    expect(await screen.findByText(`Moved to ${other.name}.`)).toBeTruthy();
    expect(posts(fake).at(-1)).toMatchObject({ body: { plan: other.id, interval: 'year' } });
  });

  it('extends a trial to a later date', async () => {
    const { user, fake, customer } = await openDetail('trialing');
    await user.click(screen.getByRole('button', { name: 'Extend trial' }));
    const dialog = screen.getByRole('dialog', { name: 'Extend trial' });
    const field = within(dialog).getByLabelText('New trial end');
    await user.clear(field);
    await user.type(field, '2026-03-01');
    await user.click(within(dialog).getByRole('button', { name: 'Extend trial' }));
    expect(await screen.findByText('Trial extended to 1 March 2026.')).toBeTruthy();
    expect(posts(fake).at(-1)).toMatchObject({
      path: `/admin/subscriptions/${customer.userId}/extend-trial`,
      body: { until: '2026-03-01T00:00:00.000Z' },
    });
  });

  it('says so when the customer does not exist', async () => {
    renderAdmin(server, <CustomerDetail customerId="user_nobody" />);
    expect(
      await screen.findByText('We couldn’t load this customer. That customer wasn’t found.'),
    ).toBeTruthy();
  });

  it('has no accessibility violations axe can find, with a dialog open too', async () => {
    const { user, container } = await openDetail('past_due');
    expect(await axeViolations(container)).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'One-off invoice' }));
    await waitFor(() => expect(screen.getByRole('dialog')).toBeTruthy());
    expect(await axeViolations(container)).toEqual([]);
  });
});
