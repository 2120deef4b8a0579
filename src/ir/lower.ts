/**
 * Lowering: a validated spec becomes the unfused graph IR. Each layer lowers through its
 * registry entry, in dependency order; an `activation:` attribute becomes its own node, so the
 * graph here is exactly what the person wrote and fusion is left to the passes.
 *
 * Problems with names and references (duplicates, unknown layers, cycles) and shape rule
 * failures are all collected; a layer whose inputs failed is skipped, so one mistake gives one
 * diagnostic rather than a cascade.
 */
import type { Diagnostic, SourceLoc } from '../diagnostics/diagnostics.js';
import { hasErrors } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import type { PathSegment } from '../spec/source.js';
import { suggest } from '../diagnostics/suggest.js';
import type { LoadedSpec, SpecLayer } from '../spec/types.js';
import { makeNode } from './build.js';
import { lowerTraining } from './lower-train.js';
import { lowerActivation } from './ops/activation.js';
import { imageDims } from './ops/common.js';
import { getLayer } from './ops/index.js';
import { initToAttrs } from './init.js';
import { isProblem, type LowerContext, type Value } from './registry.js';
import type { Attrs, Graph, GraphOutputs, Node } from './types.js';

export interface Lowered {
  /** present when lowering found no errors */
  readonly graph?: Graph;
  readonly diagnostics: Diagnostic[];
  /** spec layer name → the IR value that is the layer's output */
  readonly layerOutputs: ReadonlyMap<string, string>;
}

export interface LowerOptions {
  /** add the labels and the loss from the spec's `train` section (when it has one) */
  readonly training: boolean;
  /** what the schema rejected, when lowering the salvage of a spec with errors to find the rest */
  readonly salvage?: SalvageFacts;
}

/** The part of a spec's salvage that lowering needs (see src/spec/salvage.ts). */
export interface SalvageFacts {
  /** layers to check for names and references only */
  readonly unusable: ReadonlyMap<number, SourceLoc>;
  /** layers lowered without an attribute that failed, and where it failed */
  readonly repaired: ReadonlyMap<number, SourceLoc>;
  /** false when the input has no shape to start from */
  readonly shapes: boolean;
}

export const INPUT = 'input';

/** Names of graph-level values, which layers cannot take. */
const RESERVED: Readonly<Record<string, string>> = {
  input: "the network's input",
  labels: 'the labels of the training data',
  loss: 'the training loss',
};

