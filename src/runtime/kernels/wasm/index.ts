/**
 * The fast kernels: the Kernels interface on the exports of ./assembly. Each entry says whether
 * it splits over threads: `split(export, args, work)` runs an export whose last two parameters
 * are (t, T) over every thread, `serial(export)` is an export that runs on this thread alone —
 * softmax and the losses (small: the batch times the classes), copy (one memory.copy) and
 * subsampleGradCoef (a reduction over the whole batch).
 */
import type { Kernels } from '../types.js';
import type { Exports, Threads } from './threads.js';

/**
 * `scratch` is room for transformed weights (the largest parameter, twice); `zeros`, as many
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
  return {
    conv2d(x, w, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, act) {
      const flops = n * OH * OW * F * KH * KW * C;
      const F4 = ceil4(F);
      let wp = w;
      if (F4 !== F) {
        ex.padColumns!(w, scratch, KH * KW * C, F, F4);
        wp = scratch;
      }
      split('conv2d', [x, wp, F4, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, act, zeros], flops);
    },
    conv2dGradInput(dz, w, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL) {
      const C4 = ceil4(C);
      ex.transposeWeights!(w, scratch, KH * KW, C, F, C4);
      split('conv2dGradInput', [dz, scratch, C4, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL], n * OH * OW * F * KH * KW * C);
    },
    conv2dGradFilter(x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL) {
      split('conv2dGradFilter', [x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL], n * OH * OW * F * KH * KW * C);
    },
    biasGrad: (dz, db, rows, F) => split('biasGrad', [dz, db, rows, F], rows * F),
    dense: (x, w, b, y, n, K, U, act) => split('gemm', [x, K, w, U, y, U, n, U, K, b, act], n * K * U),
    denseGradInput(dz, w, dx, n, K, U) {
      split('transpose', [w, scratch, K, U], K * U * 4);
      split('gemm', [dz, U, scratch, K, dx, K, n, K, U, -1, 0], n * K * U);
    },
    denseGradWeight: (x, dz, dw, n, K, U) => split('gemmTN', [x, K, dz, U, dw, U, K, U, n], n * K * U),
    activation: (x, y, size, act) => split('activation', [x, y, size, act], size * 8),
    activationGrad: (y, dy, dx, size, act) => split('activationGrad', [y, dy, dx, size, act], size),
    softmax: serial('softmax'),
    softmaxGrad: serial('softmaxGrad'),
    avgpool: (x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      split('avgpool', [x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    avgpoolGrad: (dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      split('avgpoolGrad', [dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    avgpoolGradActivation: (dy, y, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, act) =>
      split('avgpoolGradActivation', [dy, y, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, act], n * OH * OW * C * PH * PW * 2),
    maxpool: (x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      split('maxpool', [x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    maxpoolGrad: (x, dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      split('maxpoolGrad', [x, dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    add: (a, b, y, size) => split('add', [a, b, y, size], size),
    copyChannels: (x, y, rows, cIn, cOut, offset) => split('copyChannels', [x, y, rows, cIn, cOut, offset], rows * cIn),
    sliceChannels: (dy, dx, rows, cIn, cOut, offset) => split('sliceChannels', [dy, dx, rows, cIn, cOut, offset], rows * cIn),
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
    countCorrect: serial('countCorrect'),
    affine: (x, y, size, scale, shift) => split('affine', [x, y, size, scale, shift], size),
    mul: (a, b, y, size) => split('mul', [a, b, y, size], size),
    subsample: (x, coef, bias, y, n, H, W, C, OH, OW, PH, PW, SH, SW, act) =>
      split('subsample', [x, coef, bias, y, n, H, W, C, OH, OW, PH, PW, SH, SW, act], n * OH * OW * C * PH * PW * 4),
    subsampleGradInput: (dz, coef, dx, n, H, W, C, OH, OW, PH, PW, SH, SW) =>
      split('subsampleGradInput', [dz, coef, dx, n, H, W, C, OH, OW, PH, PW, SH, SW], n * OH * OW * C * PH * PW),
    subsampleGradCoef: serial('subsampleGradCoef'),
    rbf: (x, w, y, n, K, U) => split('rbf', [x, w, y, n, K, U], n * K * U),
    rbfGradInput: (x, w, dy, dx, n, K, U) => split('rbfGradInput', [x, w, dy, dx, n, K, U], n * K * U),
    rbfMap: serial('rbfMap'),
    rbfMapGrad: serial('rbfMapGrad'),
    sgd: (p, g, size, lr) => split('sgd', [p, g, size, lr], size),
    momentum: (p, g, acc, size, lr, mu, nesterov) => split('momentum', [p, g, acc, size, lr, mu, nesterov], size),
    adam: (p, g, m, v, size, lr, b1, b2, eps, t) => split('adam', [p, g, m, v, size, lr, b1, b2, eps, t], size * 4),
  };
}
