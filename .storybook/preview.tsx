import type { Preview } from '@storybook/react-vite';
import { setupWorker } from 'msw/browser';
import { mswLoader } from 'msw-storybook-addon/csf3';
import '../packages/react/src/styles.css';

// The portal's requests are answered by msw: each story's `parameters.msw.handlers` answer the
// server contract from an in-memory fake (packages/react/src/testing/portal-handlers.ts).
const preview: Preview = {
  loaders: [
    mswLoader(async () => {
      const worker = setupWorker();
      await worker.start({
        onUnhandledRequest: 'bypass',
        quiet: true,
        serviceWorker: { url: './mockServiceWorker.js' },
      });
      return worker;
    }),
  ],
  parameters: { layout: 'padded' },
};

export default preview;