export function lower(loaded: LoadedSpec, options: LowerOptions = { training: true }): Lowered {
  const { spec, map } = loaded;
  const diagnostics: Diagnostic[] = [];
  const at = (path: PathSegment[], which: 'key' | 'value' = 'value') => map.locate(path, which);
  const layers = spec.layers;

  // Names: unique, and not the network's input.
  const index = new Map<string, number>();
  layers.forEach((l, i) => {
    // Own keys only: 'constructor' or 'toString' are layer names like any other.
    if (Object.hasOwn(RESERVED, l.name)) diagnostics.push(Messages.ReservedName.at(at(['layers', i, 'name']), l.name, RESERVED[l.name]!));
    else if (index.has(l.name)) {
      diagnostics.push(
        Messages.DuplicateLayer.withRelated(at(['layers', i, 'name']), [
          { message: `the first '${l.name}' is here`, loc: at(['layers', index.get(l.name)!, 'name']) },
        ], l.name),
      );
    } else index.set(l.name, i);
  });

  // What each layer reads: its `inputs`, or the layer before it.
  const broken = new Set<number>(options.salvage?.unusable.keys());
  const deps: string[][] = layers.map((l, i) => (l.inputs ? [...l.inputs] : [i === 0 ? INPUT : layers[i - 1]!.name]));
  deps.forEach((names, i) =>
    names.forEach((name, j) => {
      if (name === INPUT || index.has(name)) return;
      diagnostics.push(Messages.UnknownLayer.at(at(['layers', i, 'inputs', j]), name, suggest(name, [...index.keys(), INPUT])));
      broken.add(i);
    }),
  );

  const order = topologicalOrder(layers, deps, index, broken, at, diagnostics);
  if (options.salvage?.shapes === false) return { diagnostics, layerOutputs: new Map() };
  const suspect = suspects(order, deps, index, options.salvage);

  // Lower each layer in dependency order.
  const nodes: Node[] = [];
  const ids = new Set<string>();
  const outputs = new Map<string, Node>();
  const [h, w, c] = spec.input.shape;
  const inputNode = makeNode('input', [], { shape: [h, w, c] }, { id: INPUT, layer: '', loc: at(['input']) });
  if (isProblem(inputNode)) throw new Error('unreachable: input has no shape rule failure');
  nodes.push(inputNode);
  ids.add(INPUT);
  outputs.set(INPUT, preprocess(loaded, inputNode, nodes, ids));

  // The training step's graph, when the spec has one: only it updates state.
  const training = options.training && spec.train !== undefined;
  const updates: Record<string, string> = Object.create(null) as Record<string, string>; // ids may be 'toString'
  const failed = new Set<string>();
  for (const i of order) {
    const layer = layers[i]!;
    const ins = deps[i]!.map((d) => outputs.get(d));
    if (broken.has(i) || ins.some((x) => x === undefined)) {
      failed.add(layer.name);
      continue;
    }
    const def = getLayer(layer.op);
    if (!def) continue; // the schema already rejected an unknown op
    const before = diagnostics.length;
    const out = def.lower(layer, ins as Node[], layerContext(layer, i, { nodes, ids, diagnostics, training, updates }, at));
    markConsequences(diagnostics, before, suspect.get(i));
    if (out) outputs.set(layer.name, out);
    else failed.add(layer.name);
  }
  const layerOutputs = new Map([...outputs].map(([k, v]) => [k, v.id]));

  // The output: `output:` or the last layer.
  const outputName = spec.output ?? layers[layers.length - 1]!.name;
  if (spec.output !== undefined && !index.has(spec.output)) {
    diagnostics.push(Messages.UnknownOutput.at(at(['output']), spec.output, suggest(spec.output, index.keys())));
  } else if (!hasErrors(diagnostics)) {
    warnUnused(deps, index, outputName, at, diagnostics);
  }
  const prediction = outputs.get(outputName);
  // The fit to the data set is checked even when a layer elsewhere failed: the output it needs
  // was lowered, so what it says is about the output.
  if (!prediction) return { diagnostics, layerOutputs };

  let graphOutputs: GraphOutputs = { prediction: posterior(loaded, prediction, nodes, options).id };
  if (training) {
    const t = lowerTraining(loaded, prediction, index.get(outputName)!, nodes);
    const before = diagnostics.length;
    diagnostics.push(...t.diagnostics);
    markConsequences(diagnostics, before, suspect.get(index.get(outputName)!));
    if (!t.outputs) return { diagnostics, layerOutputs };
    graphOutputs = Object.keys(updates).length > 0 ? { ...t.outputs, updates } : t.outputs;
  }
  if (hasErrors(diagnostics)) return { diagnostics, layerOutputs };
  return { graph: { name: spec.name, nodes, outputs: graphOutputs }, diagnostics, layerOutputs };
}

/**
 * Layer index → the error of a left-out attribute that the layer's shape depends on: its own,
 * or the first of a layer it reads, in dependency order.
 */
function suspects(order: readonly number[], deps: readonly string[][], index: ReadonlyMap<string, number>, salvage: SalvageFacts | undefined): Map<number, SourceLoc> {
  const out = new Map<number, SourceLoc>();
  if (!salvage) return out;
  for (const i of order) {
    const own = salvage.repaired.get(i);
    const inherited = deps[i]!.map((d) => out.get(index.get(d) ?? -1)).find((l) => l !== undefined);
    const loc = own ?? inherited;
    if (loc) out.set(i, loc);
  }
  return out;
}

