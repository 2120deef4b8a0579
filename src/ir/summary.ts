/**
 * The per-layer summary in the spirit of Keras's `model.summary()`: each spec layer's output
 * shape, its trainable parameters, its fixed parameters (values that are not trained: RBF
 * prototypes, and states such as batch normalization's moving statistics, which Keras too counts
 * as non-trainable parameters), its multiply-accumulates and its connections (as the 1998 paper
 * counts them) per example, then the totals.
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
  /** trainable parameters (a connection table's disconnected weights are not parameters) */
  readonly params: number;
  /** values that are not trained: fixed weights and states */
  readonly fixed_params: number;
  /** of those, the states that the training step updates (Keras's non-trainable weights) */
  readonly state_params: number;
  readonly macs: number;
  readonly connections: number;
}

export interface Summary {
  readonly params: number;
  readonly fixed_params: number;
  readonly state_params: number;
  readonly macs: number;
  readonly connections: number;
  readonly layers: LayerSummary[];
}

export const isTrainable = (n: Node) => n.op === 'param' && n.attrs.trainable !== false;

/** The values a parameter really has: a weight with a connection table counts only its connections. */
function parameterCount(n: Node, byId: ReadonlyMap<string, Node>): number {
  const mask = typeof n.attrs.mask === 'string' ? byId.get(n.attrs.mask) : undefined;
  const table = mask?.attrs.table as readonly (readonly number[])[] | undefined;
  if (!table) return elementsPerExample(n.type.shape);
  const [kh, kw] = mask!.type.shape as number[];
  return kh! * kw! * table.reduce((a, t) => a + t.length, 0);
}

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
    let fixed = 0;
    let states = 0;
    let macs = 0;
    let connections = 0;
    for (const n of nodes) {
      if (isTrainable(n)) params += parameterCount(n, byId);
      else if (n.op === 'param' && n.attrs.role !== 'mask') fixed += parameterCount(n, byId);
      if (n.op === 'param' && n.attrs.role === 'state') states += parameterCount(n, byId);
      const def = getOp(n.op);
      const types = n.inputs.map((i) => byId.get(i)!.type);
      if (def?.macs) macs += def.macs(types, n.type, n.attrs);
      if (def?.connections) connections += def.connections(types, n.type, n.attrs);
    }
    const act = typeof l.activation === 'string' && l.activation !== 'linear' ? l.activation : undefined;
    return {
      name: l.name,
      op: l.op,
      ...(act ? { activation: act } : l.op === 'activation' ? { activation: String(l.fn) } : {}),
      shape: out ? exampleShape(out.type.shape) : [],
      params,
      fixed_params: fixed,
      state_params: states,
      macs,
      connections,
    };
  });
  const total = (k: 'params' | 'fixed_params' | 'state_params' | 'macs' | 'connections') => layers.reduce((a, l) => a + l[k], 0);
  return {
    params: total('params'),
    fixed_params: total('fixed_params'),
    state_params: total('state_params'),
    macs: total('macs'),
    connections: total('connections'),
    layers,
  };
}
