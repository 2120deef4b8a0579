/**
 * Every fast kernel against its reference kernel on random inputs, with shapes that are not
 * multiples of the vector width, batches of 1 and odd sizes, padding and strides, on one thread
 * and on three: both builds of the WebAssembly kernels — the relaxed-SIMD one Node runs by default
 * and the plain-SIMD one engines without relaxed SIMD run (module.ts) — and the native kernels.
 *
 * Tolerance: |fast − reference| ≤ 2e-5 · max(1, the largest |reference| in that output) — the
 * two sum in different orders in float32. The transcendentals have their own figures below.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { normalCdf, normalPdf } from '../../src/runtime/kernels/reference/erf.js';
import { Act } from '../../src/runtime/kernels/types.js';
import { allocateTarget, BUILDS, closeFastPools, compare, TARGETS } from '../helpers/fast-compare.js';
import { testWarps } from '../helpers/warps.js';

afterAll(closeFastPools);

const conv = (n: number, H: number, W: number, C: number, F: number, K: number, S: number, P: number, KW = K) => {
  const OH = Math.floor((H + 2 * P - K) / S) + 1;
  const OW = Math.floor((W + 2 * P - KW) / S) + 1;
  return { n, H, W, C, F, K, KW, S, P, OH, OW };
};
const CONVS = [
  conv(3, 28, 28, 1, 6, 5, 1, 0), // LeNet's C1, 3 images
  conv(16, 28, 28, 1, 6, 5, 1, 0), // 16 images: enough work that every kernel splits over threads
  conv(1, 12, 12, 6, 16, 5, 1, 0), // C3, batch 1
  conv(5, 9, 7, 3, 5, 3, 1, 1), // odd everything, padding 1
  conv(2, 11, 10, 4, 8, 3, 2, 1), // stride 2
  conv(3, 6, 6, 7, 3, 1, 1, 0), // 1×1
  conv(2, 8, 8, 2, 12, 4, 1, 2), // even kernel, wide padding
  // one input channel at stride 1 with a filter count that is not a multiple of 4 takes the
  // pixels-in-lanes path (rowTiles12): rows of 15 and 25 outputs end in leftover pixels, 7 and
  // 1 filters end in a partial group of 3, and padding sends a row's start to the general path
  conv(2, 9, 17, 1, 7, 3, 1, 0),
  conv(1, 6, 29, 1, 1, 5, 1, 0),
  conv(2, 14, 14, 1, 5, 5, 1, 2),
  // outputs narrower than 8 pixels: the forward pass gathers their windows rather than reading
  // rows of one or a few pixels in place, and the input gradient groups input rows over images
  // (here 7 images of one output pixel, as LeNet's C5; and 29 images of 4, groups of 6 and a last of 5)
  conv(7, 5, 5, 5, 9, 5, 1, 0),
  conv(29, 7, 6, 3, 11, 3, 1, 0),
  // 45 filters: a block of 32 columns and one of 13; 1 287 pixels: row blocks of 24, split evenly and short
  conv(9, 11, 13, 7, 45, 3, 1, 1),
  // one input channel, 19 images: the filter gradient's chunks of 2 images and a last of 1; 10
  // filters, a block of 8 and one of 2; 9 taps in blocks of 3; a 2×4 kernel's 8 taps end in a
  // block of 2, a 1×4 kernel's in a block of 1
  conv(19, 10, 9, 1, 10, 3, 1, 1),
  conv(5, 9, 11, 1, 6, 2, 1, 0, 4),
  conv(3, 7, 12, 1, 3, 1, 1, 0, 4),
  // padding wider than the kernel: some windows lie wholly in the padding (the input gradient's
  // clipped runs of a window row are empty there)
  conv(2, 6, 7, 3, 4, 3, 1, 3),
  // 17 images of 72 pixels, 5 channels: the native input gradient by scattered windows, and the
  // transposed filter gradient (7 filters) over 5 chunks of 256 pixels
  conv(17, 9, 8, 5, 7, 3, 1, 1),
];

/** The activations after the first five (alpha, when they have one: ALPHA), and their inputs' span in the elementwise case. */
const LATER_ACTS = [Act.leaky_relu, Act.elu, Act.gelu, Act.swish, Act.softplus];
const ALPHA = 0.2;
const SPAN = 8;


