/**
 * Keras layers as netc spec layers, one transform per class: the attributes netc writes and the
 * weights it reads (Keras's kernel and bias are netc's w and b, in the same layouts). A config
 * netc cannot honour — a dilated depthwise convolution, a dense layer without a bias, an
 * activation netc lacks — is a problem naming the config key, never a silently different network.
 */
import { ALPHA_DEFAULTS } from '../ir/ops/activation.js';
import { BATCHNORM_DEFAULTS } from '../ir/ops/batchnorm.js';
import { DEPTH_MULTIPLIER } from '../ir/ops/depthwise-conv2d.js';
import type { PathSegment } from '../spec/source.js';
import { batchNormalizationWeights, isObject, SHARED_ACTIVATIONS } from './tfjs-format.js';

export interface TfLayer {
  readonly name: string;
  readonly className: string;
  readonly config: Record<string, unknown>;
  /** the layers it reads, by their names in the model */
  readonly inputs: readonly string[];
  /** where it is in model.json */
  readonly at: PathSegment[];
}

export interface NetcLayer {
  readonly op: string;
  /** the spec attributes after name and op, in the order they are written (mutable: padding folds in) */
  readonly attrs: Record<string, unknown>;
  /** [Keras weight, netc parameter suffix] */
  readonly weights: readonly (readonly [string, string])[];
}

export interface Problem {
  readonly why: string;
  /** the config key it is about, if one */
  readonly key?: string;
}

const WEIGHTS = [['kernel', 'w'], ['bias', 'b']] as const;
const DEPTHWISE_WEIGHTS = [['depthwise_kernel', 'w'], ['bias', 'b']] as const;

/** An int or a pair of equal ints as an int; any other pair as a pair; undefined if neither. */
function window(v: unknown): number | [number, number] | undefined {
  const ok = (x: unknown): x is number => Number.isInteger(x) && (x as number) > 0;
  if (ok(v)) return v;
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return v[0] === v[1] ? v[0] : [v[0], v[1]];
  return undefined;
}

const isOne = (v: unknown) => v === undefined || v === null || v === 1 || (Array.isArray(v) && v.every((x) => x === 1));

/** The checks several classes share; the first that fails, or undefined. */
function common(c: Record<string, unknown>, keys: readonly ('data_format' | 'activation' | 'use_bias' | 'dilation_rate')[]): Problem | undefined {
  for (const k of keys) {
    const v = c[k];
    if (k === 'data_format' && v !== undefined && v !== null && v !== 'channels_last') return { key: k, why: `netc's images are channels_last (NHWC), not ${String(v)}` };
    if (k === 'activation' && v !== undefined && v !== null && !(SHARED_ACTIVATIONS as readonly unknown[]).includes(v)) {
      const hint = v === 'gelu_new' ? " (gelu_new is gelu's tanh approximation; netc's gelu is the exact one, Keras's 'gelu')" : '';
      return { key: k, why: `netc has no '${String(v)}' activation${hint}; it has ${SHARED_ACTIVATIONS.join(', ')} (and scaled_tanh, and leaky_relu as LeakyReLU)` };
    }
    if (k === 'use_bias' && v === false) return { key: k, why: "netc's dense layer always has a bias" };
    // (TensorFlow.js's DepthwiseConv2D ignores its dilation_rate: the model would compute another network there)
    if (k === 'dilation_rate' && !isOne(v)) return { key: k, why: "netc's depthwise_conv2d has no dilation" };
  }
  return undefined;
}

/**
 * A kernel_regularizer as the layer's `l2`: Keras's L2 {l2} or L1L2 {l1: 0, l2} (TensorFlow.js's
 * only class); L1 terms, and regularizers of the bias or the activity, netc does not have. The
 * values must be written out: a missing one means 0.01 to TensorFlow.js and to Keras's L2, but
 * 0 to Keras's L1L2.
 */
