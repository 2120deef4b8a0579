/**
 * The kernel calls of a generated module's schedules, in the order it makes them, with the node
 * (and so the spec layer) each comes from. The emitter writes the calls from this list; the
 * profiler (src/driver/profile-labels.ts) reads the same list to name the layer and phase of the
 * i-th call of a step, so the two cannot disagree about the order.
 */
import { getOp } from '../ir/ops/index.js';
import type { ResolvedOptimizer } from '../ir/optimizers/index.js';
import type { UpdateCall } from '../ir/optimizers/registry.js';
import type { KernelCall } from '../ir/registry.js';
import type { Graph, Node } from '../ir/types.js';

/** A node of a planned graph, and its kernel calls (none for a view such as flatten). */
export interface ScheduledNode {
  readonly node: Node;
  readonly calls: readonly KernelCall[];
}

/** The nodes of a planned graph that the schedule comments on, in order: all but inputs and parameters. */
export function scheduledNodes(g: Graph): ScheduledNode[] {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  return g.nodes
    .filter((node) => node.op !== 'input' && node.op !== 'param')
    .map((node) => {
      const def = getOp(node.op)!;
      return { node, calls: def.alias ? [] : def.kernel!(node, node.inputs.map((i) => byId.get(i)!.type)) };
    });
}

/** A parameter as the update reads it: its node and its size. */
interface Slot {
  readonly node: Node;
  readonly size: number;
}

/** A trained parameter's step in updateSchedule: its slot and the optimizer's calls. */
export interface ScheduledUpdate<P extends Slot> {
  readonly slot: P;
  readonly calls: readonly UpdateCall[];
}

/** The optimizer's calls for each trained parameter (those with a gradient), in the order of `params`. */
export function scheduledUpdates<P extends Slot>(o: ResolvedOptimizer, params: readonly P[], gradients: Readonly<Record<string, string>>): ScheduledUpdate<P>[] {
  return params.filter((p) => gradients[p.node.id] !== undefined).map((slot) => ({ slot, calls: o.def.update(o.hyper, slot.size) }));
}
