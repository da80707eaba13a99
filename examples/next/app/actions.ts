'use server';
// The demo's sign-in and sign-out as server actions: they set the session cookie and go on.

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { SESSION_COOKIE } from '../lib/billing';

export async function signIn(form: FormData): Promise<void> {
  const userId = String(form.get('userId') ?? '');
  if (!/^[a-z0-9_]{1,40}$/.test(userId)) throw new Error('Pick a demo user.');
  (await cookies()).set(SESSION_COOKIE, userId, { httpOnly: true, sameSite: 'lax', path: '/' });
  redirect(userId === 'admin' ? '/admin' : '/portal');
}

export async function signOut(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
  redirect('/');
}
