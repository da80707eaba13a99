import { describe, expect, it } from 'vitest';
import { decodeForm } from './form-decode.js';

describe('decodeForm', () => {
  it('reads nested objects, indexed arrays and appended arrays the way stripe-node encodes them', () => {
    const form = decodeForm(
      'customer=cus_1&items[0][price]=price_a&items[0][quantity]=2&items[1][price]=price_b' +
        '&metadata[plan]=pro%20plus&expand[]=latest_invoice&expand[]=customer&empty=',
    );
    expect(form).toEqual({
      customer: 'cus_1',
      items: [{ price: 'price_a', quantity: '2' }, { price: 'price_b' }],
      metadata: { plan: 'pro plus' },
      expand: ['latest_invoice', 'customer'],
      empty: '',
    });
  });

  it('accepts percent-encoded brackets', () => {
    expect(decodeForm('expand%5B0%5D=data.customer')).toEqual({ expand: ['data.customer'] });
  });
});
