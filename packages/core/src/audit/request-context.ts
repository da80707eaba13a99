// The request an engine call runs for: the server runs each HTTP request inside one, so every audit
// entry it writes carries the request's id (also sent back as `x-request-id`), tying a log line, a
// support ticket and the audit log together. Outside a request, entries have none.

import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** The id of the request (the server's `x-request-id`, a webhook event's id, a job's id). */
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` as part of the request: audit entries written meanwhile carry its id. */
export function withRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run({ ...context }, work);
}

/** The id of the request the current code runs for, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
