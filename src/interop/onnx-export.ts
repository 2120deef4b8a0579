/**
 * A trained netc network as an ONNX model (opset 17): its inference graph as lowered, before
 * fusion, one transform per IR op, with the checkpoint's parameters as initializers.
 *
 * Layout. netc's images are NHWC, ONNX's operators NCHW. The model takes what netc's predict
 * takes — `input`, float32 [N, H, W, C], pixels in [0, 1] — and a Transpose makes it NCHW; the
 * spec's preprocessing (pad, range) is in the graph, after it. Weights are permuted to ONNX's
 * layouts ([out, in, kH, kW]). A flatten of an image orders its values (c, h, w) in ONNX and
 * (h, w, c) in netc: when only dense layers read it, their weight rows are permuted to the ONNX
 * order; otherwise a Transpose back to NHWC comes before the Flatten.
 *
 * Ops without an ONNX operator of their own are written with standard ones: scaled_tanh as
 * Mul·Tanh·Mul, swish as x·Sigmoid(x), gelu as its erf form, the connection table as a conv
 * whose disconnected weights are zero, subsample as AveragePool·(coef·window) + bias, rbf as
 * Sub, Mul and ReduceSum. An op with no transform here is a diagnostic naming its layer.
 */
import { SCALED_TANH_A, SCALED_TANH_S } from '../runtime/kernels/reference/activation.js';
import { affineInputs } from '../ir/ops/batchnorm.js';
import type { Graph, Node } from '../ir/types.js';
import { chwRows, convWeights, depthwiseWeights, flattenOrder, untransformable } from './layouts.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { AttrType, DataType, type AttributeProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './onnx-proto.js';

export const OPSET = 17;
/** ONNX's IR version 8 goes with opsets up to 18. */
const IR_VERSION = 8;
export const ONNX_INPUT = 'input';

export interface OnnxExportInput {
  /** the spec's inference graph, as lowered ({ training: false }), before passes */
  readonly graph: Graph;
  /** trained parameters and states by netc's names */
  readonly params: Readonly<Record<string, Float32Array>>;
  readonly netcVersion: string;
  /** where the parameters came from, for messages */
  readonly paramsFrom: string;
  /** the spec's YAML, kept in the model's metadata so that netc import-onnx can bring back what ONNX has no place for */
  readonly specYaml?: string;
}

type Attr = number | readonly number[] | string;

