/**
 * Convolution as tf ops: tf.conv2d, tf.conv2dTranspose (TensorFlow's Conv2DBackpropInput) and
 * the Conv2DBackpropFilter kernel; tf.depthwiseConv2d and its two backprop kernels. Windows go
 * through `framed`, so netc's explicit padding becomes a 'valid' convolution on every tfjs
 * backend. A dilated convolution is the ordinary one of its spread kernel (zeros between the
 * taps): TensorFlow.js has no gradient for a dilated conv2d, and strides and dilations above 1
 * together are refused by its ops.
 */
import type * as TF from '@tensorflow/tfjs';
import { convKernelsOf, type Kernels } from '../types.js';
import { activate } from './activation.js';
import { frameOf, framed, unframed, type ArenaTensors } from './arena.js';
import type { Tf } from './engine.js';

type ConvKernels =
  | 'conv2d'
  | 'conv2dGradInput'
  | 'conv2dGradFilter'
  | 'conv2dDilated'
  | 'conv2dDilatedGradInput'
  | 'conv2dDilatedGradFilter'
  | 'depthwiseConv2d'
  | 'depthwiseConv2dGradInput'
  | 'depthwiseConv2dGradFilter'
  | 'biasGrad';

/** w [KH, KW, C, F] with DH − 1 rows and DW − 1 columns of zeros between its taps. */
function spread(tf: Tf, w: TF.Tensor4D, DH: number, DW: number): TF.Tensor4D {
  if (DH === 1 && DW === 1) return w;
  const [KH, KW, C, F] = w.shape;
  const padded = tf.pad(tf.reshape(w, [KH, 1, KW, 1, C * F]), [[0, 0], [0, DH - 1], [0, 0], [0, DW - 1], [0, 0]]);
  return tf.slice(tf.reshape(padded, [KH * DH, KW * DW, C, F]) as TF.Tensor4D, [0, 0, 0, 0], [(KH - 1) * DH + 1, (KW - 1) * DW + 1, C, F]);
}

export function convKernels(io: ArenaTensors): Pick<Kernels, ConvKernels> {
  const tf = io.tf;
  const bias = (z: TF.Tensor, b: number, F: number) => (b < 0 ? z : tf.add(z, io.read(b, [F])));
  const conv: Kernels['conv2dDilated'] = (x, w, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, DH, DW, act, alpha) =>
    io.run(() => {
      const ws = spread(tf, io.read4(w, [KH, KW, C, F]), DH, DW);
      const f = frameOf(n, H, W, C, OH, OW, ws.shape[0], ws.shape[1], SH, SW, PT, PL);
      const z = tf.conv2d(framed(tf, io.read4(x, [n, H, W, C]), f), ws, [SH, SW], 'valid');
      io.write(y, activate(tf, bias(z, b, F), act, alpha));
    });
  const convGradInput: Kernels['conv2dDilatedGradInput'] = (dz, w, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, DH, DW) =>
    io.run(() => {
      const ws = spread(tf, io.read4(w, [KH, KW, C, F]), DH, DW);
      const f = frameOf(n, H, W, C, OH, OW, ws.shape[0], ws.shape[1], SH, SW, PT, PL);
      const shape: [number, number, number, number] = [n, H + PT + f.PB, W + PL + f.PR, C];
      const dxFramed = tf.conv2dTranspose(io.read4(dz, [n, OH, OW, F]), ws, shape, [SH, SW], 'valid');
      io.write(dx, unframed(tf, dxFramed, f));
    });
  const convGradFilter: Kernels['conv2dDilatedGradFilter'] = (x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, DH, DW) =>
    io.run(() => {
      const [KHs, KWs] = [(KH - 1) * DH + 1, (KW - 1) * DW + 1];
      const f = frameOf(n, H, W, C, OH, OW, KHs, KWs, SH, SW, PT, PL);
      // The filter gradient has no public op; the kernel every backend registers is called directly.
      const inputs = { x: framed(tf, io.read4(x, [n, H, W, C]), f), dy: io.read4(dz, [n, OH, OW, F]) };
      const attrs = { strides: [SH, SW], pad: 'valid', dataFormat: 'NHWC', filterShape: [KHs, KWs, C, F] };
      const spreadGrad = tf.engine().runKernel('Conv2DBackpropFilter', inputs, attrs) as TF.Tensor4D;
      // the spread kernel's zeros are not weights: only every DH-th row and DW-th column is
      io.write(dw, DH === 1 && DW === 1 ? spreadGrad : tf.stridedSlice(spreadGrad, [0, 0, 0, 0], [KHs, KWs, C, F], [DH, DW, 1, 1]));
    });
  return {
    ...convKernelsOf({ conv2dDilated: conv, conv2dDilatedGradInput: convGradInput, conv2dDilatedGradFilter: convGradFilter }),
    depthwiseConv2d: (x, w, b, y, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL, act, alpha) =>
      io.run(() => {
        const f = frameOf(n, H, W, C, OH, OW, KH, KW, SH, SW, PT, PL);
        const z = tf.depthwiseConv2d(framed(tf, io.read4(x, [n, H, W, C]), f), io.read4(w, [KH, KW, C, M]), [SH, SW], 'valid');
        io.write(y, activate(tf, bias(z, b, C * M), act, alpha));
      }),
    depthwiseConv2dGradInput: (dz, w, dx, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL) =>
      io.run(() => {
        const f = frameOf(n, H, W, C, OH, OW, KH, KW, SH, SW, PT, PL);
        const inputs = { dy: io.read4(dz, [n, OH, OW, C * M]), filter: io.read4(w, [KH, KW, C, M]) };
        const attrs = { strides: [SH, SW], dilations: [1, 1], pad: 'valid', inputShape: [n, H + PT + f.PB, W + PL + f.PR, C] };
        io.write(dx, unframed(tf, tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', inputs, attrs) as TF.Tensor4D, f));
      }),
    depthwiseConv2dGradFilter: (x, dz, dw, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL) =>
      io.run(() => {
        const f = frameOf(n, H, W, C, OH, OW, KH, KW, SH, SW, PT, PL);
        const inputs = { x: framed(tf, io.read4(x, [n, H, W, C]), f), dy: io.read4(dz, [n, OH, OW, C * M]) };
        const attrs = { strides: [SH, SW], dilations: [1, 1], pad: 'valid', filterShape: [KH, KW, C, M] };
        io.write(dw, tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', inputs, attrs) as TF.Tensor4D);
      }),
    biasGrad: (dz, db, rows, F) => io.run(() => io.write(db, tf.sum(io.read2(dz, [rows, F]), 0))),
  };
}
