// The emails a customer actually receives: the engine with emailNotifier sending through a real
// SMTP server on loopback, read back as a mail client would.

import { describe, expect, it } from 'vitest';
import { emailNotifier } from '../src/email/index.js';
import { startMailbox } from './support/mailbox.js';
import { pdfText } from './support/pdf-text.js';
import { applyEverything, at, givenEngine, givenSubscriber } from './world.js';

const brand = {
  name: 'Résumé Co Pty Ltd',
  abn: '51 824 753 556',
  address: ['1 George St', 'Sydney NSW 2000'],
};

describe('emails through SMTP', () => {
  it('sends the welcome email and the receipt with the tax invoice PDF attached', async () => {
    const mailbox = await startMailbox();
    const world = await givenEngine({
      billing: {
        brand,
        notifier: emailNotifier({
          transport: mailbox.transport,
          from: 'Résumé Co <billing@resume.example>',
          brand,
        }),
      },
    });
    applyEverything(world);

    await givenSubscriber(world);
    await world.sim.webhooks.flush();

    const mail = await mailbox.received();
    const subjects = mail.map((m) => m.subject);
    expect(subjects).toHaveLength(2);
    const receipt = mail.find((m) => m.headers.get('x-billkit-notification') === 'receipt')!;
    expect(receipt.to).toMatchObject({ text: 'user_1@example.com.au' });
    expect(receipt.from?.text).toContain('billing@resume.example');
    expect(receipt.text).toContain('$10.00');
    expect(receipt.text).toContain('$0.91');
    expect(receipt.html).toContain('Résumé Co Pty Ltd');
    const [pdf] = receipt.attachments;
    expect(pdf).toMatchObject({ contentType: 'application/pdf' });
    const text = await pdfText(new Uint8Array(pdf!.content));
    expect(text).toContain('Tax invoice');
    expect(text).toContain('ABN 51 824 753 556');
    expect(text).toContain('$0.91');
    expect(mail.some((m) => m.headers.get('x-billkit-notification') === 'welcome')).toBe(true);
  });

  it('mails each failed renewal try with the link to fix the card', async () => {
    const mailbox = await startMailbox();
    const world = await givenEngine({
      billing: {
        brand,
        urls: { portal: 'https://app.example.com.au/billing' },
        notifier: emailNotifier({ transport: mailbox.transport, from: 'billing@resume.example', brand }),
      },
    });
    applyEverything(world);
    await givenSubscriber(world);
    await world.billing.paymentMethods.setDefault('user_1', 'pm_card_chargeCustomerFail');

    await world.sim.clock.advanceTo(at('2026-02-18T03:00:00Z'));
    await world.sim.webhooks.flush();

    const failed = (await mailbox.received()).filter(
      (m) => m.headers.get('x-billkit-notification') === 'payment.failed',
    );
    expect(failed).toHaveLength(3);
    for (const message of failed) {
      expect(message.html).toContain('https://app.example.com.au/billing');
      expect(message.text).toContain('https://app.example.com.au/billing');
    }
    expect(new Set(failed.map((m) => m.messageId)).size).toBe(3);
  });
});
