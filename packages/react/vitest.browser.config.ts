import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

// The portal in a real browser: Debian's Chromium (headless, driven by playwright-core) against a
// real @billkit/server over @billkit/stripe-sim. Skipped, saying why, where Chromium is not installed.
export default defineProject({
  ssr: { resolve: { conditions: ['@billkit/source', ...defaultServerConditions] } },
  resolve: { conditions: ['@billkit/source', ...defaultServerConditions] },
  test: {
    name: 'react-browser',
    environment: 'node',
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
