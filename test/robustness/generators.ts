/**
 * Generators of specs for the property tests, driven by the op registry: every spec layer's
 * attributes come from its JSON Schema (`LayerDef.properties`), its number of inputs from
 * `LayerDef.inputs`, so an op added to the registry is generated without a change here. An op
 * whose required attributes have a schema this file cannot generate (a file path, say) is
 * skipped and listed in the suite's summary.
 *
 * A generated spec is a recipe (random choices, which fast-check can shrink) that `buildSpec`
 * turns into a document: layers are added one at a time and kept only when netc's own lowering
 * accepts them, so shapes stay consistent whatever the ops' shape rules are.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { allLayers } from '../../src/ir/ops/index.js';
import { lower } from '../../src/ir/lower.js';
import type { JsonSchema, LayerDef } from '../../src/ir/registry.js';
import { exampleShape, nodeMap } from '../../src/ir/types.js';
import { buildSchema } from '../../src/ir/schema.js';
import { SourceMap } from '../../src/spec/source.js';
import type { LoadedSpec, Spec } from '../../src/spec/types.js';
import { writeIdxDataset } from '../helpers/modules.js';

type Json = unknown;
type Doc = Record<string, Json>;

/** An arbitrary for the values a JSON Schema accepts, kept small; undefined when unsupported. */
export function fromSchema(s: JsonSchema): fc.Arbitrary<Json> | undefined {
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as Json[]));
  const union = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  if (Array.isArray(union)) {
    const arbs = union.map(fromSchema);
    return arbs.every((a) => a !== undefined) ? fc.oneof(...(arbs as fc.Arbitrary<Json>[])) : undefined;
  }
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  switch (s.type) {
    case 'integer': {
      const lo = num('minimum') ?? (num('exclusiveMinimum') !== undefined ? num('exclusiveMinimum')! + 1 : 0);
      const hi = Math.min(num('maximum') ?? Infinity, num('exclusiveMaximum') !== undefined ? num('exclusiveMaximum')! - 1 : Infinity, lo + 4);
      return hi >= lo ? fc.integer({ min: lo, max: hi }) : undefined;
    }
    case 'number': {
      const lo = num('minimum') ?? num('exclusiveMinimum') ?? 0;
      const hi = num('maximum') ?? num('exclusiveMaximum') ?? lo + 1;
      const minExcluded = num('minimum') === undefined && num('exclusiveMinimum') !== undefined;
      const maxExcluded = num('maximum') === undefined;
      // Valid once rounded to float32 too, as netc requires (NETC2021).
      const fits = (x: number) => { const f = Math.fround(x); return (minExcluded ? f > lo : f >= lo) && (maxExcluded ? f < hi : f <= hi); };
      return fc.double({ min: lo, max: hi, minExcluded, maxExcluded, noNaN: true, noDefaultInfinity: true }).filter(fits);
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = s.items ? fromSchema(s.items as JsonSchema) : undefined;
      if (!item) return undefined;
      const min = num('minItems') ?? 0;
      return fc.array(item, { minLength: min, maxLength: Math.min(num('maxItems') ?? min + 3, min + 3) });
    }
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      const required = (s.required ?? []) as string[];
      const model: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(props)) {
        const a = fromSchema(v);
        if (a) model[k] = a;
        else if (required.includes(k)) return undefined;
      }
      return fc.record(model, { requiredKeys: required.filter((k) => k in model) });
    }
    default:
      return undefined; // strings without an enum (paths, free text), and anything unknown
  }
}

export interface LayerKind {
  readonly def: LayerDef;
  readonly attrs: fc.Arbitrary<Record<string, Json>>;
}

/** The registry's layers this file can generate, and the ops it has to skip. */
export function layerKinds(): { kinds: LayerKind[]; skipped: string[] } {
  const kinds: LayerKind[] = [];
  const skipped: string[] = [];
  for (const def of allLayers()) {
    const attrs = fromSchema({ type: 'object', properties: def.properties, required: [...def.required].filter((k) => k !== 'inputs') });
    if (attrs) kinds.push({ def, attrs: attrs as fc.Arbitrary<Record<string, Json>> });
    else skipped.push(def.op);
  }
  return { kinds, skipped };
}

