import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DuckDB files and Chromium are heavy: two cores, so keep workers few.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
