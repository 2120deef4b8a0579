/**
 * Tiny networks described once, as data, and turned two ways: into the `layers:` YAML of a
 * netc spec, and into an independent TensorFlow.js computation (tf.conv2d, tf.maxPool, tf.matMul,
 * ...) that is the ground truth of the gradient tests. Nothing here calls netc's kernels.
 */
import * as tf from '@tensorflow/tfjs';

/** TensorFlow.js on its pure-JS CPU backend, without its advice to install tfjs-node. */
export async function useTfCpu(): Promise<void> {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
  if (tf.getBackend() !== 'cpu') throw new Error(`tfjs backend is ${tf.getBackend()}, not cpu`);
}

export type ActivationName = 'linear' | 'tanh' | 'scaled_tanh' | 'relu' | 'sigmoid' | 'softmax' | 'leaky_relu' | 'elu' | 'gelu' | 'swish' | 'softplus';
type Pair = number | readonly [number, number];

interface Base {
  readonly name: string;
  /** the layers it reads ('input' is the network's input); default: the layer before */
  readonly inputs?: readonly string[];
}
export type LayerSpec = Base &
  (
    | { readonly op: 'conv2d'; readonly filters: number; readonly kernel: Pair; readonly stride?: Pair; readonly padding?: 'valid' | 'same' | number; readonly activation?: ActivationName; readonly alpha?: number; readonly l2?: number; readonly use_bias?: boolean; readonly dilation?: Pair }
    | { readonly op: 'depthwise_conv2d'; readonly kernel: Pair; readonly depth_multiplier?: number; readonly stride?: Pair; readonly padding?: 'valid' | 'same'; readonly activation?: ActivationName; readonly alpha?: number; readonly use_bias?: boolean; readonly l2?: number }
    | { readonly op: 'global_avgpool2d' | 'global_maxpool2d' }
    | { readonly op: 'avgpool2d' | 'maxpool2d'; readonly pool: Pair; readonly stride?: Pair; readonly padding?: 'valid' | 'same' }
    | { readonly op: 'dense'; readonly units: number; readonly activation?: ActivationName; readonly alpha?: number; readonly l2?: number }
    | { readonly op: 'flatten' }
    | { readonly op: 'dropout'; readonly rate: number }
    | { readonly op: 'activation'; readonly fn: ActivationName; readonly alpha?: number }
    | { readonly op: 'add' | 'concat'; readonly inputs: readonly string[] }
    | { readonly op: 'pad'; readonly padding: number }
    | { readonly op: 'batchnorm'; readonly momentum?: number; readonly epsilon?: number; readonly center?: boolean; readonly scale?: boolean }
  );

export type LossName = 'categorical_crossentropy' | 'mse';

