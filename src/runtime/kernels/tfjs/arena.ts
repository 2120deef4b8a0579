/**
 * The tfjs kernels keep netc's arena, a Float32Array, and see slices of it as tensors: a kernel
 * reads its inputs (copies, so no tensor aliases arena memory that a later kernel overwrites),
 * computes with tf ops, and writes its result back. Every kernel runs inside tf.tidy, so no
 * tensor outlives the call.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from './engine.js';

export class ArenaTensors {
  constructor(
    readonly tf: Tf,
    readonly arena: Float32Array,
  ) {}

  read(offset: number, shape: number[]): TF.Tensor {
    const size = shape.reduce((a, d) => a * d, 1);
    return this.tf.tensor(this.arena.slice(offset, offset + size), shape, 'float32');
  }

  read4(offset: number, shape: [number, number, number, number]): TF.Tensor4D {
    return this.read(offset, shape) as TF.Tensor4D;
  }

  read2(offset: number, shape: [number, number]): TF.Tensor2D {
    return this.read(offset, shape) as TF.Tensor2D;
  }

  write(offset: number, t: TF.Tensor): void {
    this.arena.set(t.dataSync() as Float32Array, offset);
  }

  /** Run `body` with every tensor it makes disposed afterwards. */
  run(body: () => void): void {
    this.tf.tidy(() => {
      body();
      return undefined;
    });
  }
}

/**
 * netc's windows (convolution and pooling) with explicit padding, as TensorFlow.js 'valid'
 * windows: the input is padded (or cropped, when the last rows are never read) to exactly the
 * span the windows cover. TensorFlow.js has no per-side padding that every backend takes, and
 * its 'same' average pooling differs from netc's in the gradient; a 'valid' window on the
 * framed input is the same computation on every backend.
 */
export interface Frame {
  readonly n: number;
  readonly H: number;
  readonly W: number;
  readonly C: number;
  /** rows and columns of padding before the input */
  readonly PT: number;
  readonly PL: number;
  /** rows and columns after it: negative where the input is cropped */
  readonly PB: number;
  readonly PR: number;
}

export function frameOf(n: number, H: number, W: number, C: number, OH: number, OW: number, KH: number, KW: number, SH: number, SW: number, PT: number, PL: number): Frame {
  return { n, H, W, C, PT, PL, PB: (OH - 1) * SH + KH - PT - H, PR: (OW - 1) * SW + KW - PL - W };
}

/** x [n, H, W, C] → the framed input, padded with `value`. */
export function framed(tf: Tf, x: TF.Tensor4D, f: Frame, value = 0): TF.Tensor4D {
  let y = x;
  if (f.PB < 0 || f.PR < 0) y = tf.slice(y, [0, 0, 0, 0], [f.n, f.H + Math.min(0, f.PB), f.W + Math.min(0, f.PR), f.C]);
  const pads: [number, number][] = [[0, 0], [f.PT, Math.max(0, f.PB)], [f.PL, Math.max(0, f.PR)], [0, 0]];
  return pads.some(([a, b]) => a > 0 || b > 0) ? tf.pad(y, pads, value) : y;
}

/** The gradient of `framed`: the framed gradient cropped to the input, zero where it was cropped. */
export function unframed(tf: Tf, dy: TF.Tensor4D, f: Frame): TF.Tensor4D {
  const h = f.H + Math.min(0, f.PB);
  const w = f.W + Math.min(0, f.PR);
  let dx = tf.slice(dy, [0, f.PT, f.PL, 0], [f.n, h, w, f.C]);
  if (f.PB < 0 || f.PR < 0) dx = tf.pad(dx, [[0, 0], [0, f.H - h], [0, f.W - w], [0, 0]]);
  return dx;
}
