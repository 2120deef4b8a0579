import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // dist/ built from the current sources when it is not (the kernels, the spawned CLI); one
    // temporary folder per run, removed at its end; the robustness suite's case counts
    globalSetup: ['test/build-setup.ts', 'test/temp-setup.ts', 'test/robustness/summary-setup.ts'],
  },
});
