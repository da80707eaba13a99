import { describe, expect, it } from 'vitest';
import { createStripeSim } from '../src/index.js';

describe('smoke', () => {
  it('creates and retrieves a customer through the real client', async () => {
    const sim = createStripeSim();
    const c = await sim.stripe.customers.create({
      email: 'a@example.com',
      name: 'A',
      address: { country: 'AU', city: 'Sydney' },
    });
    expect(c.id).toMatch(/^cus_/);
    const again = await sim.stripe.customers.retrieve(c.id);
    expect(again).toMatchObject({ email: 'a@example.com' });
    await expect(sim.stripe.customers.create({ email: 'nope' })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'email',
    });
    await expect(sim.stripe.customers.create({ bogus: 1 } as never)).rejects.toMatchObject({
      code: 'parameter_unknown',
    });
  });
});
