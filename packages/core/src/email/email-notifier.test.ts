import type { AddressObject } from 'mailparser';
import { describe, expect, it, vi } from 'vitest';
import { startMailbox } from '../../test/support/mailbox.js';
import type { NotificationDataByKind } from '../notifications/kinds.js';
import type { Notification } from '../notifications/notifier.js';
import { emailNotifier, type MailMessage, type MailTransport } from './index.js';

const FROM = 'Résumé Co <billing@resume.example>';
const BRAND = { name: 'Résumé Co', abn: '12345678901', supportEmail: 'help@resume.example' };

/** A PDF's header and trailer around bytes a lossy encoding would mangle (NUL, CR LF, high bytes). */
const PDF = Uint8Array.from([
  ...new TextEncoder().encode('%PDF-1.7\n'),
  0xe2,
  0xe3,
  0xcf,
  0xd3,
  0x00,
  0xff,
  0x0d,
  0x0a,
  ...new TextEncoder().encode('%%EOF\n'),
]);

function receipt(overrides: Partial<Notification> = {}): Notification {
  const data: NotificationDataByKind['receipt'] = {
    invoiceId: 'in_1',
    number: 'INV-0001',
    amountPaid: 1000,
    tax: 91,
    taxLabel: 'GST',
    currency: 'aud',
    paidAt: '2026-02-14T20:00:00Z',
    lines: [{ description: 'Pro (monthly)', amount: 1000 }],
    portalUrl: 'https://resume.example/billing',
  };
  return {
    kind: 'receipt',
    userId: 'u_42',
    email: 'jo@example.com.au',
    audience: 'customer',
    data,
    key: 'receipt:in_1',
    ...overrides,
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = Array.isArray(field) ? field : field ? [field] : [];
  return objects.flatMap((o) => o.value.map((a) => a.address ?? ''));
}

/** Keeps what the notifier hands over, for the cases no SMTP server needs to see. */
function recordingTransport(): MailTransport & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async sendMail(message) {
      sent.push(message);
    },
  };
}

describe('emailNotifier', () => {
  it('delivers a receipt over SMTP with its sender, subject, header, HTML and text parts and the invoice PDF', async () => {
    const mailbox = await startMailbox();
    const notifier = emailNotifier({
      transport: mailbox.transport,
      from: FROM,
      brand: BRAND,
      replyTo: 'help@resume.example',
    });

    await notifier.notify(
      receipt({ attachments: [{ filename: 'INV-0001.pdf', contentType: 'application/pdf', content: PDF }] }),
    );

    const [mail, ...others] = await mailbox.received();
    expect(others).toEqual([]);
    expect(mail?.from?.value).toEqual([{ address: 'billing@resume.example', name: 'Résumé Co' }]);
    expect(addresses(mail?.to)).toEqual(['jo@example.com.au']);
    expect(addresses(mail?.replyTo)).toEqual(['help@resume.example']);
    expect(mail?.subject).toBe('Your Résumé Co receipt: $10.00');
    expect(mail?.headers.get('x-billkit-notification')).toBe('receipt');
    expect(mail?.html).toContain('$10.00');
    expect(mail?.html).toContain('Résumé Co');
    expect(mail?.html).toContain('Includes GST of $0.91');
    expect(mail?.text).toContain('Total paid: $10.00');
    expect(mail?.text).toContain('Your tax invoice INV-0001 is attached as a PDF.');
    expect(mail?.attachments).toHaveLength(1);
    const [pdf] = mail?.attachments ?? [];
    expect(pdf?.filename).toBe('INV-0001.pdf');
    expect(pdf?.contentType).toBe('application/pdf');
    expect(new Uint8Array(pdf?.content ?? [])).toEqual(PDF);
  });

  it('gives every send of one key the same Message-ID, and another key a different one', async () => {
    const mailbox = await startMailbox();
    const notifier = emailNotifier({ transport: mailbox.transport, from: FROM, brand: BRAND });

    await notifier.notify(receipt({ key: 'receipt:in_1' }));
    await notifier.notify(receipt({ key: 'receipt:in_1' }));
    await notifier.notify(receipt({ key: 'receipt:in_2' }));

    const [first, resend, other] = (await mailbox.received()).map((mail) => mail.messageId);
    expect(first).toMatch(/^<[0-9a-f]{32}@resume\.example>$/);
    expect(resend).toBe(first);
    expect(other).toMatch(/^<[0-9a-f]{32}@resume\.example>$/);
    expect(other).not.toBe(first);
  });

  it('sends an admin message to every admin address', async () => {
    const mailbox = await startMailbox();
    const notifier = emailNotifier({ transport: mailbox.transport, from: FROM, brand: BRAND });
    const data: NotificationDataByKind['dispute.opened'] = {
      disputeId: 'dp_1',
      chargeId: 'ch_1',
      amount: 1000,
      currency: 'aud',
      reason: 'fraudulent',
      evidenceDueBy: '2026-02-28T23:59:59Z',
      customerUserId: 'u_42',
      customerEmail: 'jo@example.com.au',
      dashboardUrl: 'https://dashboard.stripe.com/disputes/dp_1',
    };

    await notifier.notify({
      kind: 'dispute.opened',
      userId: 'u_42',
      email: 'ops@resume.example, owner@resume.example',
      audience: 'admin',
      data,
      key: 'dispute.opened:dp_1',
    });

    const [mail] = await mailbox.received();
    expect(mailbox.recipients()).toEqual([['ops@resume.example', 'owner@resume.example']]);
    expect(mail?.subject).toBe('Dispute opened: $10.00, evidence due 1 March 2026');
    expect(mail?.headers.get('x-billkit-notification')).toBe('dispute.opened');
  });

  it('skips a notification without an email address and logs a warning, since a retry cannot help', async () => {
    const transport = recordingTransport();
    const logger = { warn: vi.fn() };
    const notifier = emailNotifier({ transport, from: FROM, brand: BRAND, logger });

    await expect(notifier.notify(receipt({ email: null }))).resolves.toBeUndefined();

    expect(transport.sent).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith('Notification not sent: no email address', {
      kind: 'receipt',
      key: 'receipt:in_1',
      userId: 'u_42',
    });
  });

  it('fails when the transport fails, so the outbox retries the message later', async () => {
    const transport: MailTransport = {
      sendMail: async () => {
        throw new Error('421 try again later');
      },
    };
    const notifier = emailNotifier({ transport, from: FROM, brand: BRAND });

    await expect(notifier.notify(receipt())).rejects.toThrow('421 try again later');
  });

  it('sends a kind it has no template for as a short branded message named after the kind', async () => {
    const transport = recordingTransport();
    const notifier = emailNotifier({ transport, from: FROM, brand: BRAND });

    await notifier.notify(
      receipt({ kind: 'subscription.paused', data: { portalUrl: 'https://resume.example/b' } }),
    );

    const [message] = transport.sent;
    expect(message?.subject).toBe('Subscription paused');
    expect(message?.headers).toEqual({ 'X-Billkit-Notification': 'subscription.paused' });
    expect(message?.html).toContain('Résumé Co');
    expect(message?.text).toContain('Manage billing: https://resume.example/b');
  });

  it('refuses a brand that does not parse when it is created, not when it first sends', () => {
    const transport = recordingTransport();

    expect(() => emailNotifier({ transport, from: FROM, brand: { name: '' } })).toThrow(/brand/);
  });
});