/** Names that are valid but tempt a code generator: keywords, prototype keys, the module's own names. */
export const TRICKY_LAYER_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'class', 'delete', 'new', 'this', 'P', 'T', 'I', 'S', 'k', 'n', 'lr', 'step', 'info', 'Act', 'createModel', 'c1_w', 'grad', '_', '_0', 'NaN', 'Infinity', 'undefined'];
export const TRICKY_SPEC_NAMES = ['compiled-model', 'object', 'act', 'p', 't', 'model-info', 'constructor', 'proto', 'x--y', 'Array', 'a_b-c', 'lenet5'];

export const layerName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...TRICKY_LAYER_NAMES) },
);
export const specName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,19}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...TRICKY_SPEC_NAMES) },
);

export interface LayerChoice {
  readonly kind: number;
  readonly attrs: Record<string, Json>;
  readonly picks: number[];
  readonly name: string;
  /** whether a one-input layer names its input even when it is the layer before */
  readonly explicit: boolean;
}

export interface Recipe {
  readonly name: string;
  readonly description?: string;
  readonly input: [number, number, number];
  readonly classes: number;
  readonly layers: LayerChoice[];
  readonly train: Record<string, Json>;
  readonly flow: boolean;
}

const trainSchema = (buildSchema().properties as Record<string, JsonSchema>).train!;

/** The train section from the schema, without the data set (set by buildSpec). */
const trainArb = (() => {
  const props = { ...(trainSchema.properties as Record<string, JsonSchema>) };
  delete props.dataset;
  return fromSchema({ type: 'object', properties: props, required: [] }) as fc.Arbitrary<Record<string, Json>>;
})();

export function recipeArb(kinds: readonly LayerKind[], maxLayers = 7): fc.Arbitrary<Recipe> {
  const layer = fc.integer({ min: 0, max: kinds.length - 1 }).chain((kind) =>
    fc.record({
      kind: fc.constant(kind),
      attrs: kinds[kind]!.attrs,
      picks: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
      name: layerName,
      explicit: fc.boolean(),
    }),
  );
  return fc.record(
    {
      name: specName,
      description: fc.string({ unit: 'binary', maxLength: 40 }),
      input: fc.tuple(fc.integer({ min: 3, max: 10 }), fc.integer({ min: 3, max: 10 }), fc.integer({ min: 1, max: 3 })),
      classes: fc.integer({ min: 2, max: 5 }),
      layers: fc.array(layer, { minLength: 1, maxLength: maxLayers }),
      train: trainArb,
      flow: fc.boolean(),
    },
    { requiredKeys: ['name', 'input', 'classes', 'layers', 'train', 'flow'] },
  );
}

