// Who is asking: the host's `authenticate` hook, its answer checked once per request. A hook that
// answers something that is not a user is the host's bug (a 500 in the log), not the client's.

import { z } from 'zod';

/** The signed-in user, as the host's `authenticate` hook answers. */
export interface AuthenticatedUser {
  /** The host's user id: the billing customer is found (or created) by it. */
  userId: string;
  /** Where billing email goes; kept up to date on the Stripe customer. */
  email: string;
  /** May use the admin routes. @default false */
  isAdmin?: boolean;
}

/** The host's hook: the user a request comes from, or null when nobody is signed in. */
export type Authenticate = (
  request: Request,
) => AuthenticatedUser | null | undefined | Promise<AuthenticatedUser | null | undefined>;

const userSchema = z.object({
  userId: z.string().min(1).max(255),
  email: z.email(),
  isAdmin: z.boolean().optional(),
});

export async function authenticateRequest(
  authenticate: Authenticate,
  request: Request,
): Promise<AuthenticatedUser | null> {
  const answer = await authenticate(request);
  if (answer === null || answer === undefined) return null;
  const parsed = userSchema.safeParse(answer);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`authenticate() answered something that is not a user (check: ${fields})`);
  }
  return { ...parsed.data, isAdmin: parsed.data.isAdmin ?? false };
}
