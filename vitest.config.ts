import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // one temporary folder per run, removed at its end; the robustness suite's case counts
    globalSetup: ['test/temp-setup.ts', 'test/robustness/summary-setup.ts'],
  },
});
