/**
 * The default thread count: as many cores as the machine can give a new job, measured when first
 * asked. A fork-join step waits for its slowest thread, so threads beyond the idle cores share a
 * core with another process and hold the others up: with one busy process on two cores, two
 * threads trained LeNet-5 slower than one (issue 15). The load average says what was busy over
 * the last minute, including jobs that have since ended (a benchmark's other side); the cores'
 * idle time over a short sample says what is free now.
 */
import { coreIdleTimes, cores as machineCores } from './platform/index.js';

/** How long the sample of idle time lasts (ms): os.cpus() counts in 10 ms ticks on Linux. */
export const SAMPLE_MS = 100;

/**
 * Idle cores between two readings of the cores' idle times (ms, one entry per core) taken
 * `elapsedMs` apart: rounded to the nearest core, at least one, at most `cores`.
 */
export function idleCores(before: readonly number[], after: readonly number[], elapsedMs: number, cores: number): number {
  if (elapsedMs <= 0 || before.length !== after.length || before.length === 0) return cores;
  let idle = 0;
  for (let i = 0; i < before.length; i++) idle += Math.max(0, after[i]! - before[i]!);
  return Math.min(cores, Math.max(1, Math.round(idle / elapsedMs)));
}

let measured: number | undefined;

/**
 * The cores idle over a SAMPLE_MS sample, taken once per process (this thread sleeps meanwhile);
 * every core where the host does not say (a browser).
 */
export function threadsTheMachineCanGive(): number {
  if (measured !== undefined) return measured;
  const cores = machineCores();
  const before = coreIdleTimes();
  if (!before) return (measured = cores);
  const t0 = performance.now();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SAMPLE_MS);
  measured = idleCores(before, coreIdleTimes() ?? before, performance.now() - t0, cores);
  return measured;
}