/** Notes on the diagnostics from `from` on that they may follow from the error at `cause`. */
function markConsequences(diagnostics: Diagnostic[], from: number, cause: SourceLoc | undefined): void {
  if (!cause) return;
  for (let k = from; k < diagnostics.length; k++) {
    const d = diagnostics[k]!;
    const note = { message: 'this may follow from the error here; fix that one first', loc: cause };
    diagnostics[k] = { ...d, related: [...(d.related ?? []), note] };
  }
}

/** What the layers of one lowering share: the nodes so far, and the state updates. */
interface Lowering {
  readonly nodes: Node[];
  readonly ids: Set<string>;
  readonly diagnostics: Diagnostic[];
  readonly training: boolean;
  /** state id → its update node */
  readonly updates: Record<string, string>;
}

function layerContext(
  layer: SpecLayer,
  i: number,
  { nodes, ids, diagnostics, training, updates }: Lowering,
  at: (path: PathSegment[], which?: 'key' | 'value') => SourceLoc,
): LowerContext {
  const loc = at(['layers', i]);
  let computed = 0;
  // The layer's first computed node is named after the layer; later ones after their op.
  const idFor = (op: string, id?: string) => {
    let base = id ?? (computed === 0 ? layer.name : `${layer.name}.${op}`);
    for (let k = 2; ids.has(base); k++) base = `${id ?? `${layer.name}.${op}`}${k}`;
    return base;
  };
  const add = (op: string, inputs: readonly Value[], attrs: Attrs, id: string): Value | undefined => {
    const r = makeNode(op, inputs, attrs, { id, layer: layer.name, loc });
    if (isProblem(r)) {
      diagnostics.push(r.problem(r.attr ? at(['layers', i, r.attr]) : loc));
      return undefined;
    }
    nodes.push(r);
    ids.add(r.id);
    return r;
  };
  const ctx: LowerContext = {
    training,
    node(op, inputs, attrs, id) {
      const n = add(op, inputs, attrs, idFor(op, id));
      if (n) computed++;
      return n;
    },
    param(suffix, shape, init, options = {}) {
      const attrs: Record<string, Attrs[string]> = { shape: [...shape], ...initToAttrs(init) };
      if (options.trainable === false) attrs.trainable = false;
      if (options.mask) attrs.mask = options.mask.id;
      if (options.role) attrs.role = options.role;
      if (options.l2) attrs.l2 = options.l2;
      const n = add('param', [], attrs, idFor('param', `${layer.name}.${suffix}`));
      if (!n) throw new Error(`unreachable: param ${layer.name}.${suffix} has no shape rule failure`);
      return n;
    },
    state(suffix, shape, init) {
      return ctx.param(suffix, shape, init, { trainable: false, role: 'state' });
    },
    update(state, value) {
      if (!training) throw new Error(`layer '${layer.name}' updates '${state.id}' in a graph that does not train`);
      // A second update of one state is left for the verifier to name, with both nodes.
      const n = add('assign', [state, value], {}, idFor('assign', `${state.id}.update`));
      if (n && !Object.hasOwn(updates, state.id)) updates[state.id] = n.id;
      return n;
    },
    activation(x, fn) {
      return lowerActivation(x, fn, layer.alpha, layer.name, ctx);
    },
    image(x, op) {
      const r = imageDims(x.type, op, { layer: layer.name, from: [x.layer || INPUT] });
      if (Array.isArray(r)) return r;
      diagnostics.push(r.problem(r.attr ? at(['layers', i, r.attr]) : loc));
      return undefined;
    },
    locate: (attr) => (attr ? at(['layers', i, attr]) : loc),
    report: (d) => diagnostics.push(d),
  };
  return ctx;
}

