// Portal bundle: what a host ships. The portal's JavaScript bundled by esbuild as an app would
// (minified, ESM for the browser; React, React DOM and Stripe's packages left out as the host's
// own), then gzipped at level 9: BillingPortal with BillingProvider, the hooks alone, and the whole
// main entry of @billkit/react. Sizes are deterministic, so each figure is one value (1 kB = 1024
// bytes); there is no baseline. BillingPortal's gzip size is held to its budget (≤ 35 kB), printed
// pass or miss by @billkit/bench-kit, never asserted.
// Run: `pnpm bench` in packages/react (the root `pnpm bench` collects it).

import { gzipSync } from 'node:zlib';
import { type Figure, publish } from '@billkit/bench-kit';
import { build } from 'esbuild';

const packageDir = new URL('..', import.meta.url).pathname;
const source = new URL('../src/index.ts', import.meta.url).pathname;
const EXTERNAL = ['react', 'react-dom', 'react/jsx-runtime', '@stripe/*'];

interface Case {
  id: string;
  name: string;
  code: string;
  target?: Figure['target'];
}

const cases: Case[] = [
  {
    id: 'portal',
    name: 'BillingPortal + BillingProvider',
    code: 'export { BillingPortal, BillingProvider } from "@entry";',
    target: { on: 'value', atMost: 35, text: 'BillingPortal ≤ 35 kB gzip without React and Stripe.js' },
  },
  {
    id: 'hooks',
    name: 'hooks only (usePlans + BillingProvider)',
    code: 'export { usePlans, BillingProvider } from "@entry";',
  },
  { id: 'whole', name: 'the whole @billkit/react', code: 'export * from "@entry";' },
];

/** Bytes of the minified bundle, and of it gzipped. */
async function sizeOf(code: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    stdin: { contents: code, resolveDir: packageDir, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    jsx: 'automatic',
    alias: { '@entry': source },
    // Workspace packages from their source, as their published builds would be bundled.
    conditions: ['@billkit/source'],
    external: EXTERNAL,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]!.contents;
  return { min: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength };
}

const kB = (bytes: number) => bytes / 1024;

const figures: Figure[] = [];
for (const each of cases) {
  const size = await sizeOf(each.code);
  figures.push(
    {
      id: `${each.id}-gzip`,
      name: `${each.name}, min + gzip`,
      unit: 'kB',
      better: 'lower',
      runs: [kB(size.gzip)],
      ...(each.target ? { target: each.target } : {}),
    },
    {
      id: `${each.id}-min`,
      name: `${each.name}, minified`,
      unit: 'kB',
      better: 'lower',
      runs: [kB(size.min)],
    },
  );
}

publish({
  title: 'Portal bundle',
  package: '@billkit/react',
  description:
    'Bytes a host ships for the portal: esbuild bundles (minified ESM, browser, es2022) of ' +
    'BillingPortal + BillingProvider, of the hooks alone and of the whole main entry, gzipped at ' +
    `level 9; ${EXTERNAL.join(', ')} left out as the host's own. 1 kB = 1024 bytes.`,
  figures,
  notes: ['Sizes are deterministic: one value each.'],
});
