import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

// @billkit/core's journeys (packages/core/test), run once more with SQLite as the store.
export default defineProject({
  ssr: { resolve: { conditions: ['@billkit/source', ...defaultServerConditions] } },
  resolve: { conditions: ['@billkit/source', ...defaultServerConditions] },
  test: {
    name: 'core-on-sqlite',
    root: fileURLToPath(new URL('../core', import.meta.url)),
    include: ['test/**/*.test.ts'],
    setupFiles: [fileURLToPath(new URL('./test/core-on-sqlite.setup.ts', import.meta.url))],
  },
});
