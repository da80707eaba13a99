// What the component tests share: an msw server answering the portal contract from a fresh fake,
// and a render that wraps the UI in <BillingProvider> with the Stripe.js stand-in.

import { type RenderResult, render } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { type ReactElement, StrictMode } from 'react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { BillingMessagesOverride } from '../src/messages/default-messages.js';
import { BillingProvider } from '../src/provider/billing-provider.js';
import { createPortalFake, type PortalFake, type PortalFakeOptions } from '../src/testing/portal-fake.js';
import { portalHandlers } from '../src/testing/portal-handlers.js';
import { createStripeStandIn, type StripeStandIn } from '../src/testing/stripe-stand-in.js';

/** One msw server per test file: started before, reset after each test, closed after all. */
export function startPortalServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

export interface RenderPortalOptions extends PortalFakeOptions {
  fake?: PortalFake;
  stripe?: StripeStandIn | null;
  messages?: BillingMessagesOverride;
  locale?: string;
}

export interface RenderedPortal extends RenderResult {
  user: UserEvent;
  fake: PortalFake;
  stripe: StripeStandIn | null;
}

/** Renders `ui` inside a provider talking to a fake in the given state; returns the user and the fake. */
export function renderPortal(
  server: ReturnType<typeof startPortalServer>,
  ui: ReactElement,
  options: RenderPortalOptions = {},
): RenderedPortal {
  const { fake: given, stripe: givenStripe, messages, locale, ...fakeOptions } = options;
  const fake = given ?? createPortalFake(fakeOptions);
  const stripe = givenStripe === undefined ? createStripeStandIn() : givenStripe;
  server.use(...portalHandlers(fake));
  const user = userEvent.setup();
  // StrictMode runs effects twice, as a host's development build does: nothing may happen twice.
  const view = render(
    <StrictMode>
      <BillingProvider
        baseUrl={fake.basePath}
        stripe={stripe}
        timeZone="Australia/Sydney"
        {...(messages ? { messages } : {})}
        {...(locale ? { locale } : {})}
      >
        {ui}
      </BillingProvider>
    </StrictMode>,
  );
  return { ...view, user, fake, stripe };
}