/** The graph being written: nodes and initializers, and what each IR value is called in it. */
class Builder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  /** IR value → ONNX value */
  readonly names = new Map<string, string>();
  /** IR values that a flatten left in ONNX's (c, h, w) order, with the image's [C, H, W] */
  readonly chwFlat = new Map<string, readonly [number, number, number]>();
  readonly missing: string[] = [];

  constructor(
    readonly graph: Graph,
    readonly params: Readonly<Record<string, Float32Array>>,
  ) {}

  /** The ONNX name of an IR node's input i. */
  in(n: Node, i: number): string {
    return this.names.get(n.inputs[i]!) ?? n.inputs[i]!;
  }

  /** A parameter's values; a missing one is noted (the export fails with it named). */
  param(id: string): Float32Array {
    const p = this.graph.nodes.find((m) => m.id === id);
    const size = p ? p.type.shape.reduce<number>((a, d) => a * (d as number), 1) : 0;
    const v = this.params[id];
    if (!v || v.length !== size) {
      this.missing.push(id);
      return new Float32Array(size);
    }
    return v;
  }

  add(op: string, inputs: readonly string[], output: string, attrs: Record<string, Attr> = {}, name = output): string {
    this.nodes.push({ op_type: op, name, input: [...inputs], output: [output], attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return output;
  }

  weight(name: string, dims: readonly number[], values: Float32Array): string {
    const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    this.initializers.push({ name, dims: [...dims], data_type: DataType.FLOAT, raw_data: bytes });
    return name;
  }

  ints(name: string, values: readonly number[]): string {
    this.initializers.push({ name, dims: [values.length], data_type: DataType.INT64, int64_data: [...values] });
    return name;
  }

  scalar(name: string, v: number): string {
    return this.weight(name, [], Float32Array.of(v));
  }
}

/** The attributes of the operators netc writes that are floats (ONNX Runtime refuses an INT for them, even a whole one). */
const FLOAT_ATTRIBUTES = new Set(['alpha', 'epsilon']);

function attribute(name: string, v: Attr): AttributeProto {
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
  if (typeof v !== 'number') return { name, type: AttrType.INTS, ints: [...v] };
  return FLOAT_ATTRIBUTES.has(name) ? { name, type: AttrType.FLOAT, f: v } : { name, type: AttrType.INT, i: v };
}

const nums = (v: unknown) => v as readonly number[];
const rank = (n: Node) => n.type.shape.length;
/** netc's [top, bottom, left, right] as ONNX's [top, left, bottom, right]. */
const pads = (p: unknown) => {
  const [t, b, l, r] = nums(p ?? [0, 0, 0, 0]);
  return [t!, l!, b!, r!];
};

/** An activation of x written as ONNX nodes, its output named `out`. */
function activation(b: Builder, fn: string, alpha: unknown, x: string, out: string): string {
  switch (fn) {
    case 'linear':
      return b.add('Identity', [x], out);
    case 'relu':
      return b.add('Relu', [x], out);
    case 'tanh':
      return b.add('Tanh', [x], out);
    case 'sigmoid':
      return b.add('Sigmoid', [x], out);
    case 'softplus':
      return b.add('Softplus', [x], out);
    case 'leaky_relu':
      return b.add('LeakyRelu', [x], out, { alpha: alpha as number });
    case 'elu':
      return b.add('Elu', [x], out, { alpha: alpha as number });
    case 'scaled_tanh': {
      const inner = b.add('Mul', [x, b.scalar(`${out}/s`, SCALED_TANH_S)], `${out}/sx`);
      const t = b.add('Tanh', [inner], `${out}/tanh`);
      return b.add('Mul', [t, b.scalar(`${out}/a`, SCALED_TANH_A)], out);
    }
    case 'swish':
      return b.add('Mul', [x, b.add('Sigmoid', [x], `${out}/sigmoid`)], out);
    case 'gelu': {
      // x·(1 + erf(x/√2))/2, as netc computes it (opset 20's Gelu is the same function)
      const erf = b.add('Erf', [b.add('Mul', [x, b.scalar(`${out}/rsqrt2`, Math.SQRT1_2)], `${out}/scaled`)], `${out}/erf`);
      const half = b.add('Mul', [b.add('Add', [erf, b.scalar(`${out}/one`, 1)], `${out}/1+erf`), b.scalar(`${out}/half`, 0.5)], `${out}/phi`);
      return b.add('Mul', [x, half], out);
    }
    default:
      throw new Error(`no ONNX form of the activation '${fn}'`);
  }
}

/** A node's fused activation (none in the unfused graph netc exports, but a fused graph has them), after `main`. */
function thenActivation(b: Builder, n: Node, write: (out: string) => string): void {
  const fn = n.attrs.activation as string | undefined;
  if (fn === undefined || fn === 'linear') {
    write(n.id);
    return;
  }
  activation(b, fn, n.attrs.alpha, write(`${n.id}/linear`), n.id);
}

/** A per-channel vector as [1, C, 1, 1], to broadcast over an NCHW image. */
const perChannel = (b: Builder, name: string, v: Float32Array) => b.weight(name, [1, v.length, 1, 1], v);

function conv(b: Builder, n: Node, depthwise: boolean): void {
  const shape = b.graph.nodes.find((m) => m.id === n.inputs[1])!.type.shape as number[];
  const [kh, kw, ci, m] = shape as [number, number, number, number];
  const w = b.param(n.inputs[1]!);
  let weights: Float32Array;
  let dims: number[];
  if (depthwise) {
    weights = depthwiseWeights(w, shape);
    dims = [ci * m, 1, kh, kw];
  } else {
    weights = convWeights(w, shape, n.attrs.connections as readonly (readonly number[])[] | undefined);
    dims = [m, ci, kh, kw];
  }
  const inputs = [b.in(n, 0), b.weight(n.inputs[1]!, dims, weights)];
  if (n.attrs.use_bias !== false) inputs.push(b.weight(n.inputs[2]!, [dims[0]!], b.param(n.inputs[2]!)));
  const attrs = {
    kernel_shape: [kh, kw],
    strides: nums(n.attrs.stride ?? [1, 1]),
    pads: pads(n.attrs.padding),
    dilations: nums(n.attrs.dilation ?? [1, 1]),
    group: depthwise ? ci : 1,
  };
  thenActivation(b, n, (out) => b.add('Conv', inputs, out, attrs, n.id));
}

function pool(op: 'MaxPool' | 'AveragePool') {
  return (b: Builder, n: Node) => {
    // netc's average divides by the window's real pixels: ONNX's count_include_pad 0
    const extra: Record<string, Attr> = op === 'AveragePool' ? { count_include_pad: 0 } : {};
    b.add(op, [b.in(n, 0)], n.id, { kernel_shape: nums(n.attrs.pool), strides: nums(n.attrs.stride), pads: pads(n.attrs.padding), ...extra });
  };
}

function globalPool(op: 'GlobalAveragePool' | 'GlobalMaxPool') {
  return (b: Builder, n: Node) => {
    b.add('Flatten', [b.add(op, [b.in(n, 0)], `${n.id}/pooled`)], n.id, { axis: 1 });
  };
}

/** A flatten read by dense layers only stays in ONNX's order (their rows are permuted); else it is made netc's. */
function flatten(b: Builder, n: Node): void {
  const order = flattenOrder(b.graph, n);
  if (order.kind === 'flat') b.names.set(n.id, b.in(n, 0));
  else if (order.kind === 'nhwc') b.add('Flatten', [b.add('Transpose', [b.in(n, 0)], `${n.id}/nhwc`, { perm: [0, 2, 3, 1] })], n.id, { axis: 1 });
  else {
    b.add('Flatten', [b.in(n, 0)], n.id, { axis: 1 });
    if (order.image) b.chwFlat.set(n.id, order.image);
  }
}

function dense(b: Builder, n: Node): void {
  const [k, u] = b.graph.nodes.find((m) => m.id === n.inputs[1])!.type.shape as number[];
  let w = b.param(n.inputs[1]!);
  const chw = b.chwFlat.get(n.inputs[0]!);
  if (chw) {
    w = chwRows(w, u!, chw);
  }
  const inputs = [b.in(n, 0), b.weight(n.inputs[1]!, [k!, u!], w), b.weight(n.inputs[2]!, [u!], b.param(n.inputs[2]!))];
  thenActivation(b, n, (out) => b.add('Gemm', inputs, out, {}, n.id));
}

function batchnorm(b: Builder, n: Node): void {
  const { gamma, beta } = affineInputs(n.attrs, 3);
  const c = b.graph.nodes.find((m) => m.id === n.inputs[1])!.type.shape[0] as number;
  const vec = (i: number | undefined, name: string, fill: number) => (i === undefined ? b.weight(`${n.id}.${name}`, [c], new Float32Array(c).fill(fill)) : b.weight(n.inputs[i]!, [c], b.param(n.inputs[i]!)));
  const inputs = [b.in(n, 0), vec(gamma, 'gamma', 1), vec(beta, 'beta', 0), b.weight(n.inputs[1]!, [c], b.param(n.inputs[1]!)), b.weight(n.inputs[2]!, [c], b.param(n.inputs[2]!))];
  thenActivation(b, n, (out) => b.add('BatchNormalization', inputs, out, { epsilon: n.attrs.epsilon as number }, n.id));
}

/** coef[c]·(window sum) + bias[c]: the window's average times coef·area, plus the bias. */
function subsample(b: Builder, n: Node): void {
  const [ph, pw] = nums(n.attrs.pool) as [number, number];
  const coef = b.param(n.inputs[1]!).map((v) => v * ph * pw);
  const avg = b.add('AveragePool', [b.in(n, 0)], `${n.id}/average`, { kernel_shape: [ph, pw], strides: nums(n.attrs.stride) });
  const scaled = b.add('Mul', [avg, perChannel(b, n.inputs[1]!, coef)], `${n.id}/scaled`);
  thenActivation(b, n, (out) => b.add('Add', [scaled, perChannel(b, n.inputs[2]!, b.param(n.inputs[2]!))], out, {}, n.id));
}

/** y[u] = Σ_k (x[k] − w[u, k])²: x as [N, 1, K] less w [U, K] is [N, U, K], squared and summed over K. */
function rbf(b: Builder, n: Node): void {
  const [u, k] = b.graph.nodes.find((m) => m.id === n.inputs[1])!.type.shape as number[];
  const x = b.add('Unsqueeze', [b.in(n, 0), b.ints(`${n.id}/axis1`, [1])], `${n.id}/x`);
  const d = b.add('Sub', [x, b.weight(n.inputs[1]!, [u!, k!], b.param(n.inputs[1]!))], `${n.id}/difference`);
  const sq = b.add('Mul', [d, d], `${n.id}/squared`);
  b.add('ReduceSum', [sq, b.ints(`${n.id}/axis2`, [2])], n.id, { keepdims: 0 });
}

function affine(b: Builder, n: Node): void {
  const { scale, shift } = n.attrs as { scale: number; shift: number };
  let x = b.in(n, 0);
  if (scale !== 1) x = b.add('Mul', [x, b.scalar(`${n.id}/scale`, scale)], shift === 0 ? n.id : `${n.id}/scaled`);
  if (shift !== 0) x = b.add('Add', [x, b.scalar(`${n.id}/shift`, shift)], n.id);
  if (x !== n.id) b.names.set(n.id, x);
}

const unary = (fn: string) => (b: Builder, n: Node) => void activation(b, fn, n.attrs.alpha, b.in(n, 0), n.id);

/** One transform per IR op of an inference graph. */
const TO_ONNX: Readonly<Record<string, (b: Builder, n: Node) => void>> = {
  param: () => {},
  conv2d: (b, n) => conv(b, n, false),
  depthwise_conv2d: (b, n) => conv(b, n, true),
  dense,
  batchnorm,
  maxpool2d: pool('MaxPool'),
  avgpool2d: pool('AveragePool'),
  global_avgpool2d: globalPool('GlobalAveragePool'),
  global_maxpool2d: globalPool('GlobalMaxPool'),
  flatten,
  subsample,
  rbf,
  affine,
  pad: (b, n) => {
    const [t, bottom, l, r] = nums(n.attrs.padding);
    b.add('Pad', [b.in(n, 0), b.ints(`${n.id}/pads`, [0, 0, t!, l!, 0, 0, bottom!, r!])], n.id);
  },
  add: (b, n) => void b.add(n.inputs.length === 2 ? 'Add' : 'Sum', n.inputs.map((_, i) => b.in(n, i)), n.id),
  mul: (b, n) => void b.add('Mul', [b.in(n, 0), b.in(n, 1)], n.id),
  // channels: axis 1 of an NCHW image, the last of a flat value
  concat: (b, n) => void b.add('Concat', n.inputs.map((_, i) => b.in(n, i)), n.id, { axis: rank(n) === 4 ? 1 : -1 }),
  dropout: (b, n) => void b.names.set(n.id, b.in(n, 0)),
  softmax: (b, n) => void b.add('Softmax', [b.in(n, 0)], n.id, { axis: rank(n) === 4 ? 1 : -1 }),
  ...Object.fromEntries(['linear', 'relu', 'tanh', 'sigmoid', 'softplus', 'leaky_relu', 'elu', 'scaled_tanh', 'swish', 'gelu'].map((fn) => [fn, unary(fn)])),
};

/** The IR ops netc writes as ONNX; a test holds the registry's inference ops to it. */
export const ONNX_EXPORTABLE_OPS: readonly string[] = ['input', ...Object.keys(TO_ONNX)];

function valueInfo(name: string, shape: readonly (number | 'N')[]): ValueInfoProto {
  return { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: shape.map((d) => (d === 'N' ? { dim_param: 'N' } : { dim_value: d })) } } } };
}

