/**
 * Pooling as tf ops on the framed input. Average pooling divides by the real pixels of each
 * window, as netc (and Keras's forward pass) do: a 'valid' tf.avgPool of the zero-padded input,
 * times window size / real pixels where a window hangs over the border. Gradients come from
 * tf.grad of the same functions, so they agree with the forward pass by construction; max
 * pooling's routes each gradient to the first maximum of its window, as the reference does.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Kernels } from '../types.js';
import { activationDerivative } from './activation.js';
import { frameOf, framed, type ArenaTensors, type Frame } from './arena.js';
import type { Tf } from './engine.js';

type PoolKernels =
  | 'avgpool'
  | 'avgpoolGrad'
  | 'avgpoolGradActivation'
  | 'maxpool'
  | 'maxpoolGrad'
  | 'globalAvgpool'
  | 'globalAvgpoolGrad'
  | 'globalMaxpool'
  | 'globalMaxpoolGrad';

interface Window {
  readonly frame: Frame;
  readonly pool: [number, number];
  readonly stride: [number, number];
  readonly OH: number;
  readonly OW: number;
}

/** window area / real pixels, per output position: [1, OH, OW, 1]; undefined when every window is whole. */
function borderScale(tf: Tf, w: Window): TF.Tensor | undefined {
  const { frame: f, pool, stride, OH, OW } = w;
  const real = (o: number, s: number, p: number, before: number, size: number) => Math.min(size, o * s - before + p) - Math.max(0, o * s - before);
  const scale = new Float32Array(OH * OW);
  let partial = false;
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      const count = real(oh, stride[0], pool[0], f.PT, f.H) * real(ow, stride[1], pool[1], f.PL, f.W);
      scale[oh * OW + ow] = (pool[0] * pool[1]) / count;
      if (count !== pool[0] * pool[1]) partial = true;
    }
  }
  return partial ? tf.tensor4d(scale, [1, OH, OW, 1]) : undefined;
}

function average(tf: Tf, x: TF.Tensor4D, w: Window): TF.Tensor4D {
  const y = tf.avgPool(framed(tf, x, w.frame), w.pool, w.stride, 'valid');
  const scale = borderScale(tf, w);
  return scale ? tf.mul(y, scale) : y;
}

function maximum(tf: Tf, x: TF.Tensor4D, w: Window): TF.Tensor4D {
  return tf.maxPool(framed(tf, x, w.frame, -Infinity), w.pool, w.stride, 'valid');
}

export function poolKernels(io: ArenaTensors): Pick<Kernels, PoolKernels> {
  const tf = io.tf;
  const windowOf = (n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number, PT: number, PL: number): Window => ({
    frame: frameOf(n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL),
    pool: [PH, PW],
    stride: [SH, SW],
    OH,
    OW,
  });
  // Average pooling is linear: its gradient does not depend on where it is taken.
  const averageGrad = (dy: TF.Tensor4D, w: Window, shape: [number, number, number, number]) =>
    tf.grad((x: TF.Tensor) => average(tf, x as TF.Tensor4D, w))(tf.zeros(shape), dy);
  return {
    avgpool: (x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      io.run(() => io.write(y, average(tf, io.read4(x, [n, H, W, C]), windowOf(n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL)))),
    avgpoolGrad: (dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      io.run(() => io.write(dx, averageGrad(io.read4(dy, [n, OH, OW, C]), windowOf(n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL), [n, H, W, C]))),
    avgpoolGradActivation: (dy, y, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, act, alpha) =>
      io.run(() => {
        const g = averageGrad(io.read4(dy, [n, OH, OW, C]), windowOf(n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL), [n, H, W, C]);
        io.write(dx, activationDerivative(tf, io.read4(y, [n, H, W, C]), g, act, alpha));
      }),
    maxpool: (x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      io.run(() => io.write(y, maximum(tf, io.read4(x, [n, H, W, C]), windowOf(n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL)))),
    globalAvgpool: (x, y, n, HW, C) => io.run(() => io.write(y, tf.mean(io.read(x, [n, HW, C]), 1))),
    globalAvgpoolGrad: (dy, dx, n, HW, C) => io.run(() => io.write(dx, tf.tile(tf.div(io.read(dy, [n, 1, C]), HW), [1, HW, 1]))),
    globalMaxpool: (x, y, n, HW, C) => io.run(() => io.write(y, tf.max(io.read(x, [n, HW, C]), 1))),
    // each dy to the first maximum of its channel (tf.argMax's), as the reference routes it
    globalMaxpoolGrad: (x, dy, dx, n, HW, C) =>
      io.run(() => {
        const at = tf.expandDims(tf.argMax(io.read(x, [n, HW, C]), 1), 1);
        const first = tf.cast(tf.equal(tf.reshape(tf.range(0, HW, 1, 'int32'), [1, HW, 1]), at), 'float32');
        io.write(dx, tf.mul(first, io.read(dy, [n, 1, C])));
      }),
    maxpoolGrad: (x, dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      io.run(() => {
        const w = windowOf(n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL);
        const grad = tf.grad((xt: TF.Tensor) => maximum(tf, xt as TF.Tensor4D, w));
        io.write(dx, grad(io.read4(x, [n, H, W, C]), io.read4(dy, [n, OH, OW, C])));
      }),
  };
}
