import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // prints the robustness suite's case counts when the run ends
    globalSetup: ['test/robustness/summary-setup.ts'],
  },
});
