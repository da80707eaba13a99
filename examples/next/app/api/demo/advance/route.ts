// With the simulator: time passes (renewals, retries), for the demo and its journey test.

import { NextResponse } from 'next/server';
import { host } from '../../../../lib/billing';

export const dynamic = 'force-dynamic';

export async function POST(request: Request) {
  const { sim, billing } = await host();
  if (!sim) return NextResponse.json({ error: 'Only on the Stripe simulator.' }, { status: 404 });
  const { days } = (await request.json().catch(() => ({}))) as { days?: unknown };
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 400) {
    return NextResponse.json({ error: 'days: a whole number from 1 to 400' }, { status: 400 });
  }
  await sim.clock.advance({ days });
  await sim.webhooks.flush();
  await billing.notifications.flush();
  return NextResponse.json({ now: new Date(sim.clock.now() * 1000).toISOString() });
}
