// Reading what the client sent: the body up to the size limit (the declared length is checked
// first, then every streamed byte is counted), JSON parsing, and zod parsing that names the field.

import type { z } from 'zod';
import { type ErrorIssue, HttpError, MAX_LISTED_ISSUES } from './errors.js';

/** The body's bytes; 413 as soon as it is longer than `maxBytes`, declared or streamed. */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concat(chunks, total);
}

/** The JSON value of a body; an empty body is `{}` (the body-less POSTs and DELETEs). */
export function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw malformed();
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw malformed();
  }
}

/**
 * Parses with a contract schema; a failure is 400 `invalid_input` listing every bad field in
 * `issues` (and in `message`), `param` being the first.
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: ErrorIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new HttpError(400, 'invalid_input', message, {
    param: issues.find((i) => i.path)?.path,
    issues: issues.slice(0, MAX_LISTED_ISSUES),
  });
}

function malformed(): HttpError {
  return new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes.`, {
    headers: { connection: 'close' },
  });
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
