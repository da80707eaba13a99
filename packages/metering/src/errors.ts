// Metering's errors: the core's BillingError family, so the server maps them to HTTP like the
// engine's (invalid input → 400). Subclasses only where callers branch.

import { BillingError, InvalidInputError } from '@billkit/core';
import type { z } from 'zod';

export type InputIssue = { path: string; message: string };

/** Input that does not match what the metering operation takes; nothing was recorded or changed. */
export class MeteringInputError extends InvalidInputError {
  constructor(message: string, issues: InputIssue[]) {
    super(message, issues);
    this.name = 'MeteringInputError';
  }
}

/** A cost cannot be converted: the FX table has no rate for one of the currencies. */
export class MissingExchangeRateError extends MeteringInputError {
  readonly currency: string;

  constructor(currency: string, target: string) {
    super(`No exchange rate to convert ${currency} into ${target}: add it to the fx table`, [
      { path: 'currency', message: `no rate for ${currency}` },
    ]);
    this.name = 'MissingExchangeRateError';
    this.currency = currency;
  }
}

/** `record` after `close()`: the event was not accepted. */
export class MeteringClosedError extends BillingError {
  constructor() {
    super('invalid_state', 'Metering is closed: the event was not recorded');
    this.name = 'MeteringClosedError';
  }
}

/** `close()` gave up writing: the store kept failing; `notWritten` events were accepted and are not stored. */
export class MeteringWriteError extends BillingError {
  readonly notWritten: number;

  constructor(notWritten: number, cause: unknown) {
    super('invalid_state', `Metering could not write ${notWritten} usage event(s) to the store`, { cause });
    this.name = 'MeteringWriteError';
    this.notWritten = notWritten;
  }
}

/** Parses `input` with `schema`, or throws MeteringInputError naming every issue. */
export function parseMeteringInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  operation: string,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new MeteringInputError(`Invalid input to ${operation}: ${summary}`, issues);
}
