import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderPortal, startPortalServer } from '../../test/portal-test-kit.js';
import { SubscriptionSummary } from '../subscription/subscription-summary.js';
import { PlanPicker } from './plan-picker.js';

const server = startPortalServer();

function Page() {
  return (
    <>
      <SubscriptionSummary />
      <PlanPicker />
    </>
  );
}

function summary() {
  return within(screen.getByRole('region', { name: 'Your subscription' }));
}

describe('PlanPicker', () => {
  it('upgrades after showing the prorated price and waiting for Confirm', async () => {
    const { user, fake } = renderPortal(server, <Page />);
    await user.click(await screen.findByRole('button', { name: 'Choose Business' }));

    const preview = await screen.findByRole('region', { name: 'Review your change to Business' });
    // 16 of the period's 31 days are left: -A$5.16 for Starter, A$25.81 for Business, A$20.65 now.
    expect(await within(preview).findByText('Unused time on Starter after 2026-01-30')).toBeTruthy();
    expect(within(preview).getByText('-$5.16')).toBeTruthy();
    expect(within(preview).getByText('$25.81')).toBeTruthy();
    expect(within(preview).getByText('Due now').nextSibling?.textContent).toBe('$20.65');
    expect(within(preview).getByText('Next renewal on 15 February 2026').nextSibling?.textContent).toBe(
      '$50.00',
    );
    expect(fake.subscription?.planId).toBe('starter');

    await user.click(within(preview).getByRole('button', { name: 'Confirm change' }));

    expect(await screen.findByText('Your plan is now Business.')).toBeTruthy();
    expect(await summary().findByText('Business')).toBeTruthy();
    expect(summary().getByText('$50.00 per month')).toBeTruthy();
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/subscription/preview',
      '/subscription/change',
    ]);
  });

  it('changes nothing when the customer keeps the current plan', async () => {
    const { user, fake } = renderPortal(server, <Page />);
    await user.click(await screen.findByRole('button', { name: 'Choose Pro' }));
    const preview = await screen.findByRole('region', { name: 'Review your change to Pro' });
    await within(preview).findByText('Due now');
    await user.click(within(preview).getByRole('button', { name: 'Keep current plan' }));

    expect(screen.queryByRole('region', { name: 'Review your change to Pro' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Plans' })).toBe(document.activeElement);
    expect(fake.requests.some((r) => r.path === '/subscription/change')).toBe(false);
  });

  it('marks the current plan and switches to yearly prices', async () => {
    const { user } = renderPortal(server, <Page />);
    const current = (await screen.findByRole('heading', { name: 'Starter' })).closest('li')!;
    expect(within(current).getByText('Current plan')).toBeTruthy();
    expect(within(current).queryByRole('button')).toBeNull();

    await user.click(screen.getByRole('radio', { name: 'Yearly' }));
    const business = screen.getByRole('heading', { name: 'Business' }).closest('li')!;
    expect(within(business).getByText('$500.00 per year')).toBeTruthy();
    // Starter yearly is another price: it can be chosen, not marked current.
    const starterYearly = screen.getByRole('heading', { name: 'Starter' }).closest('li')!;
    expect(within(starterYearly).queryByText('Current plan')).toBeNull();
  });

  it('shows a downgrade as nothing to pay now and the move at the period end', async () => {
    const { user } = renderPortal(server, <Page />, { plan: 'business' });
    await user.click(await screen.findByRole('button', { name: 'Choose Starter' }));
    const preview = await screen.findByRole('region', { name: 'Review your change to Starter' });
    expect(await within(preview).findByText('Nothing to pay now.')).toBeTruthy();
    expect(
      within(preview).getByText(
        'You keep your current plan until 15 February 2026, then move to the new one.',
      ),
    ).toBeTruthy();

    await user.click(within(preview).getByRole('button', { name: 'Confirm change' }));

    expect(await screen.findByText('You’ll move to Starter on 15 February 2026.')).toBeTruthy();
    expect(await summary().findByText('You move to Starter on 15 February 2026.')).toBeTruthy();
    const business = screen.getByRole('heading', { name: 'Business' }).closest('li')!;
    expect(within(business).getByText('Current plan')).toBeTruthy();
  });

  it('starts a subscription for a customer without one, after Confirm', async () => {
    const { user, fake } = renderPortal(server, <Page />, {
      state: 'none',
      paymentMethods: [
        {
          id: 'pm_1',
          type: 'card',
          brand: 'visa',
          last4: '4242',
          expMonth: 1,
          expYear: 2030,
          wallet: null,
          isDefault: true,
        },
      ],
    });
    expect(await summary().findByText('You don’t have a subscription yet.')).toBeTruthy();
    await user.click(await screen.findByRole('button', { name: 'Choose Business' }));
    const start = screen.getByRole('region', { name: 'Start Business' });
    expect(
      within(start).getByText('You’ll pay $50.00 per month, charged to your default payment method.'),
    ).toBeTruthy();
    expect(fake.subscription).toBeNull();

    await user.click(within(start).getByRole('button', { name: 'Start subscription' }));

    expect(await screen.findByText('Your Business subscription has started.')).toBeTruthy();
    expect(await summary().findByText('Business')).toBeTruthy();
    expect(summary().getByText('Active')).toBeTruthy();
  });

  it('says a payment method is needed when starting without one', async () => {
    const { user } = renderPortal(server, <Page />, { state: 'none' });
    await user.click(await screen.findByRole('button', { name: 'Choose Starter' }));
    await user.click(screen.getByRole('button', { name: 'Start subscription' }));
    expect(await screen.findByText('Add a payment method first.')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Start Starter' })).toBeTruthy();
  });

  it('offers the trial of a plan that has one to a new customer', async () => {
    const { user } = renderPortal(server, <Page />, { state: 'none' });
    const pro = (await screen.findByRole('heading', { name: 'Pro' })).closest('li')!;
    expect(within(pro).getByText('14-day free trial')).toBeTruthy();
    await user.click(within(pro).getByRole('button', { name: 'Choose Pro' }));
    await user.click(screen.getByRole('button', { name: 'Start subscription' }));
    expect(await summary().findByText('Trial')).toBeTruthy();
    expect(summary().getByText('Your free trial ends on 13 February 2026.')).toBeTruthy();
  });
});
