/**
 * The tests Stryker runs against each mutant (`npm run mutate`, see docs/TESTING.md): the fast
 * unit tests of the modules it mutates, not the whole suite. The end-to-end, CLI, report and
 * robustness files take minutes and reach these modules only through the paths the unit tests
 * already cover; the kernel tests check kernels, which are not mutated.
 *
 * Stryker runs vitest in one worker thread (its runner sets `pool: 'threads'`), and in related
 * mode: for a given mutated file only the files below that import it, directly or not, run.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/ir/**/*.test.ts',
      'test/passes/**/*.test.ts',
      'test/spec/**/*.test.ts',
      'test/runtime/**/*.test.ts',
      'test/diagnostics.test.ts',
      'test/robustness/extends.test.ts',
      'test/train/reproducibility.test.ts',
    ],
    // kernels are not mutated; these compare the fast backends with the reference
    exclude: ['test/runtime/fast-kernels.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // one temporary folder per run, removed at its end
    globalSetup: ['test/temp-setup.ts'],
  },
});