/** The refusals: each IR node whose op has no ONNX transform, at its layer's place. */
export function onnxExportProblems(graph: Graph): Diagnostic[] {
  return untransformable(graph, TO_ONNX).map(({ node, what }) => Messages.OnnxNoEquivalent.at(node.loc, what, node.op));
}

export function exportOnnx(input: OnnxExportInput): { model: ModelProto; nodes: number } | Diagnostic[] {
  const { graph } = input;
  const problems = onnxExportProblems(graph);
  if (problems.length > 0) return problems;
  const prediction = graph.outputs.prediction;
  const inputNode = graph.nodes.find((n) => n.op === 'input');
  if (!prediction || !inputNode) return [Messages.Internal.at(undefined, 'an inference graph without its input or prediction')];
  const b = new Builder(graph, input.params);
  if (inputNode.type.shape.length === 4) b.names.set(inputNode.id, b.add('Transpose', [ONNX_INPUT], `${ONNX_INPUT}/nchw`, { perm: [0, 3, 1, 2] }));
  else b.names.set(inputNode.id, ONNX_INPUT);
  for (const n of graph.nodes) if (n.op !== 'input') TO_ONNX[n.op]!(b, n);
  if (b.missing.length > 0) {
    return [Messages.Checkpoint.at(undefined, input.paramsFrom, `does not hold parameters of the right size for ${b.missing.join(', ')}; it does not fit its own spec`)];
  }
  const outputName = b.names.get(prediction) ?? prediction;
  const out = graph.nodes.find((n) => n.id === prediction)!;
  const model: ModelProto = {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: OPSET }],
    producer_name: 'netc',
    producer_version: input.netcVersion,
    doc_string: `${graph.name}: written by netc from ${input.paramsFrom}; input NHWC float32 pixels in [0, 1]`,
    graph: {
      name: graph.name,
      node: b.nodes,
      initializer: b.initializers,
      input: [valueInfo(ONNX_INPUT, inputNode.type.shape)],
      output: [valueInfo(outputName, out.type.shape)],
    },
    metadata_props: input.specYaml ? [{ key: 'netc.spec', value: input.specYaml }] : [],
  };
  return { model, nodes: b.nodes.length };
}
