import type { PaymentMethodJson } from '@billkit/server/contract';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderPortal, startPortalServer } from '../../test/portal-test-kit.js';
import { createStripeStandIn } from '../testing/stripe-stand-in.js';
import { PaymentMethods } from './payment-methods.js';

const server = startPortalServer();

function item(label: string): HTMLElement {
  return screen.getByText(label).closest('li') as HTMLElement;
}

const visa: PaymentMethodJson = {
  id: 'pm_saved_visa',
  type: 'card',
  brand: 'visa',
  last4: '1881',
  expMonth: 3,
  expYear: 2029,
  wallet: 'apple_pay',
  isDefault: false,
};
const mastercard: PaymentMethodJson = {
  ...visa,
  id: 'pm_saved_mc',
  brand: 'mastercard',
  last4: '4444',
  wallet: null,
  isDefault: true,
};

describe('PaymentMethods', () => {
  it('lists each method with its brand, last four digits, expiry and the default badge', async () => {
    renderPortal(server, <PaymentMethods />, { paymentMethods: [mastercard, visa] });
    await screen.findByText('Mastercard ending in 4444');
    const first = item('Mastercard ending in 4444');
    expect(within(first).getByText('Expires 03/2029')).toBeTruthy();
    expect(within(first).getByText('Default')).toBeTruthy();
    const second = item('Visa ending in 1881');
    expect(within(second).getByText('via Apple Pay')).toBeTruthy();
    expect(within(second).queryByText('Default')).toBeNull();
  });

  it('adds a card through the Payment Element and lists it as the default', async () => {
    const { user, fake, stripe } = renderPortal(server, <PaymentMethods />);
    await screen.findByText('Mastercard ending in 4444');
    await user.click(screen.getByRole('button', { name: 'Add a payment method' }));

    expect(screen.getByRole('heading', { name: 'Add a payment method' })).toBe(document.activeElement);
    expect(await screen.findByLabelText('Card number (Stripe test stand-in)')).toBeTruthy();
    const save = screen.getByRole('button', { name: 'Save payment method' });
    await waitFor(() => expect(save).toHaveProperty('disabled', false));
    await user.click(save);

    expect(await screen.findByText('Your new payment method is saved and set as your default.')).toBeTruthy();
    await screen.findByText('Visa ending in 4242');
    const added = item('Visa ending in 4242');
    expect(within(added).getByText('Default')).toBeTruthy();
    expect(within(item('Mastercard ending in 4444')).queryByText('Default')).toBeNull();
    expect(screen.getByRole('button', { name: 'Add a payment method' })).toBe(document.activeElement);

    expect(stripe?.calls.find((c) => c.method === 'elements')?.args[0]).toMatchObject({
      clientSecret: 'seti_fake_1_secret_test',
    });
    expect(stripe?.calls.find((c) => c.method === 'confirmSetup')?.args[0]).toMatchObject({
      redirect: 'if_required',
    });
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/payment-methods/setup-intent',
      '/payment-methods/pm_card_visa/default',
    ]);
  });

  it('runs the 3D Secure challenge Stripe.js shows before saving', async () => {
    const stripe = createStripeStandIn({ paymentMethodId: 'pm_card_mastercard', requireAction: true });
    const { user } = renderPortal(server, <PaymentMethods />, { stripe, paymentMethods: [] });
    await user.click(await screen.findByRole('button', { name: 'Add a payment method' }));
    const save = await screen.findByRole('button', { name: 'Save payment method' });
    await waitFor(() => expect(save).toHaveProperty('disabled', false));
    await user.click(save);

    const challenge = await screen.findByRole('dialog', { name: '3D Secure test challenge' });
    await user.click(within(challenge).getByRole('button', { name: 'Complete authentication' }));

    expect(await screen.findByText('Mastercard ending in 4444')).toBeTruthy();
  });

  it('shows the decline Stripe.js reports and saves nothing', async () => {
    const stripe = createStripeStandIn({
      failWith: {
        code: 'card_declined',
        message: 'Your card has insufficient funds.',
        declineCode: 'insufficient_funds',
      },
    });
    const { user, fake } = renderPortal(server, <PaymentMethods />, { stripe });
    await user.click(await screen.findByRole('button', { name: 'Add a payment method' }));
    const save = await screen.findByRole('button', { name: 'Save payment method' });
    await waitFor(() => expect(save).toHaveProperty('disabled', false));
    await user.click(save);

    expect(await screen.findByText('Your card has insufficient funds.')).toBeTruthy();
    expect(fake.requests.some((r) => r.path.endsWith('/default'))).toBe(false);
    expect(screen.getByRole('button', { name: 'Save payment method' })).toBeTruthy();
  });

  it('retries only the server step when making the confirmed card the default failed', async () => {
    const { user, fake, stripe } = renderPortal(server, <PaymentMethods />);
    fake.fail('POST /payment-methods/:id/default', { status: 503, code: 'stripe_unavailable', times: 1 });
    await user.click(await screen.findByRole('button', { name: 'Add a payment method' }));
    const save = await screen.findByRole('button', { name: 'Save payment method' });
    await waitFor(() => expect(save).toHaveProperty('disabled', false));
    await user.click(save);
    expect(
      await screen.findByText(
        'Our payment provider isn’t available right now. Please try again in a moment.',
      ),
    ).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Save payment method' }));

    expect(await screen.findByText('Visa ending in 4242')).toBeTruthy();
    expect(stripe?.calls.filter((c) => c.method === 'confirmSetup')).toHaveLength(1);
  });

  it('makes another method the default', async () => {
    const { user } = renderPortal(server, <PaymentMethods />, { paymentMethods: [mastercard, visa] });
    await screen.findByText('Visa ending in 1881');
    await user.click(within(item('Visa ending in 1881')).getByRole('button', { name: 'Make default' }));

    expect(await screen.findByText('Visa ending in 1881 is now your default payment method.')).toBeTruthy();
    await waitFor(() => expect(within(item('Visa ending in 1881')).getByText('Default')).toBeTruthy());
    expect(within(item('Mastercard ending in 4444')).queryByText('Default')).toBeNull();
  });

  it('removes a method only after the customer confirms', async () => {
    const { user, fake } = renderPortal(server, <PaymentMethods />, { paymentMethods: [mastercard, visa] });
    await screen.findByText('Visa ending in 1881');
    await user.click(within(item('Visa ending in 1881')).getByRole('button', { name: 'Remove' }));
    const question = screen.getByRole('group', { name: 'Remove Visa ending in 1881?' });
    expect(within(question).getByRole('button', { name: 'Yes, remove' })).toBe(document.activeElement);
    expect(fake.requests.some((r) => r.method === 'DELETE')).toBe(false);

    await user.click(within(question).getByRole('button', { name: 'Yes, remove' }));

    expect(await screen.findByText('Visa ending in 1881 was removed.')).toBeTruthy();
    expect(screen.queryByText('Visa ending in 1881')).toBeNull();
    expect(fake.paymentMethods.map((method) => method.id)).toEqual(['pm_saved_mc']);
  });

  it('explains why the only card of a live subscription cannot be removed', async () => {
    const { user } = renderPortal(server, <PaymentMethods />);
    await screen.findByText('Mastercard ending in 4444');
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    await user.click(screen.getByRole('button', { name: 'Yes, remove' }));

    expect(
      await screen.findByText(
        'You can’t remove your only payment method while your subscription is active. Add another one first.',
      ),
    ).toBeTruthy();
    expect(screen.getByText('Mastercard ending in 4444')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Remove' })).toBe(document.activeElement);
  });

  it('says so when there is nothing saved', async () => {
    renderPortal(server, <PaymentMethods />, { state: 'none' });
    expect(await screen.findByText('You have no saved payment methods.')).toBeTruthy();
  });
});
