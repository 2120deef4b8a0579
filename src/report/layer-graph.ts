/**
 * The network as its spec describes it: one box per layer (op, the attributes the spec gives,
 * output shape, parameters), the input on top, and an arrow for every value a layer reads, taken
 * from the lowered IR so that a DAG (concat, add) is drawn exactly as it is wired.
 */
import type { Analysis } from '../driver/analyze.js';
import { nodeMap, outputIds, type Graph, type Node } from '../ir/types.js';
import { attrPhrase, box, count, digraph, dims } from './dot.js';

/** Spec keys that the box shows elsewhere, or that say nothing about the computation. */
const NOT_DETAILS = new Set(['name', 'op', 'inputs', 'description', 'activation', 'fn']);

export const INPUT = 'input';

/** DOT for an analysed spec (one without errors). */
export function layerGraph(a: Analysis): string {
  if (!a.loaded || !a.graph || !a.summary) throw new Error('layerGraph needs an analysis without errors');
  const spec = a.loaded.spec;
  const sum = a.summary;
  const used = usedLayers(a.graph);
  const output = spec.output ?? spec.layers[spec.layers.length - 1]!.name;
  const boxes = [
    box({ name: INPUT, op: '', family: 'input', details: phrases(preprocessing(spec), new Set()), shape: dims(spec.input.shape), params: '' }),
    ...spec.layers.map((l, i) => {
      const s = sum.layers[i]!;
      const details = phrases(l, NOT_DETAILS);
      return box({
        name: l.name,
        op: s.activation ? `${l.op} · ${s.activation}` : l.op,
        family: l.op,
        details,
        shape: dims(s.shape),
        params: [s.params > 0 ? `${count(s.params)} params` : '', s.state_params > 0 ? `${count(s.state_params)} non-trainable` : ''].filter(Boolean).join(' + '),
        output: l.name === output,
        unused: !used.has(l.name),
      });
    }),
  ];
  const subtitle = `${count(sum.params)} parameters · ${count(sum.macs)} MACs per image · ${spec.layers.length} layers`;
  return digraph(spec.name, [subtitle], boxes, layerEdges(a.graph));
}

function phrases(attrs: Readonly<Record<string, unknown>>, skip: ReadonlySet<string>): string[] {
  return Object.entries(attrs)
    .filter(([k, v]) => !skip.has(k) && v !== undefined && v !== null)
    .map(([k, v]) => attrPhrase(k, v));
}

/** The spec's `preprocess:` (padding, pixel range), which the input box shows. */
function preprocessing(spec: object): Readonly<Record<string, unknown>> {
  const p = (spec as { preprocess?: unknown }).preprocess;
  if (p === null || typeof p !== 'object') return {};
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(', ')}]` : v]));
}

/** layer → layer for each value one layer's nodes read from another's; `input` for the network's input. */
export function layerEdges(g: Graph): [string, string][] {
  const byId = nodeMap(g);
  // The layer a value comes from: graph-level nodes between the input and the first layer
  // (preprocessing) are followed back to the input; labels and parameters come from no layer.
  const source = (m: Node): string | undefined => {
    if (m.op === 'param') return undefined;
    if (m.layer !== '') return m.layer;
    if (m.op === 'input') return m.attrs.role === undefined ? INPUT : undefined;
    const from = m.inputs.map((i) => byId.get(i)!).find((x) => x.op !== 'param');
    return from ? source(from) : undefined;
  };
  const seen = new Set<string>();
  const edges: [string, string][] = [];
  for (const n of g.nodes) {
    if (n.layer === '' || n.op === 'param') continue;
    for (const i of n.inputs) {
      const from = source(byId.get(i)!);
      if (from === undefined || from === n.layer) continue;
      const key = `${from}\u0000${n.layer}`;
      if (!seen.has(key)) edges.push([from, n.layer]);
      seen.add(key);
    }
  }
  return edges;
}

/** The layers that the graph's outputs depend on. */
function usedLayers(g: Graph): Set<string> {
  const byId = nodeMap(g);
  const layers = new Set<string>();
  const stack = outputIds(g.outputs);
  const visited = new Set<string>();
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (visited.has(v)) continue;
    visited.add(v);
    const n = byId.get(v);
    if (!n) continue;
    if (n.layer) layers.add(n.layer);
    stack.push(...n.inputs);
  }
  return layers;
}
