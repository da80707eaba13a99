// Storybook support for the admin stories (not part of the public API): one call gives a story the
// msw handlers of a fresh admin fake and a decorator that wraps it in <AdminProvider> pinned to the
// fake's clock. Each visit to a story starts from a new fake, so actions taken in one don't linger.

import type { Decorator } from '@storybook/react-vite';
import { type ReactNode, useState } from 'react';
import { type AdminFake, type AdminFakeOptions, createAdminFake } from '../testing/admin-fake.js';
import { adminHandlers } from '../testing/admin-handlers.js';
import type { AdminMessagesOverride } from './messages/admin-messages.js';
import { AdminProvider } from './provider/admin-provider.js';

export interface AdminStoryOptions extends AdminFakeOptions {
  locale?: string;
  messages?: AdminMessagesOverride;
  /** Wraps the story in `billkit-theme-dark`, on a dark page. */
  dark?: boolean;
  /** Adjusts the fresh fake before the story renders: failures, latency. */
  configure?(fake: AdminFake): void;
}

/** `parameters` and `decorators` for a story of an admin component over a seeded (or empty) fake. */
export function adminStory(options: AdminStoryOptions = {}) {
  const { locale, messages, dark, configure, ...fakeOptions } = options;
  const makeFake = () => {
    const fake = createAdminFake(fakeOptions);
    configure?.(fake);
    return fake;
  };
  const current = { fake: makeFake() };
  const handlers = adminHandlers({
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
  current: { fake: AdminFake };
  locale: string | undefined;
  messages: AdminMessagesOverride | undefined;
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
    <AdminProvider
      baseUrl={fake.basePath}
      now={fake.now}
      {...(locale ? { locale } : {})}
      {...(messages ? { messages } : {})}
    >
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
