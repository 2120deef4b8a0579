/**
 * How much of the slow and the generated testing a run does. `npm test` runs a quarter of each
 * randomized test's generated cases (the first quarter: the seeds are fixed, so it is a prefix of
 * the full run's cases) and leaves out the slow end-to-end cases listed in SLOW_END_TO_END, so
 * that it stays under ten minutes on a 2-core machine. CI (.ci/run) sets NETC_TEST_FULL=1: every
 * case, every end-to-end test.
 */
import { describe, it } from 'vitest';

export const FULL = process.env.NETC_TEST_FULL === '1';

/** A randomized test's case count: `full` in CI, a quarter of it otherwise. */
export const cases = (full: number): number => (FULL ? full : Math.max(1, Math.ceil(full / 4)));

/**
 * The slow end-to-end suites, in one place: each spawns whole programs (npm, Python, several
 * training runs) for a minute or more. They run in CI; `npm test` says it left them out.
 */
export const SLOW_END_TO_END = [
  'test/train/package-install.test.ts: npm pack, an install into a new project, training and evaluating there',
  'test/interop/pytorch-export.test.ts: every shipped spec exported to PyTorch and run by Python (npm test runs two)',
  'test/train/train-cli.test.ts (Ctrl-C): three training runs of 20,000 images through the CLI',
  'test/train/train-cli.test.ts (--backend reference): two epochs on the reference kernels',
  'test/codegen/training-digest.test.ts (reference backend, the three largest networks): the fast backend\'s digests still run',
  'test/sweep/slurm.test.ts: a single-node Slurm cluster started, a sweep submitted and followed',
] as const;

/** it(), or a skipped it() whose title says how to run it, for a slow end-to-end case. */
export function slowIt(title: string, fn: () => Promise<void> | void, timeout?: number): void {
  if (FULL) it(title, fn, timeout);
  else it.skip(`${title}: SKIPPED by npm test as slow end-to-end (NETC_TEST_FULL=1 runs it)`, fn, timeout);
}

/** describe(), or a skipped describe() whose title says how to run it, for a slow end-to-end suite. */
export function slowDescribe(title: string, body: () => void): void {
  if (FULL) describe(title, body);
  else describe.skip(`${title}: SKIPPED by npm test as slow end-to-end (NETC_TEST_FULL=1 runs it, as CI does)`, body);
}
