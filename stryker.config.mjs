// Mutation testing of the core modules: `npm run mutate` (all of them) or
// `npm run mutate -- --mutate 'src/passes/**/*.ts'` (one module). docs/TESTING.md says how to
// read the result and records the scores measured so far.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    'src/ir/**/*.ts',
    'src/passes/**/*.ts',
    'src/spec/**/*.ts',
    'src/runtime/checkpoint.ts',
    'src/runtime/atomic.ts',
    'src/runtime/data/**/*.ts',
    'src/runtime/training/**/*.ts',
    'src/runtime/random.ts',
    'src/runtime/metrics.ts',
  ],
  // each mutant runs only the tests that reached it in the initial run
  coverageAnalysis: 'perTest',
  // Mutants in code that runs only while a module loads (the pass declarations, the op and
  // optimizer tables) need a fresh module graph and every test each: ten times the cost of the
  // others. Left out by default; `--ignoreStatic false` counts them.
  ignoreStatic: true,
  // a rerun reuses the results of mutants whose code and tests did not change
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  // the machine is shared: one test process at a time
  concurrency: 1,
  // slack for a busy machine before a mutant's run counts as an endless loop
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 15,
  // the mutated files only: the AssemblyScript kernels' decorators are not TypeScript Babel can parse
  disableTypeChecks: 'src/{ir/**/,passes/**/,spec/**/,runtime/,runtime/data/**/,runtime/training/**/}*.ts',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // run folders, modules compiled by earlier test runs and logs: not needed in the sandbox
  ignorePatterns: ['runs', 'test/.generated', '*.log'],
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
};
