/**
 * The reference interpreter: runs any graph node by node with the reference kernels, in float32
 * or float64. Tests use it as the ground truth for passes (a graph computes the same numbers
 * before and after each pass), for the memory plan (with and without it), for the generated
 * code, and — in float64 — for finite-difference gradient checks.
 *
 * It reads the same kernel calls from the op registry that the code generator prints.
 */
import { referenceKernels } from '../runtime/kernels/reference/index.js';
import { Act, type Arena } from '../runtime/kernels/types.js';
import { getOp } from './ops/index.js';
import type { ResolvedOptimizer } from './optimizers/index.js';
import type { UpdateArg } from './optimizers/registry.js';
import type { KernelArg } from './registry.js';
import { elementsPerExample, type Graph } from './types.js';

export interface InterpretOptions {
  /** examples in the batch (at most the plan's batch when the plan is used) */
  readonly batch: number;
  readonly dtype?: 'f32' | 'f64';
  /** the step seed dropout draws its masks from */
  readonly seed?: number;
  /** lay values out as the graph's memory plan says, instead of one buffer each */
  readonly usePlan?: boolean;
}

export interface Interpreted {
  /**
   * a copy of a value as it is at the end of the run (outputs and parameters survive a plan);
   * an updated state holds its new value
   */
  get(id: string): Float64Array;
}

/** Run the graph; `feeds` gives the inputs and parameters by id. */
export function interpret(g: Graph, feeds: Readonly<Record<string, ArrayLike<number>>>, opts: InterpretOptions): Interpreted {
  const n = opts.batch;
  const byId = new Map(g.nodes.map((x) => [x.id, x]));
  const sizeOf = (id: string) => {
    const t = byId.get(id)!.type;
    return t.shape[0] === 'N' ? elementsPerExample(t.shape) * n : elementsPerExample(t.shape);
  };
  const offsets = new Map<string, number>();
  let top = 0;
  if (opts.usePlan) {
    if (!g.plan) throw new Error('interpret: the graph has no memory plan');
    if (n > g.plan.batch) throw new Error(`interpret: batch ${n} exceeds the plan's ${g.plan.batch}`);
    for (const node of g.nodes) offsets.set(node.id, g.plan.offsets[node.id]!);
    top = g.plan.end;
  } else {
    for (const node of g.nodes) {
      // a view shares its input's buffer; a state update writes into its state's
      const def = getOp(node.op)!;
      if (def.alias || def.assigns) offsets.set(node.id, offsets.get(node.inputs[0]!)!);
      else {
        offsets.set(node.id, top);
        top += Math.ceil(sizeOf(node.id) / 4) * 4;
      }
    }
  }
  const arena: Arena = opts.dtype === 'f64' ? new Float64Array(top) : new Float32Array(top);
  const k = referenceKernels(arena);
  for (const node of g.nodes) {
    if (node.op !== 'input' && node.op !== 'param') continue;
    const feed = feeds[node.id];
    if (!feed) throw new Error(`interpret: no value fed for '${node.id}'`);
    if (feed.length !== sizeOf(node.id)) throw new Error(`interpret: '${node.id}' needs ${sizeOf(node.id)} values, got ${feed.length}`);
    arena.set(feed, offsets.get(node.id)!);
  }
  const arg = (a: KernelArg): number => {
    if (typeof a === 'number') return a;
    if ('buf' in a) return offsets.get(a.buf)!;
    if ('batch' in a) return a.batch * n;
    if ('act' in a) return Act[a.act as keyof typeof Act];
    return opts.seed ?? 0;
  };
  for (const node of g.nodes) {
    const def = getOp(node.op)!;
    if (!def.kernel) continue;
    const types = node.inputs.map((i) => byId.get(i)!.type);
    for (const call of def.kernel(node, types)) {
      (k[call.kernel] as (...a: number[]) => unknown)(...call.args.map(arg));
    }
  }
  return {
    get: (id) => Float64Array.from(arena.subarray(offsets.get(id)!, offsets.get(id)! + sizeOf(id))),
  };
}

/** A trained parameter before an optimizer step: its values, its gradient, its state buffers. */
export interface UpdateFeed {
  readonly param: ArrayLike<number>;
  readonly gradient: ArrayLike<number>;
  /** in the order the optimizer's entry names them, each the parameter's size */
  readonly state: readonly ArrayLike<number>[];
}

/**
 * One optimizer step on each fed parameter with the reference kernels, running the update
 * calls of the optimizer registry that the code generator prints; returns the parameters and
 * state after it. `step` counts from 1.
 */
export function interpretUpdate(
  o: ResolvedOptimizer,
  feeds: Readonly<Record<string, UpdateFeed>>,
  at: { readonly step: number; readonly learningRate?: number; readonly dtype?: 'f32' | 'f64' },
): Record<string, { param: Float64Array; state: Float64Array[] }> {
  // each parameter's buffers side by side: param, gradient, then its state
  const entries = Object.entries(feeds);
  const bases: number[] = [];
  let top = 0;
  for (const [, f] of entries) {
    bases.push(top);
    top += f.param.length * (2 + o.state.length);
  }
  const arena: Arena = at.dtype === 'f64' ? new Float64Array(top) : new Float32Array(top);
  const k = referenceKernels(arena);
  const out: Record<string, { param: Float64Array; state: Float64Array[] }> = {};
  entries.forEach(([name, f], i) => {
    const size = f.param.length;
    if (f.gradient.length !== size || f.state.length !== o.state.length || f.state.some((s) => s.length !== size)) {
      throw new Error(`interpretUpdate: '${name}' needs a gradient and ${o.state.length} state buffers of ${size} values`);
    }
    const slot = (j: number) => bases[i]! + j * size; // 0: param, 1: gradient, 2…: state
    [f.param, f.gradient, ...f.state].forEach((values, j) => arena.set(values, slot(j)));
    const arg = (a: UpdateArg): number =>
      typeof a === 'number' ? a
      : 'param' in a ? slot(0)
      : 'gradient' in a ? slot(1)
      : 'state' in a ? slot(2 + a.state)
      : 'learningRate' in a ? (at.learningRate ?? o.learningRate)
      : at.step;
    for (const call of o.def.update(o.hyper, size)) (k[call.kernel] as (...a: number[]) => unknown)(...call.args.map(arg));
    const copy = (j: number) => Float64Array.from(arena.subarray(slot(j), slot(j) + size));
    out[name] = { param: copy(0), state: o.state.map((_, j) => copy(2 + j)) };
  });
  return out;
}
