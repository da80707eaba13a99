// The example's pages: sign in (pick a demo user), the customer portal, and the admin dashboard.
// With the simulator, card fields are the Stripe.js stand-in (Stripe.js cannot load offline);
// with a real account, Stripe.js itself with the publishable key.

import { BillingPortal, BillingProvider, type StripeInput } from '@billkit/react';
import {
  AdminDashboard,
  AdminProvider,
  CustomerDetail,
  CustomerTable,
  DisputesTable,
  ReportsPanel,
} from '@billkit/react/admin';
import '@billkit/react/styles.css';
import { createStripeStandIn } from '@billkit/react/testing';
import { loadStripe } from '@stripe/stripe-js';
import { type ReactNode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

interface Session {
  userId: string | null;
  isAdmin: boolean;
  mode: 'simulator' | 'stripe';
  publishableKey: string | null;
  demoUsers: { userId: string; description: string }[];
  now: string;
}

const post = (path: string, body: unknown = {}) =>
  fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

function SignIn({ session }: { session: Session }): ReactNode {
  const signIn = async (userId: string) => {
    await post('/signin', { userId });
    location.assign(userId === 'admin' ? '/admin' : '/portal');
  };
  return (
    <section aria-labelledby="signin-heading">
      <h1 id="signin-heading">Sign in to Résumé Co</h1>
      <p>A demo: pick who you are.</p>
      <ul>
        {session.demoUsers.map((user) => (
          <li key={user.userId}>
            <button type="button" onClick={() => signIn(user.userId)}>
              {user.userId}
            </button>{' '}
            {user.description}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Header({ session, title }: { session: Session; title: string }): ReactNode {
  return (
    <header>
      <h1>{title}</h1>
      <p>
        Signed in as <strong>{session.userId}</strong> (
        {session.mode === 'simulator' ? 'Stripe simulator' : 'Stripe'}){' '}
        <button
          type="button"
          onClick={async () => {
            await post('/signout');
            location.assign('/');
          }}
        >
          Sign out
        </button>
      </p>
    </header>
  );
}

function App(): ReactNode {
  const [session, setSession] = useState<Session | null>(null);
  useEffect(() => {
    fetch('/session')
      .then((response) => response.json())
      .then(setSession);
  }, []);
  if (!session) return <p>Loading…</p>;
  const path = location.pathname;
  if (!session.userId || path === '/') return <SignIn session={session} />;
  if (path === '/admin' || path.startsWith('/admin/customers/')) {
    if (!session.isAdmin) return <p>Only the operator (admin) sees this page.</p>;
    const customerId = path.startsWith('/admin/customers/') ? decodeURIComponent(path.slice(17)) : null;
    const customerHref = (id: string) => `/admin/customers/${encodeURIComponent(id)}`;
    return (
      <AdminProvider baseUrl="/api/billing" now={new Date(session.now)}>
        <Header session={session} title="Billing admin" />
        {customerId ? (
          <CustomerDetail customerId={customerId} backHref="/admin" />
        ) : (
          <>
            <AdminDashboard />
            <CustomerTable customerHref={customerHref} />
            <DisputesTable customerHref={customerHref} />
            <ReportsPanel />
          </>
        )}
      </AdminProvider>
    );
  }
  const stripe: StripeInput =
    session.mode === 'simulator'
      ? createStripeStandIn({ paymentMethodId: 'pm_card_visa' })
      : loadStripe(session.publishableKey ?? '');
  return (
    <BillingProvider baseUrl="/api/billing" stripe={stripe}>
      <Header session={session} title="Billing" />
      <BillingPortal />
    </BillingProvider>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
