// Every public operation parses its input with zod first: bad input becomes InvalidInputError
// before anything is read or written.

import type { z } from 'zod';
import { InvalidInputError } from './billing-error.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, operation: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new InvalidInputError(`Invalid input to ${operation}: ${summary}`, issues);
}
