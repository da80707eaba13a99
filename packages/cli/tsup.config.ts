import { defineConfig } from 'tsup';

// The `billkit` bin and its library entry (main, for tests and scripts): ESM only, because the
// bin awaits at top level. Billkit's packages, Stripe and the database drivers stay external.
export default defineConfig({
  entry: ['src/cli.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/main.ts' },
  target: 'node20',
  sourcemap: true,
  clean: true,
  external: ['stripe', 'better-sqlite3', 'pg', 'mysql2'],
});
