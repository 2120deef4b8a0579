/**
 * The arena of a generated module: parameters first (they persist), then the larger of the
 * training step's and the inference pass's planned regions (never both at once), then the
 * optimizer's state. Every offset is fixed here, at compile time.
 */
import type { Graph, Node } from '../ir/types.js';
import { elementsPerExample } from '../ir/types.js';
import { align } from '../passes/plan-memory.js';
import type { OptimizerSpec } from '../spec/types.js';

export interface ParamSlot {
  readonly node: Node;
  readonly offset: number;
  readonly size: number;
  /** optimizer state buffers: Adam's m and v, momentum's accumulator */
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

export const STATE_BUFFERS: Readonly<Record<OptimizerSpec['name'], number>> = { sgd: 0, momentum: 1, adam: 2 };

/** Place the optimizer state of each trained parameter from `start`; returns the arena's end. */
export function layoutOptimizerState(params: ParamSlot[], trained: ReadonlySet<string>, optimizer: OptimizerSpec['name'] | undefined, start: number): number {
  let at = align(start);
  for (const p of params) {
    if (!optimizer || !trained.has(p.node.id)) continue;
    for (let i = 0; i < STATE_BUFFERS[optimizer]; i++) {
      p.state.push(at);
      at = align(at + p.size);
    }
  }
  return at;
}
