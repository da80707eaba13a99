// A real SMTP server on loopback (smtp-server) and a nodemailer transport to it, both closed when
// the test ends; what arrived is read back with mailparser.

import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { onTestFinished } from 'vitest';

export /** A real SMTP server on loopback and a nodemailer transport to it, both closed after the test. */
async function startMailbox() {
  const messages: Array<{ raw: Buffer; recipients: string[] }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // No reverse DNS of 127.0.0.1: it costs half a second and leaves loopback.
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          raw: Buffer.concat(chunks),
          recipients: session.envelope.rcptTo.map((r) => r.address),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  // Pooled: smtp-server holds each new connection 100 ms to catch early talkers, so reuse one.
  const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true });
  onTestFinished(async () => {
    transport.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    transport,
    received: (): Promise<ParsedMail[]> => Promise.all(messages.map((m) => simpleParser(m.raw))),
    recipients: () => messages.map((m) => m.recipients),
  };
}
