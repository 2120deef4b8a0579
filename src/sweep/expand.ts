/**
 * A sweep's trials, in a fixed order: every combination of the grid's values (the first axis
 * varying slowest), times the random samples (each a draw of every random axis, from a stream
 * seeded by `random.seed`), times the seeds. Trial i is the same on every machine, which is what
 * lets a Slurm array task or a Kubernetes index run "trial i" alone.
 */
import { Random } from '../runtime/random.js';
import type { Range, Sweep } from './sweep-file.js';

export type AxisValues = Readonly<Record<string, unknown>>;

export interface Combination {
  /** its place in the sweep's list of combinations */
  readonly index: number;
  readonly values: AxisValues;
}

export interface Trial {
  readonly index: number;
  readonly combination: number;
  readonly values: AxisValues;
  /** undefined: the base spec's own seed */
  readonly seed: number | undefined;
  /** the trial's folder inside the sweep folder */
  readonly id: string;
}

export function combinations(sweep: Sweep): Combination[] {
  const grid = sweep.axes.filter((a) => a.values);
  const random = sweep.axes.filter((a) => a.range);
  let combos: Record<string, unknown>[] = [{}];
  for (const axis of grid) combos = combos.flatMap((c) => axis.values!.map((v) => ({ ...c, [axis.name]: v })));
  if (sweep.samples !== undefined) {
    const rng = new Random(sweep.randomSeed);
    const samples = Array.from({ length: sweep.samples }, () => Object.fromEntries(random.map((a) => [a.name, draw(a.range!, rng)])));
    combos = combos.flatMap((c) => samples.map((s) => ({ ...c, ...s })));
  }
  return combos.map((values, index) => ({ index, values }));
}

export function trials(sweep: Sweep): Trial[] {
  const seeds: (number | undefined)[] = sweep.seeds ? [...sweep.seeds] : [undefined];
  const combos = combinations(sweep);
  const width = String(combos.length * seeds.length - 1).length;
  return combos.flatMap((c) =>
    seeds.map((seed, k) => {
      const index = c.index * seeds.length + k;
      return { index, combination: c.index, values: c.values, seed, id: `trial-${String(index).padStart(Math.max(3, width), '0')}` };
    }),
  );
}

/** One value from a range; numbers kept to 4 significant digits, so tables and specs read well. */
export function draw(r: Range, rng: Random): unknown {
  if ('choice' in r) return r.choice[rng.below(r.choice.length)];
  if ('int' in r) return r.int[0] + rng.below(r.int[1] - r.int[0] + 1);
  if ('uniform' in r) return round4(r.uniform[0] + rng.next() * (r.uniform[1] - r.uniform[0]), r.uniform);
  const [lo, hi] = r.log_uniform.map(Math.log) as [number, number];
  return round4(Math.exp(lo + rng.next() * (hi - lo)), r.log_uniform);
}

/** Rounded, and kept inside the range the rounding may have stepped out of. */
const round4 = (x: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, Number(x.toPrecision(4))));

/** "c1.filters=12, train.optimizer.learning_rate=0.003" */
export function describeValues(values: AxisValues): string {
  const parts = Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length > 0 ? parts.join(', ') : '(the base spec)';
}
