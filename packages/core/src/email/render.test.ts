import { describe, expect, it } from 'vitest';
import { ADMIN_KINDS, type NotificationDataByKind, type NotificationKind } from '../notifications/kinds.js';
import type { Attachment } from '../notifications/notifier.js';
import { type RenderEmailOptions, renderEmail } from './index.js';

const BRAND = {
  name: 'Résumé Co',
  abn: '12345678901',
  address: ['1 Example St', 'Sydney NSW 2000'],
  footer: 'Thanks for writing with us.',
  supportEmail: 'help@resume.example',
};

const PORTAL = 'https://resume.example/billing';

type Extra = Partial<RenderEmailOptions> & { attachments?: Attachment[] };

function render<K extends NotificationKind>(kind: K, data: NotificationDataByKind[K], extra: Extra = {}) {
  const { attachments, ...options } = extra;
  return renderEmail(
    {
      kind,
      userId: 'u_42',
      email: 'jo@example.com.au',
      audience: ADMIN_KINDS.has(kind) ? 'admin' : 'customer',
      data: data as unknown as Record<string, unknown>,
      key: `${kind}:1`,
      ...(attachments ? { attachments } : {}),
    },
    { brand: BRAND, ...options },
  );
}

/** Every `<a href="http...">` in the HTML: the buttons (the footer's support link is mailto). */
function webLinks(html: string): string[] {
  return [...html.matchAll(/<a href="(https?:[^"]*)"/g)].map((match) => match[1] ?? '');
}

const welcome = (
  over: Partial<NotificationDataByKind['welcome']> = {},
): NotificationDataByKind['welcome'] => ({
  subscriptionId: 'sub_1',
  planId: 'pro',
  planName: 'Pro',
  status: 'active',
  amount: 1000,
  currency: 'aud',
  interval: 'month',
  trialEnd: null,
  portalUrl: PORTAL,
  ...over,
});

const receipt = (
  over: Partial<NotificationDataByKind['receipt']> = {},
): NotificationDataByKind['receipt'] => ({
  invoiceId: 'in_1',
  number: 'INV-0001',
  amountPaid: 1000,
  tax: 91,
  taxLabel: 'GST',
  currency: 'aud',
  // 7 am on the 15th in Sydney.
  paidAt: '2026-02-14T20:00:00Z',
  lines: [{ description: 'Pro (monthly)', amount: 1000 }],
  portalUrl: PORTAL,
  ...over,
});

const paymentFailed = (
  over: Partial<NotificationDataByKind['payment.failed']> = {},
): NotificationDataByKind['payment.failed'] => ({
  invoiceId: 'in_1',
  number: 'INV-0001',
  amountDue: 1000,
  currency: 'aud',
  attempt: 1,
  nextAttemptAt: '2026-02-14T20:00:00Z',
  failureMessage: 'Your card has insufficient funds.',
  fixUrl: 'https://resume.example/billing/fix',
  final: false,
  ...over,
});

const dispute = (
  over: Partial<NotificationDataByKind['dispute.opened']> = {},
): NotificationDataByKind['dispute.opened'] => ({
  disputeId: 'dp_1',
  chargeId: 'ch_1',
  amount: 1000,
  currency: 'aud',
  reason: 'product_not_received',
  evidenceDueBy: '2026-02-28T23:59:59Z',
  customerUserId: 'u_42',
  customerEmail: 'jo@example.com.au',
  dashboardUrl: 'https://dashboard.stripe.com/disputes/dp_1',
  ...over,
});

const PDF: Attachment = {
  filename: 'INV-0001.pdf',
  contentType: 'application/pdf',
  content: new TextEncoder().encode('%PDF-1.7\n%%EOF\n'),
};

