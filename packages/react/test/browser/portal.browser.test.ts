// The portal in a real browser (Debian's Chromium, headless, through playwright-core), against a
// real @billkit/server over @billkit/stripe-sim: it renders the subscriber's data, the cancel flow
// works by keyboard alone, and axe-core finds no serious accessibility violation.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PortalHost, startPortalHost } from './portal-host.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `Skipping the browser tests: no Chromium at ${CHROMIUM} (install Debian's: apt-get install -y chromium, or set CHROMIUM_PATH).`,
  );
}

/** Presses Tab until the element is focused, as a keyboard user would reach it. */
async function tabTo(page: Page, locator: ReturnType<Page['getByRole']>, most = 60): Promise<void> {
  for (let i = 0; i < most; i++) {
    if (await locator.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Could not reach ${locator} with the Tab key`);
}

describe.skipIf(!hasChromium)('the portal in Chromium', () => {
  let host: PortalHost;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    host = await startPortalHost();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage();
    await page.goto(host.url);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it("renders the subscriber's plan, next charge and invoices from the server", async () => {
    const subscription = page.getByRole('region', { name: 'Your subscription' });
    await subscription.getByText('Pro', { exact: true }).first().waitFor();
    await subscription.getByText(/\$10\.00 incl\. GST \$0\.91/).waitFor();
    const invoices = page.getByRole('region', { name: 'Invoices' });
    await invoices
      .getByRole('link', { name: /download/i })
      .first()
      .waitFor();
    const href = await invoices
      .getByRole('link', { name: /download/i })
      .first()
      .getAttribute('href');
    const pdf = await page.request.get(new URL(href!, host.url).toString());
    expect(pdf.headers()['content-type']).toBe('application/pdf');
  });

  it('finds no serious or critical accessibility violations with axe-core', async () => {
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const result = await (
        window as unknown as {
          axe: {
            run: () => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }>;
          };
        }
      ).axe.run();
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  });

  it('cancels at period end by keyboard alone, recording the reason', async () => {
    await tabTo(page, page.getByRole('button', { name: 'Cancel subscription' }));
    await page.keyboard.press('Enter');
    const reasonHeading = page.getByRole('heading', { name: 'Why are you cancelling?' });
    await reasonHeading.waitFor();
    expect(await reasonHeading.evaluate((el) => el === document.activeElement)).toBe(true);

    await tabTo(page, page.getByRole('radio').first());
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('radio', { name: 'It’s too expensive' }), 1).catch(async () => {
      // Arrow keys move within a radio group.
      for (let i = 0; i < 8; i++) {
        if (await page.getByRole('radio', { name: 'It’s too expensive' }).isChecked()) break;
        await page.keyboard.press('ArrowDown');
      }
    });
    expect(await page.getByRole('radio', { name: 'It’s too expensive' }).isChecked()).toBe(true);
    await tabTo(page, page.getByLabel('Anything else you’d like to tell us? (optional)'));
    await page.keyboard.type('Too dear for me');
    await tabTo(page, page.getByRole('button', { name: 'Continue' }));
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Before you go' }).waitFor();
    await tabTo(page, page.getByRole('button', { name: 'No thanks, continue cancelling' }));
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Confirm cancellation' }).waitFor();
    await tabTo(page, page.getByRole('button', { name: 'Confirm cancellation' }));
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Your subscription is cancelled' }).waitFor();
    const subscription = await host.billing.subscriptions.get('user_1');
    expect(subscription).toMatchObject({
      status: 'active',
      cancelAtPeriodEnd: true,
      cancellationFeedback: 'too_expensive',
    });
  });
});
