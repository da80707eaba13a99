// Storybook support for the portal's stories (not part of @billkit/react/testing): one call gives a
// story the msw handlers of a fresh portal fake in the state asked for, and a decorator that wraps
// it in <BillingProvider> with the Stripe.js stand-in. Each visit to a story starts from a new fake.

import type { Decorator } from '@storybook/react-vite';
import { type ReactNode, useState } from 'react';
import type { BillingMessagesOverride } from '../messages/default-messages.js';
import { BillingProvider } from '../provider/billing-provider.js';
import { createPortalFake, type PortalFake, type PortalFakeOptions } from './portal-fake.js';
import { portalHandlers } from './portal-handlers.js';
import { createStripeStandIn, type StripeStandInOptions } from './stripe-stand-in.js';

export interface PortalStoryOptions extends PortalFakeOptions {
  /** The stand-in's options; `null` renders the portal without Stripe.js. */
  stripe?: StripeStandInOptions | null;
  locale?: string;
  messages?: BillingMessagesOverride;
  /** Adjusts the fresh fake before the story renders: failures, latency. */
  configure?(fake: PortalFake): void;
}

/** `parameters` and `decorators` for a story of the portal in one state. */
export function portalStory(options: PortalStoryOptions = {}) {
  const { stripe, locale, messages, configure, ...fakeOptions } = options;
  const makeFake = () => {
    const fake = createPortalFake(fakeOptions);
    configure?.(fake);
    return fake;
  };
  // The handlers answer from whichever fake the story's current visit created.
  const current = { fake: makeFake() };
  const handlers = portalHandlers({
    basePath: current.fake.basePath,
    respond: (request) => current.fake.respond(request),
  });

  const decorator: Decorator = (Story) => (
    <StoryProvider
      basePath={current.fake.basePath}
      stripe={stripe}
      locale={locale}
      messages={messages}
      reset={() => {
        current.fake = makeFake();
      }}
    >
      <Story />
    </StoryProvider>
  );
  return { parameters: { msw: { handlers } }, decorators: [decorator] };
}

interface StoryProviderProps {
  basePath: string;
  stripe: StripeStandInOptions | null | undefined;
  locale: string | undefined;
  messages: BillingMessagesOverride | undefined;
  reset(): void;
  children: ReactNode;
}

function StoryProvider({
  basePath,
  stripe,
  locale,
  messages,
  reset,
  children,
}: StoryProviderProps): ReactNode {
  const [stripeInstance] = useState(() => {
    reset();
    return stripe === null ? null : createStripeStandIn(stripe);
  });
  return (
    <BillingProvider
      baseUrl={basePath}
      stripe={stripeInstance}
      {...(locale ? { locale } : {})}
      {...(messages ? { messages } : {})}
    >
      {children}
    </BillingProvider>
  );
}
