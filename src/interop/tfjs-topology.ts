/**
 * The layers of a Layers model's topology — Sequential (each layer reads the one before) or
 * functional (each names what it reads in `inbound_nodes`) — as one list in an order where each
 * layer comes after what it reads, with the input's shape. Keras's converter's wrapper
 * (`model_config`) is unwrapped. Problems are diagnostics at their place in model.json.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import type { PathSegment, SourceMap } from '../spec/source.js';
import { isObject, type LayerJson } from './tfjs-format.js';
import type { TfLayer } from './tfjs-layers.js';

/** The input of a Sequential model without an InputLayer: a name no layer can have (tfjs names have no parentheses). */
const INPUT = '(input)';

export interface LayerGraph {
  readonly kind: 'Sequential' | 'functional';
  readonly name: string | undefined;
  readonly input: string;
  readonly inputShape: readonly number[];
  /** the layers after the input, each after what it reads */
  readonly layers: readonly TfLayer[];
  readonly output: string;
}

/** The layers of a Sequential or functional model, what each reads, the input's shape. */
export function layerGraph(doc: Record<string, unknown>, map: SourceMap, path: string): LayerGraph | Diagnostic {
  const fail = (at: PathSegment[], problem: string): Diagnostic => Messages.TfjsModelFile.at(map.locate(at), path, problem);
  let topology = doc.modelTopology as Record<string, unknown> | undefined;
  let at: PathSegment[] = ['modelTopology'];
  if (!isObject(topology)) return fail([], 'has no modelTopology; it is not a TensorFlow.js Layers model');
  // Keras's converter wraps the model as {model_config, training_config}
  if (isObject(topology.model_config)) [topology, at] = [topology.model_config, [...at, 'model_config']];
  const cls = topology.class_name;
  const config = topology.config as Record<string, unknown> | unknown[] | undefined;
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  const listAt = Array.isArray(config) ? [...at, 'config'] : [...at, 'config', 'layers'];
  if (!Array.isArray(list) || list.length === 0) return fail(at, 'has no layers in modelTopology.config');
  const modelName = isObject(config) && typeof config.name === 'string' ? config.name : undefined;
  const raw = list.map((l, i) => ({ json: l as LayerJson, at: [...listAt, i] as PathSegment[] }));
  for (const r of raw) {
    if (!isObject(r.json) || typeof r.json.class_name !== 'string' || !isObject(r.json.config)) return fail(r.at, 'is not a layer ({class_name, config})');
    if (typeof (r.json.name ?? r.json.config.name) !== 'string') return fail(r.at, 'is a layer without a name');
  }
  const nameOf = (j: LayerJson) => (j.name ?? j.config.name) as string;
  if (cls === 'Sequential') {
    const [first, ...rest] = raw;
    const isInput = first!.json.class_name === 'InputLayer';
    const shape = inputShape(first!.json.config);
    if (!shape) return fail([...first!.at, 'config'], 'gives no batch_input_shape, so the input shape is unknown');
    const input = isInput ? nameOf(first!.json) : INPUT;
    const body = isInput ? rest : raw;
    const layers = body.map((r, i): TfLayer => ({ name: nameOf(r.json), className: r.json.class_name, config: r.json.config, inputs: [i === 0 ? input : nameOf(body[i - 1]!.json)], at: r.at }));
    return finish({ kind: 'Sequential', name: modelName, input, shape, layers, output: layers[layers.length - 1]?.name }, map, path, at);
  }
  if (cls !== 'Model' && cls !== 'Functional') return fail([...at, 'class_name'], `is a '${String(cls)}'; netc imports Sequential and functional (Model) Layers models`);
  const c = config as Record<string, unknown>;
  const ends = (k: 'input_layers' | 'output_layers') => (Array.isArray(c[k]) ? (c[k] as unknown[]) : []);
  if (ends('input_layers').length !== 1 || ends('output_layers').length !== 1) {
    return fail([...at, 'config'], 'has several inputs or outputs; a netc network has one input and one output');
  }
  const refName = (v: unknown) => (Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);
  const input = refName(ends('input_layers')[0]);
  const output = refName(ends('output_layers')[0]);
  const inputLayer = raw.find((r) => nameOf(r.json) === input);
  if (!input || !output || !inputLayer || inputLayer.json.class_name !== 'InputLayer') return fail([...at, 'config', 'input_layers'], 'names an input that is not an InputLayer of the model');
  const shape = inputShape(inputLayer.json.config);
  if (!shape) return fail([...inputLayer.at, 'config'], 'gives no batch_input_shape, so the input shape is unknown');
  const layers: TfLayer[] = [];
  for (const r of raw) {
    if (r === inputLayer) continue;
    const nodes = r.json.inbound_nodes;
    if (!Array.isArray(nodes) || nodes.length !== 1 || !Array.isArray(nodes[0])) {
      return fail([...r.at, 'inbound_nodes'], Array.isArray(nodes) && nodes.length > 1 ? 'is a layer used more than once (shared weights); netc layers are used once' : 'has inbound_nodes netc cannot read');
    }
    const inputs = (nodes[0] as unknown[]).map(refName);
    if (inputs.some((i) => i === undefined)) return fail([...r.at, 'inbound_nodes'], 'has inbound_nodes netc cannot read');
    layers.push({ name: nameOf(r.json), className: r.json.class_name, config: r.json.config, inputs: inputs as string[], at: r.at });
  }
  return finish({ kind: 'functional', name: modelName, input, shape, layers, output }, map, path, at);
}

