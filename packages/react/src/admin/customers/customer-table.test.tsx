import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { axeViolations, renderAdmin, startAdminServer } from '../../../test/admin-test-kit.js';
import { createAdminFake } from '../../testing/admin-fake.js';
import { CustomerTable } from './customer-table.js';

const server = startAdminServer();

function rows(): HTMLElement[] {
  return within(screen.getByRole('table', { name: 'Customers' }))
    .getAllByRole('row')
    .slice(1);
}

describe('CustomerTable', () => {
  it('lists customers newest first with their subscription status', async () => {
    const { fake } = renderAdmin(server, <CustomerTable pageSize={10} />);
    const newest = [...fake.customers].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0]!;
    expect(await screen.findByRole('rowheader', { name: newest.name! })).toBeTruthy();
    expect(rows()).toHaveLength(10);
    expect(within(rows()[0]!).getByText(newest.email!)).toBeTruthy();
  });

  it('narrows the table to the customers a search matches', async () => {
    const { user, fake } = renderAdmin(server, <CustomerTable />);
    await screen.findAllByRole('rowheader');

    await user.type(screen.getByRole('searchbox', { name: 'Search customers' }), 'ava nguyen');
    await user.click(screen.getByRole('button', { name: 'Search' }));

    expect(await screen.findByRole('rowheader', { name: 'Ava Nguyen' })).toBeTruthy();
    expect(rows()).toHaveLength(1);
    expect(fake.requests.at(-1)?.path).toBe('/admin/customers?query=ava+nguyen&limit=20');
  });

  it('filters by subscription status and says when nothing matches', async () => {
    const { user, fake } = renderAdmin(server, <CustomerTable />);
    await screen.findAllByRole('rowheader');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Subscription' }), 'Past due');

    const pastDue = fake.customers.filter((c) =>
      fake.subscriptions.some((s) => s.userId === c.userId && s.status === 'past_due'),
    );
    await screen.findByRole('rowheader', { name: pastDue[0]!.name! });
    expect(rows()).toHaveLength(pastDue.length);
    for (const row of rows()) expect(within(row).getByText('Past due')).toBeTruthy();

    await user.type(screen.getByRole('searchbox', { name: 'Search customers' }), 'nobody-by-this-name');
    await user.keyboard('{Enter}');
    expect(await screen.findByText('No customers match this search.')).toBeTruthy();
  });

  it('pages with the server’s cursor and starts again at page 1 when the filter changes', async () => {
    const { user, fake } = renderAdmin(server, <CustomerTable pageSize={15} />);
    await screen.findAllByRole('rowheader');
    const pages = screen.getByRole('navigation', { name: 'Customer pages' });
    const next = within(pages).getByRole('button', { name: 'Next page' });
    const previous = within(pages).getByRole('button', { name: 'Previous page' });
    expect(previous.getAttribute('aria-disabled')).toBe('true');
    const firstPage = rows().map((row) => row.textContent);

    await user.click(next);
    expect(await within(pages).findByText('Page 2')).toBeTruthy();
    await screen.findByRole('rowheader', { name: sortedNames(fake)[15]! });
    expect(fake.requests.at(-1)?.path).toMatch(/^\/admin\/customers\?cursor=[^&]+&limit=15$/);
    await user.click(next);
    expect(await within(pages).findByText('Page 3')).toBeTruthy();
    await screen.findByRole('rowheader', { name: sortedNames(fake)[30]! });
    expect(rows()).toHaveLength(10);
    expect(next.getAttribute('aria-disabled')).toBe('true');

    await user.click(previous);
    await user.click(previous);
    expect(await within(pages).findByText('Page 1')).toBeTruthy();
    expect(rows().map((row) => row.textContent)).toEqual(firstPage);

    await user.click(next);
    await within(pages).findByText('Page 2');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Subscription' }), 'Active');
    expect(
      await within(screen.getByRole('navigation', { name: 'Customer pages' })).findByText('Page 1'),
    ).toBeTruthy();
  });

  it('opens a customer from the keyboard', async () => {
    const onSelect = vi.fn();
    const { user } = renderAdmin(server, <CustomerTable onSelectCustomer={onSelect} />);
    await screen.findAllByRole('rowheader');
    const first = within(rows()[0]!).getByRole('button');
    first.focus();
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenCalledWith(expect.stringMatching(/^user_/));
  });

  it('links each customer to the host’s page for them', async () => {
    const { fake } = renderAdmin(server, <CustomerTable customerHref={(id) => `/admin/customers/${id}`} />);
    const newest = sortedNames(fake)[0]!;
    const link = await screen.findByRole('link', { name: newest });
    expect(link.getAttribute('href')).toBe(`/admin/customers/${fake.userIdOf(newest)}`);
  });

  it('says so when there are no customers yet', async () => {
    renderAdmin(server, <CustomerTable />, { dataset: 'empty' });
    expect(await screen.findByText('No customers yet.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows the failure with a way to try again', async () => {
    const fake = createAdminFake();
    fake.fail('GET /customers', { status: 502, raw: true, times: 1 });
    const { user } = renderAdmin(server, <CustomerTable />, { fake });
    expect(
      await screen.findByText(
        'We couldn’t load the customers. The billing service isn’t available right now. Please try again in a moment.',
      ),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByRole('rowheader')).not.toHaveLength(0);
  });

  it('has no accessibility violations axe can find', async () => {
    const { container } = renderAdmin(server, <CustomerTable onSelectCustomer={() => undefined} />);
    await screen.findAllByRole('rowheader');
    expect(await axeViolations(container)).toEqual([]);
  });
});

function sortedNames(fake: ReturnType<typeof createAdminFake>): string[] {
  return [...fake.customers]
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
    .map((c) => c.name!);
}
