import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderPortal, startPortalServer } from '../../test/portal-test-kit.js';
import { SubscriptionSummary } from '../subscription/subscription-summary.js';
import { CancelFlow } from './cancel-flow.js';

const server = startPortalServer();

function Page() {
  return (
    <>
      <SubscriptionSummary />
      <CancelFlow />
    </>
  );
}

function summary() {
  return within(screen.getByRole('region', { name: 'Your subscription' }));
}

function offer(title: string) {
  return screen.getByRole('heading', { name: title }).closest('li') as HTMLElement;
}

describe('CancelFlow', () => {
  it('keeps the customer with a discount they accept instead of cancelling', async () => {
    const { user, fake } = renderPortal(server, <Page />);
    await user.click(await screen.findByRole('button', { name: 'Cancel subscription' }));
    expect(screen.getByRole('heading', { name: 'Why are you cancelling?' })).toBe(document.activeElement);
    await user.click(screen.getByRole('radio', { name: 'It’s too expensive' }));
    await user.type(
      screen.getByLabelText('Anything else you’d like to tell us? (optional)'),
      'Money is tight',
    );
    await user.click(screen.getByRole('button', { name: 'Continue' }));

    expect(await screen.findByRole('heading', { name: 'Before you go' })).toBe(document.activeElement);
    expect(screen.getByRole('heading', { name: 'Pause for 2 months' })).toBeTruthy();
    await user.click(within(offer('20% off for 3 months')).getByRole('button', { name: 'Accept offer' }));

    expect(await screen.findByRole('heading', { name: 'Thanks for staying' })).toBe(document.activeElement);
    expect(screen.getByText('20% off for 3 months: it’s applied to your subscription.')).toBeTruthy();
    // Still active, and the next charge carries the discount: A$8.00 instead of A$10.00.
    expect(summary().getByText('Active')).toBeTruthy();
    expect(await summary().findByText('$8.00 incl. GST $0.73 on 15 February 2026')).toBeTruthy();
    expect(fake.acceptedOffers).toEqual([
      { offerId: 'discount-20', body: { feedback: 'too_expensive', reason: 'Money is tight' } },
    ]);
    expect(fake.cancellations).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.getByRole('button', { name: 'Cancel subscription' })).toBe(document.activeElement);
  });

  it('pauses payments when the customer takes the pause', async () => {
    const { user } = renderPortal(server, <Page />);
    await user.click(await screen.findByRole('button', { name: 'Cancel subscription' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByRole('heading', { name: 'Before you go' });
    await user.click(within(offer('Pause for 2 months')).getByRole('button', { name: 'Accept offer' }));

    expect(await screen.findByRole('heading', { name: 'Thanks for staying' })).toBeTruthy();
    expect(
      await summary().findByText('Payments are paused. Your plan carries on by itself when the pause ends.'),
    ).toBeTruthy();
    expect(summary().getByText('Active')).toBeTruthy();
    expect(summary().getByText('No further charges are scheduled.')).toBeTruthy();
  });

  it('cancels at the period end after the offers are declined, and can be resumed', async () => {
    const { user, fake } = renderPortal(server, <Page />);
    await user.click(await screen.findByRole('button', { name: 'Cancel subscription' }));
    await user.click(screen.getByRole('radio', { name: 'I don’t use it enough' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await user.click(await screen.findByRole('button', { name: 'No thanks, continue cancelling' }));

    expect(screen.getByRole('heading', { name: 'Confirm cancellation' })).toBe(document.activeElement);
    expect(
      screen.getByText(
        'Your subscription will end on 15 February 2026. You keep access until then and won’t be charged again.',
      ),
    ).toBeTruthy();
    expect(fake.cancellations).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Confirm cancellation' }));

    expect(await screen.findByRole('heading', { name: 'Your subscription is cancelled' })).toBeTruthy();
    expect(fake.cancellations).toEqual([
      { atPeriodEnd: true, feedback: 'unused', declinedOffers: ['discount-20', 'pause-2'] },
    ]);
    expect(
      await summary().findByText(
        'Your subscription is cancelled and ends on 15 February 2026. You keep access until then.',
      ),
    ).toBeTruthy();
    expect(summary().getByText('Ending')).toBeTruthy();

    await user.click(summary().getByRole('button', { name: 'Resume subscription' }));
    expect(await summary().findByText('Your subscription will carry on as before.')).toBeTruthy();
    expect(summary().getByText('Active')).toBeTruthy();
  });

  it('goes straight to the confirmation when there is no offer to make', async () => {
    const { user } = renderPortal(server, <Page />, { offers: [] });
    await user.click(await screen.findByRole('button', { name: 'Cancel subscription' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByRole('heading', { name: 'Confirm cancellation' })).toBe(document.activeElement);
  });

  it('is not offered when the subscription already ends', async () => {
    renderPortal(server, <Page />, { state: 'cancel_scheduled' });
    expect(await summary().findByRole('button', { name: 'Resume subscription' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel subscription' })).toBeNull();
  });

  it('works from the keyboard alone, focus moving to each step', async () => {
    const { user, fake } = renderPortal(server, <Page />);
    const open = await screen.findByRole('button', { name: 'Cancel subscription' });
    while (document.activeElement !== open) await user.tab();
    await user.keyboard('{Enter}');

    expect(screen.getByRole('heading', { name: 'Why are you cancelling?' })).toBe(document.activeElement);
    await user.tab();
    expect(screen.getByRole('radio', { name: 'It’s too expensive' })).toBe(document.activeElement);
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('radio', { name: 'It’s missing features I need' })).toHaveProperty(
      'checked',
      true,
    );
    await user.tab();
    expect(screen.getByRole('textbox')).toBe(document.activeElement);
    await user.keyboard('Needs an API');
    await user.tab();
    expect(screen.getByRole('button', { name: 'Continue' })).toBe(document.activeElement);
    await user.keyboard('{Enter}');

    const offers = await screen.findByRole('heading', { name: 'Before you go' });
    expect(offers).toBe(document.activeElement);
    const decline = screen.getByRole('button', { name: 'No thanks, continue cancelling' });
    while (document.activeElement !== decline) await user.tab();
    await user.keyboard('{Enter}');

    expect(screen.getByRole('heading', { name: 'Confirm cancellation' })).toBe(document.activeElement);
    await user.tab();
    expect(screen.getByRole('button', { name: 'Confirm cancellation' })).toBe(document.activeElement);
    await user.keyboard(' ');

    await waitFor(() =>
      expect(screen.getByRole('heading', { name: 'Your subscription is cancelled' })).toBe(
        document.activeElement,
      ),
    );
    expect(fake.cancellations).toEqual([
      {
        atPeriodEnd: true,
        feedback: 'missing_features',
        reason: 'Needs an API',
        declinedOffers: ['discount-20', 'pause-2'],
      },
    ]);
  });
});
