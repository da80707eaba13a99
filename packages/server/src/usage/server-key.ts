// The server key of the ingestion route: other processes of the host send it as
// `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests with timingSafeEqual (equal
// lengths whatever was sent), against every configured key, so the time taken says nothing about
// the key. A key is never logged nor echoed.

import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidInputError } from '@billkit/core';

/** The shortest server key accepted: `openssl rand -base64 32` gives 44 characters. */
export const MIN_SERVER_KEY_LENGTH = 32;

/** Whether a request carries one of the keys. */
export type ServerKeyCheck = (request: Request) => boolean;

/** The check for `keys` (the current key, and the previous one while rotating). */
export function serverKeyCheck(keys: string | readonly string[]): ServerKeyCheck {
  const digests = validKeys(keys).map(digest);
  return (request) => {
    const presented = bearerToken(request.headers.get('authorization'));
    if (presented === null) return false;
    const candidate = digest(presented);
    let matched = false;
    // Every key is compared, whichever matches: no early exit to time.
    for (const known of digests) matched = timingSafeEqual(known, candidate) || matched;
    return matched;
  };
}

function bearerToken(header: string | null): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function validKeys(keys: string | readonly string[]): string[] {
  const list = typeof keys === 'string' ? [keys] : [...keys];
  const problem =
    list.length === 0
      ? 'give at least one key'
      : list.some((key) => typeof key !== 'string' || key.length < MIN_SERVER_KEY_LENGTH)
        ? `each key has at least ${MIN_SERVER_KEY_LENGTH} characters (openssl rand -base64 32)`
        : list.some((key) => /\s/.test(key))
          ? 'a key has no spaces'
          : null;
  if (problem === null) return list;
  throw new InvalidInputError(`Invalid input to usageModule: serverKey: ${problem}`, [
    { path: 'serverKey', message: problem },
  ]);
}
