import { signOut } from '../actions';
import { session } from '../session';
import { Portal } from './portal';

export const dynamic = 'force-dynamic';

export default async function PortalPage() {
  const { userId, simulator } = await session();
  return (
    <>
      <h1>Billing</h1>
      <form action={signOut}>
        Signed in as <strong>{userId}</strong> <button type="submit">Sign out</button>
      </form>
      <Portal simulator={simulator} publishableKey={process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY ?? null} />
    </>
  );
}
