import { defineConfig } from 'tsup';

// The portal ships as ESM + CJS with types. Nothing runs at import time, so a bundler keeps only the
// components a host uses; the CSS is a separate file the host imports (`@billkit/react/styles.css`).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'admin/index': 'src/admin/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'es2022',
  platform: 'browser',
  sourcemap: true,
  clean: true,
  // Hooks and components are client code: Next.js' App Router needs the directive on the output.
  banner: { js: "'use client';" },
  external: ['react', 'react-dom', 'react/jsx-runtime', /^@stripe\//, /^@billkit\//, 'msw', 'recharts'],
});