describe('renderEmail, one kind at a time', () => {
  it('welcome: names the plan and its price per interval, with a link to manage it', () => {
    const email = render('welcome', welcome());

    expect(email.subject).toBe('Welcome to Pro');
    expect(email.text).toContain("You're now subscribed to Pro at $10.00 per month.");
    expect(email.text).toContain(`Manage subscription: ${PORTAL}`);
    expect(webLinks(email.html)).toEqual([PORTAL]);
  });

  it('welcome: gives the trial end date when the subscription starts with a trial', () => {
    const email = render('welcome', welcome({ status: 'trialing', trialEnd: '2026-02-14T20:00:00Z' }));

    expect(email.subject).toBe('Your Pro trial has started');
    expect(email.text).toContain('Your trial of Pro has started. It runs until 15 February 2026');
    expect(email.text).toContain('Trial ends: 15 February 2026');
  });

  it('receipt: shows the amount paid, the lines and the GST in it, and says the tax invoice PDF is attached', () => {
    const email = render('receipt', receipt(), { attachments: [PDF] });

    expect(email.subject).toBe('Your Résumé Co receipt: $10.00');
    expect(email.text).toContain(
      'We received your payment of $10.00 on 15 February 2026 for invoice INV-0001.',
    );
    expect(email.text).toContain('Pro (monthly): $10.00\nTotal paid: $10.00');
    expect(email.text).toContain('Includes GST of $0.91');
    expect(email.text).toContain('Your tax invoice INV-0001 is attached as a PDF.');
    expect(email.html).toContain('Includes GST of $0.91');
    expect(email.html).toContain('Your tax invoice INV-0001 is attached as a PDF.');
    expect(webLinks(email.html)).toEqual([PORTAL]);
  });

  it('receipt: promises no PDF that is not attached, and no tax line when there is no tax', () => {
    const email = render('receipt', receipt({ tax: 0 }));

    expect(email.text).not.toContain('attached');
    expect(email.text).not.toContain('Includes');
    expect(email.html).not.toContain('Includes');
  });

  it('receipt: names another tax by its label and calls the document an invoice', () => {
    const email = render('receipt', receipt({ taxLabel: 'VAT', tax: 167, currency: 'gbp' }), {
      locale: 'en-GB',
      attachments: [PDF],
    });

    expect(email.text).toContain('Includes VAT of £1.67');
    expect(email.text).toContain('Your invoice INV-0001 is attached as a PDF.');
  });

  it('payment.failed: gives the amount, the bank message, the next retry date and the link to fix it', () => {
    const email = render('payment.failed', paymentFailed());

    expect(email.subject).toBe("Your payment of $10.00 didn't go through");
    expect(email.text).toContain('We tried to take your payment of $10.00 for invoice INV-0001');
    expect(email.text).toContain('Your bank said: “Your card has insufficient funds.”');
    expect(email.text).toContain("We'll try again on 15 February 2026.");
    expect(email.text).toContain('Update payment details: https://resume.example/billing/fix');
    expect(webLinks(email.html)).toEqual(['https://resume.example/billing/fix']);
  });

  it('payment.failed: says plainly that no retry is left after the final attempt', () => {
    const email = render('payment.failed', paymentFailed({ final: true, nextAttemptAt: null }));

    expect(email.subject).toBe("Final notice: we couldn't collect your payment of $10.00");
    expect(email.text).toContain("That was our last automatic attempt, so we won't try again.");
    expect(email.text).not.toContain('try again on');
    expect(email.text).toContain('Pay invoice: https://resume.example/billing/fix');
  });

  it('payment.action_required: asks the customer to confirm the amount, with the link to do it', () => {
    const email = render('payment.action_required', {
      invoiceId: 'in_1',
      number: 'INV-0001',
      amountDue: 1000,
      currency: 'aud',
      confirmUrl: 'https://resume.example/billing/confirm',
    });

    expect(email.subject).toBe('Please confirm your payment of $10.00');
    expect(email.text).toContain(
      'Your bank needs you to confirm your payment of $10.00 for invoice INV-0001.',
    );
    expect(email.text).toContain('Confirm payment: https://resume.example/billing/confirm');
    expect(webLinks(email.html)).toEqual(['https://resume.example/billing/confirm']);
  });

  it('payment.recovered: confirms the amount received', () => {
    const email = render('payment.recovered', {
      invoiceId: 'in_1',
      number: 'INV-0001',
      amountPaid: 1000,
      currency: 'aud',
      portalUrl: PORTAL,
    });

    expect(email.subject).toBe('Payment received: $10.00');
    expect(email.text).toContain('we received your payment of $10.00 for invoice INV-0001');
    expect(email.text).toContain(`Manage billing: ${PORTAL}`);
  });

  it('subscription.cancel_scheduled: gives the day access ends', () => {
    const email = render('subscription.cancel_scheduled', {
      subscriptionId: 'sub_1',
      planName: 'Pro',
      endsAt: '2026-02-14T20:00:00Z',
      portalUrl: PORTAL,
    });

    expect(email.subject).toBe('Your Pro subscription ends on 15 February 2026');
    expect(email.text).toContain(
      'Your Pro subscription will end on 15 February 2026. You keep access until then',
    );
    expect(email.text).toContain(`Manage subscription: ${PORTAL}`);
  });

  it('subscription.canceled: gives the end date and a reason the customer should hear', () => {
    const data: NotificationDataByKind['subscription.canceled'] = {
      subscriptionId: 'sub_1',
      planName: 'Pro',
      endedAt: '2026-02-14T20:00:00Z',
      reason: 'payment_failed',
      portalUrl: PORTAL,
    };

    const failed = render('subscription.canceled', data);
    const other = render('subscription.canceled', { ...data, reason: 'some_internal_code' });

    expect(failed.subject).toBe('Your Pro subscription has ended');
    expect(failed.text).toContain(
      'Your Pro subscription ended on 15 February 2026 because we could not collect payment.',
    );
    expect(other.text).toContain('Your Pro subscription ended on 15 February 2026.');
    expect(other.text).not.toContain('some_internal_code');
  });

  it('trial.ending: gives the trial end date and the first payment', () => {
    const email = render('trial.ending', {
      subscriptionId: 'sub_1',
      planName: 'Pro',
      trialEnd: '2026-02-14T20:00:00Z',
      amount: 1000,
      currency: 'aud',
      portalUrl: PORTAL,
    });

    expect(email.subject).toBe('Your Pro trial ends on 15 February 2026');
    expect(email.text).toContain(
      'Your trial of Pro ends on 15 February 2026. After that, your first payment of $10.00',
    );
    expect(email.text).toContain(`Manage subscription: ${PORTAL}`);
  });

  it('card.expiring: names the card by brand and last four digits, and its expiry month', () => {
    const email = render('card.expiring', {
      paymentMethodId: 'pm_1',
      brand: 'visa',
      last4: '4242',
      expMonth: 3,
      expYear: 2027,
      updateUrl: 'https://resume.example/billing/cards',
    });

    expect(email.subject).toBe('Your Visa ending in 4242 expires soon');
    expect(email.text).toContain('Your Visa ending in 4242 expires at the end of March 2027.');
    expect(email.text).toContain('Update card: https://resume.example/billing/cards');
  });

  it('card.expiring: never prints more than the last four digits, whatever it is given', () => {
    const email = render('card.expiring', {
      paymentMethodId: 'pm_1',
      brand: null,
      last4: '4000056655665556',
      expMonth: 12,
      expYear: 2026,
      updateUrl: null,
    });

    expect(email.text).toContain('Your card ending in 5556 expires at the end of December 2026.');
    expect(email.text).not.toContain('40000566');
    expect(email.html).not.toContain('40000566');
  });

  it('refund.issued: gives the amount, the GST in it and the invoice', () => {
    const email = render('refund.issued', {
      refundId: 're_1',
      amount: 1000,
      currency: 'aud',
      tax: 91,
      taxLabel: 'GST',
      invoiceId: 'in_1',
      invoiceNumber: 'INV-0001',
      reason: 'duplicate',
    });

    expect(email.subject).toBe('Your refund of $10.00 is on its way');
    expect(email.text).toContain(
      "We've refunded $10.00 for invoice INV-0001 because you were charged twice.",
    );
    expect(email.text).toContain('Includes GST of $0.91');
    expect(email.text).toContain('Reference: re_1');
    expect(webLinks(email.html)).toEqual([]);
  });

  it('refund.issued: keeps a reason such as fraudulent out of the customer’s email', () => {
    const email = render('refund.issued', {
      refundId: 're_1',
      amount: 1000,
      currency: 'aud',
      tax: 0,
      taxLabel: 'GST',
      invoiceId: null,
      invoiceNumber: null,
      reason: 'fraudulent',
    });

    expect(email.text).toContain("We've refunded $10.00.");
    expect(email.text.toLowerCase()).not.toContain('fraud');
  });

  it('invoice.upcoming: gives the renewal date and the amount', () => {
    const email = render('invoice.upcoming', {
      amountDue: 1000,
      currency: 'aud',
      date: '2026-02-14T20:00:00Z',
      portalUrl: PORTAL,
    });

    expect(email.subject).toBe('Upcoming renewal: $10.00 on 15 February 2026');
    expect(email.text).toContain("Your subscription renews on 15 February 2026, when we'll charge $10.00");
    expect(email.text).toContain(`Manage subscription: ${PORTAL}`);
  });

  it('dispute.opened (admin): puts the evidence due date first, with the customer and a link to respond', () => {
    const email = render('dispute.opened', dispute());

    expect(email.subject).toBe('Dispute opened: $10.00, evidence due 1 March 2026');
    expect(email.text).toMatch(
      /^A payment of \$10\.00 was disputed\n\nEVIDENCE DUE BY: 1 March 2026 at 10:59/,
    );
    expect(email.text).toContain('Reason: Product not received');
    expect(email.text).toContain('Customer: jo@example.com.au');
    expect(email.text).toContain('Open the dispute: https://dashboard.stripe.com/disputes/dp_1');
    expect(email.html).toContain('Evidence due by');
    expect(email.html).toContain('1 March 2026 at 10:59');
    expect(email.html.indexOf('Evidence due by')).toBeLessThan(email.html.indexOf('Product not received'));
    expect(webLinks(email.html)).toEqual(['https://dashboard.stripe.com/disputes/dp_1']);
  });

  it('dispute.opened (admin): says so when no evidence deadline is set yet', () => {
    const email = render('dispute.opened', dispute({ evidenceDueBy: null }));

    expect(email.subject).toBe('Dispute opened: $10.00');
    expect(email.text).toContain('No evidence deadline is set yet');
    expect(email.html).not.toContain('Evidence due by');
  });

  it('a kind without a template: a branded message whose subject comes from the kind', () => {
    const email = renderEmail(
      {
        kind: 'subscription.paused',
        userId: 'u_42',
        email: 'jo@example.com.au',
        audience: 'customer',
        data: { portalUrl: PORTAL },
        key: 'subscription.paused:1',
      },
      { brand: BRAND },
    );

    expect(email.subject).toBe('Subscription paused');
    expect(email.html).toContain('Résumé Co');
    expect(email.text).toContain(`Manage billing: ${PORTAL}`);
  });

  it('a kind named like an object property still gets the generic message', () => {
    const email = renderEmail(
      { kind: 'constructor', userId: 'u_42', email: null, audience: 'customer', data: {}, key: 'k' },
      { brand: BRAND },
    );

    expect(email.subject).toBe('Constructor');
  });
});

