/**
 * An ONNX model as a netc spec and parameters. The graph is walked in its (topological) order;
 * each node becomes a netc layer, or another name for a value, or folds into the layer before
 * it (onnx-nodes.ts), and each node netc has no equivalent for is a diagnostic with its name and
 * op type — all of them, not only the first.
 *
 * The input may be NCHW, or NHWC followed by a Transpose to NCHW (as netc writes it); either way
 * the spec's input is netc's [H, W, C]. The train section comes from the spec a netc export
 * keeps in the model's metadata, else `--dataset` (or MNIST when the model is shaped for it).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { FROM_ONNX, type Context, type Layer, type Shaped, type Value } from './onnx-nodes.js';
import { decodeModel, type ModelProto, type NodeProto, type ValueInfoProto } from './onnx-proto.js';
import { flow, netcNames, validName } from './spec-yaml.js';

export interface OnnxImportOptions {
  /** the spec's name (default: a netc export's, else the graph's) */
  readonly name?: string;
  /** the data set of the train section (default: a netc export's; mnist for a model of MNIST's shapes; else none) */
  readonly dataset?: string;
}

export interface OnnxImported {
  readonly yaml: string;
  readonly name: string;
  readonly trains: boolean;
  readonly nodes: number;
  readonly layers: number;
  /** parameters by netc's names */
  readonly params: Record<string, Float32Array>;
}

const INPUT = 'input';
/** The opsets whose operators netc reads as it does (their attributes and inputs as opset 13–21 have them). */
const OPSETS = [13, 21] as const;

export function importOnnx(path: string, options: OnnxImportOptions, version: string): OnnxImported | Diagnostic[] {
  const fail = (problem: string) => [Messages.OnnxModelFile.at(undefined, path, problem)];
  let model: ModelProto;
  try {
    model = decodeModel(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code ? `cannot be read (${code})` : `is not an ONNX model (${(e as Error).message})`);
  }
  const g = model.graph;
  if (!g || !g.node) return fail('is not an ONNX model (it has no graph)');
  const opset = Number(model.opset_import?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);
  if (opset < OPSETS[0] || opset > OPSETS[1]) return fail(`uses opset ${opset}; netc reads opsets ${OPSETS[0]} to ${OPSETS[1]} (convert it with onnx.version_converter)`);

  const values = new Map<string, Value>();
  for (const t of g.initializer ?? []) values.set(t.name!, { kind: 'const', tensor: t });
  const inputs = (g.input ?? []).filter((i) => !values.has(i.name));
  if (inputs.length !== 1) return fail(`has ${inputs.length} inputs besides its initializers; netc's networks have one`);
  const input = inputShape(inputs[0]!, g.node);
  if (typeof input === 'string') return fail(input);
  values.set(inputs[0]!.name, input.value);

  const readers = new Map<string, number>();
  for (const n of g.node) for (const i of n.input) readers.set(i, (readers.get(i) ?? 0) + 1);
  for (const o of g.output ?? []) readers.set(o.name, (readers.get(o.name) ?? 0) + 1);
  const names = netcNames(g.node.map((n, i) => n.name || `${n.op_type.toLowerCase()}${i + 1}`));
  const layers: Layer[] = [];
  const problems: Diagnostic[] = [];
  g.node.forEach((node, i) => {
    if (node.op_type === 'Constant') return void constantNode(node, values);
    const nodeName = node.name || `${node.op_type.toLowerCase()}${i + 1}`;
    const refuse = (why: string) => problems.push(Messages.OnnxNoNetcEquivalent.at(undefined, nodeName, node.op_type, why));
    const transform = Object.hasOwn(FROM_ONNX, node.op_type) && (!node.domain || node.domain === 'ai.onnx') ? FROM_ONNX[node.op_type] : undefined;
    if (!transform) return void refuse(`netc imports ${Object.keys(FROM_ONNX).join(', ')}`);
    const ins = node.input.filter((n) => n !== '').map((n) => values.get(n));
    // a node after a refused one reads nothing known: its own refusal would only repeat that one
    if (ins.some((v) => v === undefined)) return;
    const ctx: Context = {
      node,
      inputs: ins,
      readers: (v) => readers.get(v) ?? 0,
      layerOf: (name) => layers.find((l) => l.name === name),
      add(op, attrs, from, params, out: Shaped) {
        const layer: Layer = { name: names.get(nodeName)!, op, attrs, inputs: from, params };
        layers.push(layer);
        values.set(node.output[0]!, { ...out, layer: layer.name });
        return layer;
      },
      alias: (v) => void values.set(node.output[0]!, v),
    };
    const why = transform(ctx);
    if (why) refuse(why);
  });
  if (problems.length > 0) return problems;

  const out = values.get(g.output?.[0]?.name ?? '');
  if (!out || out.kind === 'const') return fail('has no output that a node computes');
  if (out.kind !== 'flat') return fail("its output is an image; netc's networks end in one vector per example");
  if (layers.length === 0) return fail('has no layer netc imports');

  const meta = netcSpec(model);
  const name = validName(options.name ?? (typeof meta?.name === 'string' ? meta.name : g.name || basename(path, '.onnx')));
  const mnistShaped = input.hwc.join() === '28,28,1' && out.k === 10;
  const dataset = options.dataset ?? (typeof meta?.train?.dataset === 'string' ? meta.train.dataset : mnistShaped ? 'mnist' : undefined);
  const train = dataset ? { ...(meta?.train && meta.train.dataset === dataset ? meta.train : {}), dataset } : undefined;
  const lines: string[] = [];
  let previous = INPUT;
  for (const l of layers) {
    const entries: [string, unknown][] = [['name', l.name], ['op', l.op], ...Object.entries(l.attrs)];
    if (l.inputs.length !== 1 || l.inputs[0] !== previous) entries.push(['inputs', l.inputs]);
    lines.push(`  - { ${entries.map(([k, v]) => `${k}: ${flow(v)}`).join(', ')} }`);
    previous = l.name;
  }
  const yaml = [
    `# Imported by netc ${version} from ${path}: an ONNX model (opset ${opset}, ${g.node.length} nodes${model.producer_name ? `, made by ${model.producer_name}` : ''}).`,
    'netc: 1',
    `name: ${name}`,
    ...(typeof meta?.description === 'string' ? [`description: ${flow(meta.description)}`] : []),
    `input: { shape: [${input.hwc.join(', ')}] }`,
    'layers:',
    ...lines,
    ...(out.layer !== previous ? [`output: ${out.layer}`] : []),
    ...(train ? [stringify({ train }).trimEnd()] : []),
    '',
  ].join('\n');
  const params: Record<string, Float32Array> = {};
  for (const l of layers) for (const [suffix, v] of Object.entries(l.params)) params[`${l.name}.${suffix}`] = v;
  return { yaml, name, trains: train !== undefined, nodes: g.node.length, layers: layers.length, params };
}

