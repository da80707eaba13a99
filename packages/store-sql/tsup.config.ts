import { defineConfig } from 'tsup';

export default defineConfig([
  // The library: ESM + CJS with types. Drivers stay external: they are optional peers.
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    target: 'node20',
    sourcemap: true,
    // Both builds write to dist/ at the same time: keep the CLI's files out of this one's clean.
    clean: ['!cli.js', '!cli.js.map'],
    external: ['better-sqlite3', 'pg', 'mysql2'],
  },
  // The `billkit` bin: ESM only, because it awaits at top level.
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    target: 'node20',
    sourcemap: true,
    splitting: false,
    clean: false,
    // `stripe` is the host's (a peer of @billkit/core): reconcile and sync load it when run.
    external: ['better-sqlite3', 'pg', 'mysql2', 'stripe'],
  },
]);
