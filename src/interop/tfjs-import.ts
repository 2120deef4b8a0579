/**
 * A TensorFlow.js Layers model (model.json and its weight files) as a netc spec and parameters.
 * Sequential and functional models of the layers netc has are taken: Conv2D, Dense, the two 2-D
 * poolings and the two global ones, DepthwiseConv2D, Flatten, Dropout, Activation (and ReLU,
 * Softmax), Add, Concatenate, ZeroPadding2D.
 * A ZeroPadding2D that only feeds a valid Conv2D folds into the conv's `padding`, so a netc
 * export imports back as the spec it came from. Anything else is a diagnostic at its place in
 * model.json. The spec's train section comes from netc's metadata in the file when it is there
 * (a netc export), else from Keras's training_config, else netc's defaults.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { stringify } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { parseSource, SOURCE_LIMITS, SourceMap, type PathSegment } from '../spec/source.js';
import { isObject } from './tfjs-format.js';
import { outputRank, toNetcLayer, type NetcLayer, type Problem, type TfLayer } from './tfjs-layers.js';
import { layerGraph } from './tfjs-topology.js';
import { fitsMnist, netcMetadata, trainSection } from './tfjs-train.js';
import { readWeights } from './tfjs-weights.js';
import { flow, netcNames, validName } from './spec-yaml.js';

export interface ImportOptions {
  /** the spec's name (default: the model's, made a valid netc name) */
  readonly name?: string;
  /** the data set of the spec's train section (default: a netc export's; else mnist for a model of MNIST's shapes; else none) */
  readonly dataset?: string;
  /** read the weights too */
  readonly weights: boolean;
}

export interface Imported {
  /** the spec, as YAML */
  readonly yaml: string;
  /** whether it has a train section (it has none when the data set is unknown) */
  readonly trains: boolean;
  readonly name: string;
  /** the model's layers and how many netc layers they became */
  readonly modelLayers: number;
  readonly specLayers: number;
  /** parameters by netc's names (when weights were asked for and the file has a manifest) */
  readonly params?: Record<string, Float32Array>;
}

export interface ImportFailure {
  readonly diagnostics: Diagnostic[];
  /** file → text, for showing the lines */
  readonly sources: ReadonlyMap<string, string>;
}

const INPUT = 'input';

