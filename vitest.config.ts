import { defineConfig } from 'vitest/config';

// One run over every package: each package's own vitest.config.ts is a project; core's journeys run a
// second time on SQLite (packages/store-sql/vitest.core-on-sqlite.config.ts); the portal is driven in
// Debian's Chromium (packages/react/vitest.browser.config.ts).
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'examples/*',
      'packages/store-sql/vitest.core-on-sqlite.config.ts',
      'packages/react/vitest.browser.config.ts',
    ],
  },
});
