/**
 * The fast kernels: the Kernels interface on the exports of ./assembly. Each entry says whether
 * it splits over threads: `split(export, args, work)` runs an export whose last two parameters
 * are (t, T) over every thread, `serial(export)` is an export that runs on this thread alone —
 * softmax and the losses (small: the batch times the classes; an L2 penalty is one pass over a
 * layer's weights), copy (one memory.copy) and
 * subsampleGradCoef (a reduction over the whole batch).
 */
import { convKernelsOf, type Kernels } from '../types.js';
import type { Exports, Threads } from './threads.js';

/**
 * `scratch` is room for transformed weights (the largest parameter, four times); `zeros`, as many
 * floats that stay zero (the padding a convolution's border pixels read).
 */
export function fastKernels(ex: Exports, threads: Threads, scratch: number, zeros: number): Kernels {
  const split = threads.split;
  const serial = (name: string) => {
    const fn = ex[name];
    if (!fn) throw new Error(`the fast kernels have no '${name}': rebuild them with 'npm run build:kernels'`);
    return fn;
  };
  const ceil4 = (n: number) => (n + 3) & ~3;
  // The conv exports take the taps' spacing (DH, DW): 1 and 1 for an ordinary convolution.
  const conv: Kernels['conv2dDilated'] = (x, w, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, DH, DW, act, alpha = 0) => {
    const flops = n * OH * OW * F * KH * KW * C;
    const F4 = ceil4(F);
    let wp = w;
    if (F4 !== F) {
      ex.padColumns!(w, scratch, KH * KW * C, F, F4);
      wp = scratch;
    }
    // no bias (−1): the floats that stay zero stand in for one
    split('conv2d', [x, wp, F4, b < 0 ? zeros : b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, DH, DW, act, alpha, zeros], flops);
  };
  const convGradInput: Kernels['conv2dDilatedGradInput'] = (dz, w, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, DH, DW) => {
    const C4 = ceil4(C);
    ex.transposeWeights!(w, scratch, KH * KW, C, F, C4);
    split('conv2dGradInput', [dz, scratch, C4, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, DH, DW], n * OH * OW * F * KH * KW * C);
  };
  const convGradFilter: Kernels['conv2dDilatedGradFilter'] = (x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, DH, DW) =>
    split('conv2dGradFilter', [x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, DH, DW], n * OH * OW * F * KH * KW * C);
  return {
    ...convKernelsOf({ conv2dDilated: conv, conv2dDilatedGradInput: convGradInput, conv2dDilatedGradFilter: convGradFilter }),
    depthwiseConv2d: (x, w, b, y, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL, act, alpha = 0) =>
      split('depthwiseConv2d', [x, w, b < 0 ? zeros : b, y, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL, act, alpha], n * OH * OW * C * M * KH * KW),
    depthwiseConv2dGradInput: (dz, w, dx, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL) =>
      split('depthwiseConv2dGradInput', [dz, w, dx, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL], n * OH * OW * C * M * KH * KW),
    depthwiseConv2dGradFilter: (x, dz, dw, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL) =>
      split('depthwiseConv2dGradFilter', [x, dz, dw, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL], n * OH * OW * C * M * KH * KW),
    biasGrad: (dz, db, rows, F) => split('biasGrad', [dz, db, rows, F], rows * F),
    dense: (x, w, b, y, n, K, U, act, alpha = 0) => split('gemm', [x, K, w, U, y, U, n, U, K, b, act, alpha], n * K * U),
    denseGradInput(dz, w, dx, n, K, U) {
      split('transpose', [w, scratch, K, U], K * U * 4);
      split('gemm', [dz, U, scratch, K, dx, K, n, K, U, -1, 0, 0], n * K * U);
    },
    denseGradWeight: (x, dz, dw, n, K, U) => split('gemmTN', [x, K, dz, U, dw, U, K, U, n], n * K * U),
    activation: (x, y, size, act, alpha = 0) => split('activation', [x, y, size, act, alpha], size * 8),
    activationGrad: (y, dy, dx, size, act, alpha = 0) => split('activationGrad', [y, dy, dx, size, act, alpha], size),
    softmax: serial('softmax'),
    softmaxGrad: serial('softmaxGrad'),
    avgpool: (x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      split('avgpool', [x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    avgpoolGrad: (dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      split('avgpoolGrad', [dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    avgpoolGradActivation: (dy, y, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, act, alpha = 0) =>
      split('avgpoolGradActivation', [dy, y, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, act, alpha], n * OH * OW * C * PH * PW * 2),
    maxpool: (x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      split('maxpool', [x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    maxpoolGrad: (x, dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      split('maxpoolGrad', [x, dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    globalAvgpool: (x, y, n, HW, C) => split('globalAvgpool', [x, y, n, HW, C], n * HW * C),
    globalAvgpoolGrad: (dy, dx, n, HW, C) => split('globalAvgpoolGrad', [dy, dx, n, HW, C], n * HW * C),
    globalMaxpool: (x, y, n, HW, C) => split('globalMaxpool', [x, y, n, HW, C], n * HW * C),
    globalMaxpoolGrad: (x, dy, dx, n, HW, C) => split('globalMaxpoolGrad', [x, dy, dx, n, HW, C], n * HW * C * 2),
    add: (a, b, y, size) => split('add', [a, b, y, size], size),
    copyChannels: (x, y, rows, cIn, cOut, offset) => split('copyChannels', [x, y, rows, cIn, cOut, offset], rows * cIn),
    sliceChannels: (dy, dx, rows, cIn, cOut, offset) => split('sliceChannels', [dy, dx, rows, cIn, cOut, offset], rows * cIn),
    affineWarp: (x, y, warps, n, H, W, C) => split('affineWarp', [x, y, warps, n, H, W, C], n * H * W * C * 8),
    pad: (x, y, n, H, W, C, PT, PB, PL, PR) => split('pad', [x, y, n, H, W, C, PT, PB, PL, PR], n * H * W * C),
    padGrad: (dy, dx, n, H, W, C, PT, PB, PL, PR) => split('padGrad', [dy, dx, n, H, W, C, PT, PB, PL, PR], n * H * W * C),
    copy: serial('copy'),
    dropout: (x, y, size, rate, seed, salt) => split('dropout', [x, y, size, rate, seed, salt], size * 4),
    dropoutGrad: (dy, dx, size, rate, seed, salt) => split('dropout', [dy, dx, size, rate, seed, salt], size * 4),
    crossEntropy: serial('crossEntropy'),
    crossEntropyGrad: serial('crossEntropyGrad'),
    mse: serial('mse'),
    mseGrad: serial('mseGrad'),
    softmaxCrossEntropy: serial('softmaxCrossEntropy'),
    softmaxCrossEntropyGrad: serial('softmaxCrossEntropyGrad'),
    l2Penalty: serial('l2Penalty'),
    countCorrect: serial('countCorrect'),
    affine: (x, y, size, scale, shift) => split('affine', [x, y, size, scale, shift], size),
    mul: (a, b, y, size) => split('mul', [a, b, y, size], size),
    subsample: (x, coef, bias, y, n, H, W, C, OH, OW, PH, PW, SH, SW, act, alpha = 0) =>
      split('subsample', [x, coef, bias, y, n, H, W, C, OH, OW, PH, PW, SH, SW, act, alpha], n * OH * OW * C * PH * PW * 4),
    subsampleGradInput: (dz, coef, dx, n, H, W, C, OH, OW, PH, PW, SH, SW) =>
      split('subsampleGradInput', [dz, coef, dx, n, H, W, C, OH, OW, PH, PW, SH, SW], n * OH * OW * C * PH * PW),
    subsampleGradCoef: serial('subsampleGradCoef'),
    rbf: (x, w, y, n, K, U) => split('rbf', [x, w, y, n, K, U], n * K * U),
    rbfGradInput: (x, w, dy, dx, n, K, U) => split('rbfGradInput', [x, w, dy, dx, n, K, U], n * K * U),
    rbfMap: serial('rbfMap'),
    rbfMapGrad: serial('rbfMapGrad'),
    // statistics and γ's gradient split the channels (in groups of 4), the rest split the rows
    // (the normalization and the input's gradient after one call writes each channel's coefficients)
    channelMean: (x, mean, rows, C) => split('channelMean', [x, mean, rows, C], rows * C),
    channelVariance: (x, mean, v, rows, C) => split('channelVariance', [x, mean, v, rows, C], rows * C * 2),
    batchnorm(x, mean, v, g, b, y, rows, C, eps, act) {
      ex.batchnormCoefficients!(mean, v, g, b, scratch, C, ceil4(C), eps);
      split('batchnorm', [x, scratch, ceil4(C), y, rows, C, act], rows * C * 2);
    },
    batchnormGradScale: (x, mean, v, dz, ds, rows, C, eps) => split('batchnormGradScale', [x, mean, v, dz, ds, rows, C, eps], rows * C * 2),
    batchnormGradInput(x, mean, v, g, dz, ds, db, dx, rows, C, eps) {
      ex.batchnormGradCoefficients!(mean, v, g, ds, db, scratch, rows, C, ceil4(C), eps);
      split('batchnormGradInput', [x, dz, scratch, ceil4(C), dx, rows, C], rows * C * 2);
    },
    batchnormFoldWeights: (w, v, g, out, rows, C, eps) => split('batchnormFoldWeights', [w, v, g, out, rows, C, eps], rows * C),
    batchnormFoldBias: serial('batchnormFoldBias'),
    sgd: (p, g, size, lr) => split('sgd', [p, g, size, lr], size),
    momentum: (p, g, acc, size, lr, mu, nesterov) => split('momentum', [p, g, acc, size, lr, mu, nesterov], size),
    adam: (p, g, m, v, size, lr, b1, b2, eps, t) => split('adam', [p, g, m, v, size, lr, b1, b2, eps, t], size * 4),
    weightDecay: (p, size, lr, decay) => split('weightDecay', [p, size, lr, decay], size),
    rmsprop: (p, g, ms, mg, mom, size, lr, rho, mu, eps) => split('rmsprop', [p, g, ms, mg, mom, size, lr, rho, mu, eps], size * 4),
  };
}
