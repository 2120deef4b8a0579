/** Activations, softmax and their gradients as tf ops; gradients from the output y, as netc computes them. */
import type * as TF from '@tensorflow/tfjs';
import { SCALED_TANH_A, SCALED_TANH_S } from '../reference/activation.js';
import { Act, type Kernels } from '../types.js';
import type { ArenaTensors } from './arena.js';
import type { Tf } from './engine.js';

export function activate(tf: Tf, z: TF.Tensor, act: number): TF.Tensor {
  switch (act) {
    case Act.linear:
      return z;
    case Act.tanh:
      return tf.tanh(z);
    case Act.scaled_tanh:
      return tf.mul(tf.tanh(tf.mul(z, SCALED_TANH_S)), SCALED_TANH_A);
    case Act.relu:
      return tf.relu(z);
    case Act.sigmoid:
      return tf.sigmoid(z);
    default:
      throw new Error(`unknown activation code ${act}`);
  }
}

/** dx = dy · f'(x), with f'(x) written in terms of y = f(x). */
export function activationDerivative(tf: Tf, y: TF.Tensor, dy: TF.Tensor, act: number): TF.Tensor {
  switch (act) {
    case Act.linear:
      return dy;
    case Act.tanh:
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case Act.scaled_tanh:
      return tf.mul(dy, tf.mul(tf.sub(1, tf.square(tf.div(y, SCALED_TANH_A))), SCALED_TANH_A * SCALED_TANH_S));
    case Act.relu:
      return tf.mul(dy, tf.step(y));
    case Act.sigmoid:
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    default:
      throw new Error(`unknown activation code ${act}`);
  }
}

export function activationKernels(io: ArenaTensors): Pick<Kernels, 'activation' | 'activationGrad' | 'softmax' | 'softmaxGrad'> {
  const tf = io.tf;
  return {
    activation: (x, y, size, act) => io.run(() => io.write(y, activate(tf, io.read(x, [size]), act))),
    activationGrad: (y, dy, dx, size, act) => io.run(() => io.write(dx, activationDerivative(tf, io.read(y, [size]), io.read(dy, [size]), act))),
    softmax: (x, y, rows, cols) => io.run(() => io.write(y, tf.softmax(io.read2(x, [rows, cols]), -1))),
    softmaxGrad: (y, dy, dx, rows, cols) =>
      io.run(() => {
        const yt = io.read2(y, [rows, cols]);
        const g = io.read2(dy, [rows, cols]);
        io.write(dx, tf.mul(yt, tf.sub(g, tf.sum(tf.mul(g, yt), 1, true))));
      }),
  };
}