describe.each(TARGETS)('fast kernels, the $build build on $threads thread(s), equal the reference', (on) => {
  describe.each(CONVS)('conv $n×$H×$W×$C, $F filters $K×$KW, stride $S, padding $P', (c) => {
    const common = [c.n, c.H, c.W, c.C, c.OH, c.OW, c.F, c.K, c.KW, c.S, c.S, c.P, c.P] as const;
    it.each([Act.linear, Act.tanh, Act.relu, Act.sigmoid, Act.scaled_tanh, ...LATER_ACTS])('forward, activation %i', (act) =>
      compare(
        {
          buffers: { x: c.n * c.H * c.W * c.C, w: c.K * c.KW * c.C * c.F, b: c.F, y: c.n * c.OH * c.OW * c.F },
          outputs: ['y'],
          call: (k, a) => k.conv2d(a.x!, a.w!, a.b!, a.y!, ...common, act, ALPHA),
        },
        on,
      ),
    );
    it('input gradient', () =>
      compare(
        {
          buffers: { dz: c.n * c.OH * c.OW * c.F, w: c.K * c.KW * c.C * c.F, dx: c.n * c.H * c.W * c.C },
          outputs: ['dx'],
          call: (k, a) => k.conv2dGradInput(a.dz!, a.w!, a.dx!, ...common),
        },
        on,
      ));
    it('filter gradient and bias gradient', () =>
      compare(
        {
          buffers: { x: c.n * c.H * c.W * c.C, dz: c.n * c.OH * c.OW * c.F, dw: c.K * c.KW * c.C * c.F, db: c.F },
          outputs: ['dw', 'db'],
          call: (k, a) => {
            k.conv2dGradFilter(a.x!, a.dz!, a.dw!, ...common);
            k.biasGrad(a.dz!, a.db!, c.n * c.OH * c.OW, c.F);
          },
        },
        on,
      ));
  });

  describe.each([
    [1, 256, 120],
    [128, 120, 84],
    [7, 84, 10],
    [5, 13, 3],
  ])('dense %i × %i → %i', (n, K, U) => {
    it.each([Act.linear, Act.tanh, Act.relu, ...LATER_ACTS])('forward, activation %i', (act) =>
      compare({ buffers: { x: n * K, w: K * U, b: U, y: n * U }, outputs: ['y'], call: (k, a) => k.dense(a.x!, a.w!, a.b!, a.y!, n, K, U, act, ALPHA) }, on),
    );
    it('gradients', () =>
      compare(
        {
          buffers: { x: n * K, w: K * U, dz: n * U, dx: n * K, dw: K * U },
          outputs: ['dx', 'dw'],
          call: (k, a) => {
            k.denseGradInput(a.dz!, a.w!, a.dx!, n, K, U);
            k.denseGradWeight(a.x!, a.dz!, a.dw!, n, K, U);
          },
        },
        on,
      ));
  });

  describe.each([
    [3, 24, 24, 6, 2, 2, 0],
    [16, 24, 24, 6, 2, 2, 0], // enough work to split over threads
    [2, 9, 7, 3, 2, 2, 0], // 2×2 windows that leave the last row and column unread
    [2, 9, 10, 5, 3, 3, 0], // 3×3 windows that tile the image: the general tiled path
    [1, 7, 7, 5, 3, 2, 1],
    [2, 8, 8, 16, 2, 2, 0],
    // channel counts on both sides of 16 (below it, whole windows inside the image run as one flat
    // loop over a row; clipped windows and wider channels pixel by pixel), overlapping windows,
    // padding that clips windows at both ends, rows and columns no window reads
    [1, 7, 9, 1, 2, 2, 0],
    [2, 11, 13, 3, 3, 2, 1],
    [4, 5, 5, 7, 2, 1, 0],
    [2, 6, 6, 15, 3, 3, 2],
    [2, 9, 9, 17, 2, 2, 1],
    [1, 10, 7, 33, 3, 1, 1],
    [3, 12, 12, 130, 2, 2, 0],
  ])('pooling %i×%i×%i×%i, window %i, stride %i, padding %i', (n, H, W, C, P, S, pad) => {
    const OH = Math.floor((H + 2 * pad - P) / S) + 1;
    const OW = Math.floor((W + 2 * pad - P) / S) + 1;
    const g = [n, H, W, C, OH, OW, P, P, S, S, pad, pad] as const;
    it('average and max, forward and gradient', () =>
      compare(
        {
          buffers: { x: n * H * W * C, y: n * OH * OW * C, m: n * OH * OW * C, dy: n * OH * OW * C, dxa: n * H * W * C, dxm: n * H * W * C },
          outputs: ['y', 'm', 'dxa', 'dxm'],
          call: (k, a) => {
            k.avgpool(a.x!, a.y!, ...g);
            k.maxpool(a.x!, a.m!, ...g);
            k.avgpoolGrad(a.dy!, a.dxa!, ...g);
            k.maxpoolGrad(a.x!, a.dy!, a.dxm!, ...g);
          },
        },
        on,
      ));
    it.each([Act.tanh, Act.scaled_tanh, Act.relu, Act.sigmoid, ...LATER_ACTS])('average gradient fused with activation %i', (act) =>
      compare(
        {
          // x stands for the activation's output that the pool read
          buffers: { x: n * H * W * C, dy: n * OH * OW * C, dx: n * H * W * C },
          outputs: ['dx'],
          call: (k, a) => k.avgpoolGradActivation(a.dy!, a.x!, a.dx!, ...g, act, ALPHA),
        },
        on,
      ));
  });

  // every width of biasGrad's lanes: lcm(F, 16) widened to 128 floats (F = 1, 3, 6, 7, 13, 16),
  // lcm(120, 16) = 240, rows alone where the lcm passes 1024 (250, 1100); one row, rows that end
  // mid-lane-row, several chunks
  it.each([
    [1, 1], [5, 6], [3001, 6], [777, 7], [129, 13], [2049, 16], [33, 120], [9, 250], [3, 1100], [20000, 3],
  ])('bias gradient over %i rows of %i channels', (rows, F) =>
    compare({ buffers: { dz: rows * F, db: F }, outputs: ['db'], call: (k, a) => k.biasGrad(a.dz!, a.db!, rows, F) }, on),
  );

  it.each([1, 3, 4, 1001, 70001])('elementwise kernels over %i values', (size) =>
    compare(
      {
        buffers: { x: size, y: size, z: size, g: size, d: size, e: size, p: size, m: size, v: size, acc: size, q: size, r: size },
        positive: ['v'],
        outputs: ['y', 'z', 'g', 'd', 'e', 'p', 'm', 'v', 'acc', 'q', 'r'],
        call: (k, a) => {
          k.activation(a.x!, a.y!, size, Act.tanh);
          k.activationGrad(a.y!, a.x!, a.z!, size, Act.scaled_tanh);
          k.add(a.x!, a.z!, a.g!, size);
          k.dropout(a.x!, a.d!, size, 0.3, 12345, 7);
          k.dropoutGrad(a.z!, a.e!, size, 0.3, 12345, 7);
          k.adam(a.p!, a.x!, a.m!, a.v!, size, 0.01, 0.9, 0.999, 1e-7, 3);
          k.momentum(a.q!, a.x!, a.acc!, size, 0.1, 0.9, 1);
          k.sgd(a.r!, a.x!, size, 0.5);
        },
      },
      on,
    ),
  );

  describe.each(LATER_ACTS)('activation %i over inputs in [−8, 8)', (act) => {
    // x is scaled into s first; the gradient reads s as its saved value (y, or x for gelu and swish)
    it.each([1, 3, 5, 7, 1001, 70001])('forward, in place, and gradient over %i values', (size) =>
      compare(
        {
          buffers: { x: size, s: size, y: size, p: size, d: size },
          outputs: ['s', 'y', 'p', 'd'],
          call: (k, a) => {
            k.affine(a.x!, a.s!, size, SPAN, 0);
            k.activation(a.s!, a.y!, size, act, ALPHA);
            k.affine(a.x!, a.p!, size, SPAN, 0);
            k.activation(a.p!, a.p!, size, act, ALPHA);
            k.activationGrad(a.s!, a.x!, a.d!, size, act, ALPHA);
          },
        },
        on,
      ),
    );
  });

  it.each([1, 3, 4, 1001, 70001])('RMSprop (plain, centered, with momentum), weight decay and the L2 penalty over %i values', (size) =>
    compare(
      {
        buffers: { g: size, p: size, q: size, r: size, s1: size, s2: size, s3: size, mg: size, mom: size, d: size, l: 1 },
        positive: ['s1', 's2', 's3'],
        outputs: ['p', 'q', 'r', 's1', 's2', 's3', 'mg', 'mom', 'd', 'l'],
        call: (k, a) => {
          k.rmsprop(a.p!, a.g!, a.s1!, -1, -1, size, 0.01, 0.9, 0, 1e-7);
          // centered: ms − mg² + ε must stay positive, so start from ms ≥ 1 and |mg| ≤ 0.5
          k.affine(a.s2!, a.s2!, size, 1, 1);
          k.affine(a.mg!, a.mg!, size, 0.5, 0);
          k.rmsprop(a.q!, a.g!, a.s2!, a.mg!, a.mom!, size, 0.005, 0.8, 0.7, 1e-6);
          k.rmsprop(a.r!, a.g!, a.s3!, -1, a.mom!, size, 0.02, 0.95, 0.5, 1e-7);
          k.weightDecay(a.d!, size, 0.1, 0.3);
          k.l2Penalty(a.g!, a.l!, size, 0.0005);
        },
      },
      on,
    ),
  );

  it.each([
    [3 * 24 * 24, 6], // LeNet's C1: its channels end in a partial group of four
    [16 * 24 * 24, 6], // enough work that every kernel splits over threads
    [128, 120], // after a dense layer
    [7, 5],
    [5, 1],
  ])('batch normalization over %i rows of %i channels: statistics, forward, gradients, folding', (rows, C) =>
    compare(
      {
        buffers: {
          x: rows * C, dz: rows * C, g: C, b: C, w: 9 * C, bias: C, mean: C, v: C, y: rows * C, y2: rows * C,
          ds: C, db: C, dx: rows * C, dx2: rows * C, fw: 9 * C, fw2: 9 * C, fb: C, fb2: C, fb3: C,
        },
        outputs: ['mean', 'v', 'y', 'y2', 'ds', 'db', 'dx', 'dx2', 'fw', 'fw2', 'fb', 'fb2', 'fb3'],
        call: (k, a) => {
          k.channelMean(a.x!, a.mean!, rows, C);
          k.channelVariance(a.x!, a.mean!, a.v!, rows, C);
          k.batchnorm(a.x!, a.mean!, a.v!, a.g!, a.b!, a.y!, rows, C, 0.001, Act.tanh);
          k.batchnorm(a.x!, a.mean!, a.v!, -1, -1, a.y2!, rows, C, 0.01, Act.linear);
          k.batchnormGradScale(a.x!, a.mean!, a.v!, a.dz!, a.ds!, rows, C, 0.001);
          k.biasGrad(a.dz!, a.db!, rows, C);
          k.batchnormGradInput(a.x!, a.mean!, a.v!, a.g!, a.dz!, a.ds!, a.db!, a.dx!, rows, C, 0.001);
          k.batchnormGradInput(a.x!, a.mean!, a.v!, -1, a.dz!, a.ds!, a.db!, a.dx2!, rows, C, 0.001);
          k.batchnormFoldWeights(a.w!, a.v!, a.g!, a.fw!, 9, C, 0.001);
          k.batchnormFoldWeights(a.w!, a.v!, -1, a.fw2!, 9, C, 0.001);
          k.batchnormFoldBias(a.bias!, a.mean!, a.v!, a.g!, a.b!, a.fb!, C, 0.001);
          k.batchnormFoldBias(a.bias!, a.mean!, a.v!, -1, -1, a.fb2!, C, 0.001);
          k.batchnormFoldBias(-1, a.mean!, a.v!, a.g!, a.b!, a.fb3!, C, 0.001); // a layer without bias
        },
      },
      on,
    ),
  );

  it.each([
    [3, 28, 28, 6, 2, 2],
    [1, 10, 10, 16, 2, 2],
    [2, 6, 9, 5, 2, 2],
    [2, 9, 11, 3, 2, 2], // a last row and column no window reads
    [1, 12, 12, 17, 2, 2], // 17 channels: pixel by pixel
    [2, 11, 9, 7, 3, 2], // overlapping 3×3 windows
    [40, 14, 14, 1, 2, 2], // one channel, enough rows for several chunks of the coefficients' sum
  ])('the 1998 subsampling on %i×%i×%i×%i, window %i, stride %i, forward and gradients', (n, H, W, C, P, S) => {
    const OH = Math.floor((H - P) / S) + 1;
    const OW = Math.floor((W - P) / S) + 1;
    const g = [n, H, W, C, OH, OW, P, P, S, S] as const;
    compare(
      {
        buffers: { x: n * H * W * C, coef: C, b: C, y: n * OH * OW * C, yl: n * OH * OW * C, dz: n * OH * OW * C, dx: n * H * W * C, dc: C },
        outputs: ['y', 'yl', 'dx', 'dc'],
        call: (k, a) => {
          k.subsample(a.x!, a.coef!, a.b!, a.y!, ...g, Act.scaled_tanh);
          k.subsample(a.x!, a.coef!, a.b!, a.yl!, ...g, Act.leaky_relu, ALPHA);
          k.subsampleGradInput(a.dz!, a.coef!, a.dx!, ...g);
          k.subsampleGradCoef(a.x!, a.dz!, a.dc!, ...g);
        },
      },
      on,
    );
  });

  it.each([1, 7, 32])('RBF units and the MAP loss over %i rows, elementwise affine and mul', (n) =>
    compare(
      {
        buffers: { x: n * 84, w: 10 * 84, y: n * 10, t: n * 10, dy: n * 10, dx: n * 84, l: 1, g: n * 10, af: n * 84, m: n * 84 },
        oneHot: { t: 10 },
        outputs: ['y', 'dx', 'l', 'g', 'af', 'm'],
        call: (k, a) => {
          k.rbf(a.x!, a.w!, a.y!, n, 84, 10);
          k.rbfGradInput(a.x!, a.w!, a.dy!, a.dx!, n, 84, 10);
          k.rbfMap(a.y!, a.t!, a.l!, n, 10, 0.1);
          k.rbfMapGrad(a.y!, a.t!, a.g!, n, 10, 0.1);
          k.affine(a.x!, a.af!, n * 84, 1.275, -0.1);
          k.mul(a.x!, a.dx!, a.m!, n * 84);
        },
      },
      on,
    ),
  );

  it('data movement: copies, channel slices, padding', () =>
    compare(
      {
        // and a concat of 7000 rows: enough to split over threads
        buffers: { x: 3 * 5 * 4 * 3, y: 3 * 9 * 7 * 3, back: 3 * 5 * 4 * 3, cat: 60 * 7, sl: 60 * 3, cp: 60, big: 7000 * 5, bigCat: 7000 * 13, bigSl: 7000 * 5 },
        outputs: ['y', 'back', 'cat', 'sl', 'cp', 'bigCat', 'bigSl'],
        call: (k, a) => {
          k.pad(a.x!, a.y!, 3, 5, 4, 3, 2, 2, 1, 2);
          k.padGrad(a.y!, a.back!, 3, 5, 4, 3, 2, 2, 1, 2);
          k.copyChannels(a.x!, a.cat!, 60, 3, 7, 2);
          k.sliceChannels(a.cat!, a.sl!, 60, 3, 7, 4);
          k.copy(a.x!, a.cp!, 60);
          k.copyChannels(a.big!, a.bigCat!, 7000, 5, 13, 3);
          k.sliceChannels(a.bigCat!, a.bigSl!, 7000, 5, 13, 8);
        },
      },
      on,
    ));

  // 16 MNIST-sized images: enough work to split over threads; odd sizes and 3 channels
  it.each([
    [16, 28, 28, 1],
    [5, 9, 14, 3],
    [2, 7, 5, 2],
  ])('affine warp of %i images of %i×%i×%i', (n, H, W, C) =>
    compare(
      {
        buffers: { x: n * H * W * C, m: 6 * n, y: n * H * W * C },
        values: { m: testWarps(n, [H, W, C]) },
        outputs: ['y'],
        call: (k, a) => k.affineWarp(a.x!, a.y!, a.m!, n, H, W, C),
      },
      on,
    ),
  );

  it.each([1, 5, 128])('losses, softmax and accuracy over %i rows of 10', (n) =>
    compare(
      {
        buffers: { z: n * 10, p: n * 10, t: n * 10, l1: 1, l2: 1, l3: 1, g1: n * 10, g2: n * 10, g3: n * 10, s: n * 10, sg: n * 10 },
        positive: ['p'],
        oneHot: { t: 10 },
        outputs: ['l1', 'l2', 'l3', 'g1', 'g2', 'g3', 's', 'sg'],
        call: (k, a) => {
          k.crossEntropy(a.p!, a.t!, a.l1!, n, 10);
          k.crossEntropyGrad(a.p!, a.t!, a.g1!, n, 10);
          k.mse(a.p!, a.t!, a.l2!, n, 10);
          k.mseGrad(a.p!, a.t!, a.g2!, n, 10);
          k.softmaxCrossEntropy(a.z!, a.t!, a.l3!, n, 10);
          k.softmaxCrossEntropyGrad(a.z!, a.t!, a.g3!, n, 10);
          k.softmax(a.z!, a.s!, n, 10);
          k.softmaxGrad(a.s!, a.z!, a.sg!, n, 10);
          return k.countCorrect(a.z!, a.t!, n, 10);
        },
      },
      on,
    ),
  );
});

