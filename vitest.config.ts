import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: timing-sensitive suites (pacing, E2E) must not fight each other for CPU.
    fileParallelism: false,
  },
});
