// Turns a notification into the subject, HTML and plain text of its email: the template for its
// kind inside the branded layout, or a generic branded note for a kind without a template.

import { renderToStaticMarkup } from 'react-dom/server';
import { type Brand, type BrandInput, resolveBrand } from '../brand.js';
import type { NotificationKind } from '../notifications/kinds.js';
import type { Notification } from '../notifications/notifier.js';
import { createEmailFormat, type EmailFormat } from './email-format.js';
import { EmailLayout, textLayout } from './layout.js';
import { cardExpiringEmail } from './templates/card-expiring.js';
import { disputeOpenedEmail } from './templates/dispute-opened.js';
import { genericEmail } from './templates/generic.js';
import { invoiceUpcomingEmail } from './templates/invoice-upcoming.js';
import { paymentActionRequiredEmail } from './templates/payment-action-required.js';
import { paymentFailedEmail } from './templates/payment-failed.js';
import { paymentRecoveredEmail } from './templates/payment-recovered.js';
import { receiptEmail } from './templates/receipt.js';
import { refundIssuedEmail } from './templates/refund-issued.js';
import { subscriptionCancelScheduledEmail } from './templates/subscription-cancel-scheduled.js';
import { subscriptionCanceledEmail } from './templates/subscription-canceled.js';
import type { DataOf, EmailTemplate } from './templates/template.js';
import { trialEndingEmail } from './templates/trial-ending.js';
import { welcomeEmail } from './templates/welcome.js';
import { joinText } from './text.js';

export const DEFAULT_LOCALE = 'en-AU';
export const DEFAULT_TIME_ZONE = 'Australia/Sydney';

/** One template per kind: a kind added to `NotificationDataByKind` fails to compile here until it has one. */
const TEMPLATES: { [K in NotificationKind]: EmailTemplate<DataOf<K>> } = {
  welcome: welcomeEmail,
  receipt: receiptEmail,
  'payment.failed': paymentFailedEmail,
  'payment.action_required': paymentActionRequiredEmail,
  'payment.recovered': paymentRecoveredEmail,
  'subscription.cancel_scheduled': subscriptionCancelScheduledEmail,
  'subscription.canceled': subscriptionCanceledEmail,
  'trial.ending': trialEndingEmail,
  'card.expiring': cardExpiringEmail,
  'refund.issued': refundIssuedEmail,
  'invoice.upcoming': invoiceUpcomingEmail,
  'dispute.opened': disputeOpenedEmail,
};

export interface RenderEmailOptions {
  /** The seller's branding: name, logo, colours, address, ABN, footer, support address. */
  brand: BrandInput;
  /** Formats money and dates. @default 'en-AU' */
  locale?: string;
  /** Dates are the day in this zone. @default 'Australia/Sydney' */
  timeZone?: string;
}

export interface RenderedEmail {
  subject: string;
  /** A whole document, `<!doctype html>` first. */
  html: string;
  text: string;
}

/**
 * Renders the email for one notification, as `emailNotifier` sends it: for previews.
 * @example renderEmail({ kind: 'receipt', data, ... }, { brand: { name: 'Résumé Co' } }).html
 */
export function renderEmail(notification: Notification, options: RenderEmailOptions): RenderedEmail {
  const brand = resolveBrand(options.brand);
  const format = createEmailFormat(options.locale ?? DEFAULT_LOCALE, options.timeZone ?? DEFAULT_TIME_ZONE);
  return renderWith(notification, brand, format);
}

/** `renderEmail` with the brand resolved and the formatter made once, for the notifier. */
export function renderWith(notification: Notification, brand: Brand, format: EmailFormat): RenderedEmail {
  const { template, data } = templateFor(notification);
  const props = { data, brand, format, attachments: notification.attachments ?? [] };
  const subject = oneLine(template.subject(props));
  const heading = template.heading(props);
  const page = (
    <EmailLayout brand={brand} subject={subject} heading={heading} preheader={template.preheader(props)}>
      <template.Body {...props} />
    </EmailLayout>
  );
  return {
    subject,
    html: `<!doctype html>${renderToStaticMarkup(page)}`,
    text: textLayout(brand, heading, joinText(template.text(props))),
  };
}

function templateFor(notification: Notification): { template: EmailTemplate<unknown>; data: unknown } {
  if (Object.hasOwn(TEMPLATES, notification.kind)) {
    const template = TEMPLATES[notification.kind as NotificationKind] as EmailTemplate<unknown>;
    return { template, data: notification.data };
  }
  const data = { kind: notification.kind, data: notification.data };
  return { template: genericEmail as EmailTemplate<unknown>, data };
}

/** A plan name with a line break must not break the Subject header. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
