// The whole journey in Debian's Chromium (playwright-core) against the running Express example:
// sign in, subscribe with a test card in the Stripe stand-in, see the active plan, upgrade after
// the preview, download an invoice PDF, a failed renewal (the simulator's clock moved from the
// test), the past-due banner, fix the card, cancel declining the retention offer, and, as admin,
// see MRR move and refund the last invoice. Screenshots go to test/artifacts/.

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createAdmin } from '@billkit/admin';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../src/host.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `Skipping the example's browser journey: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`,
  );
}
const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));

describe.skipIf(!hasChromium)('the Express example in Chromium', { timeout: 120_000 }, () => {
  let host: Host;
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });
  const region = (name: string) => page.getByRole('region', { name, exact: true });
  /** MRR (minor units, excl. GST) at the simulator's now, as the admin dashboard computes it. */
  const mrrNow = async () => {
    const to = new Date(host.sim!.clock.now() * 1000);
    return (
      await createAdmin({ billing: host.billing }).metrics({
        from: new Date(to.getTime() - 90 * 86_400_000),
        to,
      })
    ).mrr;
  };
  let mrrBefore = 0;

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    host = await startHost({ databaseUrl: 'sqlite::memory:' });
    mrrBefore = await mrrNow();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('signs in, subscribes with a test card, sees the active plan', async () => {
    await page.goto(host.url);
    await page.getByRole('button', { name: 'new_user' }).click();
    await page.waitForURL('**/portal');
    await region('Your subscription').getByText('You don’t have a subscription yet.').waitFor();

    await page.getByRole('button', { name: 'Add a payment method' }).click();
    await page.getByLabel('Card number (Stripe test stand-in)').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Save payment method' }).click();
    await region('Payment methods')
      .getByText(/Visa ending in 4242/)
      .waitFor();
    await page.getByRole('button', { name: 'Choose Pro' }).click();
    await page.getByRole('button', { name: 'Start subscription' }).click();

    const subscription = region('Your subscription');
    await subscription.getByText('Active', { exact: true }).waitFor();
    await subscription.getByText('Pro', { exact: true }).waitFor();
    await subscription.getByText(/\$10\.00 incl\. GST \$0\.91/).waitFor();
    await shot('1-subscribed');
  });

  it('previews the upgrade to Business, then confirms it', async () => {
    await page.getByRole('button', { name: 'Choose Business' }).click();
    const review = region('Review your change to Business');
    await review.getByRole('table').waitFor();
    await expect(review.getByText('$10.00', { exact: true }).count()).resolves.toBeGreaterThan(0);
    await shot('2-upgrade-preview');
    await review.getByRole('button', { name: 'Confirm change' }).click();

    await region('Your subscription').getByText('Business', { exact: true }).waitFor();
    expect((await host.billing.subscriptions.get('new_user'))?.planId).toBe('business');
  });

  it('downloads an invoice as a PDF', async () => {
    const link = region('Invoices')
      .getByRole('link', { name: /Download PDF/ })
      .first();
    await link.waitFor();
    const response = await page.request.get(new URL((await link.getAttribute('href'))!, host.url).toString());
    expect(response.headers()['content-type']).toBe('application/pdf');
    expect((await response.body()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('shows the past-due banner after a failed renewal, and recovers when the card is fixed', async () => {
    // The card on file starts declining; a month passes in the simulator.
    await host.billing.paymentMethods.setDefault('new_user', 'pm_card_chargeCustomerFail');
    const advanced = await page.request.post(`${host.url}/demo/advance`, { data: { days: 31 } });
    expect(advanced.ok()).toBe(true);
    await page.reload();

    const banner = region('Your payment failed');
    await banner.waitFor();
    await region('Your subscription').getByText('Past due', { exact: true }).waitFor();
    await shot('3-past-due');

    // Fix the card: the good one becomes the default, and the overdue invoice is paid with it.
    const methods = region('Payment methods');
    await methods
      .getByRole('listitem')
      .filter({ hasText: '4242' })
      .getByRole('button', { name: 'Make default' })
      .click();
    await region('Your subscription').getByText('Active', { exact: true }).waitFor({ timeout: 20_000 });
    await banner.waitFor({ state: 'detached' });
    expect((await host.billing.subscriptions.get('new_user'))?.status).toBe('active');
  });

  it('cancels, declining the retention offer', async () => {
    await page.getByRole('button', { name: 'Cancel subscription' }).click();
    await page.getByRole('heading', { name: 'Why are you cancelling?' }).waitFor();
    await page.getByRole('radio', { name: 'It’s too expensive' }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Before you go' }).waitFor();
    await shot('4-retention-offer');
    await page.getByRole('button', { name: 'No thanks, continue cancelling' }).click();
    await page.getByRole('heading', { name: 'Confirm cancellation' }).waitFor();
    await page.getByRole('button', { name: 'Confirm cancellation' }).click();
    await page.getByRole('heading', { name: 'Your subscription is cancelled' }).waitFor();
    expect(await host.billing.subscriptions.get('new_user')).toMatchObject({ cancelAtPeriodEnd: true });
  });

  it('as admin: sees MRR move with the new subscriber, and refunds the last invoice', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'admin' }).click();
    await page.waitForURL('**/admin');
    const overview = region('Billing overview');
    await overview.getByRole('term').filter({ hasText: /^MRR$/ }).waitFor();
    // The dashboard's MRR is the engine's at the simulator's now, new_user's Business included
    // (A$20 incl. GST: $18.18 a month; cancelled at the period's end, so it still counts). In
    // between, the month that passed also churned the demo's past-due customer.
    const shown = await overview.locator('dd').first().textContent();
    const now = await mrrNow();
    expect(shown).toBe(`$${(now / 100).toFixed(2)}`);
    const moves = (await host.billing.store.mrr.list({ userId: 'new_user' })).items;
    expect(moves.map((move) => [move.kind, move.delta, move.mrr])).toEqual([
      ['new', 909, 909],
      ['expansion', 909, 1818],
    ]);
    expect(now).toBe(mrrBefore + 1818 - 909);
    await shot('5-admin-dashboard');

    await page.getByRole('link', { name: 'new_user@example.com.au' }).first().click();
    await page.waitForURL('**/admin/customers/new_user');
    const refund = page.getByRole('button', { name: /^Refund invoice / }).first();
    await refund.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await shot('6-refund-dialog');
    await dialog
      .getByRole('button', { name: /Refund/ })
      .last()
      .click();
    await dialog.waitFor({ state: 'detached' });
    const [refunded] = (await host.billing.store.refunds.list()).items.filter((r) => r.userId === 'new_user');
    expect(refunded).toMatchObject({ status: 'succeeded', actor: expect.stringMatching(/^admin:/) });
    await shot('7-refunded');
  });
});