export function importTfjs(path: string, options: ImportOptions, version: string): Imported | ImportFailure {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return failure([Messages.TfjsModelFile.at(undefined, path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`)]);
  }
  const sources = new Map([[path, text]]);
  const { value, map, diagnostics } = readJson(path, text);
  if (diagnostics.length > 0) return { diagnostics, sources };
  const fail = (at: PathSegment[], problem: string): ImportFailure => ({ diagnostics: [Messages.TfjsModelFile.at(map.locate(at), path, problem)], sources });
  const doc = value as Record<string, unknown>;
  if (!isObject(doc)) return fail([], 'is not a TensorFlow.js model.json (a JSON object with modelTopology)');
  if (doc.format === 'graph-model') return fail(['format'], "is a TensorFlow.js graph model (a converted SavedModel); netc imports Layers models (format 'layers-model')");
  const graph = layerGraph(doc, map, path);
  if ('code' in graph) return { diagnostics: [graph], sources };

  const problems: Diagnostic[] = [];
  const names = netcNames(graph.layers.map((l) => l.name));
  const converted = new Map<string, NetcLayer>();
  const ranks = new Map([[graph.input, 1 + graph.inputShape.length]]);
  for (const l of graph.layers) {
    const rank = ranks.get(l.inputs[0]!) ?? 4;
    ranks.set(l.name, outputRank(l.className, rank));
    const r = toNetcLayer(l, rank);
    if ('why' in r) problems.push(problemAt(r, l, map));
    else converted.set(l.name, r);
  }
  if (problems.length > 0) return { diagnostics: problems, sources };

  const folded = foldPadding(graph.layers, converted, graph.output);
  const layers = graph.layers.filter((l) => !folded.has(l.name));
  const lines: string[] = [];
  let previous = INPUT;
  const rename = (n: string) => (n === graph.input ? INPUT : names.get(n)!);
  for (const l of layers) {
    const reads = l.inputs.map((i) => rename(folded.get(i) ?? i));
    const attrs = converted.get(l.name)!.attrs;
    const entries: [string, unknown][] = [['name', rename(l.name)], ['op', converted.get(l.name)!.op], ...Object.entries(attrs)];
    if (reads.length !== 1 || reads[0] !== previous) entries.push(['inputs', reads]);
    lines.push(`  - { ${entries.map(([k, v]) => `${k}: ${flow(v)}`).join(', ')} }`);
    previous = rename(l.name);
  }
  const meta = netcMetadata(doc);
  const name = validName(options.name ?? meta?.name ?? graph.name ?? basename(dirname(path)));
  const output = rename(graph.output);
  const dataset = options.dataset ?? (typeof meta?.train?.dataset === 'string' ? meta.train.dataset : fitsMnist(graph, converted) ? 'mnist' : undefined);
  const train = dataset ? trainSection(doc, meta, dataset, converted.get(graph.output)) : undefined;
  const yaml = [
    `# Imported by netc ${version} from ${path}: a TensorFlow.js Layers model (${graph.kind}, ${graph.layers.length} layers).`,
    'netc: 1',
    `name: ${name}`,
    ...(meta?.description ? [`description: ${flow(meta.description)}`] : []),
    `input: { shape: [${graph.inputShape.join(', ')}] }`,
    'layers:',
    ...lines,
    ...(output !== previous ? [`output: ${output}`] : []),
    ...(train ? [stringify({ train }).trimEnd()] : []),
    '',
  ].join('\n');

  if (!options.weights) return { yaml, trains: train !== undefined, name, modelLayers: graph.layers.length, specLayers: layers.length };
  const weights = readWeights(path, doc, map);
  if (!(weights instanceof Map)) return { diagnostics: [weights], sources };
  const params: Record<string, Float32Array> = {};
  const unused = new Set(weights.keys());
  for (const l of layers) {
    for (const [role, suffix] of converted.get(l.name)!.weights) {
      const key = [...weights.keys()].find((k) => weightName(k) === `${l.name}/${role}` || weightName(k).endsWith(`/${l.name}/${role}`));
      if (key === undefined) return fail(['weightsManifest'], `has no weight '${l.name}/${role}' for layer '${l.name}'`);
      params[`${rename(l.name)}.${suffix}`] = weights.get(key)!;
      unused.delete(key);
    }
  }
  if (unused.size > 0) return fail(['weightsManifest'], `holds weights no layer netc imports uses: ${[...unused].join(', ')}`);
  return { yaml, trains: train !== undefined, name, modelLayers: graph.layers.length, specLayers: layers.length, params };
}

const failure = (diagnostics: Diagnostic[]): ImportFailure => ({ diagnostics, sources: new Map() });
/** Keras writes TensorFlow variable names with an output index: 'conv2d/kernel:0'. */
const weightName = (k: string) => k.replace(/:\d+$/, '');

/** model.json with the position of every value, when it is small enough to map. */
function readJson(path: string, text: string): { value: unknown; map: SourceMap; diagnostics: Diagnostic[] } {
  const plain = (): { value: unknown; map: SourceMap; diagnostics: Diagnostic[] } => {
    try {
      return { value: JSON.parse(text), map: new SourceMap(path), diagnostics: [] };
    } catch (e) {
      return { value: undefined, map: new SourceMap(path), diagnostics: [Messages.TfjsModelFile.at(undefined, path, `is not JSON (${(e as Error).message})`)] };
    }
  };
  if (Buffer.byteLength(text) > SOURCE_LIMITS.maxBytes) return plain();
  const parsed = parseSource(path, text);
  // JSON is YAML; where the YAML reader refuses (limits), the plain JSON reader still answers.
  return parsed.diagnostics.length > 0 ? plain() : { value: parsed.value, map: parsed.map, diagnostics: [] };
}

function problemAt(p: Problem, l: TfLayer, map: SourceMap): Diagnostic {
  return Messages.TfjsNoNetcEquivalent.at(map.locate(p.key ? [...l.at, 'config', p.key] : [...l.at, 'class_name']), l.name, l.className, p.why);
}

/**
 * ZeroPadding2D layers whose only reader is a valid Conv2D: folded into the conv's `padding`.
 * Returns pad name → the layer it reads, for the conv to read instead.
 */
function foldPadding(layers: readonly TfLayer[], converted: Map<string, NetcLayer>, output: string): Map<string, string> {
  const folded = new Map<string, string>();
  for (const pad of layers) {
    const p = converted.get(pad.name)!;
    if (p.op !== 'pad' || pad.name === output) continue;
    const readers = layers.filter((l) => l.inputs.includes(pad.name));
    const conv = readers[0];
    if (readers.length !== 1 || conv!.inputs.length !== 1) continue;
    const c = converted.get(conv!.name)!;
    if (c.op !== 'conv2d' || c.attrs.padding !== undefined) continue;
    c.attrs.padding = p.attrs.padding;
    folded.set(pad.name, pad.inputs[0]!);
  }
  return folded;
}
