// The demo's sign-in for API clients (the page uses the server action in app/actions.ts).

import { NextResponse } from 'next/server';
import { SESSION_COOKIE } from '../../../lib/billing';

export async function POST(request: Request) {
  const { userId } = (await request.json().catch(() => ({}))) as { userId?: unknown };
  if (typeof userId !== 'string' || !/^[a-z0-9_]{1,40}$/.test(userId)) {
    return NextResponse.json(
      { error: 'Pick a demo user: lower-case letters, digits and _.' },
      { status: 400 },
    );
  }
  const response = NextResponse.json({ userId });
  response.cookies.set(SESSION_COOKIE, userId, { httpOnly: true, sameSite: 'lax', path: '/' });
  return response;
}
