import { signOut } from '../actions';
import { session } from '../session';
import { Admin } from './admin';

export const dynamic = 'force-dynamic';

export default async function AdminPage() {
  const { userId, now } = await session();
  if (userId !== 'admin') return <p>Only the operator (admin) sees this page.</p>;
  return (
    <>
      <h1>Billing admin</h1>
      <form action={signOut}>
        Signed in as <strong>{userId}</strong> <button type="submit">Sign out</button>
      </form>
      <Admin now={now} />
    </>
  );
}
