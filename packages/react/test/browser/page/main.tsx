// The page the browser test opens: the whole portal, talking to the real server, with the
// Stripe.js stand-in in place of the script that cannot be fetched offline.

import { createRoot } from 'react-dom/client';
import { BillingPortal, BillingProvider } from '../../../src/index.js';
import '../../../src/styles.css';
import { createStripeStandIn } from '../../../src/testing/index.js';

createRoot(document.getElementById('root')!).render(
  <BillingProvider baseUrl="/api/billing" stripe={createStripeStandIn({ paymentMethodId: 'pm_card_visa' })}>
    <h1>Billing</h1>
    <BillingPortal />
  </BillingProvider>,
);
