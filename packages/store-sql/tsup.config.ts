import { defineConfig } from 'tsup';

// The library and its test databases: ESM + CJS with types. Drivers stay external: they are
// optional peers. (The `billkit` command is @billkit/cli.)
export default defineConfig({
  entry: ['src/index.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  sourcemap: true,
  clean: true,
  external: ['better-sqlite3', 'pg', 'mysql2'],
});