/**
 * Layers in an order where each comes after what it reads (the spec's order when it already is);
 * a cycle is reported once, at the `inputs` of the layer that closes it.
 */
function topologicalOrder(
  layers: readonly SpecLayer[],
  deps: readonly string[][],
  index: ReadonlyMap<string, number>,
  broken: Set<number>,
  at: (path: PathSegment[]) => SourceLoc,
  diagnostics: Diagnostic[],
): number[] {
  const state = new Map<number, 'visiting' | 'done'>();
  const order: number[] = [];
  const stack: number[] = [];
  const visit = (i: number): void => {
    if (state.get(i) === 'done') return;
    if (state.get(i) === 'visiting') {
      const cycle = stack.slice(stack.indexOf(i));
      const closer = stack[stack.length - 1]!;
      diagnostics.push(Messages.Cycle.at(at(['layers', closer, 'inputs']), [...cycle, i].map((k) => layers[k]!.name)));
      cycle.forEach((k) => broken.add(k));
      return;
    }
    state.set(i, 'visiting');
    stack.push(i);
    for (const d of deps[i]!) {
      const j = index.get(d);
      if (j !== undefined) visit(j);
    }
    stack.pop();
    state.set(i, 'done');
    order.push(i);
  };
  // Only the first layer of each name takes part; duplicates were reported already.
  for (const i of index.values()) visit(i);
  return order;
}

function warnUnused(
  deps: readonly string[][],
  index: ReadonlyMap<string, number>,
  output: string,
  at: (path: PathSegment[]) => SourceLoc,
  diagnostics: Diagnostic[],
): void {
  const used = new Set<string>();
  const todo = [output];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (used.has(name)) continue;
    used.add(name);
    const i = index.get(name);
    if (i !== undefined) todo.push(...deps[i]!);
  }
  for (const [name, i] of index) {
    if (!used.has(name)) diagnostics.push(Messages.UnusedLayer.at(at(['layers', i, 'name']), name, output));
  }
}

/** A node made at lowering that cannot fail its shape rule. */
function must(op: string, input: Node, attrs: Attrs, id: string, loc: SourceLoc, nodes: Node[], ids?: Set<string>): Node {
  const n = makeNode(op, [input], attrs, { id, layer: '', loc });
  if (isProblem(n)) throw new Error(`unreachable: ${op} '${id}' failed its shape rule`);
  nodes.push(n);
  ids?.add(id);
  return n;
}

/**
 * `preprocess:` as nodes between the input and the first layer: zero padding, then the pixel
 * range (so the padding becomes background at the range's low end, as in the 1998 paper).
 */
function preprocess(loaded: LoadedSpec, input: Node, nodes: Node[], ids: Set<string>): Node {
  const p = loaded.spec.preprocess;
  let x = input;
  if (p?.pad) {
    x = must('pad', x, { padding: [p.pad, p.pad, p.pad, p.pad] }, 'input.pad', loaded.map.locate(['preprocess', 'pad']), nodes, ids);
  }
  if (p?.range) {
    const [lo, hi] = p.range;
    x = must('affine', x, { scale: hi - lo, shift: lo }, 'input.range', loaded.map.locate(['preprocess', 'range']), nodes, ids);
  }
  return x;
}

/**
 * What inference predicts. Usually the output layer itself; for RBF penalties trained with the
 * MAP loss, the softmax of their negation — the posterior the MAP criterion models, without
 * its rubbish class — so that predict() returns probabilities like any other network.
 */
function posterior(loaded: LoadedSpec, out: Node, nodes: Node[], options: LowerOptions): Node {
  if (options.training || loaded.spec.train?.loss !== 'rbf_map') return out;
  const neg = must('affine', out, { scale: -1, shift: 0 }, `${out.id}.neg`, out.loc, nodes);
  return must('softmax', neg, {}, `${out.id}.posterior`, out.loc, nodes);
}
