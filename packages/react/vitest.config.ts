import react from '@vitejs/plugin-react';
import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

export default defineProject({
  plugins: [react()],
  // Workspace packages resolve to their TypeScript sources in tests (no build needed).
  ssr: { resolve: { conditions: ['@billkit/source', ...defaultServerConditions] } },
  resolve: { conditions: ['@billkit/source', ...defaultServerConditions] },
  test: {
    name: 'react',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    // The code under test keeps no module state and each file starts its own msw server, so files
    // can share one jsdom per worker: the suite runs in a third of the time.
    isolate: false,
    // Dates render in the reader's time zone; tests pin it so "15 February 2026" is stable.
    env: { TZ: 'UTC' },
  },
});
