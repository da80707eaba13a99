import type { Preview } from '@storybook/react-vite';
import { initialize, mswLoader } from 'msw-storybook-addon';
import '../packages/react/src/styles.css';

// The portal's requests are answered by msw (each story's `parameters.msw.handlers`).
initialize({ onUnhandledRequest: 'bypass', serviceWorker: { url: './mockServiceWorker.js' } });

const preview: Preview = {
  loaders: [mswLoader],
  parameters: {
    layout: 'padded',
    a11y: { test: 'error' },
  },
};

export default preview;
