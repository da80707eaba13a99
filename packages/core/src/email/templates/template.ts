// What a template is: the subject, preheader and heading of one kind of message, its body as a
// React component inside the shared layout, and the same message as plain text.

import type { ReactElement } from 'react';
import type { Brand } from '../../brand.js';
import type { NotificationDataByKind, NotificationKind } from '../../notifications/kinds.js';
import type { Attachment } from '../../notifications/notifier.js';
import type { EmailFormat } from '../email-format.js';
import type { TextBlock } from '../text.js';

/** The data a notification of kind `K` carries (see `NotificationDataByKind`). */
export type DataOf<K extends NotificationKind> = NotificationDataByKind[K];

export interface TemplateProps<D> {
  data: D;
  brand: Brand;
  format: EmailFormat;
  /** Files sent with the message (the receipt mentions its invoice PDF). */
  attachments: readonly Attachment[];
}

export interface EmailTemplate<D> {
  subject(props: TemplateProps<D>): string;
  /** The line inboxes show after the subject. */
  preheader(props: TemplateProps<D>): string;
  heading(props: TemplateProps<D>): string;
  /** The body, drawn inside `EmailLayout` under the heading. */
  Body(props: TemplateProps<D>): ReactElement;
  /** The body as plain text: paragraphs, facts and links, in the same order as the HTML. */
  text(props: TemplateProps<D>): TextBlock[];
}
