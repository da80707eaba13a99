import { expect, it } from 'vitest';
import { createStripeSim } from '../src/index.js';

it('scratch: lifecycle', async () => {
  const sim = createStripeSim({ now: new Date('2026-01-15T00:00:00Z') });
  const events: string[] = [];
  sim.webhooks.listen(async (req) => {
    const body = await req.text();
    events.push(JSON.parse(body).type);
    return new Response('ok');
  });
  const s = sim.stripe;
  const product = await s.products.create({ name: 'Pro' });
  const price = await s.prices.create({ product: product.id, currency: 'aud', unit_amount: 1000, recurring: { interval: 'month' }, tax_behavior: 'inclusive', lookup_key: 'pro_monthly' });
  const gst = await s.taxRates.create({ display_name: 'GST', percentage: 10, inclusive: true, country: 'AU', tax_type: 'gst' });
  const customer = await s.customers.create({ email: 'a@example.com' });
  const pm = await s.paymentMethods.attach('pm_card_au', { customer: customer.id });
  await s.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  const sub = await s.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], default_tax_rates: [gst.id], expand: ['latest_invoice.payments'] });
  console.log(sub.status, JSON.stringify(sub.latest_invoice).slice(0, 400));
  await sim.clock.advance({ months: 1, hours: 2 });
  const invoices = await s.invoices.list({ customer: customer.id });
  console.log(invoices.data.map((i) => [i.number, i.status, i.total, i.total_taxes?.[0]?.amount, i.billing_reason]));
  console.log(events.join(' '));
  expect(invoices.data.length).toBe(2);
});
