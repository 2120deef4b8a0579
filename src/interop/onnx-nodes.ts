/**
 * ONNX nodes as netc layers, one transform per op type. The walk (onnx-import.ts) gives each
 * transform the node, what its inputs are (an NCHW image, a flat vector, a constant) and a place
 * to put layers; a transform either adds a layer, makes its output another name for an input
 * (Dropout, Identity, a Flatten of a flat value), folds into the layer before it (an activation
 * into a conv or dense, MatMul's Add into its bias), or says why netc has no equivalent.
 *
 * Weights move to netc's layouts: a conv's [out, in, kH, kW] to [kH, kW, in, out]; a Gemm's B to
 * [in, out]; and a dense layer reading a Flatten of an image gets its rows reordered from ONNX's
 * (c, h, w) to netc's (h, w, c).
 */
import { explicitPadding } from '../ir/ops/common.js';
import type { AttributeProto, NodeProto, TensorProto } from './onnx-proto.js';
import { floatValues, intValues } from './onnx-proto.js';

/** What a layer gives: an NCHW image or a vector per example. */
export type Shaped =
  | { readonly kind: 'image'; readonly c: number; readonly h: number; readonly w: number }
  | { readonly kind: 'flat'; readonly k: number; readonly chw?: readonly [number, number, number]; readonly pooled?: boolean };

/** A value of the ONNX graph, as netc sees it. */
export type Value =
  /** an NCHW image, the output of netc layer `layer` ('input' for the network's input) */
  | { readonly kind: 'image'; readonly layer: string; readonly c: number; readonly h: number; readonly w: number }
  /** the network's input given NHWC, which only a Transpose to NCHW may read */
  | { readonly kind: 'nhwc-input'; readonly layer: string; readonly c: number; readonly h: number; readonly w: number }
  /** an image transposed to NHWC, which only a Flatten may read (it is then in netc's order) */
  | { readonly kind: 'nhwc'; readonly layer: string; readonly c: number; readonly h: number; readonly w: number }
  /** a vector per example; `chw` when it is an image flattened in ONNX's order */
  | { readonly kind: 'flat'; readonly layer: string; readonly k: number; readonly chw?: readonly [number, number, number]; readonly pooled?: boolean }
  | { readonly kind: 'const'; readonly tensor: TensorProto };

export interface Layer {
  readonly name: string;
  readonly op: string;
  readonly attrs: Record<string, unknown>;
  /** netc layer names it reads */
  readonly inputs: readonly string[];
  readonly params: Record<string, Float32Array>;
  /** a MatMul's dense layer waiting for its bias */
  biasFromAdd?: boolean;
}

export interface Context {
  readonly node: NodeProto;
  readonly inputs: readonly (Value | undefined)[];
  /** how many nodes (and graph outputs) read a value */
  readers(value: string): number;
  layerOf(name: string): Layer | undefined;
  /** adds a layer named after the node; its output is an image or a flat value */
  add(op: string, attrs: Record<string, unknown>, inputs: readonly string[], params: Record<string, Float32Array>, out: Shaped): Layer;
  /** the node's output is this value */
  alias(v: Value): void;
}

export type Transform = (x: Context) => string | undefined;

export function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}
const int = (node: NodeProto, name: string, dflt: number) => Number(attr(node, name)?.i ?? dflt);
const ints = (node: NodeProto, name: string): number[] | undefined => attr(node, name)?.ints?.map(Number);
const float = (node: NodeProto, name: string, dflt: number) => attr(node, name)?.f ?? dflt;
/** A float32 attribute as the shortest decimal that is the same float32 (0.3, not 0.30000001192092896). */
export function shortFloat(v: number): number {
  for (let p = 1; p < 9; p++) if (Math.fround(Number(v.toPrecision(p))) === Math.fround(v)) return Number(v.toPrecision(p));
  return v;
}
const str = (node: NodeProto, name: string) => (attr(node, name)?.s ? new TextDecoder().decode(attr(node, name)!.s) : undefined);

/** An int or a pair, written as the spec writes it. */
const pairOf = (a: number, b: number) => (a === b ? a : [a, b]);

const isImage = (v: Value | undefined): v is Value & { kind: 'image' } => v?.kind === 'image';
const isFlat = (v: Value | undefined): v is Value & { kind: 'flat' } => v?.kind === 'flat';
const constant = (v: Value | undefined) => (v?.kind === 'const' ? floatValues(v.tensor) : undefined);
const dimsOf = (v: Value | undefined) => (v?.kind === 'const' ? v.tensor.dims.map(Number) : []);

