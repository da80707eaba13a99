import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderPortal, startPortalServer } from '../../test/portal-test-kit.js';
import { PastDueBanner } from './past-due-banner.js';
import { SubscriptionSummary } from './subscription-summary.js';

const server = startPortalServer();

function Page() {
  return (
    <>
      <PastDueBanner />
      <SubscriptionSummary />
    </>
  );
}

describe('PastDueBanner', () => {
  it('shows the amount due and the end of the grace period', async () => {
    renderPortal(server, <Page />, { state: 'past_due' });
    const banner = await screen.findByRole('region', { name: 'Your payment failed' });
    expect(
      await within(banner).findByText(
        '$10.00 is overdue. Pay now or update your card to keep access after 5 February 2026.',
      ),
    ).toBeTruthy();
  });

  it('pays the open invoice now and goes away', async () => {
    const { user, fake } = renderPortal(server, <Page />, { state: 'past_due' });
    const banner = await screen.findByRole('region', { name: 'Your payment failed' });
    await user.click(within(banner).getByRole('button', { name: 'Pay now' }));

    expect(await screen.findByText('Thank you, your payment went through.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Your payment failed' })).toBeNull());
    const summary = within(screen.getByRole('region', { name: 'Your subscription' }));
    expect(summary.getByText('Active')).toBeTruthy();
    expect(fake.requests.find((r) => r.method === 'POST')?.path).toBe('/invoices/in_0013/pay');
  });

  it('keeps the banner and says why when the payment is declined', async () => {
    const { user } = renderPortal(server, <Page />, {
      state: 'past_due',
      declinePaymentsWith: 'insufficient_funds',
    });
    const banner = await screen.findByRole('region', { name: 'Your payment failed' });
    await user.click(within(banner).getByRole('button', { name: 'Pay now' }));

    expect(await screen.findByText('Your card was declined. Try another payment method.')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Your payment failed' })).toBeTruthy();
  });

  it('opens the card form from "Update card" and makes the new card the default', async () => {
    const { user, fake } = renderPortal(server, <Page />, { state: 'past_due' });
    const banner = await screen.findByRole('region', { name: 'Your payment failed' });
    await user.click(within(banner).getByRole('button', { name: 'Update card' }));
    const save = await within(banner).findByRole('button', { name: 'Save payment method' });
    await waitFor(() => expect(save).toHaveProperty('disabled', false));
    await user.click(save);

    expect(await screen.findByText('Your new payment method is saved and set as your default.')).toBeTruthy();
    expect(fake.paymentMethods.find((method) => method.isDefault)?.id).toBe('pm_card_visa');
    expect(within(banner).getByRole('button', { name: 'Update card' })).toBe(document.activeElement);
  });

  it('is not shown while payments are up to date', async () => {
    renderPortal(server, <Page />);
    expect(await screen.findByText('Starter')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Your payment failed' })).toBeNull();
  });
});
