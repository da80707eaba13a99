// The email Notifier: renders each notification with its template and hands it to a mail
// transport (a nodemailer transporter, or anything with the same `sendMail`).

import { type BrandInput, resolveBrand } from '../brand.js';
import type { Logger } from '../logger.js';
import type { Attachment, Notifier } from '../notifications/notifier.js';
import { createEmailFormat } from './email-format.js';
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, renderWith } from './render.js';

/** A file on a message, as nodemailer takes it. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** The message handed to the transport: the subset of nodemailer's options Billkit sets. */
export interface MailMessage {
  from: string;
  /** One address, or several separated by commas (the admin addresses). */
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** `<hash@domain>`, the same for every send of one notification key. */
  messageId: string;
  headers: Record<string, string>;
  attachments: MailAttachment[];
}

/** What sends the mail: `nodemailer.createTransport(...)` fits. Rejecting means "not sent". */
export interface MailTransport {
  sendMail(message: MailMessage): Promise<unknown>;
}

export interface EmailNotifierOptions {
  transport: MailTransport;
  /** @example 'Résumé Co <billing@resume.example>' */
  from: string;
  /** The seller's branding for every message. */
  brand: BrandInput;
  /** Formats money and dates. @default 'en-AU' */
  locale?: string;
  /** Dates are the day in this zone. @default 'Australia/Sydney' */
  timeZone?: string;
  /** Where replies go, when not to `from`. */
  replyTo?: string;
  /** Told about notifications that cannot be sent (no email address). */
  logger?: Pick<Logger, 'warn'>;
}

/** Sends each notification as a branded email through `transport`. */
export function emailNotifier(options: EmailNotifierOptions): Notifier {
  const brand = resolveBrand(options.brand);
  const format = createEmailFormat(options.locale ?? DEFAULT_LOCALE, options.timeZone ?? DEFAULT_TIME_ZONE);
  const domain = senderDomain(options.from);

  return {
    async notify(notification) {
      const to = notification.email;
      if (!to) {
        // Retrying cannot give it an address, so this returns normally instead of throwing.
        options.logger?.warn('Notification not sent: no email address', {
          kind: notification.kind,
          key: notification.key,
          userId: notification.userId,
        });
        return;
      }
      const { subject, html, text } = renderWith(notification, brand, format);
      await options.transport.sendMail({
        from: options.from,
        to,
        ...(options.replyTo ? { replyTo: options.replyTo } : {}),
        subject,
        html,
        text,
        messageId: `<${await hashKey(notification.key)}@${domain}>`,
        headers: { 'X-Billkit-Notification': notification.kind },
        attachments: (notification.attachments ?? []).map(toMailAttachment),
      });
    },
  };
}

/** `resume.example` from `Résumé Co <billing@resume.example>`. */
function senderDomain(from: string): string {
  return from.match(/@([A-Za-z0-9.-]+)>?\s*$/)?.[1] ?? 'billkit';
}

/** Web Crypto rather than node:crypto, so this module also loads where templates are previewed. */
async function hashKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`billkit:${key}`));
  return Array.from(new Uint8Array(digest).subarray(0, 16), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

function toMailAttachment(attachment: Attachment): MailAttachment {
  const { filename, contentType, content } = attachment;
  return {
    filename,
    contentType,
    content: Buffer.from(content.buffer, content.byteOffset, content.byteLength),
  };
}
