/**
 * A spec's network as plain JSON, for tools outside netc: the benchmark's PyTorch emitter
 * (scripts/bench/torch_net.py) builds the same network from it. Each layer gives its op, its
 * attributes as the spec writes them (extends applied), the layers it reads ('input' for the
 * network's input), and its output shape per example as netc computes it (HWC); `input` is the
 * input's shape after the spec's preprocessing (a pad makes it larger).
 */
import { exampleShape, type Graph } from '../ir/types.js';
import type { Spec } from '../spec/types.js';
import type { Analysis } from './analyze.js';

export interface LayerDescription {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly shape: readonly number[];
  readonly attrs: Readonly<Record<string, unknown>>;
}

export interface NetworkDescription {
  readonly name: string;
  readonly input: readonly number[];
  readonly classes: number;
  readonly loss: string;
  readonly optimizer: unknown;
  readonly batch_size: number;
  readonly layers: readonly LayerDescription[];
}

/** The description of an analyzed spec, or undefined when it did not lower. */
export function describeNetwork(a: Analysis): NetworkDescription | undefined {
  if (!a.ok || !a.loaded || !a.graph || !a.layerOutputs) return undefined;
  const spec: Spec = a.loaded.spec;
  const g: Graph = a.graph;
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const shapeOf = (layer: string) => exampleShape(byId.get(a.layerOutputs!.get(layer)!)!.type.shape) as number[];
  const layers = spec.layers.map((l, i) => {
    const { name, op, inputs, ...attrs } = l;
    return { name, op, inputs: inputs ?? [i === 0 ? 'input' : spec.layers[i - 1]!.name], shape: shapeOf(name), attrs };
  });
  const last = layers[layers.length - 1]!;
  return {
    name: spec.name,
    input: shapeOf('input'),
    classes: last.shape.reduce((x, d) => x * d, 1),
    loss: spec.train?.loss ?? 'categorical_crossentropy',
    optimizer: spec.train?.optimizer ?? 'adam',
    batch_size: spec.train?.batch_size ?? 32,
    layers,
  };
}
