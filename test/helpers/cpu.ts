/**
 * Guards against resource bombs, not speed tests: a bomb that got through takes minutes or the
 * machine's memory, while the files these guard take well under a second of CPU. The limit is
 * the CPU time this process spent (whatever else the machine runs), with a tenfold margin, so
 * a busy machine does not fail it and a real bomb still does. Speed is measured by benchmarks.
 */
export const BOMB_CPU_MS = 10_000;

/** CPU milliseconds (user and system) that `f` takes in this process, and its result. */
export function cpuTimed<T>(f: () => T): { value: T; ms: number } {
  const t0 = process.cpuUsage();
  const value = f();
  const t = process.cpuUsage(t0);
  return { value, ms: (t.user + t.system) / 1000 };
}