/**
 * A window's geometry (kernel, stride, pads, dilation) as netc's attributes and the output size;
 * `pixels` whether netc takes symmetric pixels of padding here (conv) or only valid and same (pools).
 */
function geometry(x: Context, image: { h: number; w: number }, kernel: [number, number], pixels: boolean): { attrs: Record<string, unknown>; h: number; w: number } | string {
  const n = x.node;
  const strides = ints(n, 'strides') ?? [1, 1];
  const dilations = ints(n, 'dilations') ?? [1, 1];
  const autoPad = str(n, 'auto_pad') ?? 'NOTSET';
  if (int(n, 'ceil_mode', 0) !== 0) return "netc's windows round their count down (ceil_mode 0)";
  const span = [(kernel[0] - 1) * dilations[0]! + 1, (kernel[1] - 1) * dilations[1]! + 1] as const;
  const same = explicitPadding('same', [image.h, image.w], span, [strides[0]!, strides[1]!]);
  let p: number[];
  if (autoPad === 'SAME_UPPER') p = same;
  else if (autoPad === 'VALID') p = [0, 0, 0, 0];
  else if (autoPad === 'NOTSET') {
    const [t, l, b, r] = ints(n, 'pads') ?? [0, 0, 0, 0];
    p = [t!, b!, l!, r!];
  } else return `netc pads as ONNX's SAME_UPPER or explicitly, not ${autoPad}`;
  let padding: unknown;
  if (p.every((v) => v === 0)) padding = undefined;
  else if (pixels && p.every((v) => v === p[0])) padding = p[0];
  else if (p.every((v, i) => v === same[i])) padding = 'same';
  else return `netc pads ${pixels ? 'every side by the same number of pixels, or as' : 'as'} 'same' does, not by [${p.join(', ')}] (top, bottom, left, right)`;
  const h = Math.floor((image.h + p[0]! + p[1]! - span[0]) / strides[0]!) + 1;
  const w = Math.floor((image.w + p[2]! + p[3]! - span[1]) / strides[1]!) + 1;
  const attrs = {
    ...(strides[0] === 1 && strides[1] === 1 ? {} : { stride: pairOf(strides[0]!, strides[1]!) }),
    ...(padding === undefined ? {} : { padding }),
    ...(dilations[0] === 1 && dilations[1] === 1 ? {} : { dilation: pairOf(dilations[0]!, dilations[1]!) }),
  };
  return { attrs, h, w };
}

function conv(x: Context): string | undefined {
  const [image, wv, bv] = x.inputs;
  if (!isImage(image)) return 'netc convolves an image (NCHW) only';
  const w = constant(wv);
  const [co, cig, kh, kw] = dimsOf(wv);
  if (!w || co === undefined || kh === undefined || kw === undefined) return 'its weights must be a float initializer [out, in, kH, kW]';
  const group = int(x.node, 'group', 1);
  const depthwise = group > 1 && group === image.c && cig === 1 && co % group === 0;
  if (group !== 1 && !depthwise) return "netc's convolutions are full (group 1) or depthwise (group = input channels, in 1)";
  const g = geometry(x, image, [kh, kw], !depthwise);
  if (typeof g === 'string') return g;
  if (depthwise && g.attrs.dilation !== undefined) return "netc's depthwise_conv2d has no dilation";
  const b = bv ? constant(bv) : undefined;
  if (bv && (!b || b.length !== co)) return 'its bias must be a float initializer of one value per output channel';
  // ONNX [out, in, kh, kw] → netc [kh, kw, in, out]; depthwise: out c·M + m → [kh, kw, c, m]
  const [ci, m] = depthwise ? [group, co / group] : [cig!, co];
  const weights = new Float32Array(w.length);
  for (let o = 0; o < co; o++) {
    for (let c = 0; c < cig!; c++) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const to = depthwise ? ((i * kw + j) * ci + Math.floor(o / m)) * m + (o % m) : ((i * kw + j) * ci + c) * m + o;
          weights[to] = w[((o * cig! + c) * kh + i) * kw + j]!;
        }
      }
    }
  }
  const attrs = { ...(depthwise ? {} : { filters: co }), kernel: pairOf(kh, kw), ...g.attrs, ...(depthwise && m !== 1 ? { depth_multiplier: m } : {}), ...(b ? {} : { use_bias: false }) };
  x.add(depthwise ? 'depthwise_conv2d' : 'conv2d', attrs, [image.layer], { w: weights, ...(b ? { b } : {}) }, { kind: 'image', c: co, h: g.h, w: g.w });
  return undefined;
}

