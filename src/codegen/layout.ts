/**
 * The arena of a generated module: parameters first (they persist), then the larger of the
 * training step's and the inference pass's planned regions (never both at once), then the
 * optimizer's state. Every offset is fixed here, at compile time.
 */
import type { Graph, Node } from '../ir/types.js';
import { elementsPerExample } from '../ir/types.js';
import { align } from '../passes/plan-memory.js';
import type { ResolvedOptimizer } from '../ir/optimizers/index.js';

export interface ParamSlot {
  readonly node: Node;
  readonly offset: number;
  readonly size: number;
  /** optimizer state buffers, in the order the optimizer's entry names them (Adam: m, v) */
  readonly state: number[];
}

/** Parameters in graph order from offset 0; returns the slots and where planning may start. */
export function layoutParameters(g: Graph): { params: ParamSlot[]; end: number } {
  const params: ParamSlot[] = [];
  let at = 0;
  for (const n of g.nodes) {
    if (n.op !== 'param') continue;
    const size = elementsPerExample(n.type.shape);
    params.push({ node: n, offset: at, size, state: [] });
    at = align(at + size);
  }
  return { params, end: at };
}

/** Place the optimizer state of each trained parameter from `start`; returns the arena's end. */
export function layoutOptimizerState(params: ParamSlot[], trained: ReadonlySet<string>, optimizer: ResolvedOptimizer, start: number): number {
  let at = align(start);
  for (const p of params) {
    if (!trained.has(p.node.id)) continue;
    for (let i = 0; i < optimizer.state.length; i++) {
      p.state.push(at);
      at = align(at + p.size);
    }
  }
  return at;
}
