import { screen, within } from '@testing-library/react';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { renderPortal, startPortalServer } from '../../test/portal-test-kit.js';
import { createPortalFake } from '../testing/portal-fake.js';
import { BillingPortal } from './billing-portal.js';

const server = startPortalServer();

describe('BillingPortal', () => {
  it('shows every part of the portal on one page', async () => {
    renderPortal(server, <BillingPortal />);
    for (const name of ['Your subscription', 'Plans', 'Payment methods', 'Invoices', 'Billing address']) {
      expect(await screen.findByRole('heading', { name, level: 2 })).toBeTruthy();
    }
    expect(await screen.findByRole('button', { name: 'Cancel subscription' })).toBeTruthy();
    expect(await screen.findByText('INV-0013')).toBeTruthy();
  });

  it('says what is loading while the server has not answered', async () => {
    const fake = createPortalFake();
    fake.latency = 'infinite';
    renderPortal(server, <BillingPortal />, { fake });
    expect(await screen.findByText('Loading your subscription…')).toBeTruthy();
    expect(screen.getByText('Loading plans…')).toBeTruthy();
    expect(screen.getByText('Loading invoices…')).toBeTruthy();
  });

  it('shows the error with a way to try again when the server answers 502', async () => {
    const fake = createPortalFake();
    fake.fail('GET /subscription', { status: 502, raw: true, times: 1 });
    const { user } = renderPortal(server, <BillingPortal />, { fake });
    const region = within(await screen.findByRole('region', { name: 'Your subscription' }));
    expect(
      await region.findByText(
        'We couldn’t load your subscription. The billing service isn’t available right now. Please try again in a moment.',
      ),
    ).toBeTruthy();

    await user.click(region.getByRole('button', { name: 'Try again' }));

    expect(await region.findByText('Starter')).toBeTruthy();
    expect(region.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('says the service cannot be reached when the network fails', async () => {
    const fake = createPortalFake();
    fake.fail('GET /invoices', { network: true });
    renderPortal(server, <BillingPortal />, { fake });
    const region = within(await screen.findByRole('region', { name: 'Invoices' }));
    expect(await region.findByText(/We couldn’t reach the billing service/)).toBeTruthy();
  });

  it('has no accessibility violations axe can find', async () => {
    // jsdom has no canvas; axe only probes it for icon fonts.
    HTMLCanvasElement.prototype.getContext = () => null;
    const { container } = renderPortal(server, <BillingPortal />, { state: 'past_due' });
    await screen.findByText('INV-0013');
    await screen.findByText(/is overdue/);
    const results = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
    expect(
      results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  });
});
