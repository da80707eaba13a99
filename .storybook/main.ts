// Storybook for @billkit/react: every component in every state, served with msw handlers that
// answer the portal's HTTP contract and a Stripe.js stand-in (the real script cannot be fetched
// offline). `pnpm storybook` serves it, `pnpm build-storybook` writes storybook-static/.

import type { StorybookConfig } from '@storybook/react-vite';

const config: StorybookConfig = {
  stories: ['../packages/react/src/**/*.stories.@(ts|tsx)'],
  framework: { name: '@storybook/react-vite', options: {} },
  addons: ['msw-storybook-addon'],
  staticDirs: ['./public'],
  core: { disableTelemetry: true },
  async viteFinal(viteConfig) {
    // Workspace packages resolve to their TypeScript sources, as in the tests.
    viteConfig.resolve ??= {};
    viteConfig.resolve.conditions = ['@billkit/source', 'module', 'browser', 'development|production'];
    return viteConfig;
  },
};

export default config;