describe('renderEmail, for every kind', () => {
  it.each([
    ['welcome', welcome({ portalUrl: null }), 'Manage subscription'],
    ['receipt', receipt({ portalUrl: null }), 'Manage billing'],
    ['payment.failed', paymentFailed({ fixUrl: null }), 'Update payment details'],
    [
      'payment.action_required',
      { invoiceId: 'in_1', number: null, amountDue: 1000, currency: 'aud', confirmUrl: null },
      'Confirm payment',
    ],
    [
      'card.expiring',
      { paymentMethodId: 'pm_1', brand: 'visa', last4: '4242', expMonth: 3, expYear: 2027, updateUrl: null },
      'Update card',
    ],
    [
      'invoice.upcoming',
      { amountDue: 1000, currency: 'aud', date: '2026-02-14T20:00:00Z', portalUrl: null },
      'Manage',
    ],
  ] as const)('%s: a null link gives no button and no link line', (kind, data, label) => {
    const email = render(kind, data as never);

    expect(webLinks(email.html)).toEqual([]);
    expect(email.html).not.toContain(label);
    expect(email.text).not.toContain(label);
  });

  it('gives no button for a link that is not http(s)', () => {
    const email = render('welcome', welcome({ portalUrl: 'javascript:alert(1)' }));

    expect(email.html).not.toContain('javascript:');
    expect(email.text).not.toContain('javascript:');
  });

  it('escapes a hostile brand name and line description in the HTML', () => {
    const hostile = '<script>alert(1)</script>';
    const email = render(
      'receipt',
      receipt({ lines: [{ description: `<img src=x onerror=alert(1)>`, amount: 1000 }] }),
      {
        brand: { ...BRAND, name: hostile },
      },
    );

    expect(email.html).not.toContain('<script');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('wraps the body in the branded layout: doctype, hidden preheader, logo, brand colour and footer', () => {
    const logoPng = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const email = render('receipt', receipt(), {
      brand: { ...BRAND, logoPng, colors: { primary: '#0f766e' } },
    });

    expect(email.html.startsWith('<!doctype html><html')).toBe(true);
    expect(email.html).toMatch(
      /<div style="display:none[^"]*">\$10\.00 paid on 15 February 2026\. Thank you\.<\/div>/,
    );
    expect(email.html).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" alt="Résumé Co"');
    expect(email.html).toContain('border-top:4px solid #0f766e');
    expect(email.html).toContain('background-color:#0f766e');
    for (const line of [
      '1 Example St',
      'Sydney NSW 2000',
      'ABN 12 345 678 901',
      'Thanks for writing with us.',
    ]) {
      expect(email.html).toContain(line);
    }
    expect(email.html).toContain('href="mailto:help@resume.example"');
    expect(email.text).toContain(
      '--\nRésumé Co\n1 Example St\nSydney NSW 2000\nABN 12 345 678 901\n\nThanks for writing with us.\n\nQuestions? Write to help@resume.example',
    );
  });

  it('writes dates as the day in the configured time zone', () => {
    const sydney = render('receipt', receipt());
    const utc = render('receipt', receipt(), { timeZone: 'UTC' });

    expect(sydney.text).toContain('on 15 February 2026');
    expect(utc.text).toContain('on 14 February 2026');
  });
});
