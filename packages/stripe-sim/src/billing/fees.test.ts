import { describe, expect, it } from 'vitest';
import { cardFee, disputeFee } from './fees.js';

describe('Stripe fees for an Australian account', () => {
  it('charges 1.7% + 30c on a domestic card, GST included and split out', () => {
    const fee = cardFee(1000, 'aud', 'AU', 'AU');
    expect(fee.total).toBe(47);
    expect(fee.details.map((d) => [d.type, d.amount])).toEqual([
      ['stripe_fee', 43],
      ['tax', 4],
    ]);
  });

  it('charges 3.5% + 30c on an international card', () => {
    expect(cardFee(1000, 'aud', 'US', 'AU').total).toBe(65);
  });

  it('charges A$25 for a dispute', () => {
    expect(disputeFee('aud', 'AU').total).toBe(2500);
  });
});
