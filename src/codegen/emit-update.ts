/**
 * The optimizer's part of a generated module: `info.optimizer`, and `updateSchedule`, whose
 * kernel calls come from the optimizer registry's update description, the one the interpreter's
 * `interpretUpdate` runs, so the two agree argument for argument:
 *
 *   optimizer: { name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
 *
 *   protected override updateSchedule(lr: number, step: number): void {
 *     const k = this.kernels;
 *     // c1.w: 5×5×1×6
 *     k.adam(P.c1_w, T.grad_c1_w, S.c1_w_m, S.c1_w_v, 150, lr, 0.9, 0.999, 1e-7, step);
 *     ...
 *   }
 */
import type { CodeBlockWriter } from 'ts-morph';
import { optimizerInfo, type ResolvedOptimizer } from '../ir/optimizers/index.js';
import type { UpdateArg, UpdateCall } from '../ir/optimizers/registry.js';
import { stringLiteral } from './names.js';

/** A trained parameter as its update reads it: a comment, its size, and its buffers as expressions. */
export interface UpdateTarget {
  /** `c1.w: 5×5×1×6` */
  readonly comment: string;
  /** the optimizer's calls on it (./schedule.ts) */
  readonly calls: readonly UpdateCall[];
  /** `P.c1_w` */
  readonly param: string;
  /** `T.grad_c1_w` */
  readonly gradient: string;
  /** `S.c1_w_m`, ... in the order the optimizer names its state */
  readonly state: readonly string[];
}

/** `{ name: 'adam', learningRate: 0.001, ... }`: what the runtime reads as `info.optimizer`. */
export function optimizerLiteral(o: ResolvedOptimizer): string {
  const fields = Object.entries(optimizerInfo(o)).map(([key, v]) => `${key}: ${typeof v === 'string' ? stringLiteral(v) : String(v)}`);
  return `{ ${fields.join(', ')} }`;
}

/** The body of `updateSchedule(lr, step)`: the optimizer's calls for each trained parameter. */
export function writeUpdateSchedule(w: CodeBlockWriter, targets: readonly UpdateTarget[]): void {
  const calls = targets.map((t) => [t, t.calls] as const);
  // strict mode rejects an unused parameter; say it is unused on purpose
  const uses = (kind: 'learningRate' | 'step') => calls.some(([, cs]) => cs.some((c) => c.args.some((a) => typeof a === 'object' && kind in a)));
  if (targets.length > 0) w.writeLine('const k = this.kernels;');
  if (!uses('learningRate')) w.writeLine('void lr;');
  if (!uses('step')) w.writeLine('void step;');
  for (const [t, cs] of calls) {
    w.writeLine(`// ${t.comment}`);
    for (const c of cs) w.writeLine(`k.${c.kernel}(${c.args.map((a) => argText(a, t)).join(', ')});`);
  }
}

function argText(a: UpdateArg, t: UpdateTarget): string {
  if (typeof a === 'number') return String(a);
  if ('param' in a) return t.param;
  if ('gradient' in a) return t.gradient;
  if ('state' in a) return t.state[a.state]!;
  if ('learningRate' in a) return 'lr';
  return 'step';
}
