import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderPortal, startPortalServer } from '../../test/portal-test-kit.js';
import { isValidAbn } from './address-validation.js';
import { BillingAddressForm } from './billing-address-form.js';

const server = startPortalServer();

describe('BillingAddressForm', () => {
  it('shows what to fix next to each field, then saves once it is right', async () => {
    const { user, fake } = renderPortal(server, <BillingAddressForm />);
    const street = await screen.findByLabelText('Street address');
    await user.clear(street);
    const postcode = screen.getByLabelText('Postcode');
    await user.clear(postcode);
    await user.type(postcode, '20');
    await user.click(screen.getByRole('checkbox', { name: 'I’m buying for a business' }));
    await user.type(screen.getByLabelText('ABN'), '12 345');
    await user.click(screen.getByRole('button', { name: 'Save address' }));

    expect(screen.getByText('Fix 3 fields to continue.')).toBeTruthy();
    expect(street).toBe(document.activeElement);
    expect(street.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter your street address.').id).toBe(street.getAttribute('aria-describedby'));
    expect(screen.getByText('An Australian postcode has 4 digits.')).toBeTruthy();
    expect(screen.getByText('An ABN has 11 digits.')).toBeTruthy();
    expect(fake.requests.some((r) => r.method === 'PUT')).toBe(false);

    await user.type(street, '200 Collins Street');
    await user.clear(postcode);
    await user.type(postcode, '3000');
    await user.selectOptions(screen.getByLabelText('State'), 'VIC');
    await user.clear(screen.getByLabelText('ABN'));
    await user.type(screen.getByLabelText('ABN'), '51 824 753 556');
    await user.click(screen.getByRole('button', { name: 'Save address' }));

    expect(await screen.findByText('Your billing address is saved.')).toBeTruthy();
    expect(street.getAttribute('aria-invalid')).toBeNull();
    expect(fake.billingAddress).toMatchObject({
      abn: '51824753556',
      address: {
        line1: '200 Collins Street',
        city: 'Sydney',
        state: 'VIC',
        postalCode: '3000',
        country: 'AU',
      },
    });
  });

  it('rejects an ABN whose check digits do not add up', async () => {
    const { user } = renderPortal(server, <BillingAddressForm />);
    await user.click(await screen.findByRole('checkbox', { name: 'I’m buying for a business' }));
    await user.type(screen.getByLabelText('ABN'), '12345678901');
    await user.click(screen.getByRole('button', { name: 'Save address' }));
    expect(screen.getByText('This ABN isn’t valid. Check the digits.')).toBeTruthy();
    expect(screen.getByLabelText('ABN')).toBe(document.activeElement);
    expect(isValidAbn('51824753556')).toBe(true);
  });

  it('offers the Australian states for Australia and a free field elsewhere', async () => {
    const { user } = renderPortal(server, <BillingAddressForm />);
    const state = await screen.findByLabelText('State');
    expect(within(state).getByRole('option', { name: 'New South Wales' })).toHaveProperty('selected', true);
    expect(within(state).getAllByRole('option')).toHaveLength(9);

    await user.selectOptions(screen.getByLabelText('Country'), 'NZ');
    expect(screen.queryByLabelText('State')).toBeNull();
    expect(screen.getByLabelText('State or region (optional)').tagName).toBe('INPUT');
  });

  it('puts the server’s objection on the field it names', async () => {
    const { user, fake } = renderPortal(server, <BillingAddressForm />);
    fake.fail('PUT /billing-address', {
      status: 400,
      code: 'invalid_input',
      message: 'address.city: Required',
      param: 'address.city',
      times: 1,
    });
    await user.click(await screen.findByRole('button', { name: 'Save address' }));
    const city = screen.getByLabelText('City or suburb');
    expect(
      await within(city.parentElement!).findByText('Some details aren’t valid. Check them and try again.'),
    ).toBeTruthy();
    expect(city).toBe(document.activeElement);
  });
});
