import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderPortal, startPortalServer } from '../../test/portal-test-kit.js';
import { SubscriptionSummary } from './subscription-summary.js';

const server = startPortalServer();

function summary() {
  return within(screen.getByRole('region', { name: 'Your subscription' }));
}

describe('SubscriptionSummary', () => {
  it('shows the status, plan, price and the next charge with its GST', async () => {
    renderPortal(server, <SubscriptionSummary />);
    expect(await screen.findByText('Starter')).toBeTruthy();
    expect(summary().getByText('Active')).toBeTruthy();
    expect(summary().getByText('$10.00 per month')).toBeTruthy();
    expect(summary().getByText('$10.00 incl. GST $0.91 on 15 February 2026')).toBeTruthy();
  });

  it('tells a trialing customer when the trial ends', async () => {
    renderPortal(server, <SubscriptionSummary />, { state: 'trialing' });
    expect(await summary().findByText('Trial')).toBeTruthy();
    expect(summary().getByText('Your free trial ends on 11 February 2026.')).toBeTruthy();
    expect(summary().getByText('$10.00 incl. GST $0.91 on 11 February 2026')).toBeTruthy();
  });

  it('warns a past-due customer until when access lasts', async () => {
    renderPortal(server, <SubscriptionSummary />, { state: 'past_due' });
    expect(await summary().findByText('Past due')).toBeTruthy();
    expect(
      summary().getByText('Your last payment failed. You keep access until 5 February 2026 while we retry.'),
    ).toBeTruthy();
  });

  it('shows when a cancelled subscription ended, without a next charge', async () => {
    renderPortal(server, <SubscriptionSummary />, { state: 'canceled' });
    expect(await summary().findByText('Cancelled')).toBeTruthy();
    expect(summary().getByText('Your subscription ended on 15 January 2026.')).toBeTruthy();
    expect(summary().queryByText('Next charge')).toBeNull();
  });

  it('invites a customer without a subscription to choose a plan', async () => {
    renderPortal(server, <SubscriptionSummary />, { state: 'none' });
    expect(await summary().findByText('You don’t have a subscription yet.')).toBeTruthy();
  });

  it('uses the host’s messages and formats amounts and dates for the locale', async () => {
    renderPortal(server, <SubscriptionSummary />, {
      locale: 'de-DE',
      messages: {
        summary: {
          heading: 'Ihr Abonnement',
          nextCharge: 'Nächste Zahlung',
          nextChargeText: ({ amount, tax, taxLabel, date }) =>
            `${amount} inkl. ${tax} ${taxLabel} am ${date}`,
        },
        status: { subscription: { active: 'Aktiv' } },
      },
    });
    const region = within(await screen.findByRole('region', { name: 'Ihr Abonnement' }));
    expect(await region.findByText('Aktiv')).toBeTruthy();
    const charge = region.getByText('Nächste Zahlung').nextSibling?.textContent?.replace(/\s/g, ' ');
    expect(charge).toBe('10,00 AU$ inkl. 0,91 AU$ GST am 15. Februar 2026');
    // What was not overridden stays English.
    expect(region.getByText('Plan')).toBeTruthy();
  });

  it('shows "A$" where the locale needs the currency told apart', async () => {
    renderPortal(server, <SubscriptionSummary />, { locale: 'en-GB' });
    expect(await screen.findByText('A$10.00 incl. GST A$0.91 on 15 February 2026')).toBeTruthy();
  });
});
