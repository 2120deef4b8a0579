/**
 * Batch normalization as tf ops: tf.moments's mean and variance, tf.batchNorm, and the gradients
 * through the batch statistics written out with tf ops. γ or β at offset −1 is absent.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Kernels } from '../types.js';
import { activate } from './activation.js';
import type { ArenaTensors } from './arena.js';

type NormKernels = 'channelMean' | 'channelVariance' | 'batchnorm' | 'batchnormGradScale' | 'batchnormGradInput' | 'batchnormFoldWeights' | 'batchnormFoldBias';

export function normalizationKernels(io: ArenaTensors): Pick<Kernels, NormKernels> {
  const tf = io.tf;
  const vec = (at: number, C: number) => io.read(at, [C]) as TF.Tensor1D;
  const orOne = (at: number, C: number) => (at < 0 ? tf.ones([C]) : vec(at, C));
  /** 1/√(variance + ε) */
  const rstd = (variance: number, C: number, eps: number) => tf.rsqrt(tf.add(vec(variance, C), eps));
  return {
    channelMean: (x, mean, rows, C) => io.run(() => io.write(mean, tf.mean(io.read2(x, [rows, C]), 0))),
    channelVariance: (x, mean, variance, rows, C) =>
      io.run(() => io.write(variance, tf.mean(tf.square(tf.sub(io.read2(x, [rows, C]), vec(mean, C))), 0))),
    batchnorm: (x, mean, variance, gamma, beta, y, rows, C, eps, act) =>
      io.run(() => {
        const z = tf.batchNorm(io.read2(x, [rows, C]), vec(mean, C), vec(variance, C), beta < 0 ? undefined : vec(beta, C), gamma < 0 ? undefined : vec(gamma, C), eps);
        io.write(y, activate(tf, z, act));
      }),
    batchnormGradScale: (x, mean, variance, dz, dscale, rows, C, eps) =>
      io.run(() => io.write(dscale, tf.mul(tf.sum(tf.mul(io.read2(dz, [rows, C]), tf.sub(io.read2(x, [rows, C]), vec(mean, C))), 0), rstd(variance, C, eps)))),
    batchnormGradInput: (x, mean, variance, gamma, dz, dscale, dshift, dx, rows, C, eps) =>
      io.run(() => {
        const r = rstd(variance, C, eps);
        const xhat = tf.mul(tf.sub(io.read2(x, [rows, C]), vec(mean, C)), r);
        const centred = tf.sub(tf.sub(io.read2(dz, [rows, C]), tf.div(vec(dshift, C), rows)), tf.mul(xhat, tf.div(vec(dscale, C), rows)));
        io.write(dx, tf.mul(centred, tf.mul(orOne(gamma, C), r)));
      }),
    batchnormFoldWeights: (w, variance, gamma, out, rows, C, eps) =>
      io.run(() => io.write(out, tf.mul(io.read2(w, [rows, C]), tf.mul(orOne(gamma, C), rstd(variance, C, eps))))),
    batchnormFoldBias: (b, mean, variance, gamma, beta, out, C, eps) =>
      io.run(() => {
        const folded = tf.mul(tf.sub(b < 0 ? tf.zeros([C]) : vec(b, C), vec(mean, C)), tf.mul(orOne(gamma, C), rstd(variance, C, eps)));
        io.write(out, beta < 0 ? folded : tf.add(folded, vec(beta, C)));
      }),
  };
}
