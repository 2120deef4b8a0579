/**
 * Keras layers as netc spec layers, one transform per class: the attributes netc writes and the
 * weights it reads (Keras's kernel and bias are netc's w and b, in the same layouts). A config
 * netc cannot honour — a dilation, a layer without a bias, an activation netc lacks — is a
 * problem naming the config key, never a silently different network.
 */
import type { PathSegment } from '../spec/source.js';
import { SHARED_ACTIVATIONS } from './tfjs-format.js';

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
      return { key: k, why: `netc has no '${String(v)}' activation; it has ${SHARED_ACTIVATIONS.join(', ')} (and scaled_tanh)` };
    }
    if (k === 'use_bias' && v === false) return { key: k, why: 'a netc conv2d or dense layer always has a bias' };
    if (k === 'dilation_rate' && !isOne(v)) return { key: k, why: "netc's conv2d has no dilation" };
  }
  return undefined;
}

const activationOf = (c: Record<string, unknown>) => (c.activation === undefined || c.activation === null || c.activation === 'linear' ? {} : { activation: c.activation });

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

/** An axis that is the last of a tensor of `rank` dimensions (the batch included). */
const isLastAxis = (axis: unknown, rank: number) => axis === -1 || axis === rank - 1;

/** From a layer's config and the rank of its input (the batch included): its netc layer, or why there is none. */
const TO_NETC: Readonly<Record<string, (c: Record<string, unknown>, rank: number) => NetcLayer | Problem>> = {
  Conv2D(c) {
    const p = common(c, ['data_format', 'dilation_rate', 'use_bias', 'activation']);
    if (p) return p;
    if (!isOne(c.groups)) return { key: 'groups', why: "netc's conv2d has no groups" };
    const kernel = window(c.kernel_size);
    if (kernel === undefined) return { key: 'kernel_size', why: 'netc needs a kernel size of one or two positive ints' };
    const stride = c.strides === undefined || c.strides === null ? 1 : window(c.strides);
    if (stride === undefined) return { key: 'strides', why: 'netc needs strides of one or two positive ints' };
    const padding = c.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same') return { key: 'padding', why: `netc's conv2d pads 'valid', 'same' or by pixels, not '${String(padding)}'` };
    if (!Number.isInteger(c.filters)) return { key: 'filters', why: 'netc needs a whole number of filters' };
    const attrs = { filters: c.filters, kernel, ...(stride === 1 ? {} : { stride }), ...(padding === 'same' ? { padding } : {}), ...activationOf(c) };
    return { op: 'conv2d', attrs, weights: WEIGHTS };
  },
  Dense(c) {
    const p = common(c, ['use_bias', 'activation']);
    if (p) return p;
    if (!Number.isInteger(c.units)) return { key: 'units', why: 'netc needs a whole number of units' };
    return { op: 'dense', attrs: { units: c.units, ...activationOf(c) }, weights: WEIGHTS };
  },
  AveragePooling2D: pooling('avgpool2d'),
  MaxPooling2D: pooling('maxpool2d'),
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
    for (const k of ['negative_slope', 'threshold']) if (c[k] !== undefined && c[k] !== 0) return { key: k, why: `netc's relu has ${k} 0` };
    return { op: 'activation', attrs: { fn: 'relu' }, weights: [] };
  },
  Softmax(c, rank) {
    // tfjs's default axis is 1, Keras's -1: both the last axis of a flat input
    const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : (c.axis ?? -1);
    if (!isLastAxis(axis, rank)) return { key: 'axis', why: "netc's softmax is over the last axis" };
    return { op: 'activation', attrs: { fn: 'softmax' }, weights: [] };
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
  if (/^(Conv2D|AveragePooling2D|MaxPooling2D|ZeroPadding2D)$/.test(className)) return 4;
  return inputRank;
}
