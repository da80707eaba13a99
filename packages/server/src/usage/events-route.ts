// POST <prefix>/events: usage recorded by the host's other processes (workers, queues), server to
// server. The server key is checked before anything is read; the whole batch is validated before
// any event is recorded, so a batch with one bad event records nothing; then each event is handed
// to `metering.record` in order and awaited, so metering's back-pressure slows the sender down.

import type { Metering } from '@billkit/metering';
import { z } from 'zod';
import { MAX_USAGE_EVENTS_PER_BATCH, type UsageEventsResponse, usageEventSchema } from '../contract/index.js';
import { requireJsonContentType } from '../http/csrf.js';
import { HttpError, MAX_LISTED_ISSUES } from '../http/errors.js';
import { parseJson, parseWith, readBody } from '../http/request-body.js';
import { json } from '../http/responses.js';
import type { ServerKeyCheck } from './server-key.js';

const envelopeSchema = z.object({ events: z.array(z.unknown()) });

type ParsedEvent = z.output<typeof usageEventSchema>;
type EventIssue = { index: number; path: string; message: string };

export interface EventsRouteOptions {
  hasServerKey: ServerKeyCheck;
  maxBodyBytes: number;
}

/** Answers POST /events: 202 `{ accepted }` once every event of the batch is accepted. */
export function eventsRoute(metering: Metering, options: EventsRouteOptions) {
  return async (request: Request): Promise<Response> => {
    if (!options.hasServerKey(request)) throw unauthenticated();
    requireJsonContentType(request);
    const body = parseJson(await readBody(request, options.maxBodyBytes));
    const { events } = parseWith(envelopeSchema, body);
    if (events.length > MAX_USAGE_EVENTS_PER_BATCH) throw tooManyEvents(events.length);
    const parsed = parseEvents(events);
    for (const event of parsed) await metering.record(event);
    const answer: UsageEventsResponse = { accepted: parsed.length };
    return json(answer, 202);
  };
}

/** Every event parsed, or a 400 listing each bad field of each bad event. */
function parseEvents(events: unknown[]): ParsedEvent[] {
  const parsed: ParsedEvent[] = [];
  const issues: EventIssue[] = [];
  for (const [index, event] of events.entries()) {
    const result = usageEventSchema.safeParse(event);
    if (result.success) {
      parsed.push(result.data);
      continue;
    }
    for (const issue of result.error.issues) {
      issues.push({ index, path: issue.path.map(String).join('.'), message: issue.message });
    }
  }
  if (issues.length > 0) throw invalidEvents(issues);
  return parsed;
}

function invalidEvents(issues: EventIssue[]): HttpError {
  const badEvents = new Set(issues.map((issue) => issue.index)).size;
  const first = issues[0]!;
  const firstPath = first.path ? `events.${first.index}.${first.path}` : `events.${first.index}`;
  const listed = issues.slice(0, MAX_LISTED_ISSUES);
  const more = issues.length - listed.length;
  return new HttpError(
    400,
    'invalid_input',
    `${badEvents} event(s) are invalid, so none was recorded; first: ${firstPath}: ${first.message}` +
      (more > 0 ? ` (${more} more problems not listed)` : ''),
    { param: firstPath, issues: listed },
  );
}

function tooManyEvents(count: number): HttpError {
  return new HttpError(
    413,
    'payload_too_large',
    `A batch holds at most ${MAX_USAGE_EVENTS_PER_BATCH} events; this one has ${count}. Split it; nothing was recorded.`,
    { param: 'events' },
  );
}

function unauthenticated(): HttpError {
  // The same answer for a missing, malformed or wrong key.
  return new HttpError(401, 'unauthenticated', 'Send the server key as Authorization: Bearer <key>.', {
    headers: { 'www-authenticate': 'Bearer realm="billkit-usage"' },
  });
}