function regularization(c: Record<string, unknown>, kernel = 'kernel_regularizer'): { l2?: number } | Problem {
  for (const key of ['bias_regularizer', 'activity_regularizer']) {
    if (c[key] !== undefined && c[key] !== null) return { key, why: "netc regularizes a layer's kernel only (its l2)" };
  }
  const r = c[kernel];
  if (r === undefined || r === null) return {};
  const config = isObject(r) && isObject(r.config) ? r.config : {};
  const cls = isObject(r) ? r.class_name : undefined;
  const l1 = cls === 'L2' ? 0 : config.l1;
  const l2 = config.l2;
  if ((cls !== 'L2' && cls !== 'L1L2') || l1 !== 0 || typeof l2 !== 'number' || !(l2 >= 0)) {
    return { key: kernel, why: `netc's layers take an L2 penalty (l2) only, written out as L2 {l2} or L1L2 {l1: 0, l2}, not ${JSON.stringify(r)}` };
  }
  return l2 > 0 ? { l2 } : {};
}

const activationOf = (c: Record<string, unknown>) => (c.activation === undefined || c.activation === null || c.activation === 'linear' ? {} : { activation: c.activation });

/** A convolution's kernel_size, strides and padding ('valid' or 'same'; `pads` says what else netc takes) as netc's attributes. */
function convWindow(c: Record<string, unknown>, pads: string): { kernel: number | [number, number]; stride?: number | [number, number]; padding?: 'same' } | Problem {
  const kernel = window(c.kernel_size);
  if (kernel === undefined) return { key: 'kernel_size', why: 'netc needs a kernel size of one or two positive ints' };
  const stride = c.strides === undefined || c.strides === null ? 1 : window(c.strides);
  if (stride === undefined) return { key: 'strides', why: 'netc needs strides of one or two positive ints' };
  const padding = c.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') return { key: 'padding', why: `${pads}, not '${String(padding)}'` };
  return { kernel, ...(stride === 1 ? {} : { stride }), ...(padding === 'same' ? { padding } : {}) };
}

/** GlobalAveragePooling2D and GlobalMaxPooling2D, whose output is flat (Keras 3's keepdims keeps it an image). */
function globalPooling(op: string) {
  return (c: Record<string, unknown>): NetcLayer | Problem => {
    const p = common(c, ['data_format']);
    if (p) return p;
    if (c.keepdims === true) return { key: 'keepdims', why: `netc's ${op} gives N×C; it keeps no 1×1 image` };
    return { op, attrs: {}, weights: [] };
  };
}

function pooling(op: string) {
  return (c: Record<string, unknown>): NetcLayer | Problem => {
    const p = common(c, ['data_format']);
    if (p) return p;
    const pool = window(c.pool_size);
    if (pool === undefined) return { key: 'pool_size', why: 'netc needs a pool size of one or two positive ints' };
    const stride = c.strides === undefined || c.strides === null ? pool : window(c.strides);
    if (stride === undefined) return { key: 'strides', why: 'netc needs strides of one or two positive ints' };
    const padding = c.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same') return { key: 'padding', why: `netc pools with 'valid' or 'same' padding, not '${String(padding)}'` };
    const same = JSON.stringify(stride) === JSON.stringify(pool);
    return { op, attrs: { pool, ...(same ? {} : { stride }), ...(padding === 'same' ? { padding } : {}) }, weights: [] };
  };
}

/** An activation layer of a function with alpha (absent or null: netc's default, Keras's). */
function parametric(fn: 'leaky_relu' | 'elu', alpha: unknown, key: string): NetcLayer | Problem {
  if (alpha === undefined || alpha === null) return { op: 'activation', attrs: { fn }, weights: [] };
  if (typeof alpha !== 'number' || !(alpha >= 0)) return { key, why: `netc's ${fn} needs ${key} to be a number ≥ 0, not ${JSON.stringify(alpha)}` };
  return { op: 'activation', attrs: { fn, ...(alpha === ALPHA_DEFAULTS[fn] ? {} : { alpha }) }, weights: [] };
}

/** An axis that is the last of a tensor of `rank` dimensions (the batch included). */
const isLastAxis = (axis: unknown, rank: number) => axis === -1 || axis === rank - 1;

