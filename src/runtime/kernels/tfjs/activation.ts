/**
 * Activations, softmax and their gradients as tf ops; gradients from the output y, or from the
 * input x for gelu and swish, as netc computes them. TensorFlow.js has no gelu op (its Layers
 * 'gelu' is x·(1 + erf(x/√2))/2 too) and an elu of alpha 1 only, so those two are written out.
 */
import type * as TF from '@tensorflow/tfjs';
import { SCALED_TANH_A, SCALED_TANH_S } from '../reference/activation.js';
import { Act, type Kernels } from '../types.js';
import type { ArenaTensors } from './arena.js';
import type { Tf } from './engine.js';

/** Φ(x) = (1 + erf(x/√2))/2 */
const normalCdf = (tf: Tf, x: TF.Tensor) => tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5);

export function activate(tf: Tf, z: TF.Tensor, act: number, alpha = 0): TF.Tensor {
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
    case Act.leaky_relu:
      return tf.leakyRelu(z, alpha);
    case Act.elu:
      return tf.where(tf.greater(z, 0), z, tf.mul(tf.expm1(z), alpha));
    case Act.gelu:
      return tf.mul(z, normalCdf(tf, z));
    case Act.swish:
      return tf.mul(z, tf.sigmoid(z));
    case Act.softplus:
      return tf.softplus(z);
    default:
      throw new Error(`unknown activation code ${act}`);
  }
}

/** dx = dy · f'(x), with f'(x) written in terms of y = f(x), or of x (passed as y) for gelu and swish. */
export function activationDerivative(tf: Tf, y: TF.Tensor, dy: TF.Tensor, act: number, alpha = 0): TF.Tensor {
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
    case Act.leaky_relu:
      return tf.mul(dy, tf.where(tf.greater(y, 0), tf.onesLike(y), tf.fill(y.shape, alpha)));
    case Act.elu:
      return tf.mul(dy, tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, alpha)));
    case Act.gelu:
      // Φ(x) + x·φ(x)
      return tf.mul(dy, tf.add(normalCdf(tf, y), tf.mul(y, tf.mul(tf.exp(tf.mul(tf.square(y), -0.5)), 1 / Math.sqrt(2 * Math.PI)))));
    case Act.swish: {
      const s = tf.sigmoid(y);
      return tf.mul(dy, tf.mul(s, tf.add(1, tf.mul(y, tf.sub(1, s)))));
    }
    case Act.softplus:
      // sigmoid(x) = 1 − e^−y
      return tf.mul(dy, tf.neg(tf.expm1(tf.neg(y))));
    default:
      throw new Error(`unknown activation code ${act}`);
  }
}

export function activationKernels(io: ArenaTensors): Pick<Kernels, 'activation' | 'activationGrad' | 'softmax' | 'softmaxGrad'> {
  const tf = io.tf;
  return {
    activation: (x, y, size, act, alpha) => io.run(() => io.write(y, activate(tf, io.read(x, [size]), act, alpha))),
    activationGrad: (y, dy, dx, size, act, alpha) => io.run(() => io.write(dx, activationDerivative(tf, io.read(y, [size]), io.read(dy, [size]), act, alpha))),
    softmax: (x, y, rows, cols) => io.run(() => io.write(y, tf.softmax(io.read2(x, [rows, cols]), -1))),
    softmaxGrad: (y, dy, dx, rows, cols) =>
      io.run(() => {
        const yt = io.read2(y, [rows, cols]);
        const g = io.read2(dy, [rows, cols]);
        io.write(dx, tf.mul(yt, tf.sub(g, tf.sum(tf.mul(g, yt), 1, true))));
      }),
  };
}