/** The spec's `layers:` lines: `  - { name: c1, op: conv2d, filters: 2, kernel: [3, 3] }`. */
export function layersYaml(layers: readonly LayerSpec[]): string {
  const value = (v: unknown): string => (Array.isArray(v) ? `[${v.map(value).join(', ')}]` : String(v));
  return layers
    .map((l) => `  - { ${Object.entries(l).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${value(v)}`).join(', ')} }`)
    .join('\n');
}

const pair = (v: Pair | undefined, fallback: readonly [number, number]): [number, number] =>
  v === undefined ? [fallback[0], fallback[1]] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/**
 * The activation functions, written with tf ops; scaled_tanh(x) = 1.7159·tanh(2x/3) (LeCun 1998).
 * alpha defaults as in Keras (LeakyReLU 0.3, ELU 1). tf.elu has alpha 1 only, and TensorFlow.js
 * has no gelu op, so those are their formulas: alpha·(e^x − 1) below zero, and x·(1 + erf(x/√2))/2
 * (the exact gelu, as Keras's default; tf.erf is itself an approximation, within 1.5e-7).
 */
export function tfActivation(x: tf.Tensor, fn: ActivationName | undefined, alpha?: number): tf.Tensor {
  switch (fn) {
    case undefined:
    case 'linear':
      return x;
    case 'tanh':
      return tf.tanh(x);
    case 'scaled_tanh':
      return tf.mul(tf.tanh(tf.mul(x, 2 / 3)), 1.7159);
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softmax':
      return tf.softmax(x, -1);
    case 'leaky_relu':
      return tf.leakyRelu(x, alpha ?? 0.3);
    case 'elu':
      // relu(x) + alpha·(e^min(x, 0) − 1), in ops TensorFlow.js can differentiate (tf.where's condition it cannot)
      return alpha === undefined || alpha === 1 ? tf.elu(x) : tf.add(tf.relu(x), tf.mul(tf.expm1(tf.neg(tf.relu(tf.neg(x)))), alpha));
    case 'gelu':
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'softplus':
      return tf.softplus(x);
  }
}

/**
 * TensorFlow's 'same' padding of one spatial axis, [before, after]: the output is ⌈in/stride⌉
 * and an odd total puts the extra pixel after (TensorFlow's documented rule).
 */
export function samePadding(input: number, window: number, stride: number): [number, number] {
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + window - input, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Average pooling with 'same' padding that divides by the real pixels of each window (what
 * tf.avgPool(…, 'same') computes forward), built from tf.pad and a 'valid' tf.avgPool. It does
 * not use tf.avgPool(…, 'same') because the gradient of that in tfjs 4.22's CPU backend
 * (AvgPoolGrad) divides by the full window size even for windows that hang over the border —
 * inconsistent with its own forward pass; see the test 'tfjs's own avgPool same gradient is off'.
 */
export function avgPoolSame(x: tf.Tensor4D, pool: [number, number], stride: [number, number]): tf.Tensor4D {
  const [, h, w] = x.shape;
  const [pt, pb] = samePadding(h, pool[0], stride[0]);
  const [pl, pr] = samePadding(w, pool[1], stride[1]);
  const paddings: [number, number][] = [[0, 0], [pt, pb], [pl, pr], [0, 0]];
  const area = pool[0] * pool[1];
  const sums = tf.mul(tf.avgPool(tf.pad(x, paddings), pool, stride, 'valid'), area);
  const counts = tf.mul(tf.avgPool(tf.pad(tf.ones([1, h, w, 1]) as tf.Tensor4D, paddings), pool, stride, 'valid'), area);
  return tf.div(sums, counts) as tf.Tensor4D;
}

/**
 * A convolution from its definition, one tap at a time: the sum over taps (kh, kw) of the input
 * pixels that tap reads (kh·dh rows and kw·dw columns into each window) times its [C, F] weights.
 * Written for dilated kernels, whose tf.conv2d TensorFlow.js cannot differentiate.
 */
export function convByTaps(x: tf.Tensor4D, w: tf.Tensor4D, stride: [number, number], padding: 'valid' | 'same' | number, [dh, dw]: [number, number]): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const [kh, kw, , f] = w.shape;
  const span = [(kh - 1) * dh + 1, (kw - 1) * dw + 1] as const;
  const pads = (size: number, i: 0 | 1): [number, number] =>
    padding === 'same' ? samePadding(size, span[i], stride[i]) : typeof padding === 'number' ? [padding, padding] : [0, 0];
  const [pt, pb] = pads(h, 0);
  const [pl, pr] = pads(wd, 1);
  const oh = Math.floor((h + pt + pb - span[0]) / stride[0]) + 1;
  const ow = Math.floor((wd + pl + pr - span[1]) / stride[1]) + 1;
  // (stride − 1 more rows and columns at the end, so that every tap's rows fill whole strides:
  // TensorFlow.js has no gradient for tf.stridedSlice, so every stride-th row is a reshape and a slice)
  const [sh, sw] = stride;
  const xp = tf.pad(x, [[0, 0], [pt, pb + sh - 1], [pl, pr + sw - 1], [0, 0]]);
  let z = tf.zeros([n * oh * ow, f]);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const rows = tf.reshape(tf.slice(xp, [0, i * dh, j * dw, 0], [n, oh * sh, ow * sw, c]), [n, oh, sh, ow, sw, c]);
      const read = tf.reshape(tf.slice(rows, [0, 0, 0, 0, 0, 0], [n, oh, 1, ow, 1, c]), [n * oh * ow, c]);
      z = tf.add(z, tf.matMul(read, tf.reshape(tf.slice(w, [i, j, 0, 0], [1, 1, c, f]), [c, f])));
    }
  }
  return tf.reshape(z, [n, oh, ow, f]);
}

export interface TfOptions {
  /** dropout layer name → multiplier (0 where dropped, 1/(1 − rate) where kept); absent: identity */
  readonly dropoutMasks?: Readonly<Record<string, tf.Tensor>>;
  /** batch normalization with the batch's statistics (training), not the moving ones (inference) */
  readonly training?: boolean;
}

/**
 * Batch normalization over the last axis from elementary tf ops, Keras's formula: the batch's
 * mean and biased variance (tf.moments) while training, the moving statistics otherwise.
 */
function tfBatchnorm(a: tf.Tensor, l: Extract<LayerSpec, { op: 'batchnorm' }>, param: (id: string) => tf.Tensor, training: boolean): tf.Tensor {
  const { mean, variance } = training
    ? tf.moments(a, Array.from({ length: a.rank - 1 }, (_, i) => i))
    : { mean: param(`${l.name}.moving_mean`), variance: param(`${l.name}.moving_variance`) };
  let y = tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, l.epsilon ?? 0.001)));
  if (l.scale !== false) y = tf.mul(y, param(`${l.name}.gamma`));
  return l.center === false ? y : tf.add(y, param(`${l.name}.beta`));
}

/**
 * The network's output (the last layer's) for images x [n, h, w, c], with parameters by netc's
 * names (`c1.w` [kh, kw, cin, cout], `c1.b`, `d.w` [k, units], `d.b`). Returns every layer's value.
 */
export function tfForward(
  layers: readonly LayerSpec[],
  params: Readonly<Record<string, tf.Tensor>>,
  x: tf.Tensor4D,
  options: TfOptions = {},
): { output: tf.Tensor; values: Map<string, tf.Tensor> } {
  const values = new Map<string, tf.Tensor>([['input', x]]);
  let previous = 'input';
  const param = (id: string) => {
    const p = params[id];
    if (!p) throw new Error(`tfForward: no parameter '${id}'`);
    return p;
  };
  for (const l of layers) {
    const ins = (l.inputs ?? [previous]).map((id) => {
      const v = values.get(id);
      if (!v) throw new Error(`tfForward: '${l.name}' reads '${id}', which is not computed yet`);
      return v;
    });
    const a = ins[0]!;
    let y: tf.Tensor;
    switch (l.op) {
      case 'conv2d': {
        const stride = pair(l.stride, [1, 1]);
        const w = param(`${l.name}.w`) as tf.Tensor4D;
        let z: tf.Tensor;
        if (l.dilation !== undefined) {
          z = convByTaps(a as tf.Tensor4D, w, stride, l.padding ?? 'valid', pair(l.dilation, [1, 1]));
        } else if (typeof l.padding === 'number') {
          const p = l.padding;
          z = tf.conv2d(tf.pad(a as tf.Tensor4D, [[0, 0], [p, p], [p, p], [0, 0]]), w, stride, 'valid');
        } else {
          z = tf.conv2d(a as tf.Tensor4D, w, stride, l.padding ?? 'valid');
        }
        y = tfActivation(l.use_bias === false ? z : tf.add(z, param(`${l.name}.b`)), l.activation, l.alpha);
        break;
      }
      case 'depthwise_conv2d': {
        const z = tf.depthwiseConv2d(a as tf.Tensor4D, param(`${l.name}.w`) as tf.Tensor4D, pair(l.stride, [1, 1]), l.padding ?? 'valid');
        y = tfActivation(l.use_bias === false ? z : tf.add(z, param(`${l.name}.b`)), l.activation, l.alpha);
        break;
      }
      case 'global_avgpool2d':
        y = tf.mean(a, [1, 2]);
        break;
      case 'global_maxpool2d':
        y = tf.max(a, [1, 2]);
        break;
      case 'avgpool2d':
      case 'maxpool2d': {
        const pool = pair(l.pool, [2, 2]);
        const stride = pair(l.stride, pool);
        const padding = l.padding ?? 'valid';
        if (l.op === 'maxpool2d') y = tf.maxPool(a as tf.Tensor4D, pool, stride, padding);
        else y = padding === 'same' ? avgPoolSame(a as tf.Tensor4D, pool, stride) : tf.avgPool(a as tf.Tensor4D, pool, stride, 'valid');
        break;
      }
      case 'dense':
        y = tfActivation(tf.add(tf.matMul(a as tf.Tensor2D, param(`${l.name}.w`) as tf.Tensor2D), param(`${l.name}.b`)), l.activation, l.alpha);
        break;
      case 'flatten':
        y = tf.reshape(a, [a.shape[0]!, -1]);
        break;
      case 'dropout': {
        const mask = options.dropoutMasks?.[l.name];
        y = mask ? tf.mul(a, mask) : a;
        break;
      }
      case 'activation':
        y = tfActivation(a, l.fn, l.alpha);
        break;
      case 'add':
        y = tf.addN(ins);
        break;
      case 'concat':
        y = tf.concat(ins, a.rank - 1);
        break;
      case 'pad': {
        const p = l.padding;
        y = tf.pad(a, [[0, 0], [p, p], [p, p], [0, 0]]);
        break;
      }
      case 'batchnorm':
        y = tfBatchnorm(a, l, param, options.training ?? false);
        break;
    }
    values.set(l.name, y);
    previous = l.name;
  }
  return { output: values.get(previous)!, values };
}

/**
 * Keras's losses, averaged over the batch: cross-entropy −(1/n) Σ t·log(clip(p, 1e-7, 1 − 1e-7)),
 * against t·(1 − ε) + ε/classes with Keras's label smoothing ε; mse: the mean over batch and
 * classes of (p − t)².
 */
export function tfLoss(loss: LossName, p: tf.Tensor, t: tf.Tensor, labelSmoothing = 0): tf.Scalar {
  if (loss === 'mse') return tf.mean(tf.squaredDifference(p, t));
  const n = p.shape[0]!;
  const target = labelSmoothing > 0 ? tf.add(tf.mul(t, 1 - labelSmoothing), labelSmoothing / p.shape[1]!) : t;
  return tf.div(tf.neg(tf.sum(tf.mul(target, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))))), n) as tf.Scalar;
}

/** Keras's kernel_regularizer L2 of every conv2d, depthwise_conv2d and dense layer with an `l2`: Σ l2·Σw². */
export function tfPenalty(layers: readonly LayerSpec[], params: Readonly<Record<string, tf.Tensor>>): tf.Scalar {
  let total: tf.Scalar = tf.scalar(0);
  for (const l of layers) {
    if ((l.op === 'conv2d' || l.op === 'dense' || l.op === 'depthwise_conv2d') && l.l2) total = tf.add(total, tf.mul(tf.sum(tf.square(params[`${l.name}.w`]!)), l.l2));
  }
  return total;
}
