/**
 * Convolution as tf ops: tf.conv2d, tf.conv2dTranspose (TensorFlow's Conv2DBackpropInput) and
 * the Conv2DBackpropFilter kernel. Windows go through `framed`, so netc's explicit padding
 * becomes a 'valid' convolution on every tfjs backend.
 */
import type { Kernels } from '../types.js';
import { activate } from './activation.js';
import { frameOf, framed, unframed, type ArenaTensors } from './arena.js';

type ConvKernels = 'conv2d' | 'conv2dGradInput' | 'conv2dGradFilter' | 'biasGrad';

export function convKernels(io: ArenaTensors): Pick<Kernels, ConvKernels> {
  const tf = io.tf;
  return {
    conv2d: (x, w, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, act) =>
      io.run(() => {
        const f = frameOf(n, H, W, C, OH, OW, KH, KW, SH, SW, PT, PL);
        const z = tf.conv2d(framed(tf, io.read4(x, [n, H, W, C]), f), io.read4(w, [KH, KW, C, F]), [SH, SW], 'valid');
        io.write(y, activate(tf, tf.add(z, io.read(b, [F])), act));
      }),
    conv2dGradInput: (dz, w, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL) =>
      io.run(() => {
        const f = frameOf(n, H, W, C, OH, OW, KH, KW, SH, SW, PT, PL);
        const shape: [number, number, number, number] = [n, H + PT + f.PB, W + PL + f.PR, C];
        const dxFramed = tf.conv2dTranspose(io.read4(dz, [n, OH, OW, F]), io.read4(w, [KH, KW, C, F]), shape, [SH, SW], 'valid');
        io.write(dx, unframed(tf, dxFramed, f));
      }),
    conv2dGradFilter: (x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL) =>
      io.run(() => {
        const f = frameOf(n, H, W, C, OH, OW, KH, KW, SH, SW, PT, PL);
        // The filter gradient has no public op; the kernel every backend registers is called directly.
        const inputs = { x: framed(tf, io.read4(x, [n, H, W, C]), f), dy: io.read4(dz, [n, OH, OW, F]) };
        const attrs = { strides: [SH, SW], pad: 'valid', dataFormat: 'NHWC', filterShape: [KH, KW, C, F] };
        io.write(dw, tf.engine().runKernel('Conv2DBackpropFilter', inputs, attrs) as ReturnType<typeof tf.conv2d>);
      }),
    biasGrad: (dz, db, rows, F) => io.run(() => io.write(db, tf.sum(io.read2(dz, [rows, F]), 0))),
  };
}
