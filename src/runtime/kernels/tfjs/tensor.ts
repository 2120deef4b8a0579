/** Elementwise arithmetic and padding as tf ops. */
import type { Kernels } from '../types.js';
import type { ArenaTensors } from './arena.js';

export function tensorKernels(io: ArenaTensors): Pick<Kernels, 'add' | 'pad' | 'padGrad' | 'affine' | 'mul'> {
  const tf = io.tf;
  return {
    add: (a, b, y, size) => io.run(() => io.write(y, tf.add(io.read(a, [size]), io.read(b, [size])))),
    pad: (x, y, n, H, W, C, PT, PB, PL, PR) =>
      io.run(() => io.write(y, tf.pad(io.read4(x, [n, H, W, C]), [[0, 0], [PT, PB], [PL, PR], [0, 0]]))),
    padGrad: (dy, dx, n, H, W, C, PT, PB, PL, PR) =>
      io.run(() => io.write(dx, tf.slice(io.read4(dy, [n, H + PT + PB, W + PL + PR, C]), [0, PT, PL, 0], [n, H, W, C]))),
    affine: (x, y, size, scale, shift) => io.run(() => io.write(y, tf.add(tf.mul(io.read(x, [size]), scale), shift))),
    mul: (a, b, y, size) => io.run(() => io.write(y, tf.mul(io.read(a, [size]), io.read(b, [size])))),
  };
}
