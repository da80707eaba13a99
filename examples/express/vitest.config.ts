import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

export default defineProject({
  // Workspace packages resolve to their TypeScript sources in tests (no build needed).
  ssr: { resolve: { conditions: ['@billkit/source', ...defaultServerConditions] } },
  resolve: { conditions: ['@billkit/source', ...defaultServerConditions] },
  test: {
    name: 'example-express',
    include: ['src/**/*.test.ts', 'soak/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