/** From a layer's config and the rank of its input (the batch included): its netc layer, or why there is none. */
const TO_NETC: Readonly<Record<string, (c: Record<string, unknown>, rank: number) => NetcLayer | Problem>> = {
  Conv2D(c) {
    const p = common(c, ['data_format', 'activation']);
    if (p) return p;
    if (!isOne(c.groups)) return { key: 'groups', why: "netc's conv2d has no groups" };
    const g = convWindow(c, "netc's conv2d pads 'valid', 'same' or by pixels");
    if ('why' in g) return g;
    const dilation = c.dilation_rate === undefined || c.dilation_rate === null ? 1 : window(c.dilation_rate);
    if (dilation === undefined) return { key: 'dilation_rate', why: 'netc needs a dilation of one or two positive ints' };
    if (!Number.isInteger(c.filters)) return { key: 'filters', why: 'netc needs a whole number of filters' };
    const l2 = regularization(c);
    if ('why' in l2) return l2;
    const bias = c.use_bias !== false;
    const attrs = { filters: c.filters, ...g, ...(dilation === 1 ? {} : { dilation }), ...(bias ? {} : { use_bias: false }), ...activationOf(c), ...l2 };
    return { op: 'conv2d', attrs, weights: bias ? WEIGHTS : WEIGHTS.slice(0, 1) };
  },
  Dense(c) {
    const p = common(c, ['use_bias', 'activation']);
    if (p) return p;
    if (!Number.isInteger(c.units)) return { key: 'units', why: 'netc needs a whole number of units' };
    const l2 = regularization(c);
    if ('why' in l2) return l2;
    return { op: 'dense', attrs: { units: c.units, ...activationOf(c), ...l2 }, weights: WEIGHTS };
  },
  AveragePooling2D: pooling('avgpool2d'),
  MaxPooling2D: pooling('maxpool2d'),
  DepthwiseConv2D(c) {
    const p = common(c, ['data_format', 'dilation_rate', 'activation']);
    if (p) return p;
    const g = convWindow(c, "netc's depthwise_conv2d pads 'valid' or 'same'");
    if ('why' in g) return g;
    const m = c.depth_multiplier ?? DEPTH_MULTIPLIER;
    if (!Number.isInteger(m) || (m as number) < 1) return { key: 'depth_multiplier', why: 'netc needs a whole depth multiplier of at least 1' };
    const l2 = regularization(c, 'depthwise_regularizer');
    if ('why' in l2) return l2;
    const bias = c.use_bias !== false;
    const attrs = { ...g, ...(m === DEPTH_MULTIPLIER ? {} : { depth_multiplier: m }), ...(bias ? {} : { use_bias: false }), ...activationOf(c), ...l2 };
    return { op: 'depthwise_conv2d', attrs, weights: bias ? DEPTHWISE_WEIGHTS : DEPTHWISE_WEIGHTS.slice(0, 1) };
  },
  GlobalAveragePooling2D: globalPooling('global_avgpool2d'),
  GlobalMaxPooling2D: globalPooling('global_maxpool2d'),
  Flatten: (c) => common(c, ['data_format']) ?? { op: 'flatten', attrs: {}, weights: [] },
  Dropout(c) {
    if (c.noise_shape !== undefined && c.noise_shape !== null) return { key: 'noise_shape', why: "netc's dropout drops single values; it has no noise_shape" };
    if (typeof c.rate !== 'number' || !(c.rate >= 0 && c.rate < 1)) return { key: 'rate', why: 'netc needs a rate in [0, 1)' };
    return { op: 'dropout', attrs: { rate: c.rate }, weights: [] };
  },
  Activation(c) {
    const p = common(c, ['activation']);
    return p ?? { op: 'activation', attrs: { fn: c.activation ?? 'linear' }, weights: [] };
  },
  ReLU(c) {
    if (c.max_value !== undefined && c.max_value !== null) return { key: 'max_value', why: 'netc has no capped relu' };
    if (c.threshold !== undefined && c.threshold !== 0) return { key: 'threshold', why: "netc's relu has threshold 0" };
    // a ReLU that leaks is a leaky_relu
    if (c.negative_slope !== undefined && c.negative_slope !== 0) return parametric('leaky_relu', c.negative_slope, 'negative_slope');
    return { op: 'activation', attrs: { fn: 'relu' }, weights: [] };
  },
  // TensorFlow.js and Keras 2 write alpha, Keras 3 negative_slope
  LeakyReLU: (c) => (c.negative_slope !== undefined ? parametric('leaky_relu', c.negative_slope, 'negative_slope') : parametric('leaky_relu', c.alpha, 'alpha')),
  ELU: (c) => parametric('elu', c.alpha, 'alpha'),
  Softmax(c, rank) {
    // tfjs's default axis is 1, Keras's -1: both the last axis of a flat input
    const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : (c.axis ?? -1);
    if (!isLastAxis(axis, rank)) return { key: 'axis', why: "netc's softmax is over the last axis" };
    return { op: 'activation', attrs: { fn: 'softmax' }, weights: [] };
  },
  BatchNormalization(c, rank) {
    const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : (c.axis ?? -1);
    if (!isLastAxis(axis, rank)) return { key: 'axis', why: "netc's batchnorm normalizes over the last axis (channels_last)" };
    const o = { ...BATCHNORM_DEFAULTS, ...Object.fromEntries(Object.entries(c).filter(([k, v]) => k in BATCHNORM_DEFAULTS && v !== undefined && v !== null)) };
    if (typeof o.momentum !== 'number' || !(o.momentum >= 0 && o.momentum <= 1)) return { key: 'momentum', why: 'netc needs a momentum in [0, 1]' };
    if (typeof o.epsilon !== 'number' || !(o.epsilon >= 1e-10)) return { key: 'epsilon', why: 'netc needs an epsilon of at least 1e-10' };
    for (const k of ['center', 'scale'] as const) if (typeof o[k] !== 'boolean') return { key: k, why: 'netc needs true or false' };
    const attrs = Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== BATCHNORM_DEFAULTS[k as keyof typeof BATCHNORM_DEFAULTS]));
    return { op: 'batchnorm', attrs, weights: batchNormalizationWeights(o) };
  },
  Add: () => ({ op: 'add', attrs: {}, weights: [] }),
  Concatenate(c, rank) {
    if (!isLastAxis(c.axis ?? -1, rank)) return { key: 'axis', why: 'netc concatenates along channels, the last axis' };
    return { op: 'concat', attrs: {}, weights: [] };
  },
  ZeroPadding2D(c) {
    const p = common(c, ['data_format']);
    if (p) return p;
    const v = c.padding ?? 1;
    const sides = typeof v === 'number' ? [v, v, v, v] : Array.isArray(v) ? (v as unknown[]).flatMap((x) => (Array.isArray(x) ? x : [x, x])) : [];
    if (sides.length !== 4 || !sides.every((x) => Number.isInteger(x) && (x as number) >= 0) || new Set(sides).size !== 1) {
      return { key: 'padding', why: `netc pads every side by the same number of pixels, not ${JSON.stringify(v)}` };
    }
    return { op: 'pad', attrs: { padding: sides[0] }, weights: [] };
  },
};

export function toNetcLayer(l: TfLayer, inputRank: number): NetcLayer | Problem {
  const to = Object.hasOwn(TO_NETC, l.className) ? TO_NETC[l.className] : undefined;
  if (!to) return { why: `netc has no such layer; it imports ${Object.keys(TO_NETC).join(', ')}` };
  if (l.inputs.length !== 1 && l.className !== 'Add' && l.className !== 'Concatenate') return { why: 'it reads several layers; only Add and Concatenate do in netc' };
  return to(l.config, inputRank);
}

/** The rank of a layer's output (the batch included) from its input's: Flatten makes 2, the 2-D layers 4, the rest keep it. */
export function outputRank(className: string, inputRank: number): number {
  if (className === 'Flatten') return 2;
  if (/^Global(Average|Max)Pooling2D$/.test(className)) return 2;
  if (/^(Conv2D|DepthwiseConv2D|AveragePooling2D|MaxPooling2D|ZeroPadding2D)$/.test(className)) return 4;
  return inputRank;
}