function pool(op: 'maxpool2d' | 'avgpool2d'): Transform {
  return (x) => {
    const [image] = x.inputs;
    if (!isImage(image)) return 'netc pools an image (NCHW) only';
    const k = ints(x.node, 'kernel_shape');
    if (!k || k.length !== 2) return 'netc pools 2-D windows (kernel_shape of two)';
    if (ints(x.node, 'dilations')?.some((d) => d !== 1)) return "netc's pools have no dilation";
    const g = geometry(x, image, [k[0]!, k[1]!], false);
    if (typeof g === 'string') return g;
    if (op === 'avgpool2d' && g.attrs.padding !== undefined && int(x.node, 'count_include_pad', 0) !== 0) return "netc's average over a padded window counts real pixels only (count_include_pad 0)";
    const stride = g.attrs.stride ?? 1;
    const pool = pairOf(k[0]!, k[1]!);
    const attrs = { pool, ...(JSON.stringify(stride) === JSON.stringify(pool) ? {} : { stride }), ...(g.attrs.padding ? { padding: g.attrs.padding } : {}) };
    x.add(op, attrs, [image.layer], {}, { kind: 'image', c: image.c, h: g.h, w: g.w });
    return undefined;
  };
}

function globalPool(op: string): Transform {
  return (x) => {
    const [image] = x.inputs;
    if (!isImage(image)) return 'netc pools an image (NCHW) only';
    // ONNX keeps [N, C, 1, 1]; netc's is [N, C], which a following Flatten leaves as it is
    x.add(op, {}, [image.layer], {}, { kind: 'flat', k: image.c, pooled: true });
    return undefined;
  };
}

/** Flatten, or a Reshape to [N, everything]: netc's flatten of an image, nothing for a flat value. */
function flatten(x: Context, target?: number[]): string | undefined {
  const [v] = x.inputs;
  if (x.node.op_type === 'Flatten' && int(x.node, 'axis', 1) !== 1) return 'netc flattens each example (axis 1)';
  if (isFlat(v)) {
    if (target && !fitsFlat(target, v.k)) return `netc reshapes each example to one dimension only, not to [${target.join(', ')}]`;
    x.alias(v);
    return undefined;
  }
  if (v?.kind !== 'image' && v?.kind !== 'nhwc') return 'netc flattens an image or a vector';
  const k = v.c * v.h * v.w;
  if (target && !fitsFlat(target, k)) return `netc reshapes each example to one dimension only, not to [${target.join(', ')}]`;
  // after a Transpose to NHWC the order is netc's; else ONNX's (c, h, w), which matters when both are above 1
  const chw = v.kind === 'image' && v.c > 1 && v.h * v.w > 1 ? ([v.c, v.h, v.w] as const) : undefined;
  x.add('flatten', {}, [v.layer], {}, { kind: 'flat', k, ...(chw ? { chw } : {}) });
  return undefined;
}

/** A Reshape's target that keeps the batch and makes the rest one dimension of k. */
const fitsFlat = (t: number[], k: number) => t.length === 2 && (t[1] === -1 || t[1] === k) && (t[0] === 0 || t[0] === -1 || t[1] === k);

/** Dense weights [k, u] whose rows are in ONNX's (c, h, w) order, in netc's (h, w, c). */
function hwcRows(w: Float32Array, u: number, [c, h, wd]: readonly [number, number, number]): Float32Array {
  const out = new Float32Array(w.length);
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * wd; p++) out.set(w.subarray((ch * h * wd + p) * u, (ch * h * wd + p + 1) * u), (p * c + ch) * u);
  return out;
}

function dense(x: Context, w: Float32Array, k: number, u: number, b: Float32Array | undefined): string | Layer {
  const [v] = x.inputs;
  if (!isFlat(v)) return 'netc multiplies a flat vector per example (Flatten the image first)';
  if (v.k !== k) return `its weights take ${k} values, not the ${v.k} it reads`;
  const weights = v.chw ? hwcRows(w, u, v.chw) : w;
  return x.add('dense', { units: u }, [v.layer], { w: weights, b: b ?? new Float32Array(u) }, { kind: 'flat', k: u });
}