describe.each([...BUILDS, 'native' as const])('the fast transcendentals of the %s build', (build) => {
  // The rational tanh is documented as below 3.4e-7 absolute in float32 (kernels/wasm/assembly/math.ts);
  // the native tanh is the same function (kernels/native/csrc/activation.cc), its sigmoid exp-based.
  it('tanh is within 3.4e-7 of Math.tanh and sigmoid within 2e-7 of 1/(1+e^-x) over [-20, 20]', () => {
    const n = 400001;
    const fast = allocateTarget({ build, threads: 1 }, 4 * n);
    for (let i = 0; i < n; i++) fast.arena[i] = -20 + (40 * i) / (n - 1);
    fast.kernels.activation(0, n, n, Act.tanh);
    fast.kernels.activation(0, 2 * n, n, Act.sigmoid);
    let tanhErr = 0;
    let sigErr = 0;
    for (let i = 0; i < n; i++) {
      const x = fast.arena[i]!;
      tanhErr = Math.max(tanhErr, Math.abs(fast.arena[n + i]! - Math.tanh(x)));
      sigErr = Math.max(sigErr, Math.abs(fast.arena[2 * n + i]! - 1 / (1 + Math.exp(-x))));
    }
    fast.close();
    expect(tanhErr).toBeLessThan(3.4e-7);
    expect(sigErr).toBeLessThan(2e-7);
  });

  /**
   * The later functions against float64 (Φ and φ from the reference's erfc, itself checked against
   * the C library in test/runtime/erf.test.ts), on every 1e-4 of [−20, 20]: the worst absolute
   * error, and the worst relative one on a band. README.md quotes gelu's figures.
   */
  it.each([
    // act, truth, worst absolute error, [relative error bound, on x from, to]...
    ['gelu', Act.gelu, (x: number) => x * normalCdf(x), 4e-7, [[3e-7, 0, 20], [1.5e-6, -3, 0], [1e-5, -10, -3]]],
    ["gelu's gradient", Act.gelu, (x: number) => normalCdf(x) + x * normalPdf(x), 2e-7, []],
    ['elu (alpha 1)', Act.elu, (x: number) => (x > 0 ? x : Math.expm1(x)), 6e-8, [[1.2e-7, -20, 20]]],
    ['swish', Act.swish, (x: number) => x / (1 + Math.exp(-x)), 1.5e-6, [[2.5e-7, -20, 20]]],
    ["swish's gradient", Act.swish, (x: number) => { const s = 1 / (1 + Math.exp(-x)); return s * (1 + x * (1 - s)); }, 3e-7, []],
    ['softplus', Act.softplus, (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), 1e-6, [[3e-7, -20, 20]]],
  ] as const)('%s is within its bounds of float64 over [-20, 20]', (what, act, truth, absBound, bands) => {
    const n = 400001;
    const fast = allocateTarget({ build, threads: 1 }, 3 * n);
    for (let i = 0; i < n; i++) {
      fast.arena[i] = -20 + (40 * i) / (n - 1);
      fast.arena[n + i] = 1;
    }
    if (what.endsWith('gradient')) fast.kernels.activationGrad(0, n, 2 * n, n, act, 1);
    else fast.kernels.activation(0, 2 * n, n, act, 1);
    let abs = 0;
    const rel = bands.map(() => 0);
    for (let i = 0; i < n; i++) {
      const x = fast.arena[i]!;
      const want = truth(x);
      const err = Math.abs(fast.arena[2 * n + i]! - want);
      abs = Math.max(abs, err);
      bands.forEach(([, from, to], b) => {
        if (x >= from && x < to && want !== 0) rel[b] = Math.max(rel[b]!, err / Math.abs(want));
      });
    }
    fast.close();
    expect(abs).toBeLessThan(absBound);
    bands.forEach(([bound], b) => expect(rel[b], `relative error on band ${b}`).toBeLessThan(bound));
  });
});
