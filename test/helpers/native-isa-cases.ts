/**
 * The native convolution kernels against the reference on one instruction set: the micro-kernels
 * are chosen once per process (NETC_NATIVE_ISA caps the choice, gemm.cc), so each capped build has
 * a test file of its own (vitest runs each file in a fresh process) that sets the variable before
 * the first kernel call and calls this. The shapes send a call down each path chosen by shape:
 * the input gradient by scattered windows (batches of at least 16 images of at least 24 output
 * pixels, up to 64 input channels, conv-grad-scatter.cc), by input rows (conv-grad-rows.cc) with
 * stride, padding and dilation, or gathered (more channels, 1×1); the filter gradient transposed
 * (below two vectors of filters, conv-grad-filter.cc) or plain; one input channel in lanes, as many
 * as the build's vectors hold (conv-single.cc); on one thread and three.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nativeAddon } from '../../src/runtime/kernels/native/addon.js';
import { closeFastPools, compare } from './fast-compare.js';

const conv = (n: number, H: number, W: number, C: number, F: number, K: number, S: number, P: number, D = 1) => ({
  n, H, W, C, F, K, S, P, D,
  OH: Math.floor((H + 2 * P - (K - 1) * D - 1) / S) + 1,
  OW: Math.floor((W + 2 * P - (K - 1) * D - 1) / S) + 1,
});

const SHAPES = [
  conv(4, 14, 14, 6, 16, 5, 1, 0), // LeNet's C3: input gradient by rows
  conv(1, 12, 11, 3, 20, 3, 1, 1), // batch 1, 'same', 20 filters: rows split over threads
  conv(3, 15, 13, 5, 9, 7, 2, 3), // 7×7 stride 2: rows an output row skips
  conv(2, 11, 12, 4, 7, 3, 1, 2, 2), // dilated
  conv(2, 9, 9, 1, 6, 5, 1, 2), // one input channel
  conv(3, 28, 28, 1, 6, 5, 1, 0), // LeNet's C1: one channel in lanes (16, 8 or 4 by the build), whole runs of 6 filters
  conv(2, 11, 13, 1, 10, 3, 1, 1), // one channel, 10 filters: a block of 8 through the transpose, then 2
  conv(2, 7, 21, 1, 16, 3, 1, 1), // one channel, 16 filters, rows of 21 pixels: short last steps
  conv(3, 10, 10, 17, 12, 3, 2, 1), // 17 channels, stride 2: by rows
  conv(2, 6, 7, 130, 20, 3, 2, 1), // 130 channels: the gather form, four phases
  conv(2, 7, 7, 9, 33, 1, 1, 0), // 1×1 with few channels: the gather form, the plain filter gradient
  conv(2, 8, 9, 5, 40, 3, 1, 1), // 40 filters: the plain filter gradient, 3×3
  conv(17, 10, 9, 3, 10, 3, 2, 2, 2), // 17 images of 25 pixels, stride 2, dilated: scattered windows
];

export function describeNativeIsa(isa: 'avx2' | 'portable'): void {
  const load = nativeAddon();
  afterAll(closeFastPools);
  it.runIf(load.addon)(`the matrix kernels run on ${isa}`, () => {
    // AVX2 where the CPU has it; a CPU without it runs the portable build under either cap
    expect([isa, 'portable']).toContain(load.addon!.isa());
  });
  describe.each([1, 3])(`native kernels capped at ${isa} on %i thread(s) equal the reference`, (threads) => {
    const on = { build: 'native' as const, threads };
    describe.each(SHAPES)('conv $n×$H×$W×$C, $F filters $K×$K, stride $S, padding $P, dilation $D', (c) => {
      const g = [c.n, c.H, c.W, c.C, c.OH, c.OW, c.F, c.K, c.K, c.S, c.S, c.P, c.P, c.D, c.D] as const;
      it.runIf(load.addon)('forward, input gradient and filter gradient', () =>
        compare(
          {
            buffers: {
              x: c.n * c.H * c.W * c.C, w: c.K * c.K * c.C * c.F, b: c.F, y: c.n * c.OH * c.OW * c.F,
              dz: c.n * c.OH * c.OW * c.F, dx: c.n * c.H * c.W * c.C, dw: c.K * c.K * c.C * c.F,
            },
            outputs: ['y', 'dx', 'dw'],
            call: (k, a) => {
              k.conv2dDilated(a.x!, a.w!, a.b!, a.y!, ...g, 1);
              k.conv2dDilatedGradInput(a.dz!, a.w!, a.dx!, ...g);
              k.conv2dDilatedGradFilter(a.x!, a.dz!, a.dw!, ...g);
            },
          },
          on,
        ),
      );
    });
  });
}
