/**
 * Rewriting helpers shared by passes: rebuild a graph with some nodes replaced or removed and
 * every reference renamed, re-inferring each rebuilt node's type through the IR's constructor.
 */
import { makeNode } from '../ir/build.js';
import { getOp } from '../ir/ops/index.js';
import { isProblem } from '../ir/registry.js';
import { nodeMap, outputIds, type Attrs, type Graph, type GraphOutputs, type Node } from '../ir/types.js';
import { PassError } from './pass.js';

/** Build a node or fail the pass: a pass that makes an ill-shaped node has a bug. */
export function node(op: string, inputs: readonly Node[], attrs: Attrs, meta: Pick<Node, 'id' | 'layer' | 'loc'>): Node {
  const r = makeNode(op, inputs, attrs, meta);
  if (isProblem(r)) throw new PassError(`cannot make ${op} '${meta.id}': ${r.problem(meta.loc).message}`);
  return r;
}

export interface Edit {
  /** nodes to drop */
  readonly remove?: ReadonlySet<string>;
  /** node id → the node to put in its place (same id or not) */
  readonly replace?: ReadonlyMap<string, { op: string; inputs: readonly string[]; attrs: Attrs; id?: string }>;
  /** value id → the id that now stands for it, for every reader and output */
  readonly rename?: ReadonlyMap<string, string>;
}

/** Apply an edit, rebuilding (and so re-checking) every node whose inputs changed. */
export function edit(g: Graph, e: Edit): Graph {
  const rename = (id: string) => {
    for (let seen = 0; e.rename?.has(id) && seen < 1000; seen++) id = e.rename.get(id)!;
    return id;
  };
  const original = nodeMap(g);
  const built = new Map<string, Node>();
  const nodes: Node[] = [];
  for (const n of g.nodes) {
    if (e.remove?.has(n.id)) continue;
    const r = e.replace?.get(n.id);
    const inputs = (r?.inputs ?? n.inputs).map(rename);
    const ins = inputs.map((id) => {
      const found = built.get(id);
      if (!found) throw new PassError(`'${n.id}' reads '${id}', which the edit removed`);
      return found;
    });
    const unchanged = !r && inputs.every((id, i) => id === n.inputs[i] && ins[i] === original.get(id));
    const out = unchanged ? n : node(r?.op ?? n.op, ins, r?.attrs ?? n.attrs, { ...n, id: r?.id ?? n.id });
    built.set(out.id, out);
    nodes.push(out);
  }
  const o = g.outputs;
  const outputs: GraphOutputs = {
    ...(o.prediction !== undefined ? { prediction: rename(o.prediction) } : {}),
    ...(o.loss !== undefined ? { loss: rename(o.loss) } : {}),
    ...(o.scores !== undefined ? { scores: rename(o.scores) } : {}),
    ...(o.gradients ? { gradients: Object.fromEntries(Object.entries(o.gradients).map(([p, d]) => [p, rename(d)])) } : {}),
    ...(o.updates ? { updates: Object.fromEntries(Object.entries(o.updates).map(([s, u]) => [rename(s), rename(u)])) } : {}),
  };
  // An edited graph has no memory plan: plan-memory runs last.
  return { name: g.name, nodes, outputs };
}

/** For each value, how many nodes read it, counting the graph's outputs as readers. */
export function readerCounts(g: Graph): Map<string, number> {
  const count = new Map<string, number>();
  for (const n of g.nodes) for (const i of n.inputs) count.set(i, (count.get(i) ?? 0) + 1);
  for (const id of outputIds(g.outputs)) count.set(id, (count.get(id) ?? 0) + 1);
  return count;
}

export const opDef = (n: Node) => getOp(n.op)!;