const omit = (o: Record<string, Json>, keys: readonly string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

const loaded = (spec: Doc): LoadedSpec => ({ file: 'gen.yaml', spec: spec as unknown as Spec, map: new SourceMap('gen.yaml'), sources: new Map() });

/** Lower the spec (no training); each layer's output shape, or undefined when lowering fails. */
function shapes(spec: Doc): Map<string, number[]> | undefined {
  const r = lower(loaded(spec), { training: false });
  if (!r.graph) return undefined;
  const byId = nodeMap(r.graph);
  return new Map([...r.layerOutputs].map(([name, id]) => [name, exampleShape(byId.get(id)!.type.shape)]));
}

/** Where the data sets of generated specs live, one per input shape and class count. */
export class Datasets {
  private readonly made = new Set<string>();
  constructor(private readonly root: string) {}

  /** The `dataset:` value for IDX files of this shape, written on first use. */
  for(shape: readonly [number, number, number], classes: number): Doc {
    const key = `${shape.join('x')}-${classes}`;
    const dir = join(this.root, key);
    if (!this.made.has(key)) {
      mkdirSync(dir, { recursive: true });
      writeIdxDataset(dir, shape, classes, 8);
      this.made.add(key);
    }
    const f = (n: string) => join(dir, n);
    return { idx: { train_images: f('train-images.idx'), train_labels: f('train-labels.idx'), test_images: f('test-images.idx'), test_labels: f('test-labels.idx') } };
  }
}

export interface Built {
  readonly doc: Doc;
  readonly text: string;
  /** layers the recipe asked for that lowering refused */
  readonly dropped: number;
}

/**
 * The spec of a recipe: layers kept while netc's lowering accepts them, then a head (flatten
 * and a dense softmax layer of one unit per class) so the network fits its data set.
 */
export function buildSpec(r: Recipe, kinds: readonly LayerKind[], datasets: Datasets): Built {
  const layers: Doc[] = [];
  const doc: Doc = { netc: 1, name: r.name, ...(r.description ? { description: r.description } : {}), input: { shape: [...r.input] }, layers };
  let known = new Map<string, number[]>([['input', [...r.input]]]);
  const used = new Set(['input', 'labels', 'loss']);
  let dropped = 0;
  for (const [k, c] of r.layers.entries()) {
    const def = kinds[c.kind]!.def;
    let name = c.name;
    for (let j = 2; used.has(name); j++) name = `${c.name.slice(0, 60)}_${j}`;
    const values = [...known.keys()];
    const count = def.inputs.min + (c.picks[0]! % (Math.max(Math.min(def.inputs.max, 3), def.inputs.min) - def.inputs.min + 1));
    let inputs: string[] | undefined;
    if (def.inputs.max === 1 && !c.explicit && k > 0) inputs = undefined;
    else {
      // Inputs of one shape when there are several: add and concat need that, and any op that
      // joins tensors takes equal ones.
      const byShape = new Map<string, string[]>();
      for (const v of values) byShape.set(known.get(v)!.join('x'), [...(byShape.get(known.get(v)!.join('x')) ?? []), v]);
      const groups = [...byShape.values()].filter((g) => g.length >= Math.min(count, 2));
      const group = groups.length > 0 && count > 1 ? groups[c.picks[1]! % groups.length]! : values;
      inputs = Array.from({ length: count }, (_, i) => group[(c.picks[(i + 2) % 4]! + i) % group.length]!);
      if (count > 1 && new Set(inputs).size < inputs.length && group.length >= count) inputs = group.slice(0, count);
    }
    // Some attributes constrain each other beyond what the schema says (a connection table per
    // filter): when the layer is refused, try it without each optional attribute in turn.
    const optional = Object.keys(c.attrs).filter((a) => !def.required.includes(a));
    const tries = [c.attrs, ...optional.map((a) => omit(c.attrs, [a])), omit(c.attrs, optional)];
    let accepted = false;
    for (const attrs of tries) {
      const layer: Doc = { name, op: def.op, ...(inputs ? { inputs } : {}), ...attrs };
      const next = shapes({ ...doc, layers: [...layers, layer] });
      if (!next) continue;
      layers.push(layer);
      used.add(name);
      known = next;
      accepted = true;
      break;
    }
    if (!accepted) dropped++;
  }
  // The head: flat, then one probability per class.
  const last = layers.length > 0 ? known.get(String(layers[layers.length - 1]!.name))! : [...r.input];
  const head = (base: string) => {
    let n = base;
    for (let j = 2; used.has(n); j++) n = `${base}_${j}`;
    used.add(n);
    return n;
  };
  if (last.length !== 1) layers.push({ name: head('flat'), op: 'flatten' });
  layers.push({ name: head('out'), op: 'dense', units: r.classes, activation: 'softmax' });
  const train: Doc = { ...r.train, dataset: datasets.for(r.input, r.classes) };
  if (train.loss !== 'mse') train.loss = 'categorical_crossentropy';
  // label smoothing softens one-hot targets of cross-entropy only (NETC5008 otherwise)
  else delete train.label_smoothing;
  doc.train = train;
  return { doc, text: toYaml(doc, r.flow), dropped };
}

export function toYaml(doc: unknown, flow: boolean): string {
  return stringify(doc, { flowCollectionPadding: true, ...(flow ? { collectionStyle: 'flow' as const } : {}), lineWidth: 0 });
}

/** Write a spec file under `dir`; returns its path. */
export function writeSpec(dir: string, name: string, text: string | Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
