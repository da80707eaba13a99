import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench-kit',
    include: ['src/**/*.test.ts'],
  },
});
