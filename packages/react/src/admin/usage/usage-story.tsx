// Storybook support for the usage stories (not part of the public API): one call gives a story the
// msw handlers of a fresh usage fake and a decorator that wraps it in <AdminProvider> pinned to the
// fake's clock. Each visit to a story starts from a new fake, so budgets changed in one don't linger.

import type { Decorator } from '@storybook/react-vite';
import { type ReactNode, useState } from 'react';
import { createUsageFake, type UsageFake, type UsageFakeOptions } from '../../testing/usage-fake.js';
import { usageHandlers } from '../../testing/usage-handlers.js';
import type { AdminMessagesOverride } from '../messages/admin-messages.js';
import { AdminProvider } from '../provider/admin-provider.js';

export interface UsageStoryOptions extends UsageFakeOptions {
  locale?: string;
  messages?: AdminMessagesOverride;
  /** Wraps the story in `billkit-theme-dark`, on a dark page. */
  dark?: boolean;
  /** Adjusts the fresh fake before the story renders: failures, latency. */
  configure?(fake: UsageFake): void;
}

/** The fake's features in words, as its host would name them. */
const FEATURE_NAMES = {
  ai_review: 'AI review',
  job_match: 'Job match',
  address_check: 'Address check',
  job_index: 'Job ad indexing',
  signup_check: 'Sign-up check',
};

/** `parameters` and `decorators` for a story of a usage component over a seeded (or empty) fake. */
export function usageStory(options: UsageStoryOptions = {}) {
  const { locale, dark, configure, ...fakeOptions } = options;
  const messages: AdminMessagesOverride = {
    ...options.messages,
    usage: { featureNames: FEATURE_NAMES, ...options.messages?.usage },
  };
  const makeFake = () => {
    const fake = createUsageFake(fakeOptions);
    configure?.(fake);
    return fake;
  };
  const current = { fake: makeFake() };
  const handlers = usageHandlers({
    basePath: current.fake.basePath,
    respond: (request) => current.fake.respond(request),
  });

  const decorator: Decorator = (Story) => (
    <StoryProvider
      current={current}
      locale={locale}
      messages={messages}
      dark={dark ?? false}
      reset={() => {
        current.fake = makeFake();
      }}
    >
      <Story />
    </StoryProvider>
  );
  return { parameters: { msw: { handlers }, layout: 'padded' }, decorators: [decorator] };
}

interface StoryProviderProps {
  current: { fake: UsageFake };
  locale: string | undefined;
  messages: AdminMessagesOverride;
  dark: boolean;
  reset(): void;
  children: ReactNode;
}

function StoryProvider({ current, locale, messages, dark, reset, children }: StoryProviderProps): ReactNode {
  const [fake] = useState(() => {
    reset();
    return current.fake;
  });
  const content = (
    <AdminProvider baseUrl={fake.basePath} now={fake.now} messages={messages} {...(locale ? { locale } : {})}>
      {children}
    </AdminProvider>
  );
  if (!dark) return content;
  return (
    <div
      className="billkit billkit-theme-dark"
      style={{ background: 'var(--billkit-color-surface)', padding: '1rem' }}
    >
      {content}
    </div>
  );
}
