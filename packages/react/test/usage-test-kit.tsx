// What the usage component tests share: the admin kit's msw server and axe, and a render that wraps
// the UI in <AdminProvider> pinned to the usage fake's clock, its handlers answering the routes.

import { type RenderResult, render } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { type ReactElement, StrictMode } from 'react';
import type { AdminMessagesOverride } from '../src/admin/messages/admin-messages.js';
import { AdminProvider } from '../src/admin/provider/admin-provider.js';
import { createUsageFake, type UsageFake, type UsageFakeOptions } from '../src/testing/usage-fake.js';
import { usageHandlers } from '../src/testing/usage-handlers.js';
import type { startAdminServer } from './admin-test-kit.js';

export { axeViolations, startAdminServer as startUsageServer } from './admin-test-kit.js';

export interface RenderUsageOptions extends UsageFakeOptions {
  fake?: UsageFake;
  messages?: AdminMessagesOverride;
  locale?: string;
}

export interface RenderedUsage extends RenderResult {
  user: UserEvent;
  fake: UsageFake;
}

/** Renders `ui` inside an admin provider talking to a usage fake; returns the user and the fake. */
export function renderUsage(
  server: ReturnType<typeof startAdminServer>,
  ui: ReactElement,
  options: RenderUsageOptions = {},
): RenderedUsage {
  const { fake: given, messages, locale, ...fakeOptions } = options;
  const fake = given ?? createUsageFake(fakeOptions);
  server.use(...usageHandlers(fake));
  const user = userEvent.setup();
  const view = render(
    <StrictMode>
      <AdminProvider
        baseUrl={fake.basePath}
        now={fake.now}
        timeZone="Australia/Sydney"
        {...(messages ? { messages } : {})}
        {...(locale ? { locale } : {})}
      >
        {ui}
      </AdminProvider>
    </StrictMode>,
  );
  return { ...view, user, fake };
}

/** What the fake answers a GET below `/admin` with, for the figures a test expects. */
export async function answerOf<T>(fake: UsageFake, path: string): Promise<T> {
  const response = await fake.fetch(`${fake.basePath}/admin${path}`);
  return (await response.json()) as T;
}
