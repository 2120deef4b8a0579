/** Fully connected layers as tf ops: tf.matMul, transposed for the two gradients. */
import type { Kernels } from '../types.js';
import { activate } from './activation.js';
import type { ArenaTensors } from './arena.js';

export function denseKernels(io: ArenaTensors): Pick<Kernels, 'dense' | 'denseGradInput' | 'denseGradWeight'> {
  const tf = io.tf;
  return {
    dense: (x, w, b, y, n, K, U, act, alpha) =>
      io.run(() => io.write(y, activate(tf, tf.add(tf.matMul(io.read2(x, [n, K]), io.read2(w, [K, U])), io.read(b, [U])), act, alpha))),
    denseGradInput: (dz, w, dx, n, K, U) => io.run(() => io.write(dx, tf.matMul(io.read2(dz, [n, U]), io.read2(w, [K, U]), false, true))),
    denseGradWeight: (x, dz, dw, n, K, U) => io.run(() => io.write(dw, tf.matMul(io.read2(x, [n, K]), io.read2(dz, [n, U]), true, false))),
  };
}
