'use client';
// The portal as a client component. With the simulator, card fields are the Stripe.js stand-in
// (Stripe.js cannot load offline); with a real account, Stripe.js with the publishable key.

import { BillingPortal, BillingProvider, type StripeInput } from '@billkit/react';
import { createStripeStandIn } from '@billkit/react/testing';
import { loadStripe } from '@stripe/stripe-js';
import { useMemo } from 'react';

export function Portal({ simulator, publishableKey }: { simulator: boolean; publishableKey: string | null }) {
  const stripe = useMemo<StripeInput>(
    () =>
      simulator ? createStripeStandIn({ paymentMethodId: 'pm_card_visa' }) : loadStripe(publishableKey ?? ''),
    [simulator, publishableKey],
  );
  return (
    <BillingProvider baseUrl="/api/billing" stripe={stripe}>
      <BillingPortal />
    </BillingProvider>
  );
}
