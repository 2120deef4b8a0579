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

export type ActivationName = 'linear' | 'tanh' | 'scaled_tanh' | 'relu' | 'sigmoid' | 'softmax';
type Pair = number | readonly [number, number];

interface Base {
  readonly name: string;
  /** the layers it reads ('input' is the network's input); default: the layer before */
  readonly inputs?: readonly string[];
}
export type LayerSpec = Base &
  (
    | { readonly op: 'conv2d'; readonly filters: number; readonly kernel: Pair; readonly stride?: Pair; readonly padding?: 'valid' | 'same' | number; readonly activation?: ActivationName }
    | { readonly op: 'avgpool2d' | 'maxpool2d'; readonly pool: Pair; readonly stride?: Pair; readonly padding?: 'valid' | 'same' }
    | { readonly op: 'dense'; readonly units: number; readonly activation?: ActivationName }
    | { readonly op: 'flatten' }
    | { readonly op: 'dropout'; readonly rate: number }
    | { readonly op: 'activation'; readonly fn: ActivationName }
    | { readonly op: 'add' | 'concat'; readonly inputs: readonly string[] }
    | { readonly op: 'pad'; readonly padding: number }
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

/** The activation functions, written with tf ops; scaled_tanh(x) = 1.7159·tanh(2x/3) (LeCun 1998). */
export function tfActivation(x: tf.Tensor, fn: ActivationName | undefined): tf.Tensor {
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

export interface TfOptions {
  /** dropout layer name → multiplier (0 where dropped, 1/(1 − rate) where kept); absent: identity */
  readonly dropoutMasks?: Readonly<Record<string, tf.Tensor>>;
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
        if (typeof l.padding === 'number') {
          const p = l.padding;
          z = tf.conv2d(tf.pad(a as tf.Tensor4D, [[0, 0], [p, p], [p, p], [0, 0]]), w, stride, 'valid');
        } else {
          z = tf.conv2d(a as tf.Tensor4D, w, stride, l.padding ?? 'valid');
        }
        y = tfActivation(tf.add(z, param(`${l.name}.b`)), l.activation);
        break;
      }
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
        y = tfActivation(tf.add(tf.matMul(a as tf.Tensor2D, param(`${l.name}.w`) as tf.Tensor2D), param(`${l.name}.b`)), l.activation);
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
        y = tfActivation(a, l.fn);
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
    }
    values.set(l.name, y);
    previous = l.name;
  }
  return { output: values.get(previous)!, values };
}

/**
 * Keras's losses, averaged over the batch: cross-entropy −(1/n) Σ t·log(clip(p, 1e-7, 1 − 1e-7));
 * mse: the mean over batch and classes of (p − t)².
 */
export function tfLoss(loss: LossName, p: tf.Tensor, t: tf.Tensor): tf.Scalar {
  if (loss === 'mse') return tf.mean(tf.squaredDifference(p, t));
  const n = p.shape[0]!;
  return tf.div(tf.neg(tf.sum(tf.mul(t, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))))), n) as tf.Scalar;
}