function gemm(x: Context): string | undefined {
  const n = x.node;
  if (float(n, 'alpha', 1) !== 1 || float(n, 'beta', 1) !== 1) return 'netc computes x·W + b (alpha and beta 1)';
  if (int(n, 'transA', 0) !== 0) return 'netc multiplies the input untransposed (transA 0)';
  const w = constant(x.inputs[1]);
  const dims = dimsOf(x.inputs[1]);
  if (!w || dims.length !== 2) return 'its B must be a float initializer of two dimensions';
  const transB = int(n, 'transB', 0) !== 0;
  const [k, u] = transB ? [dims[1]!, dims[0]!] : [dims[0]!, dims[1]!];
  const kxu = transB ? transpose(w, u, k) : w;
  const b = x.inputs[2] ? constant(x.inputs[2]) : undefined;
  if (x.inputs[2] && (!b || b.length !== u)) return `its C must be a float initializer of ${u} values`;
  const r = dense(x, kxu, k, u, b);
  return typeof r === 'string' ? r : undefined;
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

function matmul(x: Context): string | undefined {
  const w = constant(x.inputs[1]);
  const dims = dimsOf(x.inputs[1]);
  if (!w || dims.length !== 2) return 'netc multiplies by a float initializer of two dimensions (a dense layer)';
  const r = dense(x, w, dims[0]!, dims[1]!, undefined);
  if (typeof r === 'string') return r;
  r.biasFromAdd = true;
  return undefined;
}

/** Add: two values as netc's add; a MatMul's output plus a constant as that dense layer's bias. */
function add(x: Context): string | undefined {
  const consts = x.inputs.filter((v) => v?.kind === 'const');
  if (consts.length === 0) return merge('add')(x);
  const other = x.inputs.find((v) => v !== undefined && v.kind !== 'const') as Exclude<Value, { kind: 'const' }> | undefined;
  const layer = other ? x.layerOf(other.layer) : undefined;
  const b = constant(consts[0]);
  const producer = x.node.input[x.inputs.indexOf(other)]!;
  if (consts.length !== 1 || !layer?.biasFromAdd || x.readers(producer) !== 1 || !b || b.length !== (layer.attrs.units as number)) {
    return "netc adds a constant only as a MatMul's bias (one value per unit)";
  }
  layer.params.b = b;
  layer.biasFromAdd = false;
  x.alias(other!);
  return undefined;
}

/** add and concat of several values: images of one size or vectors, along channels. */
function merge(op: 'add' | 'concat'): Transform {
  return (x) => {
    const vs = x.inputs;
    if (vs.length < 2) return `netc's ${op} reads two values or more`;
    if (vs.every(isImage)) {
      const [a] = vs;
      if (op === 'concat' && int(x.node, 'axis', 1) !== 1 && int(x.node, 'axis', 1) !== -3) return 'netc concatenates images along channels (axis 1)';
      const c = op === 'add' ? a.c : vs.reduce((s, v) => s + (v as { c: number }).c, 0);
      x.add(op, {}, vs.map((v) => (v as { layer: string }).layer), {}, { kind: 'image', c, h: a.h, w: a.w });
      return undefined;
    }
    if (vs.every(isFlat)) {
      if (vs.some((v) => (v as { chw?: unknown }).chw)) return `netc's ${op} of flattened images would order their values differently`;
      if (op === 'concat' && int(x.node, 'axis', 1) !== 1 && int(x.node, 'axis', 1) !== -1) return 'netc concatenates vectors along their one axis';
      const k = op === 'add' ? (vs[0] as { k: number }).k : vs.reduce((s, v) => s + (v as { k: number }).k, 0);
      x.add(op, {}, vs.map((v) => (v as { layer: string }).layer), {}, { kind: 'flat', k });
      return undefined;
    }
    return `netc's ${op} reads images or vectors, all of one kind, none of them a constant`;
  };
}

/** ONNX activations as netc's functions, with alpha where they have one. */
function activation(fn: string, alphaDefault?: number): Transform {
  return (x) => {
    const [v] = x.inputs;
    if (!isImage(v) && !isFlat(v)) return 'netc applies activations to an image or a vector';
    if (fn === 'softmax') {
      const axis = int(x.node, 'axis', -1);
      if (!isFlat(v) || (axis !== -1 && axis !== 1)) return "netc's softmax is over a vector's one axis";
    }
    const alpha = alphaDefault === undefined ? {} : { alpha: shortFloat(float(x.node, 'alpha', alphaDefault)) };
    const producer = x.layerOf(v.layer);
    const fusable = producer && ['conv2d', 'dense', 'depthwise_conv2d'].includes(producer.op) && producer.attrs.activation === undefined && !producer.biasFromAdd;
    if (fusable && x.readers(x.node.input[0]!) === 1) {
      Object.assign(producer.attrs, { activation: fn }, alpha);
      x.alias(v);
      return undefined;
    }
    x.add('activation', { fn, ...alpha }, [v.layer], {}, v.kind === 'image' ? { kind: 'image', c: v.c, h: v.h, w: v.w } : { kind: 'flat', k: v.k });
    return undefined;
  };
}

function batchNormalization(x: Context): string | undefined {
  const [v, scale, bias, mean, variance] = x.inputs;
  if (!isImage(v) && !isFlat(v)) return 'netc normalizes an image or a vector';
  if (x.node.output.length > 1 || int(x.node, 'training_mode', 0) !== 0) return 'netc exports and imports inference graphs (one output, training_mode 0)';
  const c = isImage(v) ? v.c : v.k;
  const [gamma, beta, m, s] = [scale, bias, mean, variance].map(constant);
  if (![gamma, beta, m, s].every((t) => t?.length === c)) return `its scale, bias, mean and variance must be float initializers of ${c} values`;
  const epsilon = shortFloat(float(x.node, 'epsilon', 1e-5));
  x.add('batchnorm', { epsilon }, [v.layer], { gamma: gamma!, beta: beta!, moving_mean: m!, moving_variance: s! }, isImage(v) ? { kind: 'image', c, h: v.h, w: v.w } : { kind: 'flat', k: c });
  return undefined;
}

function pad(x: Context): string | undefined {
  const [v, padsV, value] = x.inputs;
  if (!isImage(v)) return 'netc pads an image (NCHW) only';
  if ((str(x.node, 'mode') ?? 'constant') !== 'constant') return 'netc pads with zeros (mode constant)';
  if (value && constant(value)?.some((z) => z !== 0)) return 'netc pads with zeros';
  const p = padsV?.kind === 'const' ? intValues(padsV.tensor) : ints(x.node, 'pads');
  // [N, C, H, W] begins, then ends: nothing on N and C, the same on H and W
  if (!p || p.length !== 8 || [p[0], p[1], p[4], p[5]].some((z) => z !== 0) || ![p[3], p[6], p[7]].every((z) => z === p[2])) {
    return 'netc pads height and width by the same number of pixels on every side';
  }
  x.add('pad', { padding: p[2] }, [v.layer], {}, { kind: 'image', c: v.c, h: v.h + 2 * p[2]!, w: v.w + 2 * p[2]! });
  return undefined;
}

function transposeNode(x: Context): string | undefined {
  const [v] = x.inputs;
  const perm = ints(x.node, 'perm')?.join(',');
  if (isImage(v) && perm === '0,2,3,1') {
    x.alias({ ...v, kind: 'nhwc' });
    return undefined;
  }
  if (v?.kind === 'nhwc-input' && perm === '0,3,1,2') {
    x.alias({ ...v, kind: 'image' });
    return undefined;
  }
  return 'netc transposes only NHWC input to NCHW at the start, and an image to NHWC before a Flatten';
}

function reshape(x: Context): string | undefined {
  const shape = x.inputs[1]?.kind === 'const' ? intValues(x.inputs[1].tensor) : undefined;
  if (!shape) return 'its shape must be an int64 initializer or Constant';
  return flatten(x, shape);
}

const passThrough: Transform = (x) => {
  const [v] = x.inputs;
  if (v === undefined || v.kind === 'const') return 'netc passes on a computed value only';
  x.alias(v);
  return undefined;
};

export const FROM_ONNX: Readonly<Record<string, Transform>> = {
  Conv: conv,
  Gemm: gemm,
  MatMul: matmul,
  Add: add,
  Sum: merge('add'),
  Concat: merge('concat'),
  Relu: activation('relu'),
  Tanh: activation('tanh'),
  Sigmoid: activation('sigmoid'),
  Softmax: activation('softmax'),
  Softplus: activation('softplus'),
  LeakyRelu: activation('leaky_relu', 0.01),
  Elu: activation('elu', 1),
  MaxPool: pool('maxpool2d'),
  AveragePool: pool('avgpool2d'),
  GlobalAveragePool: globalPool('global_avgpool2d'),
  GlobalMaxPool: globalPool('global_maxpool2d'),
  BatchNormalization: batchNormalization,
  Flatten: (x) => flatten(x),
  Reshape: reshape,
  Pad: pad,
  Transpose: transposeNode,
  Dropout: passThrough,
  Identity: passThrough,
};
