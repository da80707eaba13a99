// @billkit/core/email: the email Notifier and its templates. Needs react and react-dom (optional
// peer dependencies of @billkit/core). This file is the public API of the subpath and nothing else.

export type { EmailNotifierOptions, MailAttachment, MailMessage, MailTransport } from './email-notifier.js';
export { emailNotifier } from './email-notifier.js';
export type { RenderEmailOptions, RenderedEmail } from './render.js';
export { renderEmail } from './render.js';
