/**
 * The fast kernels of dilated and bias-free convolution, depthwise convolution and global pooling
 * against the reference kernels (test/helpers/fast-compare.ts), on both builds and on one thread
 * and three: odd sizes, every depth-multiplier path (1, 2, 3 and 4: one load, a pair, lanes and a
 * splat), kernels 1 to 7, stride and padding before and after, channels 1 to 256.
 */
import { afterAll, describe, it } from 'vitest';
import { Act } from '../../src/runtime/kernels/types.js';
import { closeFastPools, compare, TARGETS } from '../helpers/fast-compare.js';

afterAll(closeFastPools);

const conv = (n: number, H: number, W: number, C: number, F: number, K: number, S: number, P: number) => ({
  n, H, W, C, F, K, S, P,
  OH: Math.floor((H + 2 * P - K) / S) + 1,
  OW: Math.floor((W + 2 * P - K) / S) + 1,
});

/** Dilated convolutions: taps DH rows and DW columns apart, so windows span (K − 1)·D + 1 pixels. */
const dilated = (n: number, H: number, W: number, C: number, F: number, K: number, S: number, P: number, DH: number, DW: number) => ({
  ...conv(n, H, W, C, F, K, S, P),
  OH: Math.floor((H + 2 * P - (K - 1) * DH - 1) / S) + 1,
  OW: Math.floor((W + 2 * P - (K - 1) * DW - 1) / S) + 1,
  DH,
  DW,
});
const DILATED = [
  dilated(2, 12, 11, 3, 5, 3, 1, 2, 2, 2), // 'same' for a dilation of 2
  dilated(2, 9, 13, 1, 6, 3, 1, 0, 2, 2), // one input channel, 6 filters
  dilated(3, 14, 14, 8, 12, 3, 1, 4, 4, 4),
  dilated(2, 11, 9, 4, 7, 2, 2, 1, 3, 3), // stride 2 as well
  dilated(1, 10, 12, 3, 9, 3, 1, 1, 2, 1), // rows spaced, columns adjacent
  dilated(16, 16, 16, 16, 16, 3, 1, 2, 2, 2), // enough work to split over threads
];

/** Depthwise convolutions, [PT, PB] rows (and columns) of padding: an odd 'same' total puts the extra after. */
const depthwise = (n: number, H: number, W: number, C: number, M: number, K: number, S: number, PT: number, PB: number) => ({
  n, H, W, C, M, K, S, PT, PB,
  OH: Math.floor((H + PT + PB - K) / S) + 1,
  OW: Math.floor((W + PT + PB - K) / S) + 1,
});
const DEPTHWISE = [
  depthwise(2, 9, 9, 8, 1, 3, 1, 1, 1),
  depthwise(1, 7, 11, 5, 1, 5, 1, 2, 2), // odd channels, 5×5
  depthwise(3, 8, 8, 1, 1, 3, 1, 0, 0), // one channel
  depthwise(2, 10, 9, 3, 2, 3, 2, 1, 1), // multiplier 2, stride 2
  depthwise(1, 6, 7, 4, 3, 2, 1, 0, 1), // multiplier 3, even kernel, 'same' (extra row and column after)
  depthwise(2, 12, 12, 16, 4, 7, 1, 3, 3), // multiplier 4, 7×7
  depthwise(4, 9, 9, 17, 1, 3, 2, 1, 1), // stride 2, 17 channels
  depthwise(16, 14, 14, 32, 1, 3, 1, 1, 1), // enough work to split over threads
  depthwise(2, 5, 6, 256, 1, 3, 1, 1, 1), // 256 channels
];

