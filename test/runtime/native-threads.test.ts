/**
 * The native kernels give the same bits on any number of threads: each output is summed by one
 * thread in one order, whichever thread that is and whichever path (windows read in place or
 * gathered, a stride phase, a lane) the shape sends it down. Shapes with padding, strides,
 * dilation, one input channel and wide channels, on 1, 2 and 3 threads, every output compared
 * bit for bit; and twice on the same thread count.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../src/runtime/backend.js';
import type { Allocation, Kernels } from '../../src/runtime/kernels/types.js';
import { createNativeKernels } from '../../src/runtime/kernels/native/backend.js';
import { Random } from '../../src/runtime/random.js';

const FLOATS = 1 << 20;
const allocations: Allocation[] = [];
afterAll(() => allocations.forEach((a) => a.close()));

const conv = (n: number, H: number, W: number, C: number, F: number, K: number, S: number, P: number, D = 1) => ({
  n, H, W, C, F, K, S, P, D,
  OH: Math.floor((H + 2 * P - (K - 1) * D - 1) / S) + 1,
  OW: Math.floor((W + 2 * P - (K - 1) * D - 1) / S) + 1,
});
const SHAPES = [
  conv(8, 14, 13, 16, 24, 3, 1, 1), // 'same': border windows gathered, the rest read in place
  conv(6, 15, 15, 7, 10, 5, 2, 2), // stride 2, few channels: the input gradient by rows an output row skips
  conv(2, 9, 9, 70, 12, 3, 2, 1), // 70 channels, stride 2: four gathered phases of the input gradient
  conv(9, 20, 20, 1, 6, 5, 1, 2), // one input channel: pixels in the lanes
  conv(1, 13, 12, 3, 20, 3, 1, 1), // batch 1, few channels: the input gradient's rows split over threads
  conv(4, 12, 12, 5, 9, 3, 1, 2, 2), // dilated
  conv(3, 9, 9, 40, 33, 1, 1, 0), // 1×1
  conv(20, 12, 12, 1, 10, 3, 1, 1), // one input channel, 20 images: the filter gradient's 10 chunks of 2
  conv(30, 5, 5, 6, 40, 5, 1, 0), // one-pixel outputs: gathered forward, input gradient's rows grouped over images
  conv(17, 11, 10, 6, 16, 5, 1, 1), // 17 images: the input gradient by scattered windows, an image a part
];

function run(threads: number, call: (k: Kernels) => void): Uint32Array {
  const a = createNativeKernels(FLOATS, threads);
  allocations.push(a);
  const rng = new Random(7);
  for (let i = 0; i < FLOATS; i++) a.arena[i] = rng.next() * 2 - 1;
  a.arena.fill(0, FLOATS - 16);
  call(a.kernels);
  return new Uint32Array(a.arena.buffer, a.arena.byteOffset, FLOATS).slice();
}

describe.each(SHAPES)('native conv $n×$H×$W×$C, $F filters $K×$K, stride $S, padding $P, dilation $D', (c) => {
  const x = 0;
  const w = x + c.n * c.H * c.W * c.C + 3;
  const b = w + c.K * c.K * c.C * c.F + 5;
  const y = b + c.F + 7;
  const dx = y + c.n * c.OH * c.OW * c.F + 1;
  const dw = dx + c.n * c.H * c.W * c.C + 9;
  // a dense layer with rows of 37 on buffers of its own
  const dw2 = dw + c.K * c.K * c.C * c.F + 13;
  const y2 = dw2 + 37 * c.F + 2;
  const g = [c.n, c.H, c.W, c.C, c.OH, c.OW, c.F, c.K, c.K, c.S, c.S, c.P, c.P, c.D, c.D] as const;
  const step = (k: Kernels) => {
    k.conv2dDilated(x, w, b, y, ...g, 1);
    k.conv2dDilatedGradInput(y, w, dx, ...g);
    k.conv2dDilatedGradFilter(x, y, dw, ...g);
    k.dense(x, dw2, b, y2, c.n, 37, c.F, 3);
    k.denseGradWeight(x, y2, dw2, c.n, 37, c.F);
  };
  it.runIf(nativeAvailable())('the same bits on 1, 2 and 3 threads, and run to run', () => {
    expect(y2 + c.n * c.F).toBeLessThan(FLOATS - 16);
    const one = run(1, step);
    for (const threads of [2, 3, 3]) {
      const other = run(threads, step);
      // the first float that differs, or −1 (toEqual on a million elements is slow)
      const differs = one.findIndex((bits, i) => bits !== other[i]);
      expect(differs, `${threads} threads`).toBe(-1);
    }
  });
});

/**
 * The reductions and windows of the memory-bound kernels: biasGrad and the 1998 subsampling's
 * coefficient gradient sum over chunks whose boundaries depend only on the shape, and the pools
 * split rows or images; sizes large enough that every call splits over threads.
 */
describe('native reductions and pooling', () => {
  const pool = (n: number, H: number, W: number, C: number, P: number, S: number, pad: number) => {
    const OH = Math.floor((H + 2 * pad - P) / S) + 1;
    const OW = Math.floor((W + 2 * pad - P) / S) + 1;
    return { size: n * OH * OW * C, in: n * H * W * C, g: [n, H, W, C, OH, OW, P, P, S, S, pad, pad] as const };
  };
  const POOLS = [pool(16, 24, 24, 6, 2, 2, 0), pool(8, 15, 13, 3, 3, 2, 1), pool(6, 14, 14, 20, 2, 2, 1), pool(4, 9, 9, 7, 2, 1, 0)];
  const step = (k: Kernels) => {
    let at = 0;
    const next = (floats: number) => (at += floats + 3) - floats - 3;
    // biasGrad over 20000 rows of 7 (nine chunks) and 3000 rows of 24
    k.biasGrad(next(20000 * 7), next(7), 20000, 7);
    k.biasGrad(next(3000 * 24), next(24), 3000, 24);
    for (const p of POOLS) {
      const x = next(p.in), y = next(p.size), dx = next(p.in), dxm = next(p.in);
      k.avgpool(x, y, ...p.g);
      k.maxpool(x, next(p.size), ...p.g);
      k.avgpoolGradActivation(y, x, dx, ...p.g, 1);
      k.maxpoolGrad(x, y, dxm, ...p.g);
    }
    // the 1998 subsampling on 40 images of 28×28×6: three chunks of the coefficients' sum
    const g = [40, 28, 28, 6, 14, 14, 2, 2, 2, 2] as const;
    const x = next(40 * 28 * 28 * 6), coef = next(6), bias = next(6), y = next(40 * 14 * 14 * 6);
    k.subsample(x, coef, bias, y, ...g, 2);
    k.subsampleGradInput(y, coef, next(40 * 28 * 28 * 6), ...g);
    k.subsampleGradCoef(x, y, next(6), ...g);
    expect(at).toBeLessThan(FLOATS - 16);
  };
  it.runIf(nativeAvailable())('the same bits on 1, 2 and 3 threads, and run to run', () => {
    const one = run(1, step);
    for (const threads of [2, 3, 3]) {
      const other = run(threads, step);
      const differs = one.findIndex((bits, i) => bits !== other[i]);
      expect(differs, `${threads} threads`).toBe(-1);
    }
  });
});
