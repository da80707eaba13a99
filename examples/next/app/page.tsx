import { DEMO_USERS } from '../lib/demo-data';
import { signIn } from './actions';

export default function SignInPage() {
  return (
    <section aria-labelledby="signin-heading">
      <h1 id="signin-heading">Sign in to Résumé Co</h1>
      <p>A demo: pick who you are.</p>
      <ul>
        {DEMO_USERS.map((user) => (
          <li key={user.userId}>
            <form action={signIn}>
              <input type="hidden" name="userId" value={user.userId} />
              <button type="submit">{user.userId}</button> {user.description}
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}