/** Checks the graph and puts its layers in an order where each comes after what it reads. */
function finish(
  g: { kind: LayerGraph['kind']; name: string | undefined; input: string; shape: number[]; layers: TfLayer[]; output: string | undefined },
  map: SourceMap,
  path: string,
  at: PathSegment[],
): LayerGraph | Diagnostic {
  const fail = (where: PathSegment[], problem: string): Diagnostic => Messages.TfjsModelFile.at(map.locate(where), path, problem);
  if (g.layers.length === 0 || !g.output) return fail(at, 'has no layers after its input');
  let shape = g.shape;
  if (shape.length === 2) shape = [...shape, 1]; // grey images without a channel axis: the same values, one channel
  if (shape.length !== 3) return fail(at, `takes inputs of shape [${g.shape.join(', ')}]; a netc network takes images [height, width, channels]`);
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  if (byName.size !== g.layers.length) return fail(at, 'has two layers of one name');
  const order: TfLayer[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, from: TfLayer | undefined): string | undefined => {
    if (name === g.input || state.get(name) === 'done') return undefined;
    const l = byName.get(name);
    if (!l) return `${from ? `layer '${from.name}' reads` : 'the output is'} '${name}', which is not a layer of the model`;
    if (state.get(name) === 'visiting') return `its layers form a cycle through '${name}'`;
    state.set(name, 'visiting');
    for (const i of l.inputs) {
      const p = visit(i, l);
      if (p) return p;
    }
    state.set(name, 'done');
    order.push(l);
    return undefined;
  };
  const problem = visit(g.output, undefined);
  if (problem) return fail(at, problem);
  // the file's order where it is one, so the spec reads like the model
  const position = new Map(order.map((l, i) => [l.name, i]));
  const kept = g.layers.filter((l) => position.has(l.name));
  const inFileOrder = kept.every((l, i) => l.inputs.every((x) => x === g.input || kept.findIndex((k) => k.name === x) < i));
  return { kind: g.kind, name: g.name, input: g.input, inputShape: shape, layers: inFileOrder ? kept : order, output: g.output };
}

function inputShape(config: Record<string, unknown>): number[] | undefined {
  const s = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(s) && s.slice(1).every((d) => Number.isInteger(d) && (d as number) > 0)) return s.slice(1) as number[];
  const i = config.input_shape;
  if (Array.isArray(i) && i.every((d) => Number.isInteger(d) && (d as number) > 0)) return i as number[];
  return undefined;
}
