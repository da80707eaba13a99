import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { host, SESSION_COOKIE, userOf } from '../lib/billing';

/** Who is signed in, and the engine's time (the simulator's): else back to sign-in. */
export async function session(): Promise<{ userId: string; now: string; simulator: boolean }> {
  const jar = await cookies();
  const userId = userOf(`${SESSION_COOKIE}=${jar.get(SESSION_COOKIE)?.value ?? ''}`);
  if (!userId) redirect('/');
  const { billing, sim } = await host();
  return { userId, now: billing.clock.now().toISOString(), simulator: sim !== null };
}
