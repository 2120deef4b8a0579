/**
 * The per-layer summary in the spirit of Keras's `model.summary()`: each spec layer's output
 * shape, its trainable parameters and its multiply-accumulates per example, then the totals.
 */
import type { Spec } from '../spec/types.js';
import { getOp } from './ops/index.js';
import { elementsPerExample, exampleShape, nodeMap, type Graph, type Node } from './types.js';

export interface LayerSummary {
  readonly name: string;
  readonly op: string;
  /** the activation applied by this layer, when it has one besides its op */
  readonly activation?: string;
  /** output shape without the batch dimension */
  readonly shape: number[];
  readonly params: number;
  readonly macs: number;
}

export interface Summary {
  readonly params: number;
  readonly macs: number;
  readonly layers: LayerSummary[];
}

export const isTrainable = (n: Node) => n.op === 'param' && n.attrs.trainable !== false;

export function summarize(graph: Graph, spec: Spec, layerOutputs: ReadonlyMap<string, string>): Summary {
  const byId = nodeMap(graph);
  const byLayer = new Map<string, Node[]>();
  for (const n of graph.nodes) {
    if (!byLayer.has(n.layer)) byLayer.set(n.layer, []);
    byLayer.get(n.layer)!.push(n);
  }
  const layers = spec.layers.map((l): LayerSummary => {
    const nodes = byLayer.get(l.name) ?? [];
    const out = byId.get(layerOutputs.get(l.name) ?? '');
    let params = 0;
    let macs = 0;
    for (const n of nodes) {
      if (isTrainable(n)) params += elementsPerExample(n.type.shape);
      const def = getOp(n.op);
      if (def?.macs) macs += def.macs(n.inputs.map((i) => byId.get(i)!.type), n.type, n.attrs);
    }
    const act = typeof l.activation === 'string' && l.activation !== 'linear' ? l.activation : undefined;
    return {
      name: l.name,
      op: l.op === 'activation' ? `activation` : l.op,
      ...(act ? { activation: act } : l.op === 'activation' ? { activation: String(l.fn) } : {}),
      shape: out ? exampleShape(out.type.shape) : [],
      params,
      macs,
    };
  });
  return {
    params: layers.reduce((a, l) => a + l.params, 0),
    macs: layers.reduce((a, l) => a + l.macs, 0),
    layers,
  };
}
