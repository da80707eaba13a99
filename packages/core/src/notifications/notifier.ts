// The delivery port. The engine writes each notification into the store's outbox in the same
// transaction as the change that causes it; `billing.notifications.flush()` then hands them to
// the Notifier, which sends them (emailNotifier from `@billkit/core/email`, or the host's own).
// A Notifier that throws has the message retried later with back-off.

import type { NotificationKind } from './kinds.js';

/** A file sent with a notification (the invoice PDF with a receipt). */
export interface Attachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface Notification {
  /** What happened: one of `NotificationKind` (`receipt`, `payment.failed`, ...). */
  kind: NotificationKind | (string & {});
  /** The customer the message is about (for admin messages too). */
  userId: string;
  /** Where to send it: the customer's email, or the admin addresses for admin messages. */
  email: string | null;
  /** Who reads it. */
  audience: 'customer' | 'admin';
  /** Ids, amounts and dates for the template (see `NotificationDataByKind`); never card numbers. */
  data: Record<string, unknown>;
  /** Deduplication key: one key is sent once. */
  key: string;
  /** Added when it is sent, e.g. the invoice PDF with a receipt. */
  attachments?: Attachment[];
}

export interface Notifier {
  /** Sends one notification; throwing means "not sent", and it is retried later. */
  notify(notification: Notification): Promise<void>;
  /**
   * `false` when the notifier never sends attachments: the receipt's invoice PDF is then not
   * rendered for it (rendering costs milliseconds inside a webhook delivery). @default true
   */
  readonly wantsAttachments?: boolean;
}

/** Drops every notification (and renders no PDF for it): for hosts that send nothing (yet). */
export function nullNotifier(): Notifier {
  return { notify: async () => {}, wantsAttachments: false };
}

/** Keeps notifications in memory, once per key: for tests and the demo. */
export function memoryNotifier(): Notifier & { readonly sent: Notification[] } {
  const sent: Notification[] = [];
  const keys = new Set<string>();
  return {
    sent,
    async notify(notification) {
      if (keys.has(notification.key)) return;
      keys.add(notification.key);
      sent.push(structuredClone(notification));
    },
  };
}
