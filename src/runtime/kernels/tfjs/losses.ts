/** The losses and their gradients as tf ops, averaged over the batch as Keras (and the reference) average. */
import { CLIP_EPSILON } from '../reference/losses.js';
import type { Kernels } from '../types.js';
import type { ArenaTensors } from './arena.js';

type LossKernels = 'crossEntropy' | 'crossEntropyGrad' | 'mse' | 'mseGrad' | 'softmaxCrossEntropy' | 'softmaxCrossEntropyGrad' | 'l2Penalty';

export function lossKernels(io: ArenaTensors): Pick<Kernels, LossKernels> {
  const tf = io.tf;
  const pair = (p: number, t: number, n: number, C: number) => [io.read2(p, [n, C]), io.read2(t, [n, C])] as const;
  return {
    crossEntropy: (p, t, loss, n, C) =>
      io.run(() => {
        const [pt, tt] = pair(p, t, n, C);
        io.write(loss, tf.div(tf.neg(tf.sum(tf.mul(tt, tf.log(tf.clipByValue(pt, CLIP_EPSILON, 1 - CLIP_EPSILON))))), n));
      }),
    // Zero where the probability was clipped: the clip's gradient.
    crossEntropyGrad: (p, t, dp, n, C) =>
      io.run(() => {
        const [pt, tt] = pair(p, t, n, C);
        const inside = tf.logicalAnd(tf.greater(pt, CLIP_EPSILON), tf.less(pt, 1 - CLIP_EPSILON));
        io.write(dp, tf.where(inside, tf.div(tf.neg(tt), tf.mul(pt, n)), tf.zerosLike(pt)));
      }),
    mse: (p, t, loss, n, C) => io.run(() => io.write(loss, tf.mean(tf.squaredDifference(...pair(p, t, n, C))))),
    mseGrad: (p, t, dp, n, C) => io.run(() => io.write(dp, tf.mul(tf.sub(...pair(p, t, n, C)), 2 / (n * C)))),
    softmaxCrossEntropy: (z, t, loss, n, C) =>
      io.run(() => {
        const [zt, tt] = pair(z, t, n, C);
        io.write(loss, tf.div(tf.sum(tf.mul(tt, tf.sub(tf.logSumExp(zt, 1, true), zt))), n));
      }),
    softmaxCrossEntropyGrad: (z, t, dz, n, C) =>
      io.run(() => {
        const [zt, tt] = pair(z, t, n, C);
        const p = tf.exp(tf.sub(zt, tf.logSumExp(zt, 1, true)));
        io.write(dz, tf.div(tf.sub(tf.mul(p, tf.sum(tt, 1, true)), tt), n));
      }),
    l2Penalty: (w, loss, size, l2) => io.run(() => io.write(loss, tf.mul(tf.sum(tf.square(io.read(w, [size]))), l2))),
  };
}
