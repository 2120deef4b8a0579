/**
 * The IR after the passes, drawn: one box per computing node (parameters are folded into the
 * node that reads them, named with their shapes), with its attributes as the printer writes
 * them (long ones shortened), so the drawing and `--print-ir-after-all` say the same thing. A
 * node that a pass made out of several is marked fused and names its parts (`conv2d + tanh`,
 * `softmax + cross-entropy`).
 *
 * A training graph is drawn up to its loss: the backward half that autodiff appends is a
 * mirror of it, and would double the picture without saying anything new about the network.
 */
import { nodeMap, type AttrValue, type Graph, type Node } from '../ir/types.js';
import { box, count, digraph, dims } from './dot.js';

/** What a fused node is made of: the fusions that src/passes performs, as a table. */
const FUSIONS: readonly ((n: Node) => readonly string[] | undefined)[] = [
  // a batchnorm folded into the layer before it (fold-batchnorm), with any activation after
  (n) => (typeof n.attrs.folded === 'string' ? [n.op, 'batchnorm', ...activationOf(n)] : undefined),
  (n) => (activationOf(n).length > 0 ? [n.op, ...activationOf(n)] : undefined),
  (n) => (n.op === 'softmax_cross_entropy' ? ['softmax', 'cross-entropy'] : undefined),
];

function activationOf(n: Node): string[] {
  return typeof n.attrs.activation === 'string' && n.attrs.activation !== 'linear' ? [n.attrs.activation] : [];
}

export function fusedParts(n: Node): readonly string[] | undefined {
  for (const f of FUSIONS) {
    const parts = f(n);
    if (parts) return parts;
  }
  return undefined;
}

export interface IrGraphOptions {
  /** e.g. `inference graph` */
  readonly kind: string;
  /** the passes that made the graph, in order */
  readonly passes: readonly string[];
  /** the trainable parameters, as the summary counts them (a connection table's zeros are not) */
  readonly params: number;
}

/** The nodes the graph's prediction, scores and loss depend on: its forward half. */
export function forwardNodes(g: Graph): Node[] {
  const byId = nodeMap(g);
  const keep = new Set<string>();
  const stack = [g.outputs.prediction, g.outputs.scores, g.outputs.loss].filter((x): x is string => x !== undefined);
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (keep.has(v)) continue;
    keep.add(v);
    stack.push(...(byId.get(v)?.inputs ?? []));
  }
  return g.nodes.filter((n) => keep.has(n.id));
}

/** An attribute as the printer writes it, but short: six digits, and a long list by its length. */
function short(v: AttrValue): string {
  if (typeof v === 'number') return String(Number(v.toPrecision(6)));
  if (!Array.isArray(v)) return String(v);
  const s = `[${(v as readonly AttrValue[]).map(short).join(',')}]`;
  return s.length > 40 ? `[${v.length} items]` : s;
}

export function irGraph(g: Graph, o: IrGraphOptions): string {
  const nodes = forwardNodes(g);
  const byId = nodeMap(g);
  const drawn = nodes.filter((n) => n.op !== 'param');
  const outputs = new Set([g.outputs.prediction, g.outputs.loss]);
  const boxes = drawn.map((n) => {
    const params = n.inputs.map((i) => byId.get(i)!).filter((p) => p.op === 'param');
    const parts = fusedParts(n);
    const skip = n.op === 'input' ? ['shape', 'activation'] : ['activation'];
    return box({
      name: n.id,
      op: parts ? parts.join(' + ') : n.op,
      details: Object.keys(n.attrs)
        .filter((k) => !skip.includes(k))
        .sort()
        .map((k) => `${k}=${short(n.attrs[k]!)}`),
      separator: ', ',
      shape: dims(n.type.shape),
      params: params.map((p) => `${p.id.startsWith(`${n.id}.`) ? p.id.slice(n.id.length + 1) : p.id} ${dims(p.type.shape)}${p.attrs.trainable === false ? ' fixed' : ''}`).join(' · '),
      output: outputs.has(n.id),
      ...(parts ? { fused: true } : {}),
    });
  });
  const edges: [string, string][] = [];
  for (const n of drawn) for (const i of n.inputs) if (byId.get(i)!.op !== 'param') edges.push([i, n.id]);
  const fusedCount = drawn.filter((n) => fusedParts(n)).length;
  const subtitle = [`${o.kind} after ${o.passes.join(', ')}`, `${drawn.length} nodes, ${fusedCount} fused · ${count(o.params)} parameters`];
  return digraph(g.name, subtitle, boxes, edges);
}