describe.each(TARGETS)('fast kernels, the $build build on $threads thread(s), equal the reference', (on) => {
  describe.each(DILATED)('dilated conv $n×$H×$W×$C, $F filters $K×$K dilated $DH×$DW, stride $S, padding $P', (c) => {
    const g = [c.n, c.H, c.W, c.C, c.OH, c.OW, c.F, c.K, c.K, c.S, c.S, c.P, c.P, c.DH, c.DW] as const;
    it.each([Act.linear, Act.relu])('forward, activation %i, with a bias and without', (act) =>
      compare(
        {
          buffers: { x: c.n * c.H * c.W * c.C, w: c.K * c.K * c.C * c.F, b: c.F, y: c.n * c.OH * c.OW * c.F, y0: c.n * c.OH * c.OW * c.F },
          outputs: ['y', 'y0'],
          call: (k, a) => {
            k.conv2dDilated(a.x!, a.w!, a.b!, a.y!, ...g, act);
            k.conv2dDilated(a.x!, a.w!, -1, a.y0!, ...g, act);
          },
        },
        on,
      ),
    );
    it('input and filter gradients', () =>
      compare(
        {
          buffers: { x: c.n * c.H * c.W * c.C, dz: c.n * c.OH * c.OW * c.F, w: c.K * c.K * c.C * c.F, dx: c.n * c.H * c.W * c.C, dw: c.K * c.K * c.C * c.F },
          outputs: ['dx', 'dw'],
          call: (k, a) => {
            k.conv2dDilatedGradInput(a.dz!, a.w!, a.dx!, ...g);
            k.conv2dDilatedGradFilter(a.x!, a.dz!, a.dw!, ...g);
          },
        },
        on,
      ));
  });

  it('conv2d without a bias (b = −1)', () => {
    const c = conv(2, 11, 10, 4, 8, 3, 2, 1);
    compare(
      {
        buffers: { x: c.n * c.H * c.W * c.C, w: c.K * c.K * c.C * c.F, y: c.n * c.OH * c.OW * c.F },
        outputs: ['y'],
        call: (k, a) => k.conv2d(a.x!, a.w!, -1, a.y!, c.n, c.H, c.W, c.C, c.OH, c.OW, c.F, c.K, c.K, c.S, c.S, c.P, c.P, Act.tanh),
      },
      on,
    );
  });

  describe.each(DEPTHWISE)('depthwise conv $n×$H×$W×$C, multiplier $M, kernel $K×$K, stride $S, padding $PT/$PB', (c) => {
    const g = [c.n, c.H, c.W, c.C, c.OH, c.OW, c.M, c.K, c.K, c.S, c.S, c.PT, c.PT] as const;
    const sizes = { x: c.n * c.H * c.W * c.C, w: c.K * c.K * c.C * c.M, y: c.n * c.OH * c.OW * c.C * c.M };
    it.each([Act.linear, Act.tanh, Act.relu])('forward, activation %i, with a bias and without', (act) =>
      compare(
        {
          buffers: { x: sizes.x, w: sizes.w, b: c.C * c.M, y: sizes.y, y0: sizes.y },
          outputs: ['y', 'y0'],
          call: (k, a) => {
            k.depthwiseConv2d(a.x!, a.w!, a.b!, a.y!, ...g, act);
            k.depthwiseConv2d(a.x!, a.w!, -1, a.y0!, ...g, act);
          },
        },
        on,
      ),
    );
    it('input and filter gradients', () =>
      compare(
        {
          buffers: { x: sizes.x, dz: sizes.y, w: sizes.w, dx: sizes.x, dw: sizes.w },
          outputs: ['dx', 'dw'],
          call: (k, a) => {
            k.depthwiseConv2dGradInput(a.dz!, a.w!, a.dx!, ...g);
            k.depthwiseConv2dGradFilter(a.x!, a.dz!, a.dw!, ...g);
          },
        },
        on,
      ));
  });

  it.each([
    [1, 1, 1],
    [3, 49, 5],
    [2, 16, 16],
    [7, 9, 33],
    [2, 100, 3],
    [8, 36, 160], // enough work to split over threads
  ])('global pooling of %i images of %i pixels × %i channels, forward and gradients', (n, HW, C) =>
    compare(
      {
        buffers: { x: n * HW * C, ya: n * C, ym: n * C, dy: n * C, dxa: n * HW * C, dxm: n * HW * C },
        outputs: ['ya', 'ym', 'dxa', 'dxm'],
        call: (k, a) => {
          k.globalAvgpool(a.x!, a.ya!, n, HW, C);
          k.globalMaxpool(a.x!, a.ym!, n, HW, C);
          k.globalAvgpoolGrad(a.dy!, a.dxa!, n, HW, C);
          k.globalMaxpoolGrad(a.x!, a.dy!, a.dxm!, n, HW, C);
        },
      },
      on,
    ),
  );
});
