/**
 * The affine warp as tf.image.transform: its 8-number projective transform maps each output
 * pixel (x, y) to the input point ((a0·x + a1·y + a2)/k, (b0·x + b1·y + b2)/k), k = c0·x + c1·y + 1;
 * netc's warp is the affine case (c0 = c1 = 0), sampled bilinearly with 0 outside ('constant').
 */
import type { Kernels } from '../types.js';
import type { ArenaTensors } from './arena.js';

export function augmentKernels(io: ArenaTensors): Pick<Kernels, 'affineWarp'> {
  const tf = io.tf;
  return {
    // One image per call: TensorFlow.js's CPU kernel (4.x) returns after the first image of a batch.
    affineWarp: (x, y, warps, n, H, W, C) =>
      io.run(() => {
        for (let i = 0; i < n; i++) {
          const m = io.arena.slice(warps + 6 * i, warps + 6 * i + 6);
          const transform = tf.tensor2d([[m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, 0, 0]]);
          io.write(y + i * H * W * C, tf.image.transform(io.read4(x + i * H * W * C, [1, H, W, C]), transform, 'bilinear', 'constant', 0));
        }
      }),
  };
}
