// What the admin component tests share: an msw server answering the admin routes from a fresh fake,
// and a render that wraps the UI in <AdminProvider> pinned to the fake's clock.

import { type RenderResult, render } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { type ReactElement, StrictMode } from 'react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { AdminMessagesOverride } from '../src/admin/messages/admin-messages.js';
import { AdminProvider } from '../src/admin/provider/admin-provider.js';
import { type AdminFake, type AdminFakeOptions, createAdminFake } from '../src/testing/admin-fake.js';
import { adminHandlers } from '../src/testing/admin-handlers.js';

/** One msw server per test file: started before, reset after each test, closed after all. */
export function startAdminServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

export interface RenderAdminOptions extends AdminFakeOptions {
  fake?: AdminFake;
  messages?: AdminMessagesOverride;
  locale?: string;
}

export interface RenderedAdmin extends RenderResult {
  user: UserEvent;
  fake: AdminFake;
}

/** Renders `ui` inside an admin provider talking to a fake; returns the user and the fake. */
export function renderAdmin(
  server: ReturnType<typeof startAdminServer>,
  ui: ReactElement,
  options: RenderAdminOptions = {},
): RenderedAdmin {
  const { fake: given, messages, locale, ...fakeOptions } = options;
  const fake = given ?? createAdminFake(fakeOptions);
  server.use(...adminHandlers(fake));
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

/** axe over what `container` rendered (colour contrast left out: jsdom has no layout). */
export async function axeViolations(container: Element): Promise<string[]> {
  const { default: axe } = await import('axe-core');
  // jsdom has no canvas; axe only probes it for icon fonts.
  HTMLCanvasElement.prototype.getContext = () => null;
  const results = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