/** The graph's input as netc's [H, W, C], and the value it is in the graph (NHWC: its Transpose reads it). */
function inputShape(info: ValueInfoProto, nodes: readonly NodeProto[]): { hwc: number[]; value: Value } | string {
  const dims = info.type?.tensor_type?.shape?.dim?.map((d) => (d.dim_value !== undefined ? Number(d.dim_value) : undefined)) ?? [];
  const [, a, b, c] = dims;
  if (dims.length !== 4 || [a, b, c].some((d) => d === undefined || d < 1)) {
    return `its input '${info.name}' is not an image batch of known size [N, C, H, W] or [N, H, W, C]`;
  }
  const readers = nodes.filter((n) => n.input.includes(info.name));
  const nhwc = readers.length > 0 && readers.every((n) => n.op_type === 'Transpose' && n.attribute?.find((x) => x.name === 'perm')?.ints?.map(Number).join() === '0,3,1,2');
  if (nhwc) return { hwc: [a!, b!, c!], value: { kind: 'nhwc-input', layer: INPUT, c: c!, h: a!, w: b! } };
  return { hwc: [b!, c!, a!], value: { kind: 'image', layer: INPUT, c: a!, h: b!, w: c! } };
}

/** A Constant node's tensor as a value other nodes read (a Reshape's shape, a Pad's pads). */
function constantNode(node: NodeProto, values: Map<string, Value>): void {
  const t = node.attribute?.find((a) => a.name === 'value')?.t;
  if (t) values.set(node.output[0]!, { kind: 'const', tensor: t });
}

/** The spec a netc export keeps in the model's metadata. */
function netcSpec(model: ModelProto): { name?: unknown; description?: unknown; train?: Record<string, unknown> } | undefined {
  const text = model.metadata_props?.find((p) => p.key === 'netc.spec')?.value;
  if (!text) return undefined;
  try {
    const doc = parseYaml(text) as Record<string, unknown>;
    return typeof doc === 'object' && doc !== null ? doc : undefined;
  } catch {
    return undefined;
  }
}
