// What a host ships: the portal's JavaScript bundled by esbuild as an app would (minified, React,
// React DOM and Stripe's packages left out as the host's own), then gzipped. Printed next to the
// budget (BillingPortal ≤ 35 kB gzip); a report, never an assertion.

import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BUDGET_GZIP_BYTES = 35 * 1024;
const source = new URL('../src/index.ts', import.meta.url).pathname;

const cases: Array<{ name: string; code: string }> = [
  {
    name: 'BillingPortal + BillingProvider',
    code: 'export { BillingPortal, BillingProvider } from "@entry";',
  },
  {
    name: 'hooks only (usePlans + BillingProvider)',
    code: 'export { usePlans, BillingProvider } from "@entry";',
  },
  { name: 'the whole @billkit/react', code: 'export * from "@entry";' },
];

async function sizeOf(code: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    stdin: { contents: code, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    jsx: 'automatic',
    alias: { '@entry': source },
    external: ['react', 'react-dom', 'react/jsx-runtime', '@stripe/*', 'msw'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]!.contents;
  return { min: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const rows = [];
for (const c of cases) {
  const size = await sizeOf(c.code);
  rows.push({ bundle: c.name, minified: kb(size.min), 'min + gzip': kb(size.gzip) });
  if (c.name.startsWith('BillingPortal')) {
    const verdict = size.gzip <= BUDGET_GZIP_BYTES ? 'pass' : 'miss';
    console.log(`BillingPortal: ${kb(size.gzip)} gzip, budget ${kb(BUDGET_GZIP_BYTES)}: ${verdict}`);
  }
}
console.table(rows);
