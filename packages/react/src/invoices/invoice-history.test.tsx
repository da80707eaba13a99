import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderPortal, startPortalServer } from '../../test/portal-test-kit.js';
import { InvoiceHistory } from './invoice-history.js';

const server = startPortalServer();

function rows(): HTMLElement[] {
  return within(screen.getByRole('table')).getAllByRole('row').slice(1);
}

describe('InvoiceHistory', () => {
  it('lists invoices newest first with their amounts and status badges', async () => {
    renderPortal(server, <InvoiceHistory />);
    expect(await screen.findByText('INV-0013')).toBeTruthy();
    const [newest] = rows();
    expect(within(newest!).getByText('15 January 2026')).toBeTruthy();
    expect(within(newest!).getByText('$10.00')).toBeTruthy();
    expect(within(newest!).getByText('Paid')).toBeTruthy();
  });

  it('links each invoice to its PDF, which the route serves as application/pdf', async () => {
    renderPortal(server, <InvoiceHistory />);
    const link = await screen.findByRole('link', { name: 'Download PDF for invoice INV-0013' });
    expect(link.getAttribute('href')).toBe('/api/billing/invoices/in_0013/pdf');
    expect(link.textContent).toBe('Download PDF');

    const response = await fetch(new URL(link.getAttribute('href')!, window.location.href));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(new TextDecoder().decode((await response.arrayBuffer()).slice(0, 5))).toBe('%PDF-');
  });

  it('pages through the history with Next and Previous', async () => {
    const { user } = renderPortal(server, <InvoiceHistory />);
    await screen.findByText('INV-0013');
    expect(rows()).toHaveLength(10);
    const pages = screen.getByRole('navigation', { name: 'Invoice pages' });
    expect(within(pages).getByRole('button', { name: 'Previous page' }).getAttribute('aria-disabled')).toBe(
      'true',
    );

    await user.click(within(pages).getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('INV-0003')).toBeTruthy();
    expect(rows()).toHaveLength(3);
    expect(within(pages).getByText('Page 2')).toBeTruthy();
    expect(within(pages).getByRole('button', { name: 'Next page' }).getAttribute('aria-disabled')).toBe(
      'true',
    );

    await user.click(within(pages).getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('INV-0013')).toBeTruthy();
    expect(within(pages).getByText('Page 1')).toBeTruthy();
  });

  it('says so when there are no invoices yet', async () => {
    renderPortal(server, <InvoiceHistory />, { state: 'none' });
    expect(await screen.findByText('You have no invoices yet.')).toBeTruthy();
    expect(screen.queryByRole('navigation')).toBeNull();
  });
});
